//! Account → Manage access: inviting colleagues with the roles the
//! signed-in user may grant (the roles module decides which).

mod audit_log;
mod bulk_invite;
mod invite_form;
mod partners;
mod people;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::access::get_manage_users;
use crate::components::{signed_in_page, Layout, OpenForm};
use crate::domain::wire::ManageUsersView;
use crate::domain::{Capability, Role};
use crate::i18n::use_lang;

pub use audit_log::AuditLogPage;
use bulk_invite::BulkInvite;
use invite_form::{InviteForm, InvitePrefill};
pub use partners::PartnerVisibilityPage;
use people::{Open, PeopleList};

#[component]
pub fn ManageAccessPage() -> impl IntoView {
    // The list reads its own page of people (see `PeopleList`), again
    // after each change: a search, another page or a change to someone
    // leaves the rest of the page as it is.
    let query = use_query_map();
    let frame = Memo::new(move |_| {
        query.with(|query| {
            let mut query = query.clone();
            query.remove("q");
            query.remove("after");
            query
        })
    });
    let resource = Resource::new(
        move || frame.get(),
        |query| {
            let id = |name: &str| query.get(name).and_then(|id| id.parse::<i64>().ok());
            get_manage_users(id("bulk"), id("sent").or_else(|| id("resent")))
        },
    );
    let t = use_lang().texts();
    signed_in_page(resource, move |view| {
        view! {
            <Layout user=view.access.user.clone()>
                <h1>{t.manage_access}</h1>
                <AccessTabs roles=view.access.user.roles.clone() current=Tab::Users />
                    <ManageUsers view />
            </Layout>
        }
    })
}

/// Inviting (one or many), the confirmation of the latest invitation and
/// the people list, rendered on the server; what is open comes from the
/// address (`?invite=1`, `?edit-roles=<id>`, `?fix-address=<id>`) so that
/// it opens without script, and a reload or a pasted link shows the same.
#[component]
fn ManageUsers(view: ManageUsersView) -> impl IntoView {
    let t = use_lang().texts();
    let query = use_query_map().get_untracked();
    let id = |name: &str| query.get(name).and_then(|id| id.parse::<i64>().ok());
    let open = id("edit-roles")
        .map(Open::Roles)
        .or_else(|| id("fix-address").map(Open::Address));
    // The address comes from the server: the query only says which.
    let said = if query.get("sent").is_some() {
        t.invitation_sent_to
    } else {
        t.invitation_resent_to
    };
    let notice = view.sent_to.clone().map(|email| format!("{said} {email}"));
    let inviting = query.get("invite").is_some();
    let grantable = view.access.grantable.clone();
    let can_manage = Role::any_allows(&view.access.user.roles, Capability::ManageUsers);
    let can_reset = Role::any_allows(&view.access.user.roles, Capability::ManageSecurity);
    view! {
        {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        {if inviting {
            let prefill = InvitePrefill::from_draft(posted_draft().as_deref());
            view! { <InviteForm grantable=grantable.clone() prefill /> }
                .into_any()
        } else {
            view! {
                <OpenForm page="/manage-access" name="invite" id=1 label=t.invite_user class="primary" />
            }
                .into_any()
        }}
        <PeopleList grantable can_manage can_reset own_email=view.access.user.email.clone() open />
        <BulkInvite run=view.bulk />
    }
}

/// What `invite_draft` kept of a form posted without script, taken away
/// as the page shows it; a browser running the app never has one.
fn posted_draft() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::api::access::take_invite_draft()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The tabs of Manage access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Partners,
    AuditLog,
}

/// The tabs of Manage access the user's roles open, `current` marked.
#[component]
fn AccessTabs(roles: Vec<Role>, current: Tab) -> impl IntoView {
    let t = use_lang().texts();
    let tabs = [
        (
            Tab::Users,
            Capability::InviteUsers,
            t.manage_users,
            "/manage-access",
        ),
        (
            Tab::Partners,
            Capability::ManagePartnerVisibility,
            t.manage_partner_visibility,
            "/manage-access/partners",
        ),
        (
            Tab::AuditLog,
            Capability::ViewAuditLog,
            t.audit_log,
            "/manage-access/audit",
        ),
    ];
    view! {
        <nav class="tabs" aria-label=t.manage_access>
            {tabs
                .into_iter()
                .filter(|(_, capability, ..)| Role::any_allows(&roles, *capability))
                .map(|(tab, _, label, href)| {
                    view! {
                        <a href=href aria-current=(tab == current).then_some("page")>
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
