//! Inviting many people from a CSV file, one row at a time: a bad row gets
//! its reason and never stops the others.

use tracing::instrument;

use super::invite::{self, InviteInput};
use crate::domain::csv::CsvInvite;
use crate::domain::wire::{InviteOutcome, RowOutcome, RowResult};
use crate::domain::Problem;
use crate::error::AppError;
use crate::services::audit::Actor;
use crate::services::AppState;

#[instrument(skip_all, fields(inviter = actor.user.id, rows = rows.len()))]
pub async fn invite_rows(
    state: &AppState,
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
            Ok(invitee) => invite::invite(state, actor, &invitee)
                .await
                .map(|sent| sent.outcome),
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

/// The most people one file may invite: a form's post must finish while
/// the person waits (about a minute at the outbox's pace).
pub const MAX_FILE_ROWS: usize = 1000;

/// How long the results of a file stay for the page that shows them.
const RUN_KEPT_SECS: i64 = 24 * 60 * 60;

/// Invites everyone in a CSV file's text and keeps the per-row results
/// for the page the form comes back to; returns the run that holds them.
#[instrument(skip_all, fields(inviter = actor.user.id))]
pub async fn invite_file(state: &AppState, actor: &Actor, text: &str) -> Result<i64, AppError> {
    let rows = crate::domain::csv::invites(text);
    if rows.is_empty() {
        return Err(AppError::field("file", Problem::BulkFileEmpty));
    }
    if rows.len() > MAX_FILE_ROWS {
        return Err(AppError::field("file", Problem::BulkFileTooLong));
    }
    let results = invite_rows(state, actor, rows).await?;
    let results = serde_json::to_string(&results)
        .map_err(|error| crate::services::internal(format!("bulk results: {error}")))?;
    let (run,): (i64,) = sqlx::query_as(
        "INSERT INTO bulk_invite_runs (user_id, created_at, results) VALUES ($1, $2, $3) \
         RETURNING id",
    )
    .bind(actor.user.id)
    .bind(state.clock.now())
    .bind(results)
    .fetch_one(&state.db)
    .await?;
    Ok(run)
}

/// The results of `run`, if the actor sent it less than a day ago
/// (whether or not the purge has deleted it yet).
pub async fn run_results(
    state: &AppState,
    actor: &Actor,
    run: i64,
) -> Result<Option<Vec<RowResult>>, AppError> {
    let stored: Option<(String,)> = sqlx::query_as(
        "SELECT results FROM bulk_invite_runs \
         WHERE id = $1 AND user_id = $2 AND created_at >= $3",
    )
    .bind(run)
    .bind(actor.user.id)
    .bind(state.clock.now() - RUN_KEPT_SECS)
    .fetch_optional(&state.db)
    .await?;
    stored
        .map(|(results,)| {
            serde_json::from_str(&results)
                .map_err(|error| crate::services::internal(format!("bulk results: {error}")))
        })
        .transpose()
}

/// Deletes the results no page shows any more (the periodic purge).
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    let result = sqlx::query("DELETE FROM bulk_invite_runs WHERE created_at < $1")
        .bind(state.clock.now() - RUN_KEPT_SECS)
        .execute(&state.db)
        .await?;
    Ok(result.rows_affected())
}
