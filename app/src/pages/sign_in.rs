use leptos::prelude::*;

use crate::api::auth::{SignIn, SignInCode};
use crate::components::{server_problem, Field, FormError, Layout};
use crate::i18n::use_lang;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout>
            <section class="card narrow">
                <h1>{t.sign_in_title}</h1>
                <p>{t.work_account_intro}</p>
                <p class="note">{t.work_account_not_personal}</p>
                <SignInForm />
                <p class="below-form">
                    <a href="/request-invitation">{t.no_invitation_link}</a>
                </p>
            </section>
        </Layout>
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    let t = use_lang().texts();
    let action = ServerAction::<SignIn>::new();
    view! {
            <ActionForm action=action>
                <FormError value=action.value() />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="username"
                    required=true
                />
                <Field
                    label=t.password
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="primary">
                    {t.sign_in}
                </button>
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
