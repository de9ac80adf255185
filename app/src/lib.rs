// Leptos view types nest deeply.
#![recursion_limit = "256"]
//! Business Center: the pages, the server functions behind them, and the
//! types both the browser and the server use.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod hydration;
pub mod i18n;
pub mod in_place;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::domain::Lang;

/// The HTML document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = detect_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <hydration::HydrateAfterPaint options />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The interface language: on the server from the request, in the browser
/// from the `<html lang>` the server wrote, so both render the same words.
fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| api::context::request_lang(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code).ok())
            .unwrap_or_default()
    }
}

/// The language of the page being rendered. An island in the browser has
/// no context from the page around it, and reads `<html lang>`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_else(detect_lang)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = detect_lang();
    provide_context(lang);
    view! {
        <Title text=lang.texts().app_name />
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::Home ssr=SsrMode::Async />
                <Route
                    path=path!("/sign-in")
                    view=pages::sign_in::SignInPage
                />
                <Route
                    path=path!("/sign-in/code")
                    view=pages::sign_in::SignInCodePage
                />
                <Route
                    path=path!("/request-invitation")
                    view=pages::request_invitation::RequestInvitationPage
                />
                <Route
                    path=path!("/invitation/:token")
                    view=pages::invitation::InvitationPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/dashboard")
                    view=pages::dashboard::DashboardPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/agreements")
                    view=pages::agreements::AgreementsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/keys")
                    view=pages::keys::KeysPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/orders")
                    view=pages::orders::OrdersPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/licenses")
                    view=pages::orders::LicensesPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/downloads")
                    view=pages::downloads::DownloadsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/reports")
                    view=pages::reports::ReportsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/provisioning")
                    view=pages::provisioning::ProvisioningPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/manage-access")
                    view=pages::access::ManageAccessPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/manage-access/partners")
                    view=pages::access::PartnerVisibilityPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/domains")
                    view=pages::domains::DomainsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/customers")
                    view=pages::customers::CustomersPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/customers/:agreement")
                    view=pages::customers::CustomerOrdersPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/manage-access/audit")
                    view=pages::access::AuditLogPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/profile")
                    view=pages::profile::ProfilePage
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/two-step")
                    view=pages::two_step::TwoStepPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
