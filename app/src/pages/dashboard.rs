use leptos::prelude::*;

use crate::api::account::{get_dashboard, Dashboard};
use crate::components::{signed_in_page, Layout};
use crate::domain::{Capability, Role};
use crate::i18n::Texts;
use crate::use_lang;

/// The areas of the Center, each opened by one capability, with the page
/// that serves it once it exists.
fn areas(t: &'static Texts) -> [(Capability, &'static str, Option<&'static str>); 8] {
    [
        (
            Capability::ViewAgreements,
            t.area_agreements,
            Some("/agreements"),
        ),
        (Capability::ViewOrders, t.area_orders, Some("/orders")),
        (Capability::ViewLicenses, t.area_licenses, Some("/licenses")),
        (Capability::ViewKeys, t.area_keys, Some("/keys")),
        (Capability::DownloadSoftware, t.area_downloads, None),
        (Capability::ViewReports, t.area_reports, None),
        (Capability::ManageProvisioning, t.area_provisioning, None),
        (
            Capability::InviteUsers,
            t.area_users,
            Some("/manage-access"),
        ),
    ]
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| get_dashboard());
    signed_in_page(resource, |dashboard| view! { <DashboardView dashboard /> })
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let t = use_lang().texts();
    let roles = dashboard.user.roles.clone();
    let open: Vec<(&'static str, Option<&'static str>)> = areas(t)
        .into_iter()
        .filter(|(capability, _, _)| Role::any_allows(&roles, *capability))
        .map(|(_, label, page)| (label, page))
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
                                .map(|(label, page)| match page {
                                    Some(href) => {
                                        view! {
                                            <li class="tile">
                                                <a href=href>{label}</a>
                                            </li>
                                        }
                                            .into_any()
                                    }
                                    None => view! { <li class="tile">{label}</li> }.into_any(),
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
