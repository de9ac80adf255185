//! Product keys: masked in the list; "Show key" fetches one (audited).

use leptos::prelude::*;

use crate::api::keys::{get_keys, RevealKey};
use crate::components::{page_source, signed_in_page, Layout, TableScroll};
use crate::domain::product_label;
use crate::domain::wire::{KeyRow, KeysPage};
use crate::i18n::use_lang;

#[component]
pub fn KeysPage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_keys());
    signed_in_page(resource, |page| view! { <KeysList page /> })
}

#[component]
fn KeysList(page: KeysPage) -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Layout user=page.user.clone()>
            <h1>{t.area_keys}</h1>
            <section class="card">
                {if page.keys.is_empty() {
                    view! { <p>{t.no_keys}</p> }.into_any()
                } else {
                    view! {
                        <TableScroll>
                            <table class="licenses keys">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.product}</th>
                                        <th scope="col">{t.purchasing_account_number}</th>
                                        <th scope="col">{t.key}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.keys.into_iter().map(|row| view! { <KeyLine row /> }).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }
                        .into_any()
                }}
            </section>
        </Layout>
    }
}

#[component]
fn KeyLine(row: KeyRow) -> impl IntoView {
    view! {
        <tr>
            <td>{product_label(&row.product, &row.version)}</td>
            <td>{row.purchasing_account.clone()}</td>
            <td>
                <RevealKeyButton id=row.id masked=row.masked />
            </td>
        </tr>
    }
}

/// The masked key, and the button that fetches the real one.
#[component]
fn RevealKeyButton(id: i64, masked: String) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let reveal = ServerAction::<RevealKey>::new();
    let value = reveal.value();
    view! {
        <code class="key">
            {move || match value.get() {
                Some(Ok(key)) => key,
                _ => masked.clone(),
            }}
        </code>
        " "
        <Show when=move || !matches!(value.get(), Some(Ok(_)))>
            <button type="button" class="link-button" on:click=move |_| {
                reveal.dispatch(RevealKey { key_id: id });
            }>{t.show_key}</button>
        </Show>
        {move || {
            value.get().and_then(Result::err).map(|error| {
                view! { <p class="field-error" role="alert">{error.summary(lang)}</p> }
            })
        }}
    }
}
