//! Account → Webhooks: add an endpoint (its secret shown once), see each
//! one's state, test, rotate, pause, resume or delete it, and open its
//! deliveries to send one again.

use leptos::prelude::*;

use crate::api::webhooks::{
    get_webhooks, CreateWebhook, DeleteWebhook, PauseWebhook, RedeliverWebhook,
    RotateWebhookSecret, TestWebhook,
};
use crate::components::{
    changing_action, page_source, server_problem, signed_in_page, Field, FormError, Layout,
    TableScroll,
};
use crate::domain::wire::{DeliveryRow, WebhookRow, WebhooksView};
use crate::domain::EventType;
use crate::i18n::{fill, use_lang, Texts};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let t = use_lang().texts();
    let source = page_source();
    let resource = Resource::new(source, |(query, _)| {
        let opened = query.get("endpoint").and_then(|id| id.parse().ok());
        get_webhooks(opened)
    });
    // Made here, not in the view the resource renders: each change reads
    // the page again and renders that view anew, and an action made in it
    // would lose the secret it answered.
    let create = changing_action::<CreateWebhook>();
    let actions = Actions {
        rotate: changing_action::<RotateWebhookSecret>(),
        pause: changing_action::<PauseWebhook>(),
        delete: changing_action::<DeleteWebhook>(),
        test: changing_action::<TestWebhook>(),
        redeliver: changing_action::<RedeliverWebhook>(),
    };
    let left_by_plain_form = new_secret();
    signed_in_page(resource, move |view| {
        let left = left_by_plain_form.clone();
        view! {
            <Layout user=view.user.clone()>
                <h1>{t.area_webhooks}</h1>
                <p>{t.webhooks_intro}</p>
                <Webhooks view create actions left />
            </Layout>
        }
    })
}

/// The actions every endpoint's buttons use, made once for the page.
#[derive(Clone, Copy)]
struct Actions {
    rotate: ServerAction<RotateWebhookSecret>,
    pause: ServerAction<PauseWebhook>,
    delete: ServerAction<DeleteWebhook>,
    test: ServerAction<TestWebhook>,
    redeliver: ServerAction<RedeliverWebhook>,
}

/// The secret `left` is one a form posted without script left for this
/// page.
#[component]
fn Webhooks(
    view: WebhooksView,
    create: ServerAction<CreateWebhook>,
    actions: Actions,
    left: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let left_by_plain_form = left;
    let (created, rotated) = (create.value(), actions.rotate.value());
    let secret = move || {
        let fresh = rotated
            .get()
            .and_then(Result::ok)
            .or_else(|| created.get().and_then(Result::ok));
        fresh.or_else(|| left_by_plain_form.clone())
    };
    let opened = view.deliveries.clone().and_then(|(id, rows)| {
        let endpoint = view.endpoints.iter().find(|row| row.id == id)?.clone();
        Some((endpoint, rows))
    });
    view! {
        {move || {
            secret()
                .map(|secret| {
                    view! {
                        <div class="notice" role="status">
                            <p>{t.webhook_secret_shown}</p>
                            <p>
                                <code class="webhook-secret">{secret}</code>
                            </p>
                        </div>
                    }
                })
        }}
        <FormError value=actions.rotate.value() />
        <FormError value=actions.pause.value() />
        <FormError value=actions.delete.value() />
        <FormError value=actions.test.value() />
        {if view.endpoints.is_empty() {
            view! { <p>{t.no_webhooks}</p> }.into_any()
        } else {
            view! { <EndpointTable rows=view.endpoints.clone() actions /> }.into_any()
        }}
        {opened.map(|(endpoint, rows)| view! { <Deliveries endpoint rows actions /> })}
        <section class="card narrow">
            <h2>{t.add_webhook}</h2>
            <ActionForm action=create>
                <FormError value=created />
                <Field
                    label=t.webhook_url
                    name="url"
                    kind="url"
                    autocomplete="off"
                    required=true
                    problem=server_problem(created, "url")
                />
                <fieldset class="field">
                    <legend>{t.webhook_events}</legend>
                    // Unindexed (`events[]`): only the checked boxes are sent.
                    {EventType::offered(false)
                        .map(|kind| {
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="events[]" value=kind.key() />
                                    <code>{kind.key()}</code>
                                </label>
                            }
                        })
                        .collect_view()}
                    <p class="field-error" aria-live="polite">
                        {move || server_problem(created, "events").get().map(|problem| problem.text(lang))}
                    </p>
                </fieldset>
                <button type="submit" class="primary">
                    {t.add_webhook}
                </button>
            </ActionForm>
        </section>
    }
}

