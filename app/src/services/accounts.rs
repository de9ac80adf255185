//! Signed-in people: who they are, signing in, their dashboard and profile.

use tracing::instrument;

use super::audit::{self, Actor};
use super::mail::{enqueue, PasswordChangedMail};
use super::password::{self, Hasher};
use super::{sessions, AppState, Db};
use crate::domain::wire::{
    AccessView, AgreementSummary, Dashboard, Profile, PurchasingAccountSummary, UserSummary,
};
use crate::domain::{AuditAction, Capability, Country, Email, Lang, Problem, Role};
use crate::error::{AppError, FormErrors};

/// The person behind a request, as the server knows them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub organization_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub lang: Lang,
    pub country: String,
    pub roles: Vec<Role>,
    /// Whether they sign in with a second step.
    pub two_step_on: bool,
    /// Whether their organization requires a second step of everyone.
    pub two_step_required: bool,
}

impl CurrentUser {
    /// Whether they must set up two-step verification before anything
    /// else opens.
    pub fn must_set_up_two_step(&self) -> bool {
        self.two_step_required && !self.two_step_on
    }

    /// What the Manage access pages need: who is looking, and which roles
    /// they may give (the roles module decides).
    pub fn access_view(&self) -> AccessView {
        AccessView {
            grantable: Role::grantable_by(&self.roles),
            user: self.summary(),
        }
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            lang: self.lang,
            roles: self.roles.clone(),
        }
    }
}

/// The organization's Account Admins, with the language each reads email
/// in: who is told when something happens to the organization that no
/// one of them did.
pub async fn account_admins(
    conn: &mut sqlx::AnyConnection,
    organization_id: i64,
) -> Result<Vec<(Email, Lang)>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, u.language FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE u.organization_id = $1 AND r.role = $2 ORDER BY u.email",
    )
    .bind(organization_id)
    .bind(Role::AccountAdmin.key())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, language)| {
            Some((
                Email::parse(&email).ok()?,
                Lang::parse(&language).unwrap_or_default(),
            ))
        })
        .collect())
}

#[instrument(skip_all)]
pub async fn load(db: &Db, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.organization_id, u.email, u.first_name, u.last_name, u.language, u.country, \
         u.two_step_since, o.two_step_required_since \
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let Some((
        organization_id,
        email,
        first_name,
        last_name,
        language,
        country,
        two_step_since,
        two_step_required_since,
    )) = row
    else {
        return Ok(None);
    };
    let role_keys: Vec<(String,)> =
        sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(db)
            .await?;
    let mut roles: Vec<Role> = role_keys
        .iter()
        .filter_map(|(key,)| Role::from_key(key))
        .collect();
    roles.sort();
    Ok(Some(CurrentUser {
        id: user_id,
        organization_id,
        email,
        first_name,
        last_name,
        lang: Lang::parse(&language).unwrap_or_default(),
        country,
        roles,
        two_step_on: two_step_since.is_some(),
        two_step_required: two_step_required_since.is_some(),
    }))
}

/// Records the interface language a user chose.
#[instrument(skip_all)]
pub async fn set_language(db: &Db, user_id: i64, lang: Lang) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang.code())
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// What an email and password turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    Valid(i64),
    /// A real account, the wrong password: its organization's log says so.
    WrongPassword(i64),
    UnknownEmail,
}

/// Checks an email and password. Every failure takes as long (an unknown
/// address is checked against a dummy hash), so the time of the answer
/// reveals nothing about which accounts exist; the caller must answer
/// both failures alike.
#[instrument(skip_all)]
pub async fn verify_credentials(
    db: &Db,
    hasher: &Hasher,
    email: &str,
    password: &str,
) -> Result<Credentials, AppError> {
    let email = Email::parse(email).ok();
    let found: Option<(i64, String)> = match &email {
        Some(email) => {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(db)
                .await?
        }
        None => None,
    };
    let (user_id, stored) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matches = hasher.verify(password.to_owned(), stored).await?;
    Ok(match user_id {
        Some(id) if matches => Credentials::Valid(id),
        Some(id) => Credentials::WrongPassword(id),
        None => Credentials::UnknownEmail,
    })
}

/// Whether `password` is the user's own: asked again before a change
/// that weakens or replaces how they sign in.
pub async fn password_matches(
    db: &Db,
    hasher: &Hasher,
    user_id: i64,
    password: &str,
) -> Result<bool, AppError> {
    let (stored,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?;
    hasher.verify(password.to_owned(), Some(stored)).await
}

/// A password change as the profile form sends it.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirmation: &'a str,
}

/// Changes a password after checking the current one, signs the user out
/// everywhere but the session `keep_session`, audits the change and
/// emails the user about it.
#[instrument(skip_all, fields(user = actor.user.id))]
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    keep_session: &str,
    change: &PasswordChange<'_>,
) -> Result<(), AppError> {
    let user = &actor.user;
    let mut errors = FormErrors::default();
    if change.current.is_empty() {
        errors.add("current_password", Problem::Required);
    }
    let (new_problem, confirm_problem) = password::check_new(change.new, change.confirmation);
    if let Some(problem) = new_problem {
        errors.add("new_password", problem);
    }
    if let Some(problem) = confirm_problem {
        errors.add("confirm_password", problem);
    }
    errors.finish(Some(()))?;

    let db = &state.db;
    if !password_matches(db, &state.hasher, user.id, change.current).await? {
        return Err(AppError::field(
            "current_password",
            Problem::CurrentPasswordWrong,
        ));
    }
    let hash = state.hasher.hash(change.new.to_owned()).await?;
    let now = state.clock.now();
    let email = Email::parse(&user.email).map_err(|_| super::internal("stored email invalid"))?;
    let mail = PasswordChangedMail {
        lang: user.lang,
        to: &email,
        when: &user.lang.format_date(now),
        client_address: &actor.client_address,
    }
    .render(&state.settings)?;
    let mut tx = super::db::begin_write(db).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        now,
        AuditAction::PasswordChanged,
        &user.email,
        "",
    )
    .await?;
    enqueue(&mut tx, &mail, None, now).await?;
    state.outbox.commit(tx).await?;
    sessions::end_others(db, user.id, keep_session).await?;
    Ok(())
}

