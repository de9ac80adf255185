//! Orders (filterable, paged) and License details (owned quantities, each
//! leading to the orders that make it up).

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::orders::{get_licenses, get_orders};
use crate::components::{page_source, signed_in_page, Layout, TableScroll};
use crate::domain::product_label;
use crate::domain::wire::{LicenseRow, LicensesPage, OrderFilter, OrderView, OrdersPage};
use crate::i18n::fill;
use crate::i18n::use_lang;

fn query_string(filter: &OrderFilter, after: &str) -> String {
    let pairs = [
        ("from", filter.from.as_str()),
        ("to", filter.to.as_str()),
        ("product", filter.product.as_str()),
        ("purchasing_account", filter.purchasing_account.as_str()),
        ("after", after),
    ];
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", value.replace(['&', '#', '?', '+'], "")))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        (
            OrderFilter {
                from: get("from"),
                to: get("to"),
                product: get("product"),
                purchasing_account: get("purchasing_account"),
            },
            get("after"),
        )
    };
    let resource = Resource::new(params, |(filter, after)| get_orders(filter, after));
    signed_in_page(resource, move |page| {
        let (filter, _) = params();
        view! { <OrdersList page filter /> }
    })
}

#[component]
fn OrdersList(page: OrdersPage, filter: OrderFilter) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let next = page
        .next
        .clone()
        .map(|after| format!("/orders?{}", query_string(&filter, &after)));
    view! {
        <Layout user=page.user.clone()>
            <h1>{t.area_orders}</h1>
            <Form method="get" action="/orders" attr:class="card filters">
                <div class="field">
                    <label for="filter-from">{t.date_from}</label>
                    <input id="filter-from" name="from" type="date" value=filter.from.clone() />
                </div>
                <div class="field">
                    <label for="filter-to">{t.date_to}</label>
                    <input id="filter-to" name="to" type="date" value=filter.to.clone() />
                </div>
                <div class="field">
                    <label for="filter-product">{t.product}</label>
                    <select id="filter-product" name="product">
                        <option value="">{t.any}</option>
                        {page
                            .products
                            .iter()
                            .map(|product| {
                                let id = product.id.to_string();
                                view! {
                                    <option value=id.clone() selected=id == filter.product>
                                        {product.label.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-account">{t.purchasing_account_number}</label>
                    <select id="filter-account" name="purchasing_account">
                        <option value="">{t.any}</option>
                        {page
                            .purchasing_accounts
                            .iter()
                            .map(|number| {
                                view! {
                                    <option value=number.clone() selected=*number == filter.purchasing_account>
                                        {number.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="primary">{t.filter}</button>
            </Form>
            <section class="card">
                <OrdersTable orders=page.orders.clone() />
                <p class="pager">
                    {next.map(|href| view! { <a href=href rel="next">{t.next_page}</a> })}
                </p>
            </section>
        </Layout>
    }
}

#[component]
pub fn LicensesPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_licenses());
    signed_in_page(resource, |page| view! { <LicensesList page /> })
}

#[component]
fn LicensesList(page: LicensesPage) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    // One product's licenses (`?product=<id>`, from the dashboard's usage
    // chart), or all of them.
    let product = use_query_map()
        .with_untracked(|query| query.get("product"))
        .and_then(|id| id.parse::<i64>().ok());
    let licenses: Vec<_> = page
        .licenses
        .iter()
        .filter(|row| product.is_none_or(|id| row.product_id == id))
        .cloned()
        .collect();
    let filtered = product.and_then(|_| {
        licenses.first().map(|row| {
            fill(
                t.licenses_of_product,
                &[("product", &product_label(&row.product, &row.version))],
            )
        })
    });
    view! {
        <Layout user=page.user.clone()>
            <h1>{t.area_licenses}</h1>
            {filtered
                .map(|heading| {
                    view! {
                        <p class="filtered">
                            {heading} " · " <a href="/licenses">{t.all_licenses}</a>
                        </p>
                    }
                })}
            <section class="card">
                <LicensesTable licenses orders_link=true />
            </section>
        </Layout>
    }
}

/// Orders with their lines and amounts, newest first.
#[component]
pub fn OrdersTable(orders: Vec<OrderView>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    view! {
        {if orders.is_empty() {
            view! { <p>{t.no_orders}</p> }.into_any()
        } else {
            view! {
                <TableScroll>
                    <table class="orders">
                        <thead>
                            <tr>
                                <th scope="col">{t.order_number}</th>
                                <th scope="col">{t.order_date}</th>
                                <th scope="col">{t.purchasing_account_number}</th>
                                <th scope="col">{t.partner}</th>
                                <th scope="col">{t.products}</th>
                                <th scope="col">{t.amount}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {orders
                                .iter()
                                .map(|order| {
                                    let total: i64 = order.lines.iter().map(|line| line.amount_cents).sum();
                                    let currency = order.lines.first().map(|line| line.currency.clone()).unwrap_or_default();
                                    view! {
                                        <tr data-order=order.number.clone()>
                                            <td>{order.number.clone()}</td>
                                            <td>{lang.format_date(order.ordered_at)}</td>
                                            <td>{order.purchasing_account.clone()}</td>
                                            <td>{order.partner.clone().unwrap_or_default()}</td>
                                            <td>
                                                <ul class="lines">
                                                    {order
                                                        .lines
                                                        .iter()
                                                        .map(|line| {
                                                            view! {
                                                                <li>
                                                                    {format!("{} {} × {}", line.product, line.version, line.quantity)}
                                                                </li>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </ul>
                                            </td>
                                            <td class="amount">{lang.format_amount(total, &currency)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            }
                .into_any()
        }}
    }
}

/// Owned quantities per product and purchasing account; `orders_link`
/// leads each to the Orders page narrowed to it.
#[component]
pub fn LicensesTable(licenses: Vec<LicenseRow>, orders_link: bool) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    view! {
        {if licenses.is_empty() {
            view! { <p>{t.no_licenses}</p> }.into_any()
        } else {
            view! {
                <TableScroll>
                    <table class="licenses">
                        <thead>
                            <tr>
                                <th scope="col">{t.product}</th>
                                <th scope="col">{t.purchasing_account_number}</th>
                                <th scope="col">{t.quantity}</th>
                                <th scope="col">{t.area_orders}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {licenses
                                .iter()
                                .map(|row| {
                                    let href = format!(
                                        "/orders?product={}&purchasing_account={}",
                                        row.product_id, row.purchasing_account
                                    );
                                    view! {
                                        <tr>
                                            <td>{product_label(&row.product, &row.version)}</td>
                                            <td>{row.purchasing_account.clone()}</td>
                                            <td class="amount">{lang.format_count(row.quantity)}</td>
                                            <td>
                                                {if orders_link {
        view! { <a href=href>{t.see_orders} " (" {row.orders} ")"</a> }.into_any()
    } else {
        view! { <span>{row.orders}</span> }.into_any()
    }}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            }
                .into_any()
        }}
    }
}
