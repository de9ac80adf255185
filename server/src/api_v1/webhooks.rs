//! `/api/v1/webhooks` and `/api/v1/events`: an organization's webhook
//! endpoints (Account Admins, Partner Admins) or the vendor operator's
//! (an operator token), and the events themselves, in order.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{idempotent, json_body, ApiCaller, ApiError, ProblemDocument, PROBLEM};
use app::domain::wire::{DeliveryRow, WebhookRow};
use app::error::AppError;
use app::i18n::dates::rfc3339;
use app::services::events;
use app::services::tokens::Caller;
use app::services::webhooks::{self, Manager};
use app::services::AppState;

impl ApiCaller {
    /// Who manages webhooks for this token: the person (if allowed), or
    /// the vendor operator.
    fn webhook_manager(&self) -> Result<Manager, ApiError> {
        match &self.0 {
            Caller::User { actor, .. } => Ok(Manager::person(actor)?),
            Caller::Operator { .. } => Ok(Manager::operator()),
        }
    }

    fn token_id(&self) -> i64 {
        match &self.0 {
            Caller::User { token_id, .. } | Caller::Operator { token_id } => *token_id,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewWebhook {
    /// `https://` and a public host.
    #[schema(schema_with = super::schemas::webhook_url)]
    url: String,
    /// Event types, such as `invitation.created`.
    #[schema(schema_with = super::schemas::events)]
    events: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Webhook {
    id: i64,
    url: String,
    events: Vec<String>,
    paused: bool,
    /// Why deliveries stopped: `gone` (410) or `failing` (3 days); absent
    /// while live.
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled: Option<String>,
    /// Deliveries waiting.
    pending: i64,
    created_at: String,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Webhook {
            id: row.id,
            url: row.url,
            events: row
                .events
                .iter()
                .map(|kind| kind.key().to_owned())
                .collect(),
            paused: row.paused,
            disabled: row.disabled,
            pending: row.pending,
            created_at: rfc3339(row.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct CreatedWebhook {
    id: i64,
    url: String,
    events: Vec<String>,
    /// `whsec_…`: shown this once. Verify each delivery's
    /// `webhook-signature` with it (Standard Webhooks).
    secret: String,
}

/// Adds an endpoint for the organization's events (or, with an operator
/// token, the vendor's `agreement.created`). Answers its secret, once.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("token" = [])),
    request_body = NewWebhook,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255,
        pattern = "^[!-~]+$", description = "As on every POST")),
    responses(
        (status = 201, body = CreatedWebhook),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 422, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn create_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let manager = caller.webhook_manager()?;
    idempotent(&state, caller.token_id(), &headers, &body, || async {
        let body: NewWebhook = json_body(&body)?;
        let created = webhooks::create(&state, &manager, &body.url, &body.events).await?;
        let row = webhooks::get(&state, &manager, created.id).await?;
        let answer = CreatedWebhook {
            id: created.id,
            url: row.url,
            events: row
                .events
                .iter()
                .map(|kind| kind.key().to_owned())
                .collect(),
            secret: created.secret,
        };
        Ok((StatusCode::CREATED, Json(answer)).into_response())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub(super) struct Webhooks {
    webhooks: Vec<Webhook>,
}

/// The endpoints, oldest first (never their secrets).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    security(("token" = [])),
    responses(
        (status = 200, body = Webhooks),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_webhooks(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Webhooks>, ApiError> {
    let manager = caller.webhook_manager()?;
    let rows = webhooks::list(&state, &manager).await?;
    Ok(Json(Webhooks {
        webhooks: rows.into_iter().map(Webhook::from).collect(),
    }))
}

/// Deletes an endpoint; the events stay readable under `/api/v1/events`.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn delete_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    webhooks::delete(&state, &caller.webhook_manager()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct WebhookState {
    /// `true` stops deliveries (they wait); `false` starts them again,
    /// also after the endpoint was disabled.
    paused: bool,
}

/// Pauses or resumes an endpoint.
#[utoipa::path(
    put,
    path = "/api/v1/webhooks/{id}/paused",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    request_body = WebhookState,
    responses(
        (status = 200, body = Webhook),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn pause_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Webhook>, ApiError> {
    let manager = caller.webhook_manager()?;
    let body: WebhookState = json_body(&body)?;
    webhooks::set_paused(&state, &manager, id, body.paused).await?;
    Ok(Json(webhooks::get(&state, &manager, id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub(super) struct NewSecret {
    /// The new `whsec_…`; for 24 hours deliveries carry a signature with
    /// the old one too.
    secret: String,
}

/// Gives an endpoint a new signing secret.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/rotate-secret",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 200, body = NewSecret),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn rotate_secret(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<NewSecret>, ApiError> {
    let secret = webhooks::rotate_secret(&state, &caller.webhook_manager()?, id).await?;
    Ok(Json(NewSecret { secret }))
}

#[derive(Serialize, ToSchema)]
pub(super) struct Queued {
    delivery_id: i64,
}

/// Sends the endpoint a `webhook.test` event.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/test",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 202, body = Queued),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn test_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    let delivery_id = webhooks::send_test(&state, &caller.webhook_manager()?, id).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { delivery_id })))
}

#[derive(Serialize, ToSchema)]
pub(super) struct Delivery {
    id: i64,
    event_id: i64,
    event_type: String,
    /// `pending`, `delivered` or `failed`.
    status: String,
    attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_status: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_attempt_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt_at: Option<String>,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Delivery {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            response_status: row.last_status_code,
            error: row.last_error,
            last_attempt_at: row.last_attempt_at.map(rfc3339),
            next_attempt_at: row.next_attempt_at.map(rfc3339),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct Deliveries {
    deliveries: Vec<Delivery>,
}

/// The endpoint's latest 50 deliveries, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    security(("token" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 200, body = Deliveries),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_deliveries(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Deliveries>, ApiError> {
    let rows = webhooks::deliveries(&state, &caller.webhook_manager()?, id).await?;
    Ok(Json(Deliveries {
        deliveries: rows.into_iter().map(Delivery::from).collect(),
    }))
}

/// Sends a delivery's event again, after what the endpoint is waiting for.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    tag = "webhooks",
    security(("token" = [])),
    params(
        ("id" = i64, Path, description = "The endpoint's id"),
        ("delivery_id" = i64, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, body = Queued),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
        (status = 404, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn redeliver(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, delivery_id)): Path<(i64, i64)>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    let manager = caller.webhook_manager()?;
    let delivery_id = webhooks::redeliver(&state, &manager, id, delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { delivery_id })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct EventsQuery {
    /// The cursor: the `next_after` of the page before; absent, the first
    /// events.
    #[serde(default)]
    after: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Event {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
    timestamp: String,
    #[schema(value_type = Object)]
    data: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub(super) struct EventsPage {
    events: Vec<Event>,
    /// Pass as `after` for what comes next; the same cursor again when
    /// nothing new has happened yet.
    next_after: i64,
}

/// The organization's events (the operator's, with an operator token),
/// oldest first, 100 a page, after `after`. Events show 2 seconds after
/// their change, so that none committed late is skipped.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    security(("token" = [])),
    params(EventsQuery),
    responses(
        (status = 200, body = EventsPage),
        (status = 403, body = ProblemDocument, content_type = PROBLEM),
    )
)]
pub(super) async fn list_events(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<EventsPage>, ApiError> {
    let manager = caller.webhook_manager()?;
    let Query(query) = query.map_err(|_| ApiError(AppError::BadRequest))?;
    let after = query.after.unwrap_or(0);
    let found = events::list(&state, manager.audience(), after).await?;
    let next_after = found.last().map_or(after, |event| event.id);
    Ok(Json(EventsPage {
        events: found
            .into_iter()
            .map(|event| Event {
                id: event.id,
                kind: event.kind,
                timestamp: event.timestamp,
                data: event.data,
            })
            .collect(),
        next_after,
    }))
}
