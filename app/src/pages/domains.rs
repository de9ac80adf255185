//! Account → Domains: add a domain, publish the TXT record it gets, and
//! Verify; each domain shows where its proof stands.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::domains::{get_domains, AddDomain, VerifyDomain};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, Field, FormError, Layout,
};
use crate::domain::wire::{DomainCheck, DomainRow, DomainStatus, DomainsView};
use crate::i18n::use_lang;

#[component]
pub fn DomainsPage() -> impl IntoView {
    let t = use_lang().texts();
    let resource = Resource::new(page_source(), |_| get_domains());
    signed_in_page(resource, move |view| {
        view! {
            <Layout user=view.user.clone()>
                <h1>{t.area_domains}</h1>
                <p>{t.domains_intro}</p>
                    <Domains view />
            </Layout>
        }
    })
}

/// Adding and verifying domains, with what is saved.
#[component]
fn Domains(view: DomainsView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let add = changing_action::<AddDomain>();
    let verify = changing_action::<VerifyDomain>();
    // The domain a Verify just checked; what it found comes from the
    // server, never from the address.
    let checked = use_query_map()
        .with_untracked(|query| query.get("checked").and_then(|id| id.parse::<i64>().ok()));
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
                    <button type="submit" class="primary">
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
                    .map(|domain| {
                        let found = domain
                            .last_check
                            .clone()
                            .filter(|_| checked == Some(domain.id));
                        view! { <DomainCard domain verify found /> }
                    })
                    .collect_view()
                    .into_any()
            }}
    }
}

#[component]
fn DomainCard(
    domain: DomainRow,
    verify: ServerAction<VerifyDomain>,
    found: Option<DomainCheck>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = domain.id;
    let pending = matches!(domain.status, DomainStatus::Pending { .. });
    let record_name = domain.record_name.clone();
    let found = move || match (found.clone(), verify.value().get()) {
        (Some(found), _) => Some(
            view! { <p class="notice" role="status">{found.text(lang, &record_name)}</p> }
                .into_any(),
        ),
        (None, Some(Err(error))) => {
            Some(view! { <p class="form-error" role="alert">{error.summary(lang)}</p> }.into_any())
        }
        _ => None,
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
                            <button type="submit" class="primary">
                                {t.verify}
                            </button>
                        </ActionForm>
                    }
                })}
            {found}
        </section>
    }
}

/// Puts `text` on the clipboard.
#[component]
fn CopyButton(text: String, what: &'static str) -> impl IntoView {
    let t = use_lang().texts();
    let label = format!("{} — {what}", t.copy);
    let copy = move |_| {
        // The promise needs no waiting: the clipboard says nothing back
        // that the page would show.
        #[cfg(feature = "hydrate")]
        let _ = window().navigator().clipboard().write_text(&text);
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button type="button" class="secondary copy" aria-label=label on:click=copy>
            {t.copy}
        </button>
    }
}
