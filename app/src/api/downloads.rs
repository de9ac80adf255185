//! Software downloads: the organization's software and its files. The
//! files themselves are served by the server at `/downloads/{id}`, which
//! checks access on every request.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::UserSummary;
use crate::error::AppError;

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

#[server(endpoint = "get_downloads")]
pub async fn get_downloads() -> Result<DownloadsPage, AppError> {
    use crate::server::{http, products};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            Ok(DownloadsPage {
                products: products::downloads(&state.db, &user).await?,
                user: user.summary(),
            })
        }
        .await,
    )
}
