//! Self-service provisioning: what each purchasing account's orders
//! entitle, a form to assign subscriptions, and what has been assigned.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::provisioning::{get_provisioning, AssignSubscription};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, FormError, Layout, TableScroll,
};
use crate::domain::product_label;
use crate::domain::wire::ProvisioningPage;
use crate::i18n::around;
use crate::i18n::use_lang;

#[component]
pub fn ProvisioningPage() -> impl IntoView {
    let t = use_lang().texts();
    let resource = Resource::new(page_source(), |_| get_provisioning());
    signed_in_page(resource, move |page| {
        view! {
            <Layout user=page.user.clone()>
                <h1>{t.area_provisioning}</h1>
                    <ProvisioningView page />
            </Layout>
        }
    })
}

/// What is entitled, the form and what is assigned, with what is saved.
#[component]
fn ProvisioningView(page: ProvisioningPage) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let assign = changing_action::<AssignSubscription>();
    let value = assign.value();
    let assigned = use_query_map().with_untracked(|query| query.get("assigned").is_some());
    let quantity_problem = server_problem(value, "quantity");
    let services = page.services.clone();
    let domains = page.domains.clone();
    let no_domain = domains.is_empty();
    view! {
            <section class="card">
                <h2>{t.online_services}</h2>
                {if services.is_empty() {
                    view! { <p>{t.no_services}</p> }.into_any()
                } else {
                    let services = services.clone();
                    view! {
                        <TableScroll>
                            <table class="licenses services">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.product}</th>
                                        <th scope="col">{t.purchasing_account_number}</th>
                                        <th scope="col">{t.ordered}</th>
                                        <th scope="col">{t.assigned}</th>
                                        <th scope="col">{t.available}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {services
                                        .iter()
                                        .map(|row| {
                                            view! {
                                                <tr>
                                                    <td>{row.label()}</td>
                                                    <td>{row.purchasing_account.clone()}</td>
                                                    <td class="amount">{row.ordered}</td>
                                                    <td class="amount">{row.assigned}</td>
                                                    <td class="amount available">{row.available()}</td>
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
            </section>
            {(!services.is_empty())
                .then(|| {
                    view! {
                        <section class="card">
                            <h2>{t.assign_subscriptions}</h2>
                            <ActionForm action=assign>
                                <FormError value=value />
                                {assigned
                                    .then(|| view! { <p class="notice" role="status">{t.assigned_notice}</p> })}
                                <div class="field">
                                    <label for="field-service">{t.service_field}</label>
                                    <select id="field-service" name="service" required>
                                        <option value="">{t.select}</option>
                                        {services
                                            .iter()
                                            .map(|row| {
                                                view! {
                                                    <option value=row.choice()>
                                                        {format!(
                                                            "{} · {} · {} {}",
                                                            row.label(),
                                                            row.purchasing_account,
                                                            row.available(),
                                                            t.available.to_lowercase(),
                                                        )}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <p class="field-error" aria-live="polite">
                                        {move || server_problem(value, "service").get().map(|problem| problem.text(lang))}
                                    </p>
                                </div>
                                <div class="field">
                                    <label for="field-quantity">{t.quantity_field}</label>
                                    <input id="field-quantity" name="quantity" type="number" min="1" required
                                        aria-invalid=move || quantity_problem.get().is_some().then_some("true")
                                        aria-describedby="field-quantity-error" />
                                    <p class="field-error" id="field-quantity-error" aria-live="polite">
                                        {move || quantity_problem.get().map(|problem| problem.text(lang))}
                                    </p>
                                </div>
                                <div class="field">
                                    <label for="field-start_date">{t.start_date_field}</label>
                                    <input id="field-start_date" name="start_date" type="date" required />
                                    <p class="field-error" aria-live="polite">
                                        {move || server_problem(value, "start_date").get().map(|problem| problem.text(lang))}
                                    </p>
                                </div>
                                <div class="field">
                                    <label for="field-domain">{t.domain_field}</label>
                                    <select id="field-domain" name="domain" required aria-describedby="field-domain-help">
                                        {domains
                                            .iter()
                                            .map(|name| view! { <option value=name.clone()>{name.clone()}</option> })
                                            .collect_view()}
                                    </select>
                                    <p class="field-help" id="field-domain-help">
                                        {if no_domain {
                                            let (before, after) = around(t.provision_needs_domain, "domains");
                                            view! {
                                                {before}
                                                <a href="/domains">{t.area_domains}</a>
                                                {after}
                                            }
                                                .into_any()
                                        } else {
                                            view! { {t.provision_to_domain} }.into_any()
                                        }}
                                    </p>
                                    <p class="field-error" aria-live="polite">
                                        {move || server_problem(value, "domain").get().map(|problem| problem.text(lang))}
                                    </p>
                                </div>
                                <div class="actions">
                                    <button type="submit" class="primary" disabled=no_domain>
                                        {t.assign}
                                    </button>
                                </div>
                            </ActionForm>
                        </section>
                    }
                })}
            <section class="card">
                <h2>{t.subscriptions}</h2>
                {if page.subscriptions.is_empty() {
                    view! { <p>{t.no_subscriptions}</p> }.into_any()
                } else {
                    view! {
                        <TableScroll>
                            <table class="licenses subscriptions">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.product}</th>
                                        <th scope="col">{t.purchasing_account_number}</th>
                                        <th scope="col">{t.quantity}</th>
                                        <th scope="col">{t.start_date}</th>
                                        <th scope="col">{t.domain_field}</th>
                                        <th scope="col">{t.assigned_by}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page
                                        .subscriptions
                                        .iter()
                                        .map(|row| {
                                            view! {
                                                <tr>
                                                    <td>{product_label(&row.product, &row.version)}</td>
                                                    <td>{row.purchasing_account.clone()}</td>
                                                    <td class="amount">{row.quantity}</td>
                                                    <td>{lang.format_date(row.starts_on)}</td>
                                                    <td>{row.domain.clone()}</td>
                                                    <td>{row.assigned_by.clone()}</td>
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
            </section>
    }
}
