//! Account → Domains: add a domain, publish the TXT record it gets, and
//! Verify; each domain shows where its proof stands.

use leptos::prelude::*;

use crate::api::domains::{get_domains, AddDomain, VerifyDomain};
use crate::components::{reloaded, server_problem, signed_in_page, Field, FormError, Layout};
use crate::domain::wire::{DomainRow, DomainStatus, DomainsView};
use crate::use_lang;

#[component]
pub fn DomainsPage() -> impl IntoView {
    let t = use_lang().texts();
    let resource = Resource::new(|| (), |_| get_domains());
    signed_in_page(resource, move |view| {
        view! {
            <Layout user=view.user.clone()>
                <h1>{t.area_domains}</h1>
                <p>{t.domains_intro}</p>
                <DomainsIsland view />
            </Layout>
        }
    })
}

/// Adding and verifying domains, the list following what was saved.
#[island(lazy)]
fn DomainsIsland(view: DomainsView) -> impl IntoView {
    let add = ServerAction::<AddDomain>::new();
    let verify = ServerAction::<VerifyDomain>::new();
    let view = reloaded(
        view,
        move || add.version().get() + verify.version().get(),
        get_domains,
    );
    move || view! { <Domains view=view.get() add verify /> }
}

#[component]
fn Domains(
    view: DomainsView,
    add: ServerAction<AddDomain>,
    verify: ServerAction<VerifyDomain>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let value = add.value();
    let account_problem = server_problem(value, "purchasing_account");
    view! {
            <section class="card narrow">
                <h2>{t.add_domain}</h2>
                <ActionForm action=add>
                    <FormError value />
                    <Field
                        label=t.domain_field
                        name="domain"
                        autocomplete="off"
                        required=true
                        problem=server_problem(value, "domain")
                    />
                    <div class="field">
                        <label for="field-purchasing_account">{t.purchasing_account_number}</label>
                        <select id="field-purchasing_account" name="purchasing_account">
                            {view
                                .purchasing_accounts
                                .iter()
                                .map(|number| view! { <option value=number.clone()>{number.clone()}</option> })
                                .collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">
                            {move || account_problem.get().map(|problem| problem.text(lang))}
                        </p>
                    </div>
                    <button type="submit" class="primary" disabled=move || add.pending().get()>
                        {t.add_domain}
                    </button>
                </ActionForm>
            </section>
            {if view.domains.is_empty() {
                view! { <p>{t.no_domains}</p> }.into_any()
            } else {
                view
                    .domains
                    .into_iter()
                    .map(|domain| view! { <DomainCard domain verify /> })
                    .collect_view()
                    .into_any()
            }}
    }
}

#[component]
fn DomainCard(domain: DomainRow, verify: ServerAction<VerifyDomain>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = domain.id;
    let pending = matches!(domain.status, DomainStatus::Pending { .. });
    let record_name = domain.record_name.clone();
    let found = move || {
        let record_name = record_name.clone();
        verify.value().get().and_then(|result| match result {
            Ok((checked, found)) if checked == id => Some(
                view! {
                    <p class="notice" role="status">{found.text(lang, &record_name)}</p>
                }
                .into_any(),
            ),
            Err(error) => Some(
                view! {
                    <p class="form-error" role="alert">{error.summary(lang)}</p>
                }
                .into_any(),
            ),
            Ok(_) => None,
        })
    };
    view! {
        <section class="card domain" data-domain=domain.name.clone()>
            <h2>{domain.name.clone()}</h2>
            <dl class="profile">
                <dt>{t.purchasing_account_number}</dt>
                <dd>{domain.purchasing_account.clone()}</dd>
                <dt>{t.status}</dt>
                <dd class="domain-status">{domain.status.text(lang)}</dd>
            </dl>
            {pending
                .then(|| {
                    view! {
                        <h3>{t.txt_record}</h3>
                        <dl class="record">
                            <dt>{t.record_name}</dt>
                            <dd>
                                <code class="record-name">{domain.record_name.clone()}</code>
                                <CopyButton text=domain.record_name.clone() what=t.record_name />
                            </dd>
                            <dt>{t.record_value}</dt>
                            <dd>
                                <code class="record-value">{domain.record_value.clone()}</code>
                                <CopyButton text=domain.record_value.clone() what=t.record_value />
                            </dd>
                        </dl>
                        <ActionForm action=verify>
                            <input type="hidden" name="domain_id" value=id />
                            <button type="submit" class="primary" disabled=move || verify.pending().get()>
                                {t.verify}
                            </button>
                        </ActionForm>
                    }
                })}
            {found}
        </section>
    }
}

/// Puts `text` on the clipboard (once the page is interactive).
#[component]
fn CopyButton(text: String, what: &'static str) -> impl IntoView {
    let t = use_lang().texts();
    let label = format!("{} — {what}", t.copy);
    view! {
        <button
            type="button"
            class="secondary copy"
            aria-label=label
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                {
                    let clipboard = window().navigator().clipboard();
                    let _ = clipboard.write_text(&text);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &text;
            }
        >
            {t.copy}
        </button>
    }
}
