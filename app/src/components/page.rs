//! A page's data: read again when its address changes or a form changed
//! something, shown in the frame once it arrives, with the response's
//! status on the server.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use super::frame::Layout;
use crate::error::AppError;
use crate::i18n::use_lang;

/// Counts the changes the app's forms made, so that every page's data is
/// read again after one: a form's answer may land on the address already
/// shown, which the router does not load again.
#[derive(Debug, Clone, Copy)]
pub struct Changes(RwSignal<u32>);

impl Changes {
    pub fn provide() {
        provide_context(Changes(RwSignal::new(0)));
    }

    /// Tells every page's resources that something changed.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }

    /// The count, for a resource's source.
    pub fn count() -> Signal<u32> {
        match use_context::<Changes>() {
            Some(Changes(count)) => count.into(),
            None => Signal::stored(0),
        }
    }
}

/// The source of a page's resource: the address's query and the count of
/// changes, so that the page reads its data again when either moves.
pub fn page_source() -> impl Fn() -> (ParamsMap, u32) + Clone + Send + Sync + 'static {
    let query = use_query_map();
    let changes = Changes::count();
    move || (query.get(), changes.get())
}

/// A server function's action whose success changes data shown elsewhere:
/// every page's resource reads again once it succeeds.
pub fn changing_action<S>() -> ServerAction<S>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    let changes = use_context::<Changes>();
    Effect::new(move |_| {
        let succeeded = action.value().with(|value| matches!(value, Some(Ok(_))));
        if succeeded {
            if let Some(changes) = changes {
                changes.bump();
            }
        }
    });
    action
}

/// A table's own scroll box, so a wide table scrolls sideways on a phone
/// instead of the page. Focusable, so someone on a keyboard can scroll it
/// too.
#[component]
pub fn TableScroll(children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
            {children()}
        </div>
    }
}

/// The frame of a page for signed-in people: while `resource` loads, a
/// loading line; someone not signed in goes to sign in; any other error
/// is shown in place, with its status on the server-rendered response.
pub fn signed_in_page<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let t = lang.texts();
    view! {
        // A transition: when the data is read again (after a change, or a
        // new address), the page stays as it is until the new one is ready.
        <Transition fallback=move || view! { <p>{t.loading}</p> }>
            // Read with `get`, not awaited in a `Suspend`: when the route
            // changes while the data is on its way, this view is disposed,
            // and a pending future would then touch the disposed resource.
            {move || {
                resource
                    .get()
                    .map(|result| match result {
                        Ok(value) => render(value).into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <leptos_router::components::Redirect path="/sign-in" /> }
                                .into_any()
                        }
                        Err(AppError::TwoStepSetupRequired) => {
                            view! { <leptos_router::components::Redirect path="/two-step" /> }
                                .into_any()
                        }
                        Err(error) => {
                            set_status(error.status());
                            view! {
                                <Layout>
                                    <p class="form-error" role="alert">
                                        {error.summary(lang)}
                                    </p>
                                </Layout>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// Sets the status of the server-rendered response; nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
