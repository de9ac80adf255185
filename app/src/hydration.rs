//! The script that hydrates a page, started once the page is on screen.
//!
//! Leptos' own `HydrationScripts` puts `<link rel=preload>` for the app's
//! JavaScript and WebAssembly in `<head>` (and, with `--split`, one for
//! every chunk of the page): they start before the first paint and
//! compete with the stylesheet for the phone's narrow connection, so the
//! page's heading shows later. The server's HTML needs none of them (its
//! forms post without script), so here the app's code is fetched only
//! after the first paint; the split loader fetches the page's chunks.

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::prelude::*;

/// The inline module script that loads and hydrates the app after the
/// first paint, carrying this response's CSP nonce.
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let pkg = format!("/{}", options.site_pkg_dir);
    let (js, wasm) = bundle_names(&options);
    // Once the browser reports the first contentful paint (the page's
    // heading and text): its time is when the frame reached the screen, so
    // nothing fetched from here can hold that paint back. Browsers without
    // paint timing start after the next frame.
    let script = format!(
        "const start = async () => {{\
           const app = await import({js:?});\
           await app.default({{ module_or_path: {wasm:?} }});\
           app.hydrate();\
         }};\
         if (PerformanceObserver.supportedEntryTypes?.includes(\"paint\")) {{\
           new PerformanceObserver((paints, observer) => {{\
             if (paints.getEntriesByName(\"first-contentful-paint\").length > 0) {{\
               observer.disconnect();\
               start();\
             }}\
           }}).observe({{ type: \"paint\", buffered: true }});\
         }} else {{\
           requestAnimationFrame(() => setTimeout(start, 0));\
         }}",
        js = format!("{pkg}/{js}.js"),
        wasm = format!("{pkg}/{wasm}.wasm"),
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
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
