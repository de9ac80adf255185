//! Inviting many people at once from a CSV file: a plain form that sends
//! the file; the page it comes back to (`?bulk=<run>`) shows how far the
//! job has got, reloading every few seconds until it is done, and a
//! result per row.

use leptos::prelude::*;

use crate::api::access::BulkInviteFile;
use crate::components::{posted_error, server_problem, FormError, TableScroll};
use crate::domain::wire::{BulkRun, RowOutcome};
use crate::i18n::use_lang;

#[component]
pub(super) fn BulkInvite(run: Option<BulkRun>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let error = posted_error::<BulkInviteFile>();
    let problem = server_problem(error, "file");
    let post_to = <BulkInviteFile as leptos::server_fn::ServerFn>::PATH;
    let invalid = move || problem.get().is_some().then_some("true");
    view! {
        <section class="card bulk">
            <h2>{t.bulk_invite}</h2>
            <p class="note">{t.bulk_help}</p>
            <form method="post" action=post_to enctype="multipart/form-data">
                <FormError value=error />
                <div class="field">
                    <label for="bulk-file">{t.bulk_file}</label>
                    <input
                        id="bulk-file"
                        name="file"
                        type="file"
                        accept=".csv,text/csv"
                        required
                        aria-invalid=invalid
                        aria-describedby="bulk-file-error"
                    />
                    <p id="bulk-file-error" class="field-error" aria-live="polite">
                        {move || problem.get().map(|problem| problem.text(lang))}
                    </p>
                </div>
                <button type="submit" class="primary">
                    {t.invite}
                </button>
            </form>
            {run.map(|run| view! { <BulkResults run /> })}
        </section>
    }
}

/// How often the page reads a job's progress again.
const PROGRESS_EVERY_SECS: u64 = 2;

/// A job's progress and results; until it is done, the page reloads
/// every few seconds (a refresh, with or without script: a job runs for
/// a minute at most, and the app's files come from the cache).
#[component]
fn BulkResults(run: BulkRun) -> impl IntoView {
    let t = use_lang().texts();
    let finished = run.finished();
    let progress = if finished {
        format!(
            "{}: {} / {} — {}",
            t.bulk_progress, run.done, run.total, t.done
        )
    } else {
        format!("{}: {} / {}…", t.bulk_progress, run.done, run.total)
    };
    let results = run.results;
    view! {
        <p class="progress" role="status">
            {progress}
        </p>
        {(!finished)
            .then(|| {
                view! { <meta http-equiv="refresh" content=PROGRESS_EVERY_SECS.to_string() /> }
            })}
        <TableScroll>
            <table class="bulk-results">
                <thead>
                    <tr>
                        <th scope="col">{t.line}</th>
                        <th scope="col">{t.email_address}</th>
                        <th scope="col">{t.result}</th>
                    </tr>
                </thead>
                <tbody>
                    {results
                        .into_iter()
                        .map(|result| {
                            let (class, text) = match &result.outcome {
                                RowOutcome::Invited => ("ok", t.outcome_invited.to_owned()),
                                RowOutcome::Resent => ("ok", t.outcome_resent.to_owned()),
                                RowOutcome::AlreadyUser => ("warn", t.outcome_already_user.to_owned()),
                                RowOutcome::Refused(reasons) => {
                                    ("bad", format!("{}: {}", t.outcome_refused, reasons.join("; ")))
                                }
                            };
                            view! {
                                <tr class=class>
                                    <td>{result.line}</td>
                                    <td>{result.email}</td>
                                    <td>{text}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
