//! Pieces every page uses: the frame with its header, and form fields that
//! show their own error.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::auth::SignOut;
use crate::domain::wire::UserSummary;
use crate::domain::{Capability, Lang, PasswordRule, Problem, Role};
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::i18n::Texts;

/// The label and page of each area of the Center (see `Capability::AREAS`).
pub fn area(capability: Capability, t: &'static Texts) -> Option<(&'static str, &'static str)> {
    Some(match capability {
        Capability::ManageCustomers => (t.area_customers, "/customers"),
        Capability::ViewAgreements => (t.area_agreements, "/agreements"),
        Capability::ViewOrders => (t.area_orders, "/orders"),
        Capability::ViewLicenses => (t.area_licenses, "/licenses"),
        Capability::ViewKeys => (t.area_keys, "/keys"),
        Capability::DownloadSoftware => (t.area_downloads, "/downloads"),
        Capability::ViewReports => (t.area_reports, "/reports"),
        Capability::ManageProvisioning => (t.area_provisioning, "/provisioning"),
        Capability::InviteUsers => (t.area_users, "/manage-access"),
        Capability::ManageDomains => (t.area_domains, "/domains"),
        Capability::ManageUsers
        | Capability::ModifyAgreements
        | Capability::ViewAuditLog
        | Capability::ManagePartnerVisibility
        | Capability::ManageSecurity => return None,
    })
}

/// Whether an area belongs under the guide's Account menu rather than
/// among the areas.
fn in_account_menu(capability: Capability) -> bool {
    matches!(
        capability,
        Capability::InviteUsers | Capability::ManageDomains | Capability::ManageCustomers
    )
}

/// The frame of every page: the name of the Center, the language switch,
/// and for a signed-in user their name opening My profile and Sign out.
#[component]
pub fn Layout(#[prop(optional)] user: Option<UserSummary>, children: Children) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let home = if user.is_some() {
        "/dashboard"
    } else {
        "/sign-in"
    };
    view! {
        <header class="top">
            <a class="brand" href=home>
                {t.app_name}
            </a>
            <nav class="top-right">
                <LanguageSwitch />
                {user.clone().map(|user| view! { <UserMenu user /> })}
            </nav>
        </header>
        {user.map(|user| view! { <AreaNav roles=user.roles /> })}
        <main class="page">{children()}</main>
    }
}

/// The areas the user's roles open, then the Account menu, on every
/// signed-in page; the page being shown is marked as current.
#[component]
fn AreaNav(roles: Vec<Role>) -> impl IntoView {
    let t = use_lang().texts();
    let location = use_location();
    let link = move |(label, href): (&'static str, &'static str)| {
        let current = move || {
            let path = location.pathname.get();
            (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
        };
        view! {
            <li>
                <a href=href aria-current=current>
                    {label}
                </a>
            </li>
        }
    };
    let open = |account: bool| {
        Capability::AREAS
            .into_iter()
            .filter(|capability| {
                in_account_menu(*capability) == account && Role::any_allows(&roles, *capability)
            })
            .filter_map(|capability| area(capability, t))
            .collect::<Vec<_>>()
    };
    let areas = open(false);
    let account = open(true);
    view! {
        <nav class="areas" aria-label=t.main_navigation>
            <ul>
                {link((t.dashboard, "/dashboard"))}
                {areas.into_iter().map(link).collect_view()}
            </ul>
            {(!account.is_empty())
                .then(|| {
                    view! {
                        <ul class="account-menu" aria-label=t.account_menu>
                            <li class="menu-name" aria-hidden="true">{t.account_menu}</li>
                            {account.into_iter().map(link).collect_view()}
                        </ul>
                    }
                })}
        </nav>
    }
}

/// A plain form (no script needed) that posts the chosen language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    // Back to this page in the other language.
    let pathname = use_location().pathname;
    let next = move || pathname.get();
    view! {
        <form class="language-switch" method="post" action="/language">
            <input type="hidden" name="next" value=next />
            <span class="visually-hidden">{lang.texts().language}</span>
            {Lang::ALL
                .into_iter()
                .filter(move |other| *other != lang)
                .map(|other| {
                    view! {
                        <button type="submit" name="lang" value=other.code() lang=other.code()>
                            {other.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}

#[component]
fn UserMenu(user: UserSummary) -> impl IntoView {
    let t = use_lang().texts();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <details class="user-menu">
            <summary>{user.full_name()}</summary>
            <ul>
                <li>
                    <a href="/profile">{t.my_profile}</a>
                </li>
                <li>
                    <ActionForm action=sign_out>
                        <button type="submit" class="link-button">
                            {t.sign_out}
                        </button>
                    </ActionForm>
                </li>
            </ul>
        </details>
    }
}

/// The problem a server function reported for `field`, if any.
pub fn server_problem<T, S>(value: S, field: &'static str) -> Signal<Option<Problem>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        value
            .get()
            .and_then(|result| result.err())
            .and_then(|error| error.problem_with(field))
    })
}

/// What the server said of the last post of a form that is not a
/// `ServerAction`'s (a file upload), from the address it came back to:
/// the same error a `ServerAction` would hold.
pub fn posted_error<S>() -> Signal<Option<Result<(), AppError>>>
where
    S: leptos::server_fn::ServerFn<Error = AppError>,
{
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    let error = use_context::<ServerActionError>()
        .filter(|error| error.path() == S::PATH)
        .map(|error| Err(ServerFnUrlError::<AppError>::decode_err(error.err())));
    Signal::stored(error)
}

/// The message for the whole form when a call failed for another reason.
#[component]
pub fn FormError<T, S>(value: S) -> impl IntoView
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let lang = use_lang();
    move || {
        value.get().and_then(|result| result.err()).map(|error| {
            view! {
                <p class="form-error" role="alert">
                    {error.summary(lang)}
                </p>
            }
        })
    }
}

/// A labelled input whose problem, if it has one, is shown right under it
/// and tied to it for screen readers.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] problem: Option<Signal<Option<Problem>>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// Told what is typed, keystroke by keystroke.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let problem = problem.unwrap_or_else(|| Signal::derive(|| None));
    let invalid = move || problem.get().is_some().then_some("true");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                on:input=move |event| {
                    if let Some(on_input) = on_input {
                        on_input.run(event_target_value(&event));
                    }
                }
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || problem.get().map(|problem| problem.text(lang))}
            </p>
        </div>
    }
}

