//! Delivers the outbox over SMTP. A message leaves the outbox only when
//! the mail server accepted it; a server that is down or says "try later"
//! gets the message again with backoff, so mail is delayed, never lost.

use std::time::Duration;

use app::services::outbox;
use app::services::outbox::QueuedMail;
use app::services::AppState;
use std::sync::Arc;

use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::{ContentType, HeaderName};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

/// How often the outbox is checked when nothing wakes the worker (mail
/// queued by the command line or another instance).
const POLL: Duration = Duration::from_secs(2);
const BATCH: i64 = 20;

/// The SMTP connection settings and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Signs every message when a key is configured (`DKIM_PRIVATE_KEY`).
    dkim: Option<Arc<DkimConfig>>,
}

/// Why one message could not be delivered.
#[derive(Debug)]
pub struct DeliveryError {
    pub message: String,
    /// The server refused for good (bad address, rejected content).
    pub permanent: bool,
}

impl Mailer {
    /// `smtp_url` is lettre's URL form: `smtp://host:port`, `smtps://…`,
    /// `smtp://user:pass@host:587?tls=required`.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        // Each read and write; `deliver` bounds the whole exchange.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|error| format!("SMTP_URL: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|error| format!("MAIL_FROM: {from:?} is not an email address ({error})"))?;
        Ok(Mailer {
            transport,
            from,
            dkim: None,
        })
    }

    /// Signs every message with DKIM for `MAIL_FROM`'s domain, with
    /// `private_key` (an RSA key in PKCS#1 PEM) whose public key is
    /// published under `selector`. Large receivers expect bulk senders to
    /// sign; the customer guide already sends people to their spam folder.
    pub fn signed_with(mut self, selector: &str, private_key: &str) -> Result<Self, String> {
        let key = DkimSigningKey::new(private_key, DkimSigningAlgorithm::Rsa)
            .map_err(|error| format!("DKIM_PRIVATE_KEY: not an RSA key in PKCS#1 PEM ({error})"))?;
        let headers = ["From", "To", "Subject", "Date", "Message-ID"]
            .map(HeaderName::new_from_ascii_str)
            .to_vec();
        // Relaxed both ways: relays that refold headers or trim trailing
        // spaces do not break the signature.
        let canonicalization = DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        };
        let domain = self.from.email.domain().to_owned();
        let config = DkimConfig::new(selector.to_owned(), domain, key, headers, canonicalization);
        self.dkim = Some(Arc::new(config));
        Ok(self)
    }

    /// The message's `Message-ID`, at the domain of `MAIL_FROM` (spam
    /// filters count a missing one against a message): the same for every
    /// attempt at one outbox entry, so a receiver can tell a resend from a
    /// new message, and unlike any other server's, since the entry's id
    /// is mixed with what it says.
    fn message_id(&self, mail: &QueuedMail) -> String {
        let digest = app::services::sha256_hex(
            format!(
                "{}\n{}\n{}\n{}",
                mail.id, mail.to_email, mail.subject, mail.body_text
            )
            .as_bytes(),
        );
        format!(
            "<{}.{}@{}>",
            mail.id,
            &digest[..24],
            self.from.email.domain()
        )
    }

    pub async fn deliver(&self, mail: &QueuedMail) -> Result<(), DeliveryError> {
        let to: Mailbox = mail.to_email.parse().map_err(|error| DeliveryError {
            message: format!("invalid recipient: {error}"),
            permanent: true,
        })?;
        let mut message = Message::builder()
            .message_id(Some(self.message_id(mail)))
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.body_text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.body_html.clone()),
                    ),
            )
            .map_err(|error| DeliveryError {
                message: format!("could not build the message: {error}"),
                permanent: true,
            })?;
        if let Some(dkim) = &self.dkim {
            message.sign(dkim);
        }
        let deadline = Duration::from_secs(outbox::DELIVERY_SECS as u64);
        tokio::time::timeout(deadline, self.transport.send(message))
            .await
            .map_err(|_| DeliveryError {
                message: format!("no answer from the mail server within {deadline:?}"),
                permanent: false,
            })?
            .map(|_| ())
            .map_err(|error| DeliveryError {
                permanent: error.is_permanent(),
                message: error.to_string(),
            })
    }
}

