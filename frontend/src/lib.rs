//! The browser entry point. Only a page's islands (`#[island]` in `app`)
//! run in the browser: the rest of the page is the server's HTML. The
//! loader in `app::hydration` calls `hydrate` and then each island's own
//! export, found by name in this module.

// Links the app's islands into this module: their exports are its API.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
