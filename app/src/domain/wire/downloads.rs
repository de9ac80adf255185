//! Software downloads: the organization's software and its files. The
//! files themselves are served by the server at `/downloads/{id}`, which
//! checks access on every request.

use crate::domain::wire::UserSummary;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadFile {
    pub id: i64,
    pub name: String,
    pub size_bytes: i64,
    /// So a downloader can check what arrived.
    pub sha256: String,
}

impl DownloadFile {
    pub fn href(&self) -> String {
        format!("/downloads/{}", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadProduct {
    pub product: String,
    pub version: String,
    pub files: Vec<DownloadFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadsPage {
    pub user: UserSummary,
    pub products: Vec<DownloadProduct>,
}
