//! Account → Single sign-on: connect the organization's OpenID Connect
//! provider for its verified domains, test it, turn it on, require it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::sso::{get_sso, CreateScimToken, SaveSso, SwitchSso, TestSso};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, Field, FormError, Layout,
};
use crate::domain::wire::SsoView;
use crate::domain::Role;
use crate::i18n::{fill, use_lang};

#[component]
pub fn SsoPage() -> impl IntoView {
    let t = use_lang().texts();
    let source = page_source();
    let resource = Resource::new(source, |_| get_sso());
    let save = changing_action::<SaveSso>();
    let switch = changing_action::<SwitchSso>();
    let test = ServerAction::<TestSso>::new();
    // Made here: the token it answers must survive the page's new render.
    let scim = ServerAction::<CreateScimToken>::new();
    let left_by_plain_form = crate::pages::webhooks::new_secret();
    signed_in_page(resource, move |view| {
        let left = left_by_plain_form.clone();
        view! {
            <Layout user=view.user.clone()>
                <h1>{t.area_sso}</h1>
                <p>{t.sso_intro}</p>
                <TestOutcome />
                <Connection view=view.clone() save />
                {view.configured.then(|| view! { <Switches view=view.clone() switch test /> })}
                <Provisioning scim_url=view.scim_url.clone() scim left />
            </Layout>
        }
    })
}

/// What the provider's answer to the last test connection was (the
/// callback comes back here with `?test=`).
#[component]
fn TestOutcome() -> impl IntoView {
    let t = use_lang().texts();
    let query = use_query_map();
    move || {
        query.with(|query| query.get("test")).map(|outcome| {
            let text = if outcome == "passed" {
                t.sso_test_passed.to_owned()
            } else {
                fill(t.sso_test_failed, &[("reason", &outcome)])
            };
            view! {
                <div class="notice" role="status">
                    <p>{text}</p>
                </div>
            }
        })
    }
}

#[component]
fn Connection(view: SsoView, save: ServerAction<SaveSso>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let saved = save.value();
    let roles: Vec<String> = view.create_roles.split(',').map(str::to_owned).collect();
    let field_problem = move |field: &'static str| {
        move || {
            server_problem(saved, field)
                .get()
                .map(|problem| problem.text(lang))
        }
    };
    view! {
        <section class="card narrow">
            <p>
                {t.sso_redirect_uri} ": " <code class="sso-redirect">{view.redirect_uri.clone()}</code>
            </p>
            <ActionForm action=save>
                <FormError value=saved />
                <Field
                    label=t.sso_issuer
                    name="issuer"
                    kind="url"
                    value=view.issuer.clone()
                    autocomplete="off"
                    required=true
                    problem=server_problem(saved, "issuer")
                />
                <Field
                    label=t.sso_client_id
                    name="client_id"
                    value=view.client_id.clone()
                    autocomplete="off"
                    required=true
                    problem=server_problem(saved, "client_id")
                />
                <Field
                    label=t.sso_client_secret
                    name="client_secret"
                    kind="password"
                    autocomplete="new-password"
                    required=!view.configured
                    problem=server_problem(saved, "client_secret")
                />
                {view.configured.then(|| view! { <p class="note">{t.sso_client_secret_kept}</p> })}
                <fieldset class="field">
                    <legend>{t.sso_domains}</legend>
                    {if view.verified_domains.is_empty() {
                        view! { <p class="note">{t.sso_no_verified_domains}</p> }.into_any()
                    } else {
                        view.verified_domains
                            .iter()
                            .map(|name| {
                                let checked = view.domains.contains(name);
                                view! {
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            name="domains[]"
                                            value=name.clone()
                                            checked=checked
                                        />
                                        {name.clone()}
                                    </label>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                    <p class="field-error" aria-live="polite">{field_problem("domains")}</p>
                </fieldset>
                <label class="check">
                    <input
                        type="checkbox"
                        name="create_accounts"
                        value="on"
                        checked=view.create_accounts
                    />
                    {t.sso_create_accounts}
                </label>
                <fieldset class="field">
                    <legend>{t.sso_create_roles}</legend>
                    {Role::CUSTOMER
                        .iter()
                        .map(|role| {
                            let checked = roles.iter().any(|key| key == role.key());
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        name="create_roles[]"
                                        value=role.key()
                                        checked=checked
                                    />
                                    {role.name(lang)}
                                </label>
                            }
                        })
                        .collect_view()}
                    <p class="field-error" aria-live="polite">{field_problem("create_roles")}</p>
                </fieldset>
                <button type="submit" class="primary">
                    {t.sso_save}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Switches(
    view: SsoView,
    switch: ServerAction<SwitchSso>,
    test: ServerAction<TestSso>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let switched = switch.value();
    let (status, toggle, toggled_to) = if view.enabled {
        (t.sso_status_on, t.sso_turn_off, "false")
    } else {
        (t.sso_status_off, t.sso_turn_on, "true")
    };
    let require = if view.required {
        (t.sso_stop_requiring, "false")
    } else {
        (t.sso_require, "true")
    };
    view! {
        <section class="card narrow">
            <FormError value=switched />
            <FormError value=test.value() />
            <p>{status}</p>
            {view.required.then(|| view! { <p class="note">{t.sso_required_note}</p> })}
            <ActionForm action=switch>
                <input type="hidden" name="enabled" value=toggled_to />
                <button type="submit">{toggle}</button>
            </ActionForm>
            <ActionForm action=test>
                <button type="submit">{t.sso_test}</button>
                <p class="note">{t.sso_test_intro}</p>
            </ActionForm>
            {view
                .tested_at
                .map(|at| {
                    view! {
                        <p class="note">
                            {fill(t.sso_tested_at, &[("date", &lang.format_date(at))])}
                        </p>
                    }
                })}
            {if view.tested_at.is_some() {
                view! {
                    <ActionForm action=switch>
                        <input type="hidden" name="required" value=require.1 />
                        <button type="submit">{require.0}</button>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! { <p class="note">{t.sso_require_needs_test}</p> }.into_any()
            }}
        </section>
    }
}

/// The directory's way in: the SCIM address, and a token shown once
/// (`left`: one a form posted without script left for this page).
#[component]
fn Provisioning(
    scim_url: String,
    scim: ServerAction<CreateScimToken>,
    left: Option<String>,
) -> impl IntoView {
    let t = use_lang().texts();
    let made = scim.value();
    let secret = move || made.get().and_then(Result::ok).or_else(|| left.clone());
    view! {
        <section class="card narrow">
            <h2>{t.sso_provisioning}</h2>
            <p>{t.sso_provisioning_intro}</p>
            <p>
                {t.scim_base_url} ": " <code class="scim-url">{scim_url}</code>
            </p>
            {move || {
                secret()
                    .map(|secret| {
                        view! {
                            <div class="notice" role="status">
                                <p>{t.scim_token_shown}</p>
                                <p>
                                    <code class="scim-token">{secret}</code>
                                </p>
                            </div>
                        }
                    })
            }}
            <ActionForm action=scim>
                <FormError value=made />
                <Field
                    label=t.scim_token_name
                    name="name"
                    value="SCIM"
                    autocomplete="off"
                    required=true
                    problem=server_problem(made, "name")
                />
                <button type="submit">{t.create_scim_token}</button>
            </ActionForm>
        </section>
    }
}