/// Delivers due messages until `stop` turns true.
pub async fn run(state: AppState, mailer: Mailer, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = deliver(&state, &mailer, || *stop.borrow()).await {
            tracing::warn!(?error, "mail worker could not read the outbox");
        }
        tokio::select! {
            () = state.outbox.queued() => {}
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One pass over the outbox; returns how many messages were delivered.
/// Each batch is claimed under a short lease, renewed before each message
/// (whose delivery has a deadline well within it): a server that dies
/// holds its batch for `outbox::LEASE_SECS` at most, and two servers never
/// both send a message.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> Result<usize, app::error::AppError> {
    deliver(state, mailer, || false).await
}

/// [`deliver_due`] until `stopping` says the server is shutting down:
/// then what is left of the batch is let go at once for the next server.
async fn deliver(
    state: &AppState,
    mailer: &Mailer,
    stopping: impl Fn() -> bool,
) -> Result<usize, app::error::AppError> {
    let mut delivered = 0;
    loop {
        let due = outbox::claim_due(state, BATCH).await?;
        let Some(first) = due.first() else {
            return Ok(delivered);
        };
        let claim = first.claim_token.clone();
        for message in &due {
            if stopping() {
                outbox::release(state, &claim).await?;
                return Ok(delivered);
            }
            if !outbox::renew(state, &claim).await? {
                tracing::warn!(
                    id = message.id,
                    "claim lapsed before delivery: left to others"
                );
                return Ok(delivered);
            }
            match mailer.deliver(message).await {
                Ok(()) => {
                    if !outbox::mark_sent(state, message).await? {
                        tracing::warn!(id = message.id, "mail sent after its claim lapsed");
                    }
                    delivered += 1;
                }
                Err(error) => {
                    tracing::warn!(id = message.id, permanent = error.permanent, error = %error.message, "mail not delivered");
                    outbox::mark_attempt_failed(state, message, &error.message, error.permanent)
                        .await?;
                }
            }
        }
        if due.len() < BATCH as usize {
            return Ok(delivered);
        }
    }
}

/// How often pending invitations are checked for their reminder.
const REMINDER_CHECK: Duration = Duration::from_secs(60);

/// The periodic work until `stop` turns true: invitation reminders (the
/// delivery worker sends them like any other mail), the daily checks of
/// verified domains, and CSV invitations another server left unfinished.
pub async fn run_reminders(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        match app::services::reminders::send_reminders(&state).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "invitation reminders queued");
                state.outbox.wake();
            }
            Err(error) => tracing::warn!(?error, "could not queue invitation reminders"),
        }
        // Domains are due once a day each; asking as often as reminders
        // costs one indexed query when none is.
        match app::services::domains::recheck_due(&state).await {
            Ok(0) => {}
            Ok(checked) => tracing::info!(checked, "verified domains checked again"),
            Err(error) => tracing::warn!(?error, "could not check verified domains again"),
        }
        match app::services::reminders::announce_expired(&state).await {
            Ok(0) => {}
            Ok(announced) => tracing::info!(announced, "expired invitations announced"),
            Err(error) => tracing::warn!(?error, "could not announce expired invitations"),
        }
        // A CSV file's invitations a server dropped half way.
        match app::services::access::bulk::work(&state).await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "CSV invitations taken over and finished"),
            Err(error) => tracing::warn!(?error, "could not finish CSV invitations"),
        }
        purge_ended(&state).await;
        tokio::select! {
            () = tokio::time::sleep(REMINDER_CHECK) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Sessions that ended, sign-ins never finished, rate-limit windows long
/// closed and the results of CSV files sent over a day ago are of no use
/// to anyone; any server may sweep them, twice is harmless.
async fn purge_ended(state: &AppState) {
    match app::services::sessions::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "ended sessions purged"),
        Err(error) => tracing::warn!(?error, "could not purge ended sessions"),
    }
    match app::services::ratelimit::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "old rate-limit windows purged"),
        Err(error) => tracing::warn!(?error, "could not purge rate-limit windows"),
    }
    match app::services::two_step::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "unfinished sign-ins purged"),
        Err(error) => tracing::warn!(?error, "could not purge unfinished sign-ins"),
    }
    match app::services::credentials::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "browsers unused for a year forgotten"),
        Err(error) => tracing::warn!(?error, "could not forget unused browsers"),
    }
    match app::services::idempotency::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "API answers kept for idempotency purged"),
        Err(error) => tracing::warn!(?error, "could not purge idempotency keys"),
    }
    match app::services::access::bulk::purge(state).await {
        Ok(0) => {}
        Ok(purged) => tracing::debug!(purged, "old CSV invitation results purged"),
        Err(error) => tracing::warn!(?error, "could not purge CSV invitation results"),
    }
}
