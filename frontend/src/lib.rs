// The app's view types nest deeply, and hydrating them is one future.
#![recursion_limit = "256"]
//! The browser entry point: hydrates the server-rendered page, after which
//! the app's router handles every link.

use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Async because the page's own code may sit in a WebAssembly chunk that
    // has to arrive before its HTML can be hydrated (see app::routes).
    wasm_bindgen_futures::spawn_local(async {
        let page = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        page.forget();
        app::routes::preload_on_intent();
        // Lets browser tests (and curious people) tell a live page from one
        // still waiting for its script; app::routes::ChunkFailed reads it too.
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
