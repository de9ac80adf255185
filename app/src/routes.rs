//! Every page behind its own lazy route, so that a first visit downloads the
//! shared code and the one page it shows, not the whole app.
//!
//! Built with `cargo leptos build --split`, each page's view code goes into a
//! WebAssembly chunk of its own, fetched when the router first needs it.
//! Without `--split` the same code builds one bundle that holds every page.

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
    Customers => pages::customers::CustomersPage,
    CustomerOrders => pages::customers::CustomerOrdersPage,
    AuditLog => pages::access::AuditLogPage,
    Profile => pages::profile::ProfilePage,
    TwoStep => pages::two_step::TwoStepPage,
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
    let t = crate::use_lang().texts();
    view! { <p role="status">{t.loading}</p> }
}
