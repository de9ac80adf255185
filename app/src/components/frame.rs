//! The frame of every page: its header, the navigation built from the
//! user's roles, the language switch and the account menu.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::SignOut;
use crate::domain::wire::UserSummary;
use crate::domain::{Capability, Lang, Role};
use crate::i18n::use_lang;
use crate::i18n::Texts;

/// The label and page of each area of the Center (see `Capability::AREAS`).
pub fn area(capability: Capability, t: &'static Texts) -> Option<(&'static str, &'static str)> {
    Some(match capability {
        Capability::ManageCustomers => (t.area_customers, "/customers"),
        Capability::ViewAgreements => (t.area_agreements, "/agreements"),
        Capability::ViewOrders => (t.area_orders, "/orders"),
        Capability::ViewLicenses => (t.area_licenses, "/licenses"),
        Capability::ViewKeys => (t.area_keys, "/keys"),
        Capability::DownloadSoftware => (t.area_downloads, "/downloads"),
        Capability::ViewReports => (t.area_reports, "/reports"),
        Capability::ManageProvisioning => (t.area_provisioning, "/provisioning"),
        Capability::InviteUsers => (t.area_users, "/manage-access"),
        Capability::ManageDomains => (t.area_domains, "/domains"),
        Capability::ManageWebhooks => (t.area_webhooks, "/webhooks"),
        Capability::ManageSecurity => (t.area_sso, "/single-sign-on"),
        Capability::ManageUsers
        | Capability::ModifyAgreements
        | Capability::ViewAuditLog
        | Capability::ManagePartnerVisibility => return None,
    })
}

/// Whether an area belongs under the guide's Account menu rather than
/// among the areas.
fn in_account_menu(capability: Capability) -> bool {
    matches!(
        capability,
        Capability::InviteUsers
            | Capability::ManageDomains
            | Capability::ManageCustomers
            | Capability::ManageWebhooks
            | Capability::ManageSecurity
    )
}

/// The frame of every page: the name of the Center, the language switch,
/// and for a signed-in user their name opening My profile and Sign out.
#[component]
pub fn Layout(#[prop(optional)] user: Option<UserSummary>, children: Children) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let home = if user.is_some() {
        "/dashboard"
    } else {
        "/sign-in"
    };
    view! {
        <header class="top">
            <a class="brand" href=home>
                {t.app_name}
            </a>
            <nav class="top-right">
                <LanguageSwitch />
                {user.clone().map(|user| view! { <UserMenu user /> })}
            </nav>
        </header>
        {user.map(|user| view! { <AreaNav roles=user.roles /> })}
        <main class="page">{children()}</main>
    }
}

/// The areas the user's roles open, then the Account menu, on every
/// signed-in page; the page being shown is marked as current.
#[component]
fn AreaNav(roles: Vec<Role>) -> impl IntoView {
    let t = use_lang().texts();
    let location = use_location();
    let link = move |(label, href): (&'static str, &'static str)| {
        let current = move || {
            let path = location.pathname.get();
            (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
        };
        view! {
            <li>
                <a href=href aria-current=current>
                    {label}
                </a>
            </li>
        }
    };
    let open = |account: bool| {
        Capability::AREAS
            .into_iter()
            .filter(|capability| {
                in_account_menu(*capability) == account && Role::any_allows(&roles, *capability)
            })
            .filter_map(|capability| area(capability, t))
            .collect::<Vec<_>>()
    };
    let areas = open(false);
    let account = open(true);
    view! {
        <nav class="areas" aria-label=t.main_navigation>
            <ul>
                {link((t.dashboard, "/dashboard"))}
                {areas.into_iter().map(link).collect_view()}
            </ul>
            {(!account.is_empty())
                .then(|| {
                    view! {
                        <ul class="account-menu" aria-label=t.account_menu>
                            <li class="menu-name" aria-hidden="true">{t.account_menu}</li>
                            {account.into_iter().map(link).collect_view()}
                        </ul>
                    }
                })}
        </nav>
    }
}

/// A plain form (no script needed) that posts the chosen language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    // Back to this page in the other language.
    let pathname = use_location().pathname;
    let next = move || pathname.get();
    view! {
        <form class="language-switch" method="post" action="/language">
            <input type="hidden" name="next" value=next />
            <span class="visually-hidden">{lang.texts().language}</span>
            {Lang::ALL
                .into_iter()
                .filter(move |other| *other != lang)
                .map(|other| {
                    view! {
                        <button type="submit" name="lang" value=other.code() lang=other.code()>
                            {other.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}

#[component]
fn UserMenu(user: UserSummary) -> impl IntoView {
    let t = use_lang().texts();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <details class="user-menu">
            <summary>{user.full_name()}</summary>
            <ul>
                <li>
                    <a href="/profile">{t.my_profile}</a>
                </li>
                <li>
                    <ActionForm action=sign_out>
                        <button type="submit" class="link-button">
                            {t.sign_out}
                        </button>
                    </ActionForm>
                </li>
            </ul>
        </details>
    }
}
