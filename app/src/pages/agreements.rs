//! Agreements: the organization's agreements, their purchasing accounts
//! and designated administrators; Account Managers edit active ones.

use leptos::prelude::*;

use crate::api::agreements::{get_agreements, UpdateAgreement};
use crate::components::{server_problem, signed_in_page, Field, FormError, Layout, TableScroll};
use crate::domain::wire::{AgreementDetail, AgreementsView};
use crate::use_lang;

#[component]
pub fn AgreementsPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| get_agreements());
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

#[island(lazy)]
fn AgreementCard(agreement: AgreementDetail, can_modify: bool) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let editing = RwSignal::new(false);
    let action = ServerAction::<UpdateAgreement>::new();
    let value = action.value();
    // What the card shows follows what was saved.
    let purchase_order = RwSignal::new(agreement.purchase_order.clone());
    let contact_name = RwSignal::new(agreement.contact_name.clone());
    let contact_email = RwSignal::new(agreement.contact_email.clone());
    Effect::new(move || {
        if let Some(Ok(())) = value.get() {
            editing.set(false);
        }
    });
    let number = agreement.number.clone();
    let status = if agreement.active {
        t.agreement_active
    } else {
        t.agreement_inactive
    };
    let editable = can_modify && agreement.active;
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
                <dd class="purchase-order">{move || purchase_order.get()}</dd>
                <dt>{t.contact_name}</dt>
                <dd>{move || contact_name.get()}</dd>
                <dt>{t.contact_email}</dt>
                <dd>{move || contact_email.get()}</dd>
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
            {move || matches!(value.get(), Some(Ok(()))).then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
            {editable
                .then(|| {
                    let number = number.clone();
                    view! {
                        <Show
                            when=move || editing.get()
                            fallback=move || {
                                view! {
                                    <button type="button" class="secondary" on:click=move |_| editing.set(true)>
                                        {t.edit_details}
                                    </button>
                                }
                            }
                        >
                            <form on:submit={
                                let number = number.clone();
                                move |ev| {
                                    ev.prevent_default();
                                    action.dispatch(UpdateAgreement {
                                        number: number.clone(),
                                        purchase_order: purchase_order.get_untracked(),
                                        contact_name: contact_name.get_untracked(),
                                        contact_email: contact_email.get_untracked(),
                                    });
                                }
                            }>
                                <FormError value=value />
                                <Field label=t.purchase_order name="purchase_order" bind=purchase_order problem=server_problem(value, "purchase_order") />
                                <Field label=t.contact_name name="contact_name" bind=contact_name problem=server_problem(value, "contact_name") />
                                <Field label=t.contact_email name="contact_email" kind="email" bind=contact_email problem=server_problem(value, "contact_email") />
                                <div class="actions">
                                    <button type="submit" class="primary" disabled=move || action.pending().get()>{t.save}</button>
                                    <button type="button" class="link-button" on:click=move |_| editing.set(false)>{t.cancel}</button>
                                </div>
                            </form>
                        </Show>
                    }
                })}
        </section>
    }
}
