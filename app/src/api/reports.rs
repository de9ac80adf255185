//! Reports: which ones the user may export. The CSV files themselves are
//! streamed by the server at `/reports/{report}.csv`.

use leptos::prelude::*;

use crate::domain::wire::ReportsPage;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{http::Ctx, services::reports};

#[server(endpoint = "get_reports")]
pub async fn get_reports() -> Result<ReportsPage, AppError> {
    let cx = Ctx::signed_in().await?;
    Ok(ReportsPage {
        reports: reports::available(cx.user())?,
        user: cx.user().summary(),
    })
}
