//! Emails: written to the outbox inside the transaction of the change they
//! announce, then delivered by the mail worker with retries.

use sqlx::AnyConnection;
use tracing::instrument;

use super::{Db, Settings};
use crate::domain::{Email, InvitationToken, Lang};
use crate::error::AppError;

/// Wakes the mail worker once a transaction that queued mail has
/// committed, so mail leaves at once instead of at the worker's next poll.
#[derive(Clone, Default)]
pub struct Outbox(std::sync::Arc<tokio::sync::Notify>);

impl Outbox {
    /// Commits `tx`, which queued mail, then wakes the worker.
    pub async fn commit(&self, tx: sqlx::Transaction<'_, sqlx::Any>) -> Result<(), AppError> {
        tx.commit().await?;
        self.0.notify_one();
        Ok(())
    }

    /// Wakes the worker for mail queued without a transaction of its own.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Resolves when mail was queued since the worker last looked.
    pub async fn queued(&self) {
        self.0.notified().await;
    }
}

/// After this many failed attempts a message is marked failed for good.
pub const MAX_ATTEMPTS: i64 = 12;

/// A message ready to be queued.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `mail` on the connection of the caller's transaction.
#[instrument(skip_all)]
pub async fn enqueue(
    conn: &mut AnyConnection,
    mail: &OutgoingMail,
    invitation_id: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (to_email, subject, body_text, body_html, invitation_id, status, \
         attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6) RETURNING id",
    )
    .bind(mail.to.as_str())
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(invitation_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// What an invitation email needs to say.
pub struct InvitationMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub organization: &'a str,
    pub agreement_number: Option<&'a str>,
    /// Who sent it, when a colleague did.
    pub inviter: Option<&'a str>,
    pub token: &'a InvitationToken,
    pub expires_at: i64,
}

impl InvitationMail<'_> {
    pub fn render(&self, settings: &Settings) -> OutgoingMail {
        let link = settings.link(&format!("/invitation/{}", self.token.as_str()));
        let expires = self.lang.format_date(self.expires_at);
        let fr = self.lang == Lang::Fr;
        let (subject, heading, tagline, get_started) = if fr {
            (
                "Découvrez le nouveau Centre d'affaires",
                "Découvrez le nouveau Centre d'affaires",
                "Une meilleure façon de gérer les produits et services de votre organisation",
                "Démarrer maintenant",
            )
        } else {
            (
                "Explore the new Business Center",
                "Explore the new Business Center",
                "A better way to manage products and services for your organization",
                "Get started now",
            )
        };
        let why = match (self.agreement_number, fr) {
            (Some(number), false) => format!(
                "You are receiving this invitation because you are listed as the purchasing account contact on {}'s Products and Services Agreement (MPSA) number {number}.",
                self.organization
            ),
            (Some(number), true) => format!(
                "Vous recevez cette invitation car vous êtes désigné comme contact du compte d'achats dans le contrat de fourniture de produits et services (MPSA) numéro {number} de {}.",
                self.organization
            ),
            (None, false) => match self.inviter {
                Some(inviter) => format!(
                    "{inviter} invited you to the Business Center of {}.",
                    self.organization
                ),
                None => format!("You are invited to the Business Center of {}.", self.organization),
            },
            (None, true) => match self.inviter {
                Some(inviter) => format!(
                    "{inviter} vous invite dans le Centre d'affaires de {}.",
                    self.organization
                ),
                None => format!("Vous êtes invité dans le Centre d'affaires de {}.", self.organization),
            },
        };
        let register = if fr {
            "Inscrivez-vous avec votre compte professionnel :"
        } else {
            "Please register with your work account:"
        };
        let expiry = if fr {
            format!("Ce lien expire le {expires} (60 jours après l'envoi) et ne fonctionne qu'une fois.")
        } else {
            format!("This link expires on {expires} (60 days after it was sent) and works once.")
        };
        let footer = if fr {
            "Le Centre d'affaires permet aux personnes de votre organisation de consulter vos contrats, vos commandes de licences en volume, de télécharger des logiciels et des clés, de gérer des services en ligne et bien plus. Comme vous acceptez cette invitation avec une adresse e-mail professionnelle, votre employeur peut contrôler vos communications et vos données."
        } else {
            "The Business Center allows users in your organization to securely view your agreement information, view volume licensing orders and inventory, download software and keys, set up and manage online services, and much more. Because you're accepting this invitation with a work email address, your employer may control your communications and data, and their policies apply to your use of the service."
        };
        let text = format!(
            "{heading}\n{tagline}\n\n{why}\n\n{register} {to}\n\n{get_started}: {link}\n\n{expiry}\n\n{footer}\n",
            to = self.to
        );
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:Segoe UI,Arial,sans-serif;color:#1b1b1b\">\
             <div style=\"background:#243a5e;color:#fff;padding:24px\"><h1 style=\"margin:0;font-size:24px\">{heading}</h1></div>\
             <div style=\"padding:24px\"><p style=\"font-size:18px\">{tagline}</p><p>{why}</p>\
             <p>{register} <strong>{to}</strong></p>\
             <p><a href=\"{link}\" style=\"background:#0067b8;color:#fff;padding:12px 24px;text-decoration:none;display:inline-block\">{get_started}</a></p>\
             <p>{expiry}</p><p style=\"color:#505050;font-size:12px\">{footer}</p></div></body></html>",
            lang = self.lang.code(),
            heading = escape(heading),
            tagline = escape(tagline),
            why = escape(&why),
            register = escape(register),
            to = escape(self.to.as_str()),
            link = escape(&link),
            get_started = escape(get_started),
            expiry = escape(&expiry),
            footer = escape(footer),
        );
        OutgoingMail {
            to: self.to.clone(),
            subject: subject.to_owned(),
            text,
            html,
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A queued message, as the worker delivers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
}

