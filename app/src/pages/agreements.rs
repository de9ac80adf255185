//! Agreements: the organization's agreements, their purchasing accounts
//! and designated administrators; Account Managers edit active ones.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::agreements::{get_agreements, UpdateAgreement};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, Field, FormError, Layout,
    TableScroll,
};
use crate::domain::wire::{AgreementDetail, AgreementsView};
use crate::i18n::use_lang;

#[component]
pub fn AgreementsPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_agreements());
    signed_in_page(resource, |view| view! { <AgreementsList view /> })
}

#[component]
fn AgreementsList(view: AgreementsView) -> impl IntoView {
    let t = use_lang().texts();
    let can_modify = view.can_modify;
    view! {
        <Layout user=view.user.clone()>
            <h1>{t.agreements}</h1>
                {view
                    .agreements
                    .into_iter()
                    .map(|agreement| view! { <AgreementCard agreement can_modify /> })
                    .collect_view()}
            <section class="card partners">
                <h2>{t.partners_of_record}</h2>
                {if view.partners.is_empty() {
                    view! { <p>{t.no_partners}</p> }.into_any()
                } else {
                    view! {
                        <TableScroll>
                            <table class="partners">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.partner}</th>
                                        <th scope="col">{t.agreements}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {view
                                        .partners
                                        .into_iter()
                                        .map(|partner| {
                                            view! {
                                                <tr>
                                                    <td>{partner.name}</td>
                                                    <td>{partner.agreements.join(", ")}</td>
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
        </Layout>
    }
}

/// One agreement. Editing opens from the address (`?edit=<number>`, so it
/// works without script and a reload keeps it open).
#[component]
fn AgreementCard(agreement: AgreementDetail, can_modify: bool) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = changing_action::<UpdateAgreement>();
    let value = action.value();
    let number = agreement.number.clone();
    let (editing, saved) = use_query_map().with_untracked(|query| {
        (
            query.get("edit").as_deref() == Some(number.as_str()),
            query.get("saved").as_deref() == Some(number.as_str()),
        )
    });
    let status = if agreement.active {
        t.agreement_active
    } else {
        t.agreement_inactive
    };
    let editable = can_modify && agreement.active;
    let edit_number = number.clone();
    view! {
        <section class="card agreement" data-agreement=agreement.number.clone()>
            <h2>{t.agreement_number} " " {agreement.number.clone()}</h2>
            <dl class="profile">
                <dt>{t.agreement_type}</dt>
                <dd>{agreement.kind.clone()}</dd>
                <dt>{t.start_date}</dt>
                <dd>{lang.format_date(agreement.start_date)}</dd>
                <dt>{t.end_date}</dt>
                <dd>{lang.format_date(agreement.end_date)}</dd>
                <dt>{t.status}</dt>
                <dd>{status}</dd>
                <dt>{t.purchase_order}</dt>
                <dd class="purchase-order">{agreement.purchase_order.clone()}</dd>
                <dt>{t.contact_name}</dt>
                <dd>{agreement.contact_name.clone()}</dd>
                <dt>{t.contact_email}</dt>
                <dd>{agreement.contact_email.clone()}</dd>
            </dl>
            <TableScroll>
                <table class="agreements">
                    <thead>
                        <tr>
                            <th scope="col">{t.purchasing_account_number}</th>
                            <th scope="col">{t.account_administrator}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {agreement
                            .purchasing_accounts
                            .iter()
                            .map(|account| {
                                view! {
                                    <tr>
                                        <td>{account.number.clone()}</td>
                                        <td>{account.admin_name.clone()} " · " {account.admin_email.clone()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </TableScroll>
            {saved.then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
            {(editable && !editing)
                .then(|| {
                    view! {
                        <Form method="get" action="/agreements">
                            <input type="hidden" name="edit" value=edit_number />
                            <button type="submit" class="secondary">
                                {t.edit_details}
                            </button>
                        </Form>
                    }
                })}
            {(editable && editing)
                .then(|| {
                    view! {
                        <ActionForm action=action>
                            <FormError value=value />
                            <input type="hidden" name="number" value=number.clone() />
                            <Field
                                label=t.purchase_order
                                name="purchase_order"
                                value=agreement.purchase_order.clone()
                                problem=server_problem(value, "purchase_order")
                            />
                            <Field
                                label=t.contact_name
                                name="contact_name"
                                value=agreement.contact_name.clone()
                                problem=server_problem(value, "contact_name")
                            />
                            <Field
                                label=t.contact_email
                                name="contact_email"
                                kind="email"
                                value=agreement.contact_email.clone()
                                problem=server_problem(value, "contact_email")
                            />
                            <div class="actions">
                                <button type="submit" class="primary">
                                    {t.save}
                                </button>
                                <a class="link-button" href="/agreements">
                                    {t.cancel}
                                </a>
                            </div>
                        </ActionForm>
                    }
                })}
        </section>
    }
}
