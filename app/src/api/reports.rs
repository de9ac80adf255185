//! Reports: which ones the user may export. The CSV files themselves are
//! streamed by the server at `/reports/{report}.csv`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::UserSummary;
use crate::domain::Report;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub user: UserSummary,
    /// The reports this user may export.
    pub reports: Vec<Report>,
}

#[server(endpoint = "get_reports")]
pub async fn get_reports() -> Result<ReportsPage, AppError> {
    use crate::server::{http, reports};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            Ok(ReportsPage {
                reports: reports::available(&user)?,
                user: user.summary(),
            })
        }
        .await,
    )
}
