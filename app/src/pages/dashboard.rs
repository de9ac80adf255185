use leptos::prelude::*;

use crate::api::account::get_dashboard;
use crate::components::{signed_in_page, Layout};
use crate::domain::wire::Dashboard;
use crate::domain::Capability;
use crate::i18n::Texts;
use crate::use_lang;

/// The label and page of each area of the Center (see `Capability::AREAS`).
fn area(capability: Capability, t: &'static Texts) -> Option<(&'static str, &'static str)> {
    Some(match capability {
        Capability::ViewAgreements => (t.area_agreements, "/agreements"),
        Capability::ViewOrders => (t.area_orders, "/orders"),
        Capability::ViewLicenses => (t.area_licenses, "/licenses"),
        Capability::ViewKeys => (t.area_keys, "/keys"),
        Capability::DownloadSoftware => (t.area_downloads, "/downloads"),
        Capability::ViewReports => (t.area_reports, "/reports"),
        Capability::ManageProvisioning => (t.area_provisioning, "/provisioning"),
        Capability::InviteUsers => (t.area_users, "/manage-access"),
        Capability::ManageUsers | Capability::ModifyAgreements | Capability::ViewAuditLog => {
            return None
        }
    })
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| get_dashboard());
    signed_in_page(resource, |dashboard| view! { <DashboardView dashboard /> })
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let t = use_lang().texts();
    let open: Vec<(&'static str, &'static str, i64)> = dashboard
        .tiles
        .iter()
        .filter_map(|(capability, count)| {
            area(*capability, t).map(|(label, href)| (label, href, *count))
        })
        .collect();
    view! {
        <Layout user=dashboard.user.clone()>
            <h1>{t.welcome} ", " {dashboard.user.first_name.clone()}</h1>
            <section class="card">
                <h2>{t.organization}</h2>
                <p class="organization">{dashboard.organization.clone()}</p>
                <h3>{t.agreements}</h3>
                <table class="agreements">
                    <thead>
                        <tr>
                            <th scope="col">{t.agreement_number}</th>
                            <th scope="col">{t.purchasing_account_number}</th>
                            <th scope="col">{t.account_administrator}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {dashboard
                            .agreements
                            .iter()
                            .flat_map(|agreement| {
                                agreement
                                    .purchasing_accounts
                                    .iter()
                                    .map(move |account| {
                                        view! {
                                            <tr>
                                                <td>{agreement.number.clone()} " (" {agreement.kind.clone()} ")"</td>
                                                <td>{account.number.clone()}</td>
                                                <td>
                                                    {account.admin_name.clone()} " · "
                                                    {account.admin_email.clone()}
                                                </td>
                                            </tr>
                                        }
                                    })
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card">
                <h2>{t.your_areas}</h2>
                {if open.is_empty() {
                    view! { <p>{t.no_areas}</p> }.into_any()
                } else {
                    view! {
                        <ul class="tiles">
                            {open
                                .into_iter()
                                .map(|(label, href, count)| {
                                    view! {
                                        <li class="tile">
                                            <a href=href>
                                                <span class="tile-label">{label}</span>
                                                <span class="tile-count">{count}</span>
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
        </Layout>
    }
}
