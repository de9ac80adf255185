use serde::{Deserialize, Serialize};

use crate::domain::EventType;

/// One of the organization's webhook endpoints, as the Webhooks page and
/// the API list it (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: Vec<EventType>,
    pub paused: bool,
    /// Why deliveries stopped: `gone` (the receiver answered 410 Gone) or
    /// `failing` (every delivery failed for 3 days). `None` while live.
    pub disabled: Option<String>,
    /// Deliveries not yet made.
    pub pending: i64,
    pub created_at: i64,
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: i64,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    /// The receiver's last HTTP status; `None` if it never answered.
    pub last_status_code: Option<i64>,
    /// What went wrong the last time, in words.
    pub last_error: Option<String>,
    pub last_attempt_at: Option<i64>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
}

/// The Webhooks page: the endpoints, and the latest deliveries of the
/// endpoint opened (its id, and them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub user: super::UserSummary,
    pub endpoints: Vec<WebhookRow>,
    pub deliveries: Option<(i64, Vec<DeliveryRow>)>,
}
