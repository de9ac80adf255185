use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::invitation::{get_invitation, AcceptInvitation, AcceptInvitationWithSso};
use crate::components::{server_problem, Field, FormError, Layout, NewPassword};
use crate::domain::wire::{InvitationView, LinkState};
use crate::domain::COUNTRIES;
use crate::i18n::use_lang;
use crate::i18n::{around, fill};

/// Where an emailed invitation link lands: the account form while the link
/// is good, otherwise a page saying what happened and what to do.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let t = use_lang().texts();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, get_invitation);
    view! {
        <Layout>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                // Read with `get`: see `components::signed_in_page`.
                {move || {
                    link.get()
                        .map(|result| match result {
                            Ok(LinkState::Valid(invitation)) if invitation.sso => {
                                view! { <AcceptWithSso token=token() invitation /> }.into_any()
                            }
                            Ok(LinkState::Valid(invitation)) => {
                                view! { <CreateAccount token=token() invitation /> }.into_any()
                            }
                            Ok(state) => view! { <DeadLink state /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <p class="form-error" role="alert">
                                        {error.summary(use_lang())}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn DeadLink(state: LinkState) -> impl IntoView {
    let t = use_lang().texts();
    let (title, body, status) = match state {
        LinkState::Expired => (t.expired_title, t.expired_body, 410),
        LinkState::Used => (t.used_title, t.used_body, 410),
        LinkState::Superseded => (t.superseded_title, t.superseded_body, 410),
        LinkState::Revoked => (t.revoked_title, t.revoked_body, 410),
        LinkState::Unknown | LinkState::Valid(_) => (t.unknown_title, t.unknown_body, 404),
    };
    crate::components::set_status(status);
    let (action_href, action_label) = if state == LinkState::Used {
        ("/sign-in", t.sign_in)
    } else {
        ("/request-invitation", t.request_new_invitation)
    };
    view! {
        <section class="card narrow dead-link">
            <h1>{title}</h1>
            <p>{body}</p>
            <p>
                <a class="button primary" href=action_href>
                    {action_label}
                </a>
            </p>
        </section>
    }
}

/// An invitation to an address whose organization signs its people in
/// with its own provider: accepted there, with no password here.
#[component]
fn AcceptWithSso(token: String, invitation: InvitationView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = ServerAction::<AcceptInvitationWithSso>::new();
    let expires = lang.format_date(invitation.expires_at);
    view! {
        <section class="card narrow">
            <h1>{t.create_account_title}</h1>
            <p class="context">{invitation.organization.clone()} " · " {invitation.email.clone()}</p>
            <p>{t.invitation_with_sso}</p>
            <ActionForm action=action>
                <FormError value=action.value() />
                <input type="hidden" name="token" value=token />
                <p class="note">{fill(t.invitation_expires_on, &[("date", &expires)])}</p>
                <button type="submit" class="primary">
                    {t.continue_with_sso}
                </button>
            </ActionForm>
        </section>
    }
}

/// The account form, with the problems the server found when it was last
/// sent (after a post without script, from the address it came back to).
#[component]
fn CreateAccount(token: String, invitation: InvitationView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = ServerAction::<AcceptInvitation>::new();
    let value = action.value();
    let problem_text = move |field: &'static str| {
        server_problem(value, field)
            .get()
            .map(|problem| problem.text(lang))
    };
    let expires = lang.format_date(invitation.expires_at);
    let (terms_before, terms_after) = around(t.terms, "start");
    let selected_country = invitation.country.clone();

    view! {
        <section class="card narrow">
            <h1>{t.create_account_title}</h1>
            {invitation
                .agreement_number
                .clone()
                .map(|number| {
                    view! {
                        <p class="context">
                            {invitation.organization.clone()} " · " {t.invitation_for_agreement} " "
                            {number}
                        </p>
                    }
                })}
                <ActionForm action=action>
                    <FormError value=value />
                    {move || {
                        problem_text("invitation")
                            .map(|text| {
                                view! {
                                    <p class="form-error" role="alert">
                                        {text}
                                    </p>
                                }
                            })
                    }}
                    <input type="hidden" name="token" value=token />
                    <div class="field">
                        <label for="field-email">{t.email_address}</label>
                        <input
                            id="field-email"
                            type="email"
                            value=invitation.email.clone()
                            readonly=true
                            aria-describedby="not-you"
                        />
                        <p class="note" id="not-you">
                            {t.not_you}
                        </p>
                    </div>
                    <div class="name-row">
                        <Field
                            label=t.first_name
                            name="first_name"
                            value=invitation.first_name.clone()
                            autocomplete="given-name"
                            required=true
                            problem=server_problem(value, "first_name")
                        />
                        <Field
                            label=t.last_name
                            name="last_name"
                            value=invitation.last_name.clone()
                            autocomplete="family-name"
                            required=true
                            problem=server_problem(value, "last_name")
                        />
                    </div>
                    <NewPassword
                        name="password"
                        label=t.create_password
                        problem=server_problem(value, "password")
                        confirmation_problem=server_problem(value, "confirm_password")
                        listed=true
                    />
                    <div class="field">
                        <label for="field-country">{t.country_region}</label>
                        <select id="field-country" name="country" autocomplete="country">
                            {COUNTRIES
                                .iter()
                                .map(|country| {
                                    view! {
                                        <option
                                            value=country.code
                                            selected=country.code == selected_country
                                        >
                                            {country.name(lang)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">
                            {move || problem_text("country")}
                        </p>
                        <details class="note">
                            <summary>{t.country_missing}</summary>
                            <p>{t.country_missing_help}</p>
                        </details>
                    </div>
                    <p class="terms">
                        {terms_before} <strong>{t.start}</strong> {terms_after}
                    </p>
                    <p class="note">{fill(t.invitation_expires_on, &[("date", &expires)])}</p>
                    <button type="submit" class="primary">
                        {t.start}
                    </button>
                </ActionForm>
        </section>
    }
}
