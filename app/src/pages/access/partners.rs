//! Manage access → Manage partner visibility: for each of the customer's
//! partners, whether it may see what was ordered through the others.

use leptos::prelude::*;

use crate::api::partners::{get_partner_visibility, DecideAdminChange, SetPartnerVisibility};
use crate::components::{
    changing_action, page_source, signed_in_page, FormError, Layout, TableScroll,
};
use crate::domain::wire::{AdminChangeRequest, PartnerOfRecord, PartnerVisibilityView};
use crate::i18n::use_lang;

use super::{AccessTabs, Tab};

#[component]
pub fn PartnerVisibilityPage() -> impl IntoView {
    let t = use_lang().texts();
    let resource = Resource::new(page_source(), |_| get_partner_visibility());
    signed_in_page(resource, move |view| {
        view! {
            <Layout user=view.user.clone()>
                <h1>{t.manage_access}</h1>
                <AccessTabs roles=view.user.roles.clone() current=Tab::Partners />
                    <PartnerVisibility view />
            </Layout>
        }
    })
}

/// The switches, with what is saved: each is a form of its own.
#[component]
fn PartnerVisibility(view: PartnerVisibilityView) -> impl IntoView {
    let t = use_lang().texts();
    let action = changing_action::<SetPartnerVisibility>();
    let requests = view.requests;
    view! {
            {(!requests.is_empty()).then(|| view! { <AdminChangeRequests requests /> })}
            <section class="card">
                <h2>{t.manage_partner_visibility}</h2>
                <p>{t.partner_visibility_intro}</p>
                <FormError value=action.value() />
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
                                        <th scope="col">{t.sees_other_partners}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {view
                                        .partners
                                        .into_iter()
                                        .map(|partner| view! { <PartnerRow partner action /> })
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

/// A switch that works as a plain form too: it posts the opposite of
/// what it shows.
#[component]
fn PartnerRow(
    partner: PartnerOfRecord,
    action: ServerAction<SetPartnerVisibility>,
) -> impl IntoView {
    let t = use_lang().texts();
    let on = partner.sees_other_partners;
    let label = format!("{} — {}", t.sees_other_partners, partner.name);
    view! {
        <tr data-partner=partner.name.clone()>
            <td>{partner.name.clone()}</td>
            <td>{partner.agreements.join(", ")}</td>
            <td>
                <ActionForm action>
                    <input type="hidden" name="partner_id" value=partner.partner_id />
                    <input type="hidden" name="sees" value=if on { "false" } else { "true" } />
                    <button
                        type="submit"
                        class="switch"
                        role="switch"
                        aria-checked=if on { "true" } else { "false" }
                        aria-label=label
                    >
                        {if on { t.switch_on } else { t.switch_off }}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// Partners' requests to replace a designated administrator who has
/// registered, each approved or declined by a form of its own.
#[component]
fn AdminChangeRequests(requests: Vec<AdminChangeRequest>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let decide = changing_action::<DecideAdminChange>();
    let lines = requests
        .into_iter()
        .map(|request| {
            let id = request.id;
            view! {
                <tr data-request=request.purchasing_account.clone()>
                    <td>{request.partner}</td>
                    <td>{format!("{} · {}", request.agreement_number, request.purchasing_account)}</td>
                    <td>{request.current_admin}</td>
                    <td>{request.proposed_admin}</td>
                    <td>{format!("{} ({})", lang.format_date(request.requested_at), request.requested_by)}</td>
                    <td>{lang.format_date(request.expires_at)}</td>
                    <td class="row-actions">
                        <ActionForm action=decide>
                            <input type="hidden" name="request_id" value=id />
                            <input type="hidden" name="approve" value="true" />
                            <button type="submit" class="primary">{t.approve}</button>
                        </ActionForm>
                        <ActionForm action=decide>
                            <input type="hidden" name="request_id" value=id />
                            <input type="hidden" name="approve" value="false" />
                            <button type="submit" class="secondary">{t.decline}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="admin-requests-title">
            <h2 id="admin-requests-title">{t.admin_requests_title}</h2>
            <p>{t.admin_requests_intro}</p>
            <FormError value=decide.value() />
            <TableScroll>
                <table class="admin-requests">
                    <thead>
                        <tr>
                            <th scope="col">{t.partner}</th>
                            <th scope="col">{t.purchasing_account_number}</th>
                            <th scope="col">{t.admin_request_current}</th>
                            <th scope="col">{t.admin_request_proposed}</th>
                            <th scope="col">{t.admin_request_asked}</th>
                            <th scope="col">{t.admin_request_lapses}</th>
                            <th scope="col">{t.actions}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </TableScroll>
        </section>
    }
}
