//! A CSV file of invitations as a job: sending it answers at once however
//! long it is; a worker invites its rows in batches, saving the results
//! of each, and a run a server dropped half way is finished by another.

use app::both_engines;
use app::domain::wire::{RowOutcome, RowResult};
use app::services::access::bulk;
use app::services::outbox;
use app::services::testing::{TestApp, TestDb, NOW};

fn people(range: std::ops::Range<usize>) -> String {
    range
        .map(|n| format!("p{n}@contoso.com,P,N,en,US,account_viewer\n"))
        .collect()
}

/// How many emails went to each of `p<from>` … `p<to - 1>`.
async fn mailed(app: &TestApp, range: std::ops::Range<usize>) -> Vec<usize> {
    let mails = outbox::recent(&app.state, 100_000).await.expect("outbox");
    range
        .map(|n| {
            let to = format!("p{n}@contoso.com");
            mails.iter().filter(|mail| mail.to_email == to).count()
        })
        .collect()
}

/// A thousand people: stored at once, invited by the worker, the
/// person's daily quota of 500 refusing the rest row by row.
async fn a_thousand_rows_are_a_job_the_worker_finishes(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let run = bulk::invite_file(&app.state, &harry, &people(0..bulk::MAX_FILE_ROWS))
        .await
        .expect("stored");
    let waiting = bulk::run_results(&app.state, &harry, run).await;
    let waiting = waiting.expect("read").expect("Harry's run");
    assert_eq!((waiting.done, waiting.total), (0, 1000), "{}", app.engine());
    assert_eq!(mailed(&app, 0..1).await, [0], "nobody invited yet");

    assert_eq!(bulk::work(&app.state).await, Ok(1000), "{}", app.engine());
    let run = bulk::run_results(&app.state, &harry, run).await;
    let run = run.expect("read").expect("Harry's run");
    assert!(run.finished());
    assert_eq!(run.results.len(), 1000);
    let invited = run
        .results
        .iter()
        .filter(|row| row.outcome == RowOutcome::Invited)
        .count();
    assert_eq!(invited, 500, "a person's daily quota");
    assert!(matches!(run.results[999].outcome, RowOutcome::Refused(_)));
    assert_eq!(run.results[0].line, 1, "no header line: the first row is 1");
    assert_eq!(bulk::work(&app.state).await, Ok(0), "nothing left");
    app.close().await;
}
both_engines!(a_thousand_rows_are_a_job_the_worker_finishes);

/// A server took the run, saved its first batch and died: the run waits
/// out the lease, then the next worker goes on from the 26th row.
async fn a_run_dropped_half_way_is_finished_by_another_worker(t: TestDb) {
    let app = TestApp::new(t);
    let harry = app.harry().await;
    let run = bulk::invite_file(&app.state, &harry, &people(0..60))
        .await
        .expect("stored");
    let first: Vec<RowResult> = (0..bulk::BATCH)
        .map(|n| RowResult {
            line: n + 1,
            email: format!("p{n}@contoso.com"),
            outcome: RowOutcome::Invited,
        })
        .collect();
    sqlx::query(
        "UPDATE bulk_invite_runs SET done = $1, results = $2, lease_until = $3 WHERE id = $4",
    )
    .bind(bulk::BATCH as i64)
    .bind(serde_json::to_string(&first).expect("json"))
    .bind(NOW + bulk::RUN_LEASE_SECS)
    .bind(run)
    .execute(app.db())
    .await
    .expect("a worker's first batch");
    assert_eq!(bulk::work(&app.state).await, Ok(0), "its lease holds");

    app.advance(bulk::RUN_LEASE_SECS + 1);
    assert_eq!(bulk::work(&app.state).await, Ok(35), "{}", app.engine());
    let done = bulk::run_results(&app.state, &harry, run).await;
    let done = done.expect("read").expect("Harry's run");
    assert!(done.finished());
    assert_eq!(done.results.len(), 60);
    assert_eq!(done.results[59].email, "p59@contoso.com");
    assert_eq!(mailed(&app, 0..25).await, [0; 25], "the dead worker's part");
    assert_eq!(mailed(&app, 25..60).await, [1; 35], "each of the rest once");
    app.close().await;
}
both_engines!(a_run_dropped_half_way_is_finished_by_another_worker);
