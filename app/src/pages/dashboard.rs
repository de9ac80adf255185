use leptos::prelude::*;

use crate::api::account::get_dashboard;
use crate::components::{area, signed_in_page, Layout, TableScroll};
use crate::domain::wire::Dashboard;
use crate::use_lang;

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
                <TableScroll>
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
                </TableScroll>
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
