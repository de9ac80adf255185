//! Domains an organization proves it owns with a DNS TXT record, so that
//! online services can be provisioned to it. One organization per domain
//! (a unique index on both engines); consumer mail domains never; a
//! verified domain covers its subdomains.

mod recheck;

pub use recheck::{recheck_due, CHECK_LEASE_SECS};

use std::collections::HashSet;
use std::sync::LazyLock;

use sqlx::AnyConnection;
use tracing::instrument;

use super::audit::{self, Actor};
use super::dns::{self, LookupFailure};
use super::events::{self, Audience};
use super::{db, is_unique_violation, AppState, Db, Settings};
use crate::domain::wire::{DomainCheck, DomainRow, DomainStatus, DomainsView};
use crate::domain::{record_name_of, AuditAction, Capability, DomainName, EventType, Problem};
use crate::error::{AppError, FormErrors};

const DAY: i64 = 24 * 60 * 60;
/// How long a domain waits for its record before it expires.
pub const PENDING_LIFETIME_SECS: i64 = 7 * DAY;
/// How often a verified domain's record is checked again.
pub const RECHECK_EVERY_SECS: i64 = DAY;
/// Failed checks in a row after which a verified domain lapses.
pub const FAILED_CHECKS_TO_LAPSE: i64 = 3;
/// What the TXT record holds, before the domain's own token.
pub const RECORD_PREFIX: &str = "business-center-verification=";

/// The consumer mail domains of `app/data/consumer-mail-domains.txt`
/// (where it comes from is written at its top).
static CONSUMER: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../data/consumer-mail-domains.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// `domain` and each domain above it: `a.contoso.com`, `contoso.com`.
fn self_and_parents(domain: &DomainName) -> Vec<&str> {
    let name = domain.as_str();
    let mut names = vec![name];
    let mut rest = name;
    while let Some((_, parent)) = rest.split_once('.') {
        if parent.contains('.') {
            names.push(parent);
        }
        rest = parent;
    }
    names
}

/// Whether `domain` is, or is under, a consumer mail domain.
pub fn is_consumer(domain: &DomainName) -> bool {
    self_and_parents(domain)
        .iter()
        .any(|name| CONSUMER.contains(name))
}

