//! The browser entry point: hydrates the server-rendered page, after which
//! the app's router handles every link.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

thread_local! {
    /// The address of the link the person last followed inside the app.
    static FOLLOWED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether the page is live: a chunk that fails before that is the
    /// page's own, and loading the page again would fail the same way.
    static LIVE: Cell<bool> = const { Cell::new(false) };
}

/// What a lazy route's chunk panics with when it cannot be fetched
/// (`wasm_split`'s infallible wrapper).
const CHUNK_FAILED: &str = "load callback should succeed";

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    set_panic_hook();
    remember_followed_links();
    // Async because the page's own code may sit in a WebAssembly chunk that
    // has to arrive before its HTML can be hydrated (see app::routes).
    wasm_bindgen_futures::spawn_local(async {
        let page = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        page.forget();
        LIVE.with(|live| live.set(true));
        // Lets browser tests (and curious people) tell a live page from one
        // still waiting for its script.
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}

/// Logs a panic to the console, as usual; and when a page's chunk could
/// not be fetched (after a deploy, an open tab asks for a chunk name that
/// no longer exists), loads the page the person was going to as a
/// document instead of leaving a dead one. Leptos 0.8 panics there; its
/// fix (leptos#4785, a fallible lazy route) is on the 0.9 line.
fn set_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if !info.to_string().contains(CHUNK_FAILED) || !LIVE.with(Cell::get) {
            return;
        }
        let location = window().location();
        // Back and forward have already changed the address; a link has not.
        let _ = match FOLLOWED.with(|followed| followed.borrow_mut().take()) {
            Some(href) => location.assign(&href),
            None => location.reload(),
        };
    }));
}

/// Keeps the address of each link clicked inside the app, for the panic
/// hook above: the router changes the address only once the next page is
/// ready.
fn remember_followed_links() {
    let handle = window_event_listener(leptos::ev::click, |event| {
        let link = event
            .target()
            .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|link| link.get_attribute("href"));
        if let Some(href) = link.filter(|href| href.starts_with('/')) {
            FOLLOWED.with(|followed| *followed.borrow_mut() = Some(href));
        }
    });
    // Back or forward: the address is already the page being gone to.
    let back = window_event_listener(leptos::ev::popstate, |_| {
        FOLLOWED.with(|followed| followed.borrow_mut().take());
    });
    // For the life of the page.
    std::mem::forget(handle);
    std::mem::forget(back);
}
