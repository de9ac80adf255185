//! The script that hydrates a page's islands, started once the page is on
//! screen.
//!
//! Leptos' own `HydrationScripts` puts `<link rel=preload>` for the app's
//! JavaScript and WebAssembly in `<head>`: they start before the first
//! paint and compete with the stylesheet for the phone's narrow
//! connection, so the page's heading shows later. The server's HTML needs
//! none of them (its forms post without script), so here the app's code is
//! fetched only after the first paint, and only by a page that has islands.

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::prelude::*;

/// The inline module script that loads the app and hydrates the page's
/// islands after the first paint, carrying this response's CSP nonce. Sets
/// `data-hydrated` on `<html>` once every island is live, so browser tests
/// (and curious people) can tell a live page from one still waiting.
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    // Only islands carry state to the browser: what the server renders
    // around them is plain HTML, with no hydration keys or data.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let pkg = format!("/{}", options.site_pkg_dir);
    let (js, wasm) = bundle_names(&options);
    let script = format!(
        "{}({:?}, {:?});",
        loader(),
        format!("{pkg}/{js}.js"),
        format!("{pkg}/{wasm}.wasm"),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// `hydration.js` as a function expression, without its comments (every
/// page carries it).
fn loader() -> &'static str {
    static LOADER: OnceLock<String> = OnceLock::new();
    LOADER.get_or_init(|| {
        include_str!("hydration.js")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end_matches(';')
            .to_owned()
    })
}

/// The names (without extension) of the app's JavaScript and WebAssembly,
/// as the build wrote them: with `hash-files`, from the hash file it left
/// beside the server binary.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    if !options.hash_files {
        // cargo-leptos names the WebAssembly like the JavaScript; a plain
        // wasm-bindgen run (no LEPTOS_OUTPUT_NAME) adds `_bg`.
        let wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
            Some(_) => name.clone(),
            None => format!("{name}_bg"),
        };
        return (name, wasm);
    }
    let hashes = hash_file(options);
    let hashed = |kind: &str| match hashes.get(kind) {
        Some(hash) => format!("{name}.{hash}"),
        None => name.clone(),
    };
    (hashed("js"), hashed("wasm"))
}

/// `kind: hash` lines of the hash file, read once per process.
fn hash_file(options: &LeptosOptions) -> &'static HashMap<String, String> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        let text = hash_file_path(options)
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        text.lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
            .collect()
    })
}

/// Where a release build leaves the hashes of the names it gave the site's
/// files: beside the server binary.
pub fn hash_file_path(options: &LeptosOptions) -> Option<std::path::PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
}
