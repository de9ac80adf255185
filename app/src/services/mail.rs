//! The emails the Center sends, each rendered from its templates in the
//! recipient's language (queued through `outbox`).

use super::{templates, Settings};
use crate::domain::{Email, InvitationToken, Lang};
use crate::error::AppError;

/// A message ready to be queued. Its body may hold a live invitation
/// link, so it has no `Debug` that would print it (see the impl).
#[derive(Clone)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Names the message, never its body: a log or a panic must not carry a
/// link that opens an account.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
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
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let link = settings.link(&format!("/invitation/{}", self.token.as_str()));
        let rendered = templates::email(
            "invitation",
            self.lang,
            minijinja::context! {
                organization => self.organization,
                agreement_number => self.agreement_number,
                inviter => self.inviter,
                to => self.to.as_str(),
                link => templates::link(&link),
                expires => self.lang.format_date(self.expires_at),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

impl OutgoingMail {
    fn new(to: &Email, rendered: templates::Rendered) -> Self {
        OutgoingMail {
            to: to.clone(),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        }
    }
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
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "reminder",
            self.lang,
            minijinja::context! {
                organization => self.organization,
                expires => self.lang.format_date(self.expires_at),
                sent => self.lang.format_date(self.sent_at),
                inviter => self.inviter,
                request_link => templates::link(&settings.link("/request-invitation")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells a customer's Account Admin that a partner made someone else the
/// designated administrator of a registered administrator's account.
pub struct AdminChangedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub partner: &'a str,
    pub organization: &'a str,
    pub agreement_number: &'a str,
    pub purchasing_account: &'a str,
    pub old_admin: &'a str,
    pub new_admin: &'a str,
    /// The same administrator invited again rather than another named.
    pub resent: bool,
}

impl AdminChangedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "admin_changed",
            self.lang,
            minijinja::context! {
                partner => self.partner,
                organization => self.organization,
                agreement_number => self.agreement_number,
                purchasing_account => self.purchasing_account,
                old_admin => self.old_admin,
                new_admin => self.new_admin,
                resent => self.resent,
                access_link => templates::link(&settings.link("/manage-access")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Asks a customer's Account Admins to approve or decline a partner's
/// request to replace their designated administrator.
pub struct AdminChangeRequestMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub partner: &'a str,
    pub organization: &'a str,
    pub agreement_number: &'a str,
    pub purchasing_account: &'a str,
    pub old_admin: &'a str,
    pub new_admin: &'a str,
    /// The request's last day, in the reader's words.
    pub expires: &'a str,
}

impl AdminChangeRequestMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "admin_change_request",
            self.lang,
            minijinja::context! {
                partner => self.partner,
                organization => self.organization,
                agreement_number => self.agreement_number,
                purchasing_account => self.purchasing_account,
                old_admin => self.old_admin,
                new_admin => self.new_admin,
                expires => self.expires,
                requests_link => templates::link(&settings.link("/manage-access/partners")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells a user their password changed, so that a change they did not
/// make does not go unnoticed.
pub struct PasswordChangedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub when: &'a str,
    pub client_address: &'a str,
}

impl PasswordChangedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "password_changed",
            self.lang,
            minijinja::context! {
                email => self.to.as_str(),
                when => self.when,
                client_address => self.client_address,
                sign_in_link => templates::link(&settings.link("/sign-in")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// What changed in a user's two-step verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TwoStepChange {
    Enabled,
    Disabled,
    CodesRenewed,
    /// A recovery code signed them in; this many remain.
    RecoveryCodeUsed {
        left: i64,
    },
    /// An Account Admin (named) reset it, and signed them out everywhere.
    Reset {
        admin: String,
    },
}

/// Tells a user their two-step verification changed, so that a change they
/// did not make does not go unnoticed.
pub struct TwoStepChangedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub change: TwoStepChange,
    pub when: &'a str,
    pub client_address: &'a str,
}

impl TwoStepChangedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let (change, left, admin) = match &self.change {
            TwoStepChange::Enabled => ("enabled", 0, ""),
            TwoStepChange::Disabled => ("disabled", 0, ""),
            TwoStepChange::CodesRenewed => ("codes_renewed", 0, ""),
            TwoStepChange::RecoveryCodeUsed { left } => ("recovery_code_used", *left, ""),
            TwoStepChange::Reset { admin } => ("reset", 0, admin.as_str()),
        };
        let rendered = templates::email(
            "two_step_changed",
            self.lang,
            minijinja::context! {
                email => self.to.as_str(),
                change => change,
                left => left,
                admin => admin,
                when => self.when,
                client_address => self.client_address,
                two_step_link => templates::link(&settings.link("/two-step")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells a customer's Account Admin that a verified domain lapsed.
pub struct DomainLapsedMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub domain: &'a str,
    pub record_name: &'a str,
    pub record_value: &'a str,
}

impl DomainLapsedMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "domain_lapsed",
            self.lang,
            minijinja::context! {
                domain => self.domain,
                record_name => self.record_name,
                record_value => self.record_value,
                domains_link => templates::link(&settings.link("/domains")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}

/// Tells an organization's Account Admins that one of its webhook
/// endpoints was disabled, and how to turn it back on.
pub struct WebhookDisabledMail<'a> {
    pub lang: Lang,
    pub to: &'a Email,
    pub url: &'a str,
    /// The receiver answered 410 Gone (rather than failing for 3 days).
    pub gone: bool,
}

impl WebhookDisabledMail<'_> {
    pub fn render(&self, settings: &Settings) -> Result<OutgoingMail, AppError> {
        let rendered = templates::email(
            "webhook_disabled",
            self.lang,
            minijinja::context! {
                url => self.url,
                gone => self.gone,
                webhooks_link => templates::link(&settings.link("/webhooks")),
            },
        )?;
        Ok(OutgoingMail::new(self.to, rendered))
    }
}
