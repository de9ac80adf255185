//! Reports: which ones the user may export. The CSV files themselves are
//! streamed by the server at `/reports/{report}.csv`.

use crate::domain::wire::UserSummary;
use crate::domain::Report;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub user: UserSummary,
    /// The reports this user may export.
    pub reports: Vec<Report>,
}
