//! Manage access → Audit log.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::access::get_audit_log;
use crate::components::{signed_in_page, Layout, TableScroll};
use crate::domain::wire::{AccessView, AuditEntry};
use crate::i18n::use_lang;

use super::{AccessTabs, Tab};

/// Manage access → Audit log, for Account Admins.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let resource = Resource::new(before, get_audit_log);
    signed_in_page(resource, move |(access, entries)| {
        view! { <AuditView access entries /> }
    })
}

#[component]
pub(super) fn AuditView(access: AccessView, entries: Vec<(i64, AuditEntry)>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let oldest = entries.last().map(|(id, _)| *id);
    let full = entries.len() == 100;
    view! {
        <Layout user=access.user.clone()>
            <h1>{t.manage_access}</h1>
            <AccessTabs roles=access.user.roles.clone() current=Tab::AuditLog />
            <section class="card">
                <TableScroll>
                    <table class="audit">
                        <thead>
                            <tr>
                                <th scope="col">{t.audit_when}</th>
                                <th scope="col">{t.audit_who}</th>
                                <th scope="col">{t.audit_what}</th>
                                <th scope="col">{t.audit_whom}</th>
                                <th scope="col">{t.audit_detail}</th>
                                <th scope="col">{t.audit_from}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {entries
                                .into_iter()
                                .map(|(_, entry)| {
                                    view! {
                                        <tr>
                                            <td>{lang.format_date_time(entry.at)}</td>
                                            <td>
                                                {entry.actor_email}
                                                {(!entry.actor_organization.is_empty())
                                                    .then(|| format!(" ({})", entry.actor_organization))}
                                            </td>
                                            <td>{entry.action.text(lang)}</td>
                                            <td>{entry.subject_email}</td>
                                            <td>{entry.detail}</td>
                                            <td>{entry.client_address}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
                {oldest
                    .filter(|_| full)
                    .map(|oldest| {
                        view! {
                            <p class="pager">
                                <a href=format!("/manage-access/audit?before={oldest}") rel="next">
                                    {t.older}
                                </a>
                            </p>
                        }
                    })}
            </section>
        </Layout>
    }
}