/// The verified domain that covers `domain` (itself or a parent), and its
/// organization.
pub(crate) async fn covering_verified(
    conn: &mut AnyConnection,
    domain: &DomainName,
) -> Result<Option<(String, i64)>, AppError> {
    let names = self_and_parents(domain);
    let sql = format!(
        "SELECT name, organization_id FROM domains WHERE status = 'verified' AND name IN ({})",
        db::placeholders(1, names.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
    for name in names {
        query = query.bind(name);
    }
    Ok(query.fetch_optional(conn).await?)
}

/// Adds `domain` to the actor's organization for `purchasing_account`,
/// pending until its TXT record is found. Refused, before any DNS lookup:
/// an invalid or consumer domain, one verified by another organization,
/// one the organization already has.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn add(
    state: &AppState,
    actor: &Actor,
    domain: &str,
    purchasing_account: &str,
) -> Result<DomainRow, AppError> {
    actor.user.require(Capability::ManageDomains)?;
    let organization_id = actor.user.organization_id;
    let mut errors = FormErrors::default();
    let domain = errors.check(
        "domain",
        DomainName::parse(domain).and_then(|domain| {
            if is_consumer(&domain) {
                Err(Problem::DomainConsumer)
            } else {
                Ok(domain)
            }
        }),
    );
    let now = state.clock.now();
    let mut tx = super::db::begin_write(&state.db).await?;
    let account: Option<(i64, String)> = sqlx::query_as(
        "SELECT p.id, p.number FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         WHERE a.organization_id = $1 AND p.number = $2",
    )
    .bind(organization_id)
    .bind(purchasing_account.trim())
    .fetch_optional(&mut *tx)
    .await?;
    if account.is_none() {
        errors.add("purchasing_account", Problem::PurchasingAccountUnknown);
    }
    let (domain, (account_id, account_number)) = errors.finish(domain.zip(account))?;
    match covering_verified(&mut tx, &domain).await? {
        Some((_, owner)) if owner != organization_id => {
            return Err(AppError::field("domain", Problem::DomainTaken))
        }
        Some(_) => return Err(AppError::field("domain", Problem::DomainAlreadyAdded)),
        None => {}
    }
    let token = crate::domain::InvitationToken::generate();
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO domains (organization_id, purchasing_account_id, name, token, status, \
         created_at) VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
    )
    .bind(organization_id)
    .bind(account_id)
    .bind(domain.as_str())
    .bind(token.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::field("domain", Problem::DomainAlreadyAdded))
        }
        Err(error) => return Err(error.into()),
    };
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::DomainAdded,
        domain.as_str(),
        &format!("purchasing account {account_number}"),
    )
    .await?;
    tx.commit().await?;
    Ok(DomainRow {
        id,
        record_name: domain.record_name(),
        record_value: format!("{RECORD_PREFIX}{}", token.as_str()),
        name: domain.to_string(),
        purchasing_account: account_number,
        status: DomainStatus::Pending {
            expires_at: now + PENDING_LIFETIME_SECS,
        },
        last_check: None,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    organization_id: i64,
    name: String,
    token: String,
    status: String,
    created_at: i64,
    verified_at: Option<i64>,
    failed_checks: i64,
    purchasing_account: String,
    last_result: Option<String>,
}

const ROWS: &str = "SELECT d.id, d.organization_id, d.name, d.token, d.status, d.created_at, \
     d.verified_at, d.failed_checks, p.number AS purchasing_account, d.last_result \
     FROM domains d JOIN purchasing_accounts p ON p.id = d.purchasing_account_id";

impl Row {
    fn status(&self, now: i64) -> DomainStatus {
        let expires_at = self.created_at + PENDING_LIFETIME_SECS;
        match self.status.as_str() {
            "pending" if now < expires_at => DomainStatus::Pending { expires_at },
            "verified" => DomainStatus::Verified {
                verified_at: self.verified_at.unwrap_or(self.created_at),
            },
            "lapsed" => DomainStatus::Lapsed,
            _ => DomainStatus::Expired,
        }
    }

    fn record_name(&self) -> String {
        record_name_of(&self.name)
    }

    fn expected(&self) -> String {
        format!("{RECORD_PREFIX}{}", self.token)
    }

    fn view(self, now: i64) -> DomainRow {
        DomainRow {
            id: self.id,
            status: self.status(now),
            record_name: self.record_name(),
            record_value: self.expected(),
            name: self.name,
            purchasing_account: self.purchasing_account,
            last_check: self
                .last_result
                .and_then(|text| serde_json::from_str(&text).ok()),
        }
    }
}

/// A check's result as `domains.last_result` keeps it (JSON), for the
/// page to show what DNS said without taking it from the address.
pub(crate) fn stored(found: &DomainCheck) -> String {
    serde_json::to_string(found).unwrap_or_default()
}

/// The organization's domains, newest first.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<DomainRow>, AppError> {
    let (db, now, viewer) = (&state.db, state.clock.now(), &actor.user);
    viewer.require(Capability::ManageDomains)?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{ROWS} WHERE d.organization_id = $1 ORDER BY d.id DESC LIMIT 200"
    ))
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| row.view(now)).collect())
}

/// The Domains page: the domains, and the purchasing accounts to add one for.
pub async fn page(state: &AppState, actor: &Actor) -> Result<DomainsView, AppError> {
    let domains = list(state, actor).await?;
    let (db, viewer) = (&state.db, &actor.user);
    let accounts: Vec<(String,)> = sqlx::query_as(
        "SELECT p.number FROM purchasing_accounts p JOIN agreements a ON a.id = p.agreement_id \
         WHERE a.organization_id = $1 ORDER BY p.number",
    )
    .bind(viewer.organization_id)
    .fetch_all(db)
    .await?;
    Ok(DomainsView {
        user: viewer.summary(),
        domains,
        purchasing_accounts: accounts.into_iter().map(|(number,)| number).collect(),
    })
}