/// How long a worker may hold a message before another may take it over.
const CLAIM_SECS: i64 = 300;

/// Claims up to `limit` messages that are due, so that no other worker
/// (in this or another instance) sends them at the same time.
#[instrument(skip_all)]
pub async fn claim_due(db: &Db, now: i64, limit: i64) -> Result<Vec<QueuedMail>, AppError> {
    let candidates: Vec<QueuedMail> = sqlx::query_as(
        "SELECT id, to_email, subject, body_text, body_html, attempts FROM outbox \
         WHERE status = 'queued' AND next_attempt_at <= $1 \
         AND (locked_until IS NULL OR locked_until < $1) ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for mail in candidates {
        let result = sqlx::query(
            "UPDATE outbox SET locked_until = $1 WHERE id = $2 AND status = 'queued' \
             AND (locked_until IS NULL OR locked_until < $3)",
        )
        .bind(now + CLAIM_SECS)
        .bind(mail.id)
        .bind(now)
        .execute(db)
        .await?;
        if result.rows_affected() == 1 {
            claimed.push(mail);
        }
    }
    Ok(claimed)
}

#[instrument(skip_all)]
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
         locked_until = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a failed attempt: retried later with exponential backoff, or
/// failed for good when the server refused the address or attempts ran out.
#[instrument(skip_all)]
pub async fn mark_attempt_failed(
    db: &Db,
    mail: &QueuedMail,
    error: &str,
    permanent: bool,
    now: i64,
) -> Result<(), AppError> {
    let attempts = mail.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, \
         locked_until = NULL, last_error = $4 WHERE id = $5",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(attempts)
    .bind(now + retry_delay(attempts))
    .bind(error)
    .bind(mail.id)
    .execute(db)
    .await?;
    Ok(())
}

/// 10 s, 20 s, 40 s … capped at one hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 20) - 1;
    (10_i64 << exponent).min(3600)
}

/// One message as the development mailbox shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailboxEntry {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body_text: String,
    pub status: String,
    pub created_at: i64,
}

#[instrument(skip_all)]
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<MailboxEntry>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, to_email, subject, body_text, status, created_at FROM outbox \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// The reminder sent once, a week before a pending invitation expires. The
/// link itself cannot be repeated (only its hash is kept), so it points to
/// the invitation email and to whoever can send a new one.
pub struct ReminderMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub organization: &'a str,
    pub sent_at: i64,
    pub expires_at: i64,
    pub inviter: Option<&'a str>,
}

impl ReminderMail<'_> {
    pub fn render(&self, settings: &Settings) -> OutgoingMail {
        let fr = self.lang == Lang::Fr;
        let sent = self.lang.format_date(self.sent_at);
        let expires = self.lang.format_date(self.expires_at);
        let request = settings.link("/request-invitation");
        let subject = if fr {
            format!(
                "Votre invitation au Centre d'affaires de {} expire bientôt",
                self.organization
            )
        } else {
            format!(
                "Your invitation to the {} Business Center expires soon",
                self.organization
            )
        };
        let body = if fr {
            format!(
                "Votre invitation au Centre d'affaires de {org} expire le {expires}.\n\n\
                 Pour créer votre compte, ouvrez le lien « Démarrer maintenant » de l'e-mail d'invitation reçu le {sent}.\n\n\
                 Vous ne le trouvez plus ? {who}",
                org = self.organization,
                who = match self.inviter {
                    Some(name) => format!("Demandez à {name} de vous l'envoyer à nouveau."),
                    None => format!("Demandez une nouvelle invitation : {request}"),
                }
            )
        } else {
            format!(
                "Your invitation to the {org} Business Center expires on {expires}.\n\n\
                 To create your account, open the \"Get started now\" link in the invitation email sent on {sent}.\n\n\
                 Can't find it? {who}",
                org = self.organization,
                who = match self.inviter {
                    Some(name) => format!("Ask {name} to send it again."),
                    None => format!("Request a new invitation: {request}"),
                }
            )
        };
        let html = format!(
            "<!doctype html><html lang=\"{}\"><body style=\"font-family:Segoe UI,Arial,sans-serif\">{}</body></html>",
            self.lang.code(),
            body.split("\n\n")
                .map(|paragraph| format!("<p>{}</p>", escape(paragraph)))
                .collect::<String>()
        );
        OutgoingMail {
            to: self.to.clone(),
            subject,
            text: format!("{body}\n"),
            html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(retry_delay(1), 10);
        assert_eq!(retry_delay(2), 20);
        assert_eq!(retry_delay(4), 80);
        assert_eq!(retry_delay(12), 3600);
    }

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape("<a href=\"x\">O'Brien & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;"
        );
    }
}