/// A new password and its confirmation, after the rules it must meet,
/// checked as they are typed with the rules the server applies
/// (`PasswordRule`); what the server said of the last send shows until
/// the person types something that settles it. The confirmation's field
/// is `confirm_password`.
#[component]
pub fn NewPassword(
    /// The new password's field.
    name: &'static str,
    label: &'static str,
    /// What the server found when the form was last sent.
    problem: Signal<Option<Problem>>,
    confirmation_problem: Signal<Option<Problem>>,
    /// The rules as a list, each marked as it is met (the create-account
    /// page), rather than one line.
    #[prop(optional)]
    listed: bool,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    // What typing can tell, and so replaces the server's word on it.
    let typed = |problem: Option<Problem>| {
        matches!(
            problem,
            Some(Problem::PasswordTooShort | Problem::PasswordTooLong | Problem::PasswordMismatch)
        )
    };
    let password_problem = Signal::derive(move || {
        let new = password.get();
        if new.is_empty() {
            return problem.get();
        }
        let (live, _) = PasswordRule::check(&new, "");
        live.or_else(|| problem.get().filter(|server| !typed(Some(*server))))
    });
    let confirmation_problem = Signal::derive(move || {
        let again = confirmation.get();
        if again.is_empty() {
            return confirmation_problem.get();
        }
        let (_, live) = PasswordRule::check(&password.get(), &again);
        live.or_else(|| {
            confirmation_problem
                .get()
                .filter(|server| !typed(Some(*server)))
        })
    });
    let length_met = move || PasswordRule::Length.is_met_by(&password.get()) == Some(true);
    let rules = if listed {
        view! {
            <div class="password-rules">
                <p>{t.password_rules_title}</p>
                <ul>
                    <li data-rule="length" class=move || length_met().then_some("met")>
                        <span aria-hidden="true">{move || if length_met() { "✓ " } else { "• " }}</span>
                        {t.rule_length}
                    </li>
                    // Only the server can tell: never shown as met.
                    <li>
                        <span aria-hidden="true">"• "</span>
                        {t.rule_common}
                    </li>
                </ul>
            </div>
        }
        .into_any()
    } else {
        view! { <p class="note">{t.password_rules_title} " " {t.rule_length} "; " {t.rule_common}</p> }
            .into_any()
    };
    view! {
        {rules}
        <Field
            label
            name
            kind="password"
            autocomplete="new-password"
            required=true
            problem=password_problem
            on_input=Callback::new(move |typed| password.set(typed))
        />
        <Field
            label=t.confirm_password
            name="confirm_password"
            kind="password"
            autocomplete="new-password"
            required=true
            problem=confirmation_problem
            on_input=Callback::new(move |typed| confirmation.set(typed))
        />
    }
}

/// A button that opens a form of `page` (`page?<name>=<id>`): a GET form,
/// so it opens without script, and with script the router follows it
/// without loading a document.
#[component]
pub fn OpenForm(
    page: &'static str,
    name: &'static str,
    id: i64,
    label: &'static str,
    class: &'static str,
) -> impl IntoView {
    view! {
        <leptos_router::components::Form method="get" action=page>
            <button type="submit" class=class name=name value=id>
                {label}
            </button>
        </leptos_router::components::Form>
    }
}

/// Counts the changes the app's forms made, so that every page's data is
/// read again after one: a form's answer may land on the address already
/// shown, which the router does not load again.
#[derive(Debug, Clone, Copy)]
pub struct Changes(RwSignal<u32>);

impl Changes {
    pub fn provide() {
        provide_context(Changes(RwSignal::new(0)));
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
            if let Some(Changes(count)) = changes {
                count.update(|n| *n += 1);
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
