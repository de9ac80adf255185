//! One module per page. Each is rendered on the server first and then
//! hydrated: in the browser the router handles every link, and a page's
//! code is a lazy route's chunk (`crate::routes`).

pub mod access;
pub mod agreements;
pub mod customers;
pub mod dashboard;
pub mod domains;
pub mod downloads;
pub mod invitation;
pub mod keys;
pub mod orders;
pub mod profile;
pub mod provisioning;
pub mod reports;
pub mod request_invitation;
pub mod sign_in;
pub mod sso;
pub mod two_step;
pub mod webhooks;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::{set_status, Layout};
use crate::i18n::use_lang;

/// `/`: the dashboard, which sends anyone not signed in to sign in.
#[component]
pub fn Home() -> impl IntoView {
    view! { <Redirect path="/dashboard" /> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let t = use_lang().texts();
    view! {
        <Layout>
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <p>
                <a href="/">{t.dashboard}</a>
            </p>
        </Layout>
    }
}
