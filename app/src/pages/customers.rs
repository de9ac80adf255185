//! A partner's Customers: the agreements it is partner of record for, each
//! purchasing account's designated administrator and their invitation,
//! with the three rescues (resend, change administrator, change email);
//! and what one customer lets the partner see of its orders.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::partners::{
    get_customer_orders, get_customers, ChangeDesignatedAdmin, ChangeDesignatedAdminEmail,
    ResendAdminInvitation,
};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, Field, FormError,
    LanguageAndCountry, Layout, OpenForm, TableScroll,
};
use crate::domain::wire::{AdminState, CustomerAccount, CustomerOrdersView, CustomersView};
use crate::i18n::use_lang;
use crate::pages::orders::{LicensesTable, OrdersTable};

/// Which rescue form is open, for which purchasing account: a page of its
/// own (`?change-admin=<id>`, `?change-email=<id>`), so it opens without
/// script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editing {
    Admin(i64),
    Email(i64),
}

/// What the latest rescue did, from the address it came back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Resent(i64),
    AdminChanged,
    /// The administrator had registered: the customer was asked.
    AdminChangeRequested,
    EmailChanged,
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_customers());
    signed_in_page(resource, |view| {
        view! {
            <Layout user=view.user.clone()>
                    <CustomersList view />
            </Layout>
        }
    })
}

