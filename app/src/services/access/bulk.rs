//! Inviting many people from a CSV file, one row at a time: a bad row gets
//! its reason and never stops the others.
//!
//! A file is a job (a row of `bulk_invite_runs`): sending it stores its
//! rows and answers at once, whatever its length; a worker invites them
//! [`BATCH`] at a time, saving each batch's results, so the page shows how
//! far it has got, and a server that stops half way leaves the rest to
//! another once its lease lapses. A batch cut short by a crash is invited
//! again, which resends those invitations (a new link, the old one dead):
//! at least once, never lost.

use tracing::instrument;

use super::invite::{self, InviteInput};
use crate::domain::csv::CsvInvite;
use crate::domain::wire::{BulkRun, InviteOutcome, RowOutcome, RowResult};
use crate::domain::Problem;
use crate::error::AppError;
use crate::services::audit::Actor;
use crate::services::{current_user, AppState};

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

/// The most people one file may invite: a day's quota of one person is
/// 500, so a larger file could not finish anyway.
pub const MAX_FILE_ROWS: usize = 1000;

/// How long the results of a file stay for the page that shows them.
const RUN_KEPT_SECS: i64 = 24 * 60 * 60;

/// Rows invited between two saves of a run's progress.
pub const BATCH: usize = 25;

/// How long a worker holds a run without saving a batch before another
/// may take it over: a batch takes a few seconds.
pub const RUN_LEASE_SECS: i64 = 60;

fn stored<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value)
        .map_err(|error| crate::services::internal(format!("bulk run: {error}")))
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text)
        .map_err(|error| crate::services::internal(format!("bulk run: {error}")))
}

/// Checks a CSV file's text and stores its rows as a job for [`work`];
/// returns the run, whose page shows the progress and the results.
#[instrument(skip_all, fields(inviter = actor.user.id))]
pub async fn invite_file(state: &AppState, actor: &Actor, text: &str) -> Result<i64, AppError> {
    actor.user.require(crate::domain::Capability::InviteUsers)?;
    let rows = crate::domain::csv::invites(text);
    if rows.is_empty() {
        return Err(AppError::field("file", Problem::BulkFileEmpty));
    }
    if rows.len() > MAX_FILE_ROWS {
        return Err(AppError::field("file", Problem::BulkFileTooLong));
    }
    let (run,): (i64,) = sqlx::query_as(
        "INSERT INTO bulk_invite_runs (user_id, created_at, results, pending_rows, total, done, \
         lease_until, client_address) VALUES ($1, $2, '[]', $3, $4, 0, 0, $5) RETURNING id",
    )
    .bind(actor.user.id)
    .bind(state.clock.now())
    .bind(stored(&rows)?)
    .bind(rows.len() as i64)
    .bind(&actor.client_address)
    .fetch_one(&state.db)
    .await?;
    Ok(run)
}

/// A run a worker has claimed: what is left of it.
#[derive(sqlx::FromRow)]
struct Claimed {
    id: i64,
    user_id: i64,
    pending_rows: String,
    results: String,
    done: i64,
    client_address: String,
    lease_until: i64,
}

/// Works through the unfinished runs until none is left to take; answers
/// how many rows it invited (or refused). Any server may call it at any
/// time: a run is worked on by one at a time.
pub async fn work(state: &AppState) -> Result<usize, AppError> {
    let mut rows = 0;
    while let Some(run) = claim(state).await? {
        rows += work_on(state, run).await?;
    }
    Ok(rows)
}

async fn claim(state: &AppState) -> Result<Option<Claimed>, AppError> {
    loop {
        let now = state.clock.now();
        let due: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM bulk_invite_runs WHERE done < total AND lease_until < $1 \
             ORDER BY lease_until, id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&state.db)
        .await?;
        let Some((id,)) = due else {
            return Ok(None);
        };
        let taken = sqlx::query(
            "UPDATE bulk_invite_runs SET lease_until = $1 \
             WHERE id = $2 AND done < total AND lease_until < $3",
        )
        .bind(now + RUN_LEASE_SECS)
        .bind(id)
        .bind(now)
        .execute(&state.db)
        .await?;
        if taken.rows_affected() == 1 {
            let run: Claimed = sqlx::query_as(
                "SELECT id, user_id, pending_rows, results, done, client_address, lease_until \
                 FROM bulk_invite_runs WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&state.db)
            .await?;
            return Ok(Some(run));
        }
        // Another server took it a moment before: look again.
    }
}

/// Invites what is left of `run`, a batch at a time, as its sender, with
/// the roles they hold now; stops if the lease passed to another.
#[instrument(skip_all, fields(run = run.id))]
async fn work_on(state: &AppState, run: Claimed) -> Result<usize, AppError> {
    let Some(user) = current_user::load(state, run.user_id).await? else {
        // The sender's account is gone, and the run with it.
        return Ok(0);
    };
    let actor = Actor {
        user,
        client_address: run.client_address,
        user_agent: String::new(),
    };
    let rows: Vec<CsvInvite> = read(&run.pending_rows)?;
    let mut results: Vec<RowResult> = read(&run.results)?;
    let (mut done, mut lease) = (run.done as usize, run.lease_until);
    let mut invited = 0;
    while done < rows.len() {
        let batch = rows[done..rows.len().min(done + BATCH)].to_vec();
        let count = batch.len();
        results.extend(invite_rows(state, &actor, batch).await?);
        let renewed = state.clock.now() + RUN_LEASE_SECS;
        let saved = sqlx::query(
            "UPDATE bulk_invite_runs SET results = $1, done = $2, lease_until = $3 \
             WHERE id = $4 AND lease_until = $5",
        )
        .bind(stored(&results)?)
        .bind((done + count) as i64)
        .bind(renewed)
        .bind(run.id)
        .bind(lease)
        .execute(&state.db)
        .await?;
        if saved.rows_affected() != 1 {
            tracing::warn!("bulk run taken over by another server: left to it");
            return Ok(invited);
        }
        (done, lease) = (done + count, renewed);
        invited += count;
    }
    Ok(invited)
}

/// Where `run` stands, if the actor sent it less than a day ago (whether
/// or not the purge has deleted it yet).
pub async fn run_results(
    state: &AppState,
    actor: &Actor,
    run: i64,
) -> Result<Option<BulkRun>, AppError> {
    let stored: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT results, total, done FROM bulk_invite_runs \
         WHERE id = $1 AND user_id = $2 AND created_at >= $3",
    )
    .bind(run)
    .bind(actor.user.id)
    .bind(state.clock.now() - RUN_KEPT_SECS)
    .fetch_optional(&state.db)
    .await?;
    stored
        .map(|(results, total, done)| {
            let results: Vec<RowResult> = read(&results)?;
            Ok(BulkRun {
                id: run,
                // Runs from before jobs were finished when stored.
                total: (total as usize).max(results.len()),
                done: (done as usize).max(results.len()),
                results,
            })
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
