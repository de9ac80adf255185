//! Software downloads: the organization's software and its files. The
//! files themselves are served by the server at `/downloads/{id}`, which
//! checks access on every request.

use leptos::prelude::*;

use crate::domain::wire::DownloadsPage;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{http::Ctx, services::products};

#[server(endpoint = "get_downloads")]
pub async fn get_downloads() -> Result<DownloadsPage, AppError> {
    let cx = Ctx::signed_in().await?;
    Ok(DownloadsPage {
        products: products::downloads(cx.state(), cx.actor()).await?,
        user: cx.user().summary(),
    })
}
