use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use crate::api::auth::{SignIn, SignInCode};
use crate::api::sso::sso_for;
use crate::components::{server_problem, Field, FormError, Layout};
use crate::i18n::{fill, use_lang, Texts};

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout>
            <section class="card narrow">
                <h1>{t.sign_in_title}</h1>
                <p>{t.work_account_intro}</p>
                <p class="note">{t.work_account_not_personal}</p>
                <SsoFailure />
                <SignInForm />
                <p class="below-form">
                    <a href="/request-invitation">{t.no_invitation_link}</a>
                </p>
            </section>
        </Layout>
    }
}

/// Why a sign-in through the organization's provider did not sign the
/// person in (the callback comes back here with `?sso=`).
#[component]
fn SsoFailure() -> impl IntoView {
    let t = use_lang().texts();
    let query = use_query_map();
    move || {
        query.with(|query| {
            let reason = query.get("sso")?;
            let provider = query.get("provider").unwrap_or_default();
            Some(view! {
                <p class="form-error" role="alert">
                    {sso_failure(t, &reason, &provider)}
                </p>
            })
        })
    }
}

fn sso_failure(t: &'static Texts, reason: &str, provider: &str) -> String {
    match reason {
        "provider_unreachable" => fill(t.sso_failed_unreachable, &[("provider", provider)]),
        "unknown_state" => t.sso_failed_expired.to_owned(),
        "provider_error" => t.sso_failed_denied.to_owned(),
        "no_account" | "domain_not_served" | "linked_elsewhere" => {
            t.sso_failed_no_account.to_owned()
        }
        _ => t.sso_failed_refused.to_owned(),
    }
}

/// The email and password form. Once the page has hydrated, an address
/// at a domain whose organization signs its people in with its own
/// provider hides the password: the form then sends the person there.
/// Without script the password may be left empty for the same.
#[component]
fn SignInForm() -> impl IntoView {
    let t = use_lang().texts();
    let action = ServerAction::<SignIn>::new();
    let domain = RwSignal::new(String::new());
    let lookup = Action::new(|domain: &String| {
        let domain = domain.clone();
        async move {
            let routed = sso_for(format!("someone@{domain}")).await.unwrap_or(false);
            (domain, routed)
        }
    });
    let on_email = Callback::new(move |typed: String| {
        let typed = typed.trim().to_ascii_lowercase();
        let next = typed
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_owned())
            .filter(|domain| domain.contains('.') && !domain.ends_with('.'))
            .unwrap_or_default();
        if next != domain.get_untracked() {
            domain.set(next.clone());
            if !next.is_empty() {
                lookup.dispatch(next);
            }
        }
    });
    // The designated administrator keeps a password (the break-glass
    // account): one click brings the field back.
    let with_password = RwSignal::new(false);
    let sso = move || {
        !with_password.get()
            && lookup
                .value()
                .get()
                .is_some_and(|(checked, routed)| routed && checked == domain.get())
    };
    view! {
            <ActionForm action=action>
                <FormError value=action.value() />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="username"
                    required=true
                    on_input=on_email
                />
                <Show when=move || !sso()>
                    <Field
                        label=t.password
                        name="password"
                        kind="password"
                        autocomplete="current-password"
                        problem=server_problem(action.value(), "password")
                    />
                </Show>
                <button type="submit" class="primary">
                    {move || if sso() { t.continue_with_sso } else { t.sign_in }}
                </button>
                <Show when=sso>
                    <p class="below-form">
                        <button type="button" class="link" on:click=move |_| with_password.set(true)>
                            {t.sso_use_password}
                        </button>
                    </p>
                </Show>
            </ActionForm>
    }
}

/// The second step of signing in, for users with two-step verification.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout>
            <section class="card narrow">
                <h1>{t.sign_in_code_title}</h1>
                <p>{t.sign_in_code_intro}</p>
                <SignInCodeForm />
                <p class="below-form">
                    <a href="/sign-in">{t.sign_in_code_expired}</a>
                </p>
            </section>
        </Layout>
    }
}

#[component]
fn SignInCodeForm() -> impl IntoView {
    let t = use_lang().texts();
    let action = ServerAction::<SignInCode>::new();
    let value = action.value();
    view! {
            <ActionForm action=action>
                <FormError value />
                <Field
                    label=t.two_step_code
                    name="code"
                    autocomplete="one-time-code"
                    required=true
                    problem=server_problem(value, "code")
                />
                <button type="submit" class="primary">
                    {t.verify}
                </button>
            </ActionForm>
    }
}