/// An agreement with one of its purchasing accounts, if it has any.
#[derive(sqlx::FromRow)]
struct AgreementRow {
    number: String,
    kind: String,
    account: Option<String>,
    admin_first_name: Option<String>,
    admin_last_name: Option<String>,
    admin_email: Option<String>,
}

/// The home page: the organization, its agreements and purchasing accounts.
#[instrument(skip_all, fields(user = user.id))]
pub async fn dashboard(db: &Db, user: &CurrentUser) -> Result<Dashboard, AppError> {
    let (organization,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(user.organization_id)
        .fetch_one(db)
        .await?;
    let rows: Vec<AgreementRow> = sqlx::query_as(
        "SELECT a.number, a.kind, p.number AS account, p.admin_first_name, p.admin_last_name, \
         p.admin_email FROM agreements a LEFT JOIN purchasing_accounts p ON p.agreement_id = a.id \
         WHERE a.organization_id = $1 ORDER BY a.number, p.number",
    )
    .bind(user.organization_id)
    .fetch_all(db)
    .await?;
    let mut agreements: Vec<AgreementSummary> = Vec::new();
    for row in rows {
        if agreements
            .last()
            .is_none_or(|last| last.number != row.number)
        {
            agreements.push(AgreementSummary {
                number: row.number.clone(),
                kind: row.kind,
                purchasing_accounts: Vec::new(),
            });
        }
        if let (Some(account), Some(agreement)) = (row.account, agreements.last_mut()) {
            agreement
                .purchasing_accounts
                .push(PurchasingAccountSummary {
                    number: account,
                    admin_name: format!(
                        "{} {}",
                        row.admin_first_name.unwrap_or_default(),
                        row.admin_last_name.unwrap_or_default()
                    ),
                    admin_email: row.admin_email.unwrap_or_default(),
                });
        }
    }
    let mut counts = Vec::new();
    for area in Capability::AREAS {
        if Role::any_allows(&user.roles, area) {
            counts.push((area, area_count(db, user, area).await?));
        }
    }
    let usage = if Role::any_allows(&user.roles, Capability::ViewLicenses) {
        super::orders::usage(db, user).await?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        user: user.summary(),
        organization,
        agreements,
        counts,
        usage,
    })
}

/// How many things an area of the dashboard holds for the organization.
async fn area_count(db: &Db, user: &CurrentUser, area: Capability) -> Result<i64, AppError> {
    let sql: std::borrow::Cow<'static, str> = match area {
        Capability::ViewAgreements => {
            "SELECT COUNT(*) FROM agreements WHERE organization_id = $1".into()
        }
        Capability::ViewOrders => "SELECT COUNT(*) FROM orders WHERE organization_id = $1".into(),
        Capability::ViewLicenses => {
            "SELECT COUNT(*) FROM license_totals WHERE organization_id = $1".into()
        }
        Capability::ViewKeys => {
            "SELECT COUNT(*) FROM product_keys WHERE organization_id = $1".into()
        }
        Capability::DownloadSoftware => format!(
            "SELECT COUNT(DISTINCT pr.id) FROM products pr \
             JOIN product_files f ON f.product_id = pr.id \
             WHERE pr.kind = 'software' AND {}",
            super::products::ORDERED_BY_ORGANIZATION
        )
        .into(),
        Capability::ManageProvisioning => "SELECT COUNT(*) FROM license_totals t \
             JOIN products pr ON pr.id = t.product_id \
             WHERE t.organization_id = $1 AND pr.kind = 'online_service'"
            .into(),
        // Everyone Manage users lists as on their way in or in: accounts
        // and pending invitations (index `invitations_organization`).
        Capability::InviteUsers => {
            "SELECT (SELECT COUNT(*) FROM users WHERE organization_id = $1) \
             + (SELECT COUNT(*) FROM invitations WHERE organization_id = $1 AND status = 'pending')"
                .into()
        }
        Capability::ManageDomains => {
            "SELECT COUNT(*) FROM domains WHERE organization_id = $1 AND status = 'verified'".into()
        }
        Capability::ManageCustomers => "SELECT COUNT(DISTINCT a.organization_id) \
             FROM partner_links k JOIN agreements a ON a.id = k.agreement_id \
             WHERE k.partner_id = $1"
            .into(),
        Capability::ViewReports => return Ok(super::reports::available(user)?.len() as i64),
        Capability::ManageUsers
        | Capability::ModifyAgreements
        | Capability::ViewAuditLog
        | Capability::ManagePartnerVisibility
        | Capability::ManageSecurity => return Ok(0),
    };
    let (count,): (i64,) = sqlx::query_as(&sql)
        .bind(user.organization_id)
        .fetch_one(db)
        .await?;
    Ok(count)
}

pub fn profile(user: &CurrentUser) -> Profile {
    Profile {
        user: user.summary(),
        country: Country::parse(&user.country)
            .map(|country| country.code.to_owned())
            .unwrap_or_else(|_| user.country.clone()),
    }
}
