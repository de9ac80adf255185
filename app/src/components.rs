//! Pieces every page uses: the frame with its header, and form fields that
//! show their own error.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::SignOut;
use crate::domain::wire::UserSummary;
use crate::domain::{Capability, Lang, Problem, Role};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::use_lang;

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
    // Back to this page in the other language: rendered into the HTML, as
    // the form works without script.
    let next = use_location().pathname.get_untracked();
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
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || problem.get().map(|problem| problem.text(lang))}
            </p>
        </div>
    }
}

/// A button that opens a form of `page` (`page?<name>=<id>`): a GET form,
/// so it opens without script, dressed as the button it stands for.
#[component]
pub fn OpenForm(
    page: &'static str,
    name: &'static str,
    id: i64,
    label: &'static str,
    class: &'static str,
) -> impl IntoView {
    view! {
        <form method="get" action=page>
            <input type="hidden" name=name value=id />
            <button type="submit" class=class>
                {label}
            </button>
        </form>
    }
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
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
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
                            crate::pages::set_status(error.status());
                            view! {
                                <Layout>
                                    <p class="form-error" role="alert">
                                        {error.summary(lang)}
                                    </p>
                                </Layout>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
