use leptos::prelude::*;

use crate::api::account::get_dashboard;
use crate::components::{area, page_source, signed_in_page, Layout, TableScroll};
use crate::domain::wire::{Dashboard, ProductUsage};
use crate::domain::{Capability, Role};
use crate::i18n::use_lang;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_dashboard());
    signed_in_page(resource, |dashboard| view! { <DashboardView dashboard /> })
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let t = use_lang().texts();
    // The tiles come from the roles module, as the server's checks do; the
    // server only counted what is in each.
    let open: Vec<(&'static str, &'static str, i64)> = Capability::AREAS
        .into_iter()
        .filter(|capability| Role::any_allows(&dashboard.user.roles, *capability))
        .filter_map(|capability| {
            let (label, href) = area(capability, t)?;
            Some((label, href, dashboard.count(capability).unwrap_or(0)))
        })
        .collect();
    let usage = dashboard.usage.clone();
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
            {(!usage.is_empty()).then(|| view! { <UsageChart usage /> })}
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

/// License usage at a glance: a horizontal bar per product, as long as
/// what the organization owns of it, with what is assigned of an online
/// service drawn over it; each bar leads to that product's license
/// details. The numbers are text, for everyone and for screen readers;
/// the bars are drawn by this view, as SVG.
#[component]
fn UsageChart(usage: Vec<ProductUsage>) -> impl IntoView {
    let t = use_lang().texts();
    let most = usage
        .iter()
        .map(|product| product.owned)
        .max()
        .unwrap_or(0)
        .max(1);
    // Widths in hundredths of the longest bar; a product owned at all
    // keeps a visible sliver.
    let width = move |quantity: i64| {
        if quantity <= 0 {
            0.0
        } else {
            (quantity as f64 * 100.0 / most as f64).max(0.5)
        }
    };
    view! {
        <section class="card usage">
            <h2>{t.license_usage}</h2>
            <ul class="usage-bars">
                {usage
                    .into_iter()
                    .map(|product| {
                        let numbers = match product.assigned {
                            Some(assigned) => {
                                format!(
                                    "{} {} · {} {}",
                                    product.owned,
                                    t.usage_owned,
                                    assigned,
                                    t.usage_assigned,
                                )
                            }
                            None => format!("{} {}", product.owned, t.usage_owned),
                        };
                        let owned = width(product.owned);
                        let assigned = product.assigned.map(|assigned| width(assigned.min(product.owned)));
                        view! {
                            <li>
                                <a href=format!("/licenses?product={}", product.product_id)>
                                    <span class="usage-label">{product.product}</span>
                                    <span class="usage-numbers">{numbers}</span>
                                    <svg
                                        class="usage-bar"
                                        viewBox="0 0 100 10"
                                        preserveAspectRatio="none"
                                        aria-hidden="true"
                                        focusable="false"
                                    >
                                        <rect class="owned" x="0" y="0" width=format!("{owned:.1}") height="10" />
                                        {assigned
                                            .map(|assigned| {
                                                view! {
                                                    <rect
                                                        class="assigned"
                                                        x="0"
                                                        y="2"
                                                        width=format!("{assigned:.1}")
                                                        height="6"
                                                    />
                                                }
                                            })}
                                    </svg>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
