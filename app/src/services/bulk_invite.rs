//! Inviting many people from a CSV file, one row at a time: a bad row gets
//! its reason and never stops the others.

use tracing::instrument;

use super::audit::Actor;
use super::mail::Outbox;
use super::users::{self, InviteInput};
use super::{Db, Settings};
use crate::domain::csv::CsvInvite;
use crate::domain::wire::{InviteOutcome, RowOutcome, RowResult};
use crate::domain::Problem;
use crate::error::AppError;

#[instrument(skip_all, fields(inviter = actor.user.id, rows = rows.len()))]
pub async fn bulk_invite(
    db: &Db,
    settings: &Settings,
    outbox: &Outbox,
    now: i64,
    actor: &Actor,
    rows: Vec<CsvInvite>,
) -> Result<Vec<RowResult>, AppError> {
    let lang = actor.user.lang;
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let input = InviteInput {
            email: row.email.clone(),
            first_name: row.first_name,
            last_name: row.last_name,
            language: row.language,
            country: row.country,
            // "Account Viewer" reads as account_viewer.
            roles: row
                .roles
                .iter()
                .map(|role| role.trim().to_lowercase().replace([' ', '-'], "_"))
                .collect(),
        };
        let outcome = match input.parse() {
            Err(error) => Err(error),
            Ok(invitee) => users::invite(db, settings, outbox, now, actor, &invitee).await,
        };
        let outcome = match outcome {
            Ok(InviteOutcome::Invited) => RowOutcome::Invited,
            Ok(InviteOutcome::Resent) => RowOutcome::Resent,
            Err(error) if error.problem_with("email") == Some(Problem::AlreadyMember) => {
                RowOutcome::AlreadyUser
            }
            Err(AppError::Invalid(problems)) => RowOutcome::Refused(
                problems
                    .iter()
                    .map(|problem| format!("{}: {}", problem.field, problem.problem.text(lang)))
                    .collect(),
            ),
            Err(AppError::Internal(reference)) => return Err(AppError::Internal(reference)),
            Err(other) => RowOutcome::Refused(vec![other.summary(lang)]),
        };
        results.push(RowResult {
            line: row.line,
            email: row.email,
            outcome,
        });
    }
    Ok(results)
}
