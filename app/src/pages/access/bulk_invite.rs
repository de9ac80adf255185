//! Inviting many people at once from a CSV file.

use leptos::prelude::*;

use crate::components::TableScroll;

use crate::domain::wire::{RowOutcome, RowResult};
#[cfg(feature = "hydrate")]
use crate::domain::Lang;
use crate::use_lang;

/// Sends the chosen CSV file in chunks, so that progress shows and a
/// large file never makes one huge request.
#[cfg(feature = "hydrate")]
async fn upload(
    input: web_sys::HtmlInputElement,
    lang: Lang,
    results: RwSignal<Vec<RowResult>>,
    total: RwSignal<usize>,
    failure: RwSignal<Option<String>>,
    running: RwSignal<bool>,
) {
    use crate::api::access::bulk_invite;
    use crate::domain::wire::BULK_CHUNK;
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let Some(text) = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
    else {
        return;
    };
    let rows = crate::domain::csv::invites(&text);
    results.set(Vec::new());
    failure.set(None);
    total.set(rows.len());
    running.set(true);
    for chunk in rows.chunks(BULK_CHUNK) {
        match bulk_invite(chunk.to_vec()).await {
            Ok(done) => results.update(|all| all.extend(done)),
            Err(error) => {
                failure.set(Some(error.summary(lang)));
                break;
            }
        }
    }
    running.set(false);
}

#[component]
pub(super) fn BulkInvite(refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let results = RwSignal::new(Vec::<RowResult>::new());
    let total = RwSignal::new(0usize);
    let failure = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let running = RwSignal::new(false);
    // When a run ends, the list shows who was invited.
    Effect::new(move |was_running: Option<bool>| {
        let now_running = running.get();
        if was_running == Some(true) && !now_running {
            refresh.update(|n| *n += 1);
        }
        now_running
    });
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_input.get_untracked() {
            leptos::task::spawn_local(upload(input, lang, results, total, failure, running));
        }
    };
    view! {
        <section class="card bulk">
            <h2>{t.bulk_invite}</h2>
            <p class="note">{t.bulk_help}</p>
            <div class="field">
                <label for="bulk-file">{t.bulk_file}</label>
                <input id="bulk-file" type="file" accept=".csv,text/csv" node_ref=file_input />
            </div>
            <button type="button" class="primary" on:click=start disabled=move || running.get()>
                {t.invite}
            </button>
            <Show when=move || { total.get() > 0 }>
                <p class="progress" role="status">
                    {t.bulk_progress} ": " {move || results.get().len()} " / " {move || total.get()}
                    {move || (!running.get() && results.get().len() == total.get()).then(|| format!(" — {}", t.done))}
                </p>
                <progress max=move || total.get() value=move || results.get().len()></progress>
            </Show>
            {move || failure.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <Show when=move || !results.get().is_empty()>
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
                            {move || {
                                results
                                    .get()
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
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </TableScroll>
            </Show>
        </section>
    }
}