/// The names of the organization's verified domains, for provisioning.
pub(crate) async fn verified_names(db: &Db, organization_id: i64) -> Result<Vec<String>, AppError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM domains WHERE organization_id = $1 AND status = 'verified' ORDER BY name",
    )
    .bind(organization_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// What DNS says of a domain's record.
async fn check(settings: &Settings, row: &Row) -> DomainCheck {
    let expected = row.expected();
    match dns::txt(settings.dns_resolver, &row.record_name()).await {
        Ok(values) if values.contains(&expected) => DomainCheck::Verified,
        Ok(values) if values.is_empty() => DomainCheck::NoRecord,
        Ok(values) => DomainCheck::WrongValue(values),
        Err(LookupFailure::NoRecord) => DomainCheck::NoRecord,
        Err(LookupFailure::Error(error)) => DomainCheck::DnsError(error),
    }
}

/// Looks the domain's record up in DNS and marks the domain verified when
/// it holds the expected value; otherwise says what was found instead.
#[instrument(skip_all, fields(user = actor.user.id, domain = domain_id))]
pub async fn verify(
    state: &AppState,
    actor: &Actor,
    domain_id: i64,
) -> Result<DomainCheck, AppError> {
    let (db, settings, now) = (&state.db, &*state.settings, state.clock.now());
    actor.user.require(Capability::ManageDomains)?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "{ROWS} WHERE d.id = $1 AND d.organization_id = $2"
    ))
    .bind(domain_id)
    .bind(actor.user.organization_id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    match row.status(now) {
        DomainStatus::Pending { .. } => {}
        DomainStatus::Verified { .. } => return Ok(DomainCheck::Verified),
        DomainStatus::Expired | DomainStatus::Lapsed => return Ok(DomainCheck::Expired),
    }
    // No transaction is open while DNS answers.
    let found = check(settings, &row).await;
    let mut tx = super::db::begin_write(db).await?;
    if found != DomainCheck::Verified {
        sqlx::query("UPDATE domains SET last_result = $1, checked_at = $2 WHERE id = $3")
            .bind(stored(&found))
            .bind(now)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(found);
    }
    let domain =
        DomainName::parse(&row.name).map_err(|problem| AppError::field("domain", problem))?;
    if let Some((_, owner)) = covering_verified(&mut tx, &domain).await? {
        if owner != row.organization_id {
            return Err(AppError::field("domain", Problem::DomainTaken));
        }
    }
    let updated = sqlx::query(
        "UPDATE domains SET status = 'verified', verified_at = $1, checked_at = $1, \
         failed_checks = 0, last_result = $3 WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(row.id)
    .bind(stored(&DomainCheck::Verified))
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => {}
        // Another organization verified the same name a moment before.
        Err(error) if is_unique_violation(&error) => {
            return Err(AppError::field("domain", Problem::DomainTaken))
        }
        Err(error) => return Err(error.into()),
    }
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::DomainVerified,
        &row.name,
        "",
    )
    .await?;
    let data = serde_json::json!({ "domain_id": row.id, "domain": row.name });
    let audience = Audience::Organization(row.organization_id);
    events::emit(&mut tx, audience, now, EventType::DomainVerified, data).await?;
    tx.commit().await?;
    Ok(DomainCheck::Verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_domains_and_their_subdomains_are_recognised() {
        for consumer in [
            "gmail.com",
            "googlemail.com",
            "outlook.com",
            "hotmail.com",
            "live.com",
            "yahoo.com",
            "icloud.com",
            "gmx.de",
            "gmx.net",
            "web.de",
            "mail.gmail.com",
        ] {
            let domain = DomainName::parse(consumer).expect("valid");
            assert!(is_consumer(&domain), "{consumer}");
        }
        let contoso = DomainName::parse("contoso.com").expect("valid");
        assert!(!is_consumer(&contoso));
    }

    #[test]
    fn parents_stop_before_the_top_level() {
        let domain = DomainName::parse("a.b.contoso.com").expect("valid");
        assert_eq!(
            self_and_parents(&domain),
            ["a.b.contoso.com", "b.contoso.com", "contoso.com"]
        );
    }
}