/// The customers with their rescues, with what is saved.
#[component]
fn CustomersList(view: CustomersView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let resend = changing_action::<ResendAdminInvitation>();
    let change = changing_action::<ChangeDesignatedAdmin>();
    let change_email = changing_action::<ChangeDesignatedAdminEmail>();
    let (editing, done) = use_query_map().with_untracked(|query| {
        let id = |name: &str| query.get(name).and_then(|id| id.parse::<i64>().ok());
        let editing = id("change-admin")
            .map(Editing::Admin)
            .or_else(|| id("change-email").map(Editing::Email));
        let done = match query.get("changed").as_deref() {
            Some("admin") => Some(Done::AdminChanged),
            Some("admin-request") => Some(Done::AdminChangeRequested),
            Some("email") => Some(Done::EmailChanged),
            _ => id("resent").map(Done::Resent),
        };
        (editing, done)
    });
    let account_of = |id: i64| {
        view.accounts
            .iter()
            .find(|account| account.purchasing_account_id == id)
            .cloned()
    };
    let notice = done.and_then(|done| match done {
        Done::Resent(id) => account_of(id)
            .map(|account| format!("{} {}", t.invitation_sent_to, account.admin_email)),
        Done::AdminChanged => Some(t.admin_changed.to_owned()),
        Done::AdminChangeRequested => Some(t.admin_change_requested.to_owned()),
        Done::EmailChanged => Some(t.admin_email_changed.to_owned()),
    });
    let open_form = editing.and_then(|editing| match editing {
        Editing::Admin(id) => account_of(id)
            .map(|account| view! { <ChangeAdminForm account action=change /> }.into_any()),
        Editing::Email(id) => account_of(id)
            .map(|account| view! { <ChangeEmailForm account action=change_email /> }.into_any()),
    });
    view! {
        <h1>{t.area_customers}</h1>
        {notice.map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        <FormError value=resend.value() />
        {if view.accounts.is_empty() {
            view! { <p>{t.no_customers}</p> }.into_any()
        } else {
            view! {
                <TableScroll>
                    <table class="customers">
                        <thead>
                            <tr>
                                <th scope="col">{t.customer}</th>
                                <th scope="col">{t.agreement_number}</th>
                                <th scope="col">{t.purchasing_account_number}</th>
                                <th scope="col">{t.designated_admin}</th>
                                <th scope="col">{t.status}</th>
                                <th scope="col">{t.actions}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {view
                                .accounts
                                .clone()
                                .into_iter()
                                .map(|account| view! { <CustomerRow account resend /> })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            }
                .into_any()
        }}
        {open_form}
    }
}

#[component]
fn CustomerRow(
    account: CustomerAccount,
    resend: ServerAction<ResendAdminInvitation>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = account.purchasing_account_id;
    let registered = account.state == AdminState::Registered;
    let orders_href = format!("/customers/{}", account.agreement_number);
    view! {
        <tr data-purchasing-account=account.purchasing_account.clone()>
            <td>
                <a href=orders_href title=t.licenses_and_orders>
                    {account.customer.clone()}
                </a>
            </td>
            <td>{account.agreement_number.clone()}</td>
            <td>{account.purchasing_account.clone()}</td>
            <td>
                {format!("{} {}", account.admin_first_name, account.admin_last_name)} " · "
                {account.admin_email.clone()}
            </td>
            <td class="admin-state">{account.state.text(lang)}</td>
            <td class="row-actions">
                {(!registered)
                    .then(|| {
                        view! {
                            <ActionForm action=resend>
                                <input type="hidden" name="purchasing_account_id" value=id />
                                <button type="submit" class="secondary">
                                    {t.resend_invitation}
                                </button>
                            </ActionForm>
                            <OpenForm page="/customers" name="change-email" id label=t.change_admin_email class="secondary" />
                        }
                    })}
                <OpenForm page="/customers" name="change-admin" id label=t.change_admin class="secondary" />
            </td>
        </tr>
    }
}

fn heading(account: &CustomerAccount, what: &str) -> String {
    format!(
        "{what}: {} · {}",
        account.customer, account.purchasing_account
    )
}

#[component]
fn ChangeAdminForm(
    account: CustomerAccount,
    action: ServerAction<ChangeDesignatedAdmin>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let value = action.value();
    let country_problem = server_problem(value, "country");
    view! {
        <section class="card narrow" aria-labelledby="change-admin-title">
            <h2 id="change-admin-title">{heading(&account, t.change_admin)}</h2>
            <ActionForm action>
                <FormError value />
                <input
                    type="hidden"
                    name="purchasing_account_id"
                    value=account.purchasing_account_id
                />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="off"
                    required=true
                    problem=server_problem(value, "email")
                />
                <div class="name-row">
                    <Field
                        label=t.first_name
                        name="first_name"
                        required=true
                        problem=server_problem(value, "first_name")
                    />
                    <Field
                        label=t.last_name
                        name="last_name"
                        required=true
                        problem=server_problem(value, "last_name")
                    />
                </div>
                <LanguageAndCountry
                    language=account.admin_lang.code().to_owned()
                    country=account.admin_country.clone()
                    country_problem
                />
                <div class="actions">
                    <button type="submit" class="primary">
                        {t.save}
                    </button>
                    <a class="link-button" href="/customers">
                        {t.cancel}
                    </a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangeEmailForm(
    account: CustomerAccount,
    action: ServerAction<ChangeDesignatedAdminEmail>,
) -> impl IntoView {
    let t = use_lang().texts();
    let value = action.value();
    view! {
        <section class="card narrow" aria-labelledby="change-email-title">
            <h2 id="change-email-title">{heading(&account, t.change_admin_email)}</h2>
            <ActionForm action>
                <FormError value />
                <input
                    type="hidden"
                    name="purchasing_account_id"
                    value=account.purchasing_account_id
                />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="off"
                    required=true
                    value=account.admin_email.clone()
                    problem=server_problem(value, "email")
                />
                <div class="actions">
                    <button type="submit" class="primary">
                        {t.save}
                    </button>
                    <a class="link-button" href="/customers">
                        {t.cancel}
                    </a>
                </div>
            </ActionForm>
        </section>
    }
}

/// `/customers/:agreement`: the licenses and orders of one customer's
/// agreement that the customer lets the partner see.
#[component]
pub fn CustomerOrdersPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let resource = Resource::new(
        move || {
            (
                params.read().get("agreement").unwrap_or_default(),
                query.read().get("after").unwrap_or_default(),
            )
        },
        |(agreement, after)| get_customer_orders(agreement, after),
    );
    signed_in_page(resource, |view| view! { <CustomerOrders view /> })
}

#[component]
fn CustomerOrders(view: CustomerOrdersView) -> impl IntoView {
    let t = use_lang().texts();
    let next = view
        .orders
        .next
        .clone()
        .map(|after| format!("/customers/{}?after={after}", view.agreement_number));
    view! {
        <Layout user=view.orders.user.clone()>
            <h1>{view.customer.clone()} " · " {view.agreement_number.clone()}</h1>
            <section class="card">
                <h2>{t.area_licenses}</h2>
                <LicensesTable licenses=view.licenses.clone() orders_link=false />
            </section>
            <section class="card">
                <h2>{t.area_orders}</h2>
                <OrdersTable orders=view.orders.orders.clone() />
                <p class="pager">
                    {next.map(|href| view! { <a href=href rel="next">{t.next_page}</a> })}
                </p>
            </section>
        </Layout>
    }
}
