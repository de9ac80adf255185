//! Account → Manage access: inviting colleagues with the roles the
//! signed-in user may grant (the roles module decides which).

mod audit_log;
mod bulk_invite;
mod invite_form;
mod partners;
mod people;

use leptos::prelude::*;

use crate::api::access::get_access;
use crate::components::{signed_in_page, Layout};
use crate::domain::wire::{AccessView, InviteOutcome, Invited};
use crate::domain::{Capability, Role};
use crate::use_lang;

pub use audit_log::AuditLogPage;
use bulk_invite::BulkInvite;
use invite_form::InviteForm;
pub use partners::PartnerVisibilityPage;
use people::PeopleList;

#[component]
pub fn ManageAccessPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| get_access());
    let t = use_lang().texts();
    signed_in_page(resource, move |access| {
        view! {
            <Layout user=access.user.clone()>
                <h1>{t.manage_access}</h1>
                <AccessTabs roles=access.user.roles.clone() current=Tab::Users />
                <ManageUsers access />
            </Layout>
        }
    })
}

/// Inviting (one or many), the confirmations and the people list, which
/// follows every change.
#[island(lazy)]
fn ManageUsers(access: AccessView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let form_open = RwSignal::new(false);
    let sent = RwSignal::new(Vec::<Invited>::new());
    // Bumped after every change so the list shows it; never on its own, so
    // the list the server rendered is not fetched again after hydration.
    let refresh = RwSignal::new(0u32);
    let on_sent = Callback::new(move |(invited, another): (Invited, bool)| {
        sent.update(|list| list.insert(0, invited));
        refresh.update(|n| *n += 1);
        if !another {
            form_open.set(false);
        }
    });
    let grantable = access.grantable.clone();
    let can_manage = Role::any_allows(&access.user.roles, Capability::ManageUsers);
    view! {
            // A list may not itself be a live region: the region holds it.
            <div role="status">
                <ul class="confirmations">
                    {move || {
                        sent.get()
                            .into_iter()
                            .map(|invited| {
                                let prefix = match invited.outcome {
                                    InviteOutcome::Invited => t.invitation_sent_to,
                                    InviteOutcome::Resent => t.invitation_resent_to,
                                };
                                view! { <li class="notice">{prefix} " " {invited.email}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <Show
                when=move || form_open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="primary" on:click=move |_| form_open.set(true)>
                            {t.invite_user}
                        </button>
                    }
                }
            >
                <InviteForm
                    grantable=grantable.clone()
                    on_sent
                    on_cancel=Callback::new(move |()| form_open.set(false))
                />
            </Show>
            <PeopleList
                grantable=access.grantable.clone()
                can_manage
                own_email=access.user.email.clone()
                refresh
            />
            <BulkInvite refresh />
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
