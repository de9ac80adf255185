//! Sends webhook deliveries over HTTP (see `app::services::webhooks`): a
//! POST of the event's JSON with the Standard Webhooks headers, 15 s at
//! most, through `app::services::outbound` (no redirects; unless
//! `WEBHOOK_ALLOW_PRIVATE`, public addresses only).

use std::time::Duration;

use app::services::webhooks::address;
use app::services::webhooks::delivery::{self, Attempt, Claimed};
use app::services::{outbound, AppState};
use futures::StreamExt;
use tokio::sync::watch;

/// How often due deliveries are looked for. Events are written by every
/// service (and other servers), so the worker asks rather than waits to
/// be told.
const POLL: Duration = Duration::from_secs(1);
/// Deliveries claimed at once; each is to a different endpoint.
const BATCH: i64 = 20;
/// Receivers called at the same time.
const PARALLEL: usize = 8;

/// The HTTP client deliveries go through.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    pub fn new(allow_private: bool) -> Result<Sender, String> {
        let timeout = Duration::from_secs(delivery::TIMEOUT_SECS);
        let client = outbound::client("Business-Center-Webhooks", timeout, allow_private)?;
        Ok(Sender {
            client,
            allow_private,
        })
    }

    /// One attempt at one delivery.
    pub async fn attempt(&self, claimed: &Claimed, now: i64) -> Attempt {
        // An address written as an IP is not resolved: checked here.
        if let Err(problem) = address::parse(&claimed.url, self.allow_private) {
            return Attempt::NoAnswer(problem.to_string());
        }
        let mut request = self
            .client
            .post(&claimed.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(claimed.body.clone());
        for (name, value) in claimed.headers(now) {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => Attempt::Answered {
                status: response.status().as_u16(),
                retry_after: response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse().ok()),
            },
            Err(error) => Attempt::NoAnswer(outbound::describe(&error, delivery::TIMEOUT_SECS)),
        }
    }
}

/// Delivers everything due now; returns how many attempts were made.
pub async fn deliver_due(state: &AppState, sender: &Sender) -> Result<usize, app::error::AppError> {
    let mut made = 0;
    loop {
        let due = delivery::claim_due(state, BATCH).await?;
        if due.is_empty() {
            return Ok(made);
        }
        made += due.len();
        let results: Vec<_> = futures::stream::iter(due)
            .map(|claimed| async move {
                let outcome = sender.attempt(&claimed, state.clock.now()).await;
                if !matches!(
                    outcome,
                    Attempt::Answered {
                        status: 200..=299,
                        ..
                    }
                ) {
                    tracing::info!(delivery = claimed.id, ?outcome, "webhook not delivered");
                }
                delivery::finish(state, &claimed, outcome).await
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for result in results {
            result?;
        }
    }
}

/// Delivers until `stop` turns true.
pub async fn run(state: AppState, sender: Sender, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = deliver_due(&state, &sender).await {
            tracing::warn!(?error, "webhook worker could not read its queue");
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
    }
}
