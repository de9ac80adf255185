//! Webhook endpoints: where an organization's events (or the vendor
//! operator's) are sent, signed as Standard Webhooks 1.0 describes. Account
//! Admins and Partner Admins manage their organization's from the Webhooks
//! page or the API; the operator's are managed through the API with an
//! operator token. Deliveries are made by the worker (`delivery`).

pub mod address;
pub mod delivery;

use tracing::instrument;

use super::audit::{self, Actor};
use super::events::Audience;
use super::secrets::Purpose;
use super::AppState;
use crate::domain::wire::{DeliveryRow, UserSummary, WebhookRow, WebhooksView};
use crate::domain::{AuditAction, Capability, EventType, Problem};
use crate::error::AppError;

/// Who manages endpoints: a person allowed to, for their organization, or
/// the vendor operator (through an operator token) for the operator's.
#[derive(Debug, Clone)]
pub struct Manager {
    audience: Audience,
    /// The person, for the audit log; `None` for the operator.
    actor: Option<Actor>,
}

impl Manager {
    pub fn person(actor: &Actor) -> Result<Manager, AppError> {
        actor.user.require(Capability::ManageWebhooks)?;
        Ok(Manager {
            audience: Audience::Organization(actor.user.organization_id),
            actor: Some(actor.clone()),
        })
    }

    pub fn operator() -> Manager {
        Manager {
            audience: Audience::Operator,
            actor: None,
        }
    }

    pub fn audience(&self) -> Audience {
        self.audience
    }

    fn is_operator(&self) -> bool {
        self.audience == Audience::Operator
    }

    /// Writes the change to the organization's audit log; the operator's
    /// are logged by the server.
    async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        now: i64,
        action: AuditAction,
        url: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        match &self.actor {
            Some(actor) => audit::record(conn, actor, now, action, url, detail).await,
            None => {
                tracing::info!(action = action.key(), url, detail, "operator webhook");
                Ok(())
            }
        }
    }
}

/// A new endpoint: its id and its signing secret, shown this once.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    pub secret: String,
}

/// The most endpoints one organization may have.
pub const MAX_ENDPOINTS: i64 = 20;

/// A signing secret: `whsec_` and the base64 of 32 random bytes (Standard
/// Webhooks asks for at least 24).
fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Reads the event types chosen, each one the manager may receive.
pub fn parse_events<S: AsRef<str>>(keys: &[S], operator: bool) -> Result<Vec<EventType>, Problem> {
    let mut events = Vec::new();
    for key in keys.iter().map(|key| key.as_ref().trim()) {
        let kind = EventType::from_key(key)
            .filter(|kind| kind.is_operators() == operator)
            .ok_or(Problem::EventUnknown)?;
        if !events.contains(&kind) {
            events.push(kind);
        }
    }
    if events.is_empty() {
        return Err(Problem::EventRequired);
    }
    Ok(events)
}

fn joined(events: &[EventType]) -> String {
    events
        .iter()
        .map(|kind| kind.key())
        .collect::<Vec<_>>()
        .join(",")
}

