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
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
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

/// The language of the page being rendered.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
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
            <Routes fallback=pages::NotFound>
                // The frame around every page is the app's own, rendered
                // once and kept from one page to the next. Every page is
                // rendered whole on the server before it is sent (`Async`),
                // so that it works without script.
                <ParentRoute path=path!("") view=components::Frame ssr=SsrMode::Async>
                    <Route path=path!("/") view=pages::Home />
                    <Route path=path!("/sign-in") view={Lazy::<routes::SignIn>::new()} />
                    <Route path=path!("/sign-in/code") view={Lazy::<routes::SignInCode>::new()} />
                    <Route path=path!("/request-invitation") view={Lazy::<routes::RequestInvitation>::new()} />
                    <Route path=path!("/invitation/:token") view={Lazy::<routes::Invitation>::new()} />
                    <Route path=path!("/dashboard") view={Lazy::<routes::Dashboard>::new()} />
                    <Route path=path!("/agreements") view={Lazy::<routes::Agreements>::new()} />
                    <Route path=path!("/keys") view={Lazy::<routes::Keys>::new()} />
                    <Route path=path!("/orders") view={Lazy::<routes::Orders>::new()} />
                    <Route path=path!("/licenses") view={Lazy::<routes::Licenses>::new()} />
                    <Route path=path!("/downloads") view={Lazy::<routes::Downloads>::new()} />
                    <Route path=path!("/reports") view={Lazy::<routes::Reports>::new()} />
                    <Route path=path!("/provisioning") view={Lazy::<routes::Provisioning>::new()} />
                    <Route path=path!("/manage-access") view={Lazy::<routes::ManageAccess>::new()} />
                    <Route path=path!("/manage-access/partners") view={Lazy::<routes::PartnerVisibility>::new()} />
                    <Route path=path!("/domains") view={Lazy::<routes::Domains>::new()} />
                    <Route path=path!("/customers") view={Lazy::<routes::Customers>::new()} />
                    <Route path=path!("/customers/:agreement") view={Lazy::<routes::CustomerOrders>::new()} />
                    <Route path=path!("/manage-access/audit") view={Lazy::<routes::AuditLog>::new()} />
                    <Route path=path!("/profile") view={Lazy::<routes::Profile>::new()} />
                    <Route path=path!("/two-step") view={Lazy::<routes::TwoStep>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
