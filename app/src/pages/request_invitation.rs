use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::invitation::RequestInvitation;
use crate::components::{server_problem, Field, FormError, Layout};
use crate::i18n::use_lang;

/// "Didn't receive your invitation email?": the designated administrator
/// asks for a fresh invitation.
#[component]
pub fn RequestInvitationPage() -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout>
            <section class="card narrow">
                <h1>{t.resend_title}</h1>
                <p>{t.resend_intro}</p>
                <RequestInvitationForm />
                <p class="below-form">
                    <a href="/sign-in">{t.back_to_sign_in}</a>
                </p>
            </section>
        </Layout>
    }
}

#[component]
fn RequestInvitationForm() -> impl IntoView {
    let t = use_lang().texts();
    let action = ServerAction::<RequestInvitation>::new();
    let value = action.value();
    // The answer comes back in the address (`?sent=1`), with script too.
    let query = use_query_map();
    let sent = move || query.with(|query| query.get("sent").is_some());
    view! {
            {move || {
                sent()
                    .then(|| {
                    view! {
                        <div class="notice" role="status">
                            <p>{t.resend_done}</p>
                            <p>{t.resend_spam_note}</p>
                        </div>
                    }
                })
            }}
            // The answer is the same whether or not the details matched, so
            // they stay in the form, to be corrected.
            <ActionForm action=action>
                <FormError value=value />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="email"
                    required=true
                    problem=server_problem(value, "email")
                />
                <Field
                    label=t.agreement_number
                    name="agreement_number"
                    inputmode="numeric"
                    required=true
                    problem=server_problem(value, "agreement_number")
                />
                <Field
                    label=t.purchasing_account_number
                    name="purchasing_account_number"
                    inputmode="numeric"
                    required=true
                    problem=server_problem(value, "purchasing_account_number")
                />
                <button type="submit" class="primary">
                    {t.submit}
                </button>
            </ActionForm>
    }
}