/// Adds an endpoint after checking its address (public unless
/// `WEBHOOK_ALLOW_PRIVATE`) and events; audited.
#[instrument(skip_all)]
pub async fn create(
    state: &AppState,
    manager: &Manager,
    url: &str,
    events: &[String],
) -> Result<Created, AppError> {
    let allow_private = state.settings.webhook_allow_private;
    let url = address::parse(url, allow_private).map_err(|problem| AppError::field("url", problem));
    let events = parse_events(events, manager.is_operator())
        .map_err(|problem| AppError::field("events", problem));
    let (url, events) = match (url, events) {
        (Ok(url), Ok(events)) => (url, events),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => return Err(error),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.extend(b);
            return Err(AppError::Invalid(a));
        }
        (Err(error), Err(_)) => return Err(error),
    };
    address::check_resolved(&url, allow_private)
        .await
        .map_err(|problem| AppError::field("url", problem))?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let count_sql = format!(
        "SELECT COUNT(*) FROM webhook_endpoints WHERE {}",
        manager.audience.rows()
    );
    let (count,): (i64,) = sqlx::query_as(&count_sql)
        .bind(manager.audience.key())
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_ENDPOINTS {
        return Err(AppError::field("url", Problem::WebhookLimit));
    }
    let secret = new_secret();
    let created_by = manager
        .actor
        .as_ref()
        .map_or("operator".to_owned(), |actor| actor.user.email.clone());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhook_endpoints (organization_id, url, event_types, secret, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(manager.audience.organization_id())
    .bind(url.as_str())
    .bind(joined(&events))
    .bind(
        state
            .settings
            .secrets_key
            .seal(Purpose::WebhookSecret, &secret)?,
    )
    .bind(&created_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let detail = joined(&events);
    manager
        .audit(
            &mut tx,
            now,
            AuditAction::WebhookCreated,
            url.as_str(),
            &detail,
        )
        .await?;
    tx.commit().await?;
    Ok(Created { id, secret })
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: i64,
    url: String,
    event_types: String,
    paused: i64,
    disabled_reason: Option<String>,
    pending: i64,
    created_at: i64,
}

impl EndpointRow {
    fn row(self) -> WebhookRow {
        WebhookRow {
            id: self.id,
            url: self.url,
            events: self
                .event_types
                .split(',')
                .filter_map(EventType::from_key)
                .collect(),
            paused: self.paused != 0,
            disabled: self.disabled_reason,
            pending: self.pending,
            created_at: self.created_at,
        }
    }
}

const ENDPOINT_ROWS: &str = "SELECT e.id, e.url, e.event_types, e.paused, e.disabled_reason, \
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') \
     AS pending, e.created_at FROM webhook_endpoints e";

/// The manager's endpoints, oldest first.
#[instrument(skip_all)]
pub async fn list(state: &AppState, manager: &Manager) -> Result<Vec<WebhookRow>, AppError> {
    let sql = format!(
        "{ENDPOINT_ROWS} WHERE e.{} ORDER BY e.id",
        manager.audience.rows()
    );
    let rows: Vec<EndpointRow> = sqlx::query_as(&sql)
        .bind(manager.audience.key())
        .fetch_all(&state.db)
        .await?;
    Ok(rows.into_iter().map(EndpointRow::row).collect())
}

/// The Webhooks page: the endpoints, and the deliveries of `opened`.
pub async fn page(
    state: &AppState,
    manager: &Manager,
    user: UserSummary,
    opened: Option<i64>,
) -> Result<WebhooksView, AppError> {
    let endpoints = list(state, manager).await?;
    // An endpoint deleted since its address was opened shows nothing.
    let deliveries = match opened {
        Some(id) => match deliveries(state, manager, id).await {
            Ok(rows) => Some((id, rows)),
            Err(AppError::NotFound) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    Ok(WebhooksView {
        user,
        endpoints,
        deliveries,
    })
}

/// One of the manager's endpoints; another's (or none) is `NotFound`.
pub async fn get(state: &AppState, manager: &Manager, id: i64) -> Result<WebhookRow, AppError> {
    let sql = format!(
        "{ENDPOINT_ROWS} WHERE e.{} AND e.id = $2",
        manager.audience.rows()
    );
    let row: Option<EndpointRow> = sqlx::query_as(&sql)
        .bind(manager.audience.key())
        .bind(id)
        .fetch_optional(&state.db)
        .await?;
    row.map(EndpointRow::row).ok_or(AppError::NotFound)
}

/// Runs `sql` (with `$1` the endpoint's id, and `$2` the `value` if any)
/// on one of the manager's endpoints, and audits it; `NotFound` for
/// anyone else's.
async fn change(
    state: &AppState,
    manager: &Manager,
    id: i64,
    (sql, value): (&str, Option<&str>),
    action: AuditAction,
    detail: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let owned = format!(
        "SELECT url FROM webhook_endpoints WHERE {} AND id = $2",
        manager.audience.rows()
    );
    let found: Option<(String,)> = sqlx::query_as(&owned)
        .bind(manager.audience.key())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let (url,) = found.ok_or(AppError::NotFound)?;
    let mut query = sqlx::query(sql).bind(id);
    if let Some(value) = value {
        query = query.bind(value);
    }
    query.execute(&mut *tx).await?;
    manager.audit(&mut tx, now, action, &url, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an endpoint and its deliveries.
pub async fn delete(state: &AppState, manager: &Manager, id: i64) -> Result<(), AppError> {
    // Its deliveries go with it; events stay, for `GET /api/v1/events`.
    let sql = "DELETE FROM webhook_endpoints WHERE id = $1";
    change(
        state,
        manager,
        id,
        (sql, None),
        AuditAction::WebhookDeleted,
        "",
    )
    .await
}

/// Stops deliveries to an endpoint (`paused`; they wait, none is lost), or
/// starts them again, which also turns back on an endpoint that was
/// disabled for failing.
pub async fn set_paused(
    state: &AppState,
    manager: &Manager,
    id: i64,
    paused: bool,
) -> Result<(), AppError> {
    let (sql, detail) = if paused {
        (
            "UPDATE webhook_endpoints SET paused = 1 WHERE id = $1",
            "paused",
        )
    } else {
        (
            "UPDATE webhook_endpoints SET paused = 0, disabled_at = NULL, disabled_reason = NULL, \
             failing_since = NULL WHERE id = $1",
            "resumed",
        )
    };
    change(
        state,
        manager,
        id,
        (sql, None),
        AuditAction::WebhookChanged,
        detail,
    )
    .await
}

/// How long the secret before a rotation still signs, so receivers can
/// switch to the new one without missing a delivery.
pub const ROTATION_OVERLAP_SECS: i64 = 24 * 60 * 60;

/// Gives an endpoint a new secret, returned this once; for a day both
/// sign every delivery.
pub async fn rotate_secret(
    state: &AppState,
    manager: &Manager,
    id: i64,
) -> Result<String, AppError> {
    let secret = new_secret();
    let sealed = state
        .settings
        .secrets_key
        .seal(Purpose::WebhookSecret, &secret)?;
    let until = state.clock.now() + ROTATION_OVERLAP_SECS;
    let sql = format!(
        "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = {until}, \
         secret = $2 WHERE id = $1"
    );
    change(
        state,
        manager,
        id,
        (&sql, Some(&sealed)),
        AuditAction::WebhookChanged,
        "secret rotated",
    )
    .await?;
    Ok(secret)
}

/// The type of the event [`send_test`] sends.
pub const TEST_EVENT: &str = "webhook.test";

/// Sends a test event to one endpoint, after whatever it is waiting for.
pub async fn send_test(state: &AppState, manager: &Manager, id: i64) -> Result<i64, AppError> {
    get(state, manager, id).await?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let data = serde_json::json!({ "endpoint_id": id, "message": "This is a test event from the Business Center." });
    let (event_id,): (i64,) = sqlx::query_as(
        "INSERT INTO events (organization_id, event_type, data, endpoint_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(manager.audience.organization_id())
    .bind(TEST_EVENT)
    .bind(data.to_string())
    .bind(id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let delivery = delivery::queue(&mut tx, id, event_id, now).await?;
    tx.commit().await?;
    Ok(delivery)
}

/// The endpoint's latest deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    manager: &Manager,
    id: i64,
) -> Result<Vec<DeliveryRow>, AppError> {
    get(state, manager, id).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        event_id: i64,
        event_type: String,
        status: String,
        attempts: i64,
        last_status_code: Option<i64>,
        last_error: Option<String>,
        last_attempt_at: Option<i64>,
        next_attempt_at: i64,
        created_at: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.event_id, v.event_type, d.status, d.attempts, d.last_status_code, \
         d.last_error, d.last_attempt_at, d.next_attempt_at, d.created_at \
         FROM webhook_deliveries d JOIN events v ON v.id = d.event_id \
         WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DeliveryRow {
            next_attempt_at: (row.status == "pending").then_some(row.next_attempt_at),
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at,
            created_at: row.created_at,
        })
        .collect())
}

/// Sends a delivery's event again, as a new delivery after whatever the
/// endpoint is waiting for. Returns the new delivery's id.
pub async fn redeliver(
    state: &AppState,
    manager: &Manager,
    endpoint_id: i64,
    delivery_id: i64,
) -> Result<i64, AppError> {
    get(state, manager, endpoint_id).await?;
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT event_id FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2",
    )
    .bind(delivery_id)
    .bind(endpoint_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (event_id,) = found.ok_or(AppError::NotFound)?;
    let id = delivery::queue(&mut tx, endpoint_id, event_id, now).await?;
    tx.commit().await?;
    Ok(id)
}
