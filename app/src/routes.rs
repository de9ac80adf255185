//! Every page behind its own lazy route, so that a first visit downloads the
//! shared code and the one page it shows, not the whole app.
//!
//! Built with `cargo leptos build --split`, each page's view code goes into a
//! WebAssembly chunk of its own, fetched when the router first needs it.
//! Without `--split` the same code builds one bundle that holds every page.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages;

/// Declares one lazy route per page. A page loads its own data (resources
/// serialized into the server's HTML), so there is nothing to start before
/// the chunk arrives: `data()` is empty.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(_route: Self) -> AnyView {
                    $page().into_any()
                }
            }
        )*
    };
}

lazy_pages! {
    SignIn => pages::sign_in::SignInPage,
    SignInCode => pages::sign_in::SignInCodePage,
    RequestInvitation => pages::request_invitation::RequestInvitationPage,
    Invitation => pages::invitation::InvitationPage,
    Dashboard => pages::dashboard::DashboardPage,
    Agreements => pages::agreements::AgreementsPage,
    Keys => pages::keys::KeysPage,
    Orders => pages::orders::OrdersPage,
    Licenses => pages::orders::LicensesPage,
    Downloads => pages::downloads::DownloadsPage,
    Reports => pages::reports::ReportsPage,
    Provisioning => pages::provisioning::ProvisioningPage,
    ManageAccess => pages::access::ManageAccessPage,
    PartnerVisibility => pages::access::PartnerVisibilityPage,
    Domains => pages::domains::DomainsPage,
    Webhooks => pages::webhooks::WebhooksPage,
    Sso => pages::sso::SsoPage,
    Customers => pages::customers::CustomersPage,
    CustomerOrders => pages::customers::CustomerOrdersPage,
    AuditLog => pages::access::AuditLogPage,
    Profile => pages::profile::ProfilePage,
    TwoStep => pages::two_step::TwoStepPage,
}

/// Fetching the chunk of one page, for [`preload`].
pub type Preload = Pin<Box<dyn Future<Output = ()>>>;

/// What fetches the chunk of the page at `path` (an address of the app,
/// without its query), or `None` where no lazy route answers. The paths are
/// those of `App`'s routes; `server/tests/http.rs` checks that each of
/// them is here. Fetching twice is cheap: the split loader keeps a chunk
/// once it has it, and a failed fetch is tried again by the click.
pub fn preload(path: &str) -> Option<Preload> {
    fn fetch<R: LazyRoute>() -> Option<Preload> {
        Some(Box::pin(R::preload()))
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["sign-in"] => fetch::<SignIn>(),
        ["sign-in", "code"] => fetch::<SignInCode>(),
        ["request-invitation"] => fetch::<RequestInvitation>(),
        ["invitation", _] => fetch::<Invitation>(),
        ["dashboard"] => fetch::<Dashboard>(),
        ["agreements"] => fetch::<Agreements>(),
        ["keys"] => fetch::<Keys>(),
        ["orders"] => fetch::<Orders>(),
        ["licenses"] => fetch::<Licenses>(),
        ["downloads"] => fetch::<Downloads>(),
        ["reports"] => fetch::<Reports>(),
        ["provisioning"] => fetch::<Provisioning>(),
        ["manage-access"] => fetch::<ManageAccess>(),
        ["manage-access", "partners"] => fetch::<PartnerVisibility>(),
        ["manage-access", "audit"] => fetch::<AuditLog>(),
        ["domains"] => fetch::<Domains>(),
        ["webhooks"] => fetch::<Webhooks>(),
        ["single-sign-on"] => fetch::<Sso>(),
        ["customers"] => fetch::<Customers>(),
        ["customers", _] => fetch::<CustomerOrders>(),
        ["profile"] => fetch::<Profile>(),
        ["two-step"] => fetch::<TwoStep>(),
        _ => None,
    }
}

/// Starts fetching a page's chunk when a person shows they are about to
/// open it: the pointer comes over a link to it, a finger touches it, or
/// the keyboard focuses it. A pointer rests on a link a few hundred
/// milliseconds before the click, about what the chunks of a page not yet
/// visited take to arrive and compile; fetching every page's chunks up
/// front instead would cost a phone the whole app on its first visit.
#[cfg(feature = "hydrate")]
pub fn preload_on_intent() {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::rc::Rc;

    use leptos::ev;
    use leptos::wasm_bindgen::JsCast;

    let asked = Rc::new(RefCell::new(HashSet::<String>::new()));
    let on_intent = move |target: Option<web_sys::EventTarget>| {
        let Some(link) = target
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|link| link.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        if link.origin() != window().location().origin().unwrap_or_default() {
            return;
        }
        let path = link.pathname();
        if !asked.borrow_mut().insert(path.clone()) {
            return;
        }
        if let Some(fetching) = preload(&path) {
            leptos::task::spawn_local(fetching);
        }
    };
    let on_pointer = on_intent.clone();
    window_event_listener(ev::pointerover, move |event| on_pointer(event.target()));
    let on_touch = on_intent.clone();
    window_event_listener(ev::touchstart, move |event| on_touch(event.target()));
    window_event_listener(ev::focusin, move |event| on_intent(event.target()));
}

/// What a page shows when its chunk could not be fetched: after a deploy,
/// an open tab asks for a chunk name that no longer exists, and the lazy
/// route's view is an error (leptos#4785) caught by the `ErrorBoundary`
/// around the routes. The router has already moved to the page's address,
/// so loading that address as a document brings the new app and the page.
/// Not while the first page hydrates: its own chunk failing there would
/// fail the same way on every reload.
#[component]
pub fn ChunkFailed() -> impl IntoView {
    let url = leptos_router::hooks::use_url();
    Effect::new(move |_| {
        let live = document()
            .document_element()
            .is_some_and(|root| root.has_attribute("data-hydrated"));
        if !live {
            return;
        }
        let url = url.get_untracked();
        let mut href = url.path().to_owned();
        if !url.search().is_empty() {
            href.push('?');
            href.push_str(url.search());
        }
        let _ = window().location().assign(&href);
    });
    let t = crate::i18n::use_lang().texts();
    view! { <p role="status">{t.loading}</p> }
}