fn state_text(row: &WebhookRow, t: &'static Texts) -> &'static str {
    match (row.disabled.as_deref(), row.paused) {
        (Some("gone"), _) => t.webhook_gone,
        (Some(_), _) => t.webhook_failing,
        (None, true) => t.webhook_paused,
        (None, false) => t.webhook_active,
    }
}

#[component]
fn EndpointTable(rows: Vec<WebhookRow>, actions: Actions) -> impl IntoView {
    let t = use_lang().texts();
    let lines = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let live = row.disabled.is_none() && !row.paused;
            let events = row
                .events
                .iter()
                .map(|kind| kind.key())
                .collect::<Vec<_>>()
                .join(", ");
            let state = state_text(&row, t);
            view! {
                <tr data-webhook=row.url.clone()>
                    <td>
                        <code>{row.url.clone()}</code>
                    </td>
                    <td>{events}</td>
                    <td class="webhook-state">{state}</td>
                    <td>{row.pending}</td>
                    <td class="row-actions">
                        <a href=format!("/webhooks?endpoint={id}")>{t.deliveries}</a>
                        <ActionForm action=actions.test>
                            <input type="hidden" name="endpoint_id" value=id />
                            <button type="submit" class="link-button">
                                {t.send_test_event}
                            </button>
                        </ActionForm>
                        <ActionForm action=actions.rotate>
                            <input type="hidden" name="endpoint_id" value=id />
                            <button type="submit" class="link-button">
                                {t.rotate_secret}
                            </button>
                        </ActionForm>
                        <ActionForm action=actions.pause>
                            <input type="hidden" name="endpoint_id" value=id />
                            <input type="hidden" name="paused" value=live.to_string() />
                            <button type="submit" class="link-button">
                                {if live { t.pause } else { t.resume }}
                            </button>
                        </ActionForm>
                        <ActionForm action=actions.delete>
                            <input type="hidden" name="endpoint_id" value=id />
                            <button type="submit" class="link-button">
                                {t.delete}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll>
            <table class="webhooks-table">
                <thead>
                    <tr>
                        <th scope="col">{t.webhook_url}</th>
                        <th scope="col">{t.webhook_events}</th>
                        <th scope="col">{t.status}</th>
                        <th scope="col">{t.webhook_waiting}</th>
                        <th scope="col">{t.actions}</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn Deliveries(endpoint: WebhookRow, rows: Vec<DeliveryRow>, actions: Actions) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let title = fill(t.deliveries_of, &[("url", &endpoint.url)]);
    let endpoint_id = endpoint.id;
    let lines = rows
        .into_iter()
        .map(|row| {
            let status = match row.status.as_str() {
                "delivered" => t.delivery_delivered,
                "failed" => t.delivery_failed,
                _ => t.delivery_pending,
            };
            let response = match (row.last_status_code, row.last_error) {
                (Some(code), _) => format!("HTTP {code}"),
                (None, Some(error)) => error,
                (None, None) => String::new(),
            };
            let when = |at: Option<i64>| at.map(|at| lang.format_date_time(at)).unwrap_or_default();
            view! {
                <tr data-delivery=row.id>
                    <td>
                        <code>{row.event_type}</code>
                    </td>
                    <td class="delivery-status">{status}</td>
                    <td>{row.attempts}</td>
                    <td>{response}</td>
                    <td>{when(row.last_attempt_at)}</td>
                    <td>{when(row.next_attempt_at)}</td>
                    <td class="row-actions">
                        <ActionForm action=actions.redeliver>
                            <input type="hidden" name="endpoint_id" value=endpoint_id />
                            <input type="hidden" name="delivery_id" value=row.id />
                            <button type="submit" class="link-button">
                                {t.redeliver}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card deliveries" id="deliveries">
            <h2>{title}</h2>
            <FormError value=actions.redeliver.value() />
            <TableScroll>
                <table class="deliveries-table">
                    <thead>
                        <tr>
                            <th scope="col">{t.event}</th>
                            <th scope="col">{t.status}</th>
                            <th scope="col">{t.attempts}</th>
                            <th scope="col">{t.response}</th>
                            <th scope="col">{t.last_attempt}</th>
                            <th scope="col">{t.next_attempt}</th>
                            <th scope="col">{t.actions}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </TableScroll>
        </section>
    }
}

/// The secret a form posted without script left for this page (a
/// webhook's, or a SCIM token on the Single sign-on page).
pub(crate) fn new_secret() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::api::webhooks::take_new_secret()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
