// Leptos view types nest deeply.
#![recursion_limit = "256"]
//! Business Center: the pages, the server functions behind them, and the
//! types both the browser and the server use.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod hydration;
pub mod i18n;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

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
            .map(|parts| http::cookies::request_lang(&parts.headers))
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = detect_lang();
    provide_context(lang);
    components::Changes::provide();
    view! {
        <Title text=lang.texts().app_name />
        <Meta name="description" content=lang.texts().meta_description />
        <Router>
            // Catches the one error a route's view can be: its chunk not
            // arriving (see routes::ChunkFailed).
            <ErrorBoundary fallback=|_| view! { <routes::ChunkFailed /> }>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home ssr=SsrMode::Async />
                    <Route
                        path=path!("/sign-in")
                        view={Lazy::<routes::SignIn>::new()}
                    />
                    <Route
                        path=path!("/sign-in/code")
                        view={Lazy::<routes::SignInCode>::new()}
                    />
                    <Route
                        path=path!("/request-invitation")
                        view={Lazy::<routes::RequestInvitation>::new()}
                    />
                    <Route
                        path=path!("/invitation/:token")
                        view={Lazy::<routes::Invitation>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/dashboard")
                        view={Lazy::<routes::Dashboard>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/agreements")
                        view={Lazy::<routes::Agreements>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/keys")
                        view={Lazy::<routes::Keys>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/orders")
                        view={Lazy::<routes::Orders>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/licenses")
                        view={Lazy::<routes::Licenses>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/downloads")
                        view={Lazy::<routes::Downloads>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/reports")
                        view={Lazy::<routes::Reports>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/provisioning")
                        view={Lazy::<routes::Provisioning>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/manage-access")
                        view={Lazy::<routes::ManageAccess>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/manage-access/partners")
                        view={Lazy::<routes::PartnerVisibility>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/domains")
                        view={Lazy::<routes::Domains>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/webhooks")
                        view={Lazy::<routes::Webhooks>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/single-sign-on")
                        view={Lazy::<routes::Sso>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/customers")
                        view={Lazy::<routes::Customers>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/customers/:agreement")
                        view={Lazy::<routes::CustomerOrders>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/manage-access/audit")
                        view={Lazy::<routes::AuditLog>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/profile")
                        view={Lazy::<routes::Profile>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/two-step")
                        view={Lazy::<routes::TwoStep>::new()}
                        ssr=SsrMode::Async
                    />
                </Routes>
            </ErrorBoundary>
        </Router>
    }
}
