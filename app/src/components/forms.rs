//! Form pieces: fields that show their own error, the whole form's error,
//! a new password checked as it is typed, and a form opened by the address.

use leptos::prelude::*;

use crate::domain::{Lang, PasswordRule, Problem, COUNTRIES};
use crate::error::AppError;
use crate::i18n::use_lang;

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
    /// The input's id, where a page has two fields of one name; else
    /// `field-<name>`.
    #[prop(optional)]
    id: Option<&'static str>,
    /// Told what is typed, keystroke by keystroke.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = id.map_or_else(|| format!("field-{name}"), str::to_owned);
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

/// A person's PREFERRED LANGUAGE and COUNTRY/REGION, each chosen from its
/// list (`language` and `country` are the codes chosen at first), with the
/// server's problem with the country below it.
#[component]
pub fn LanguageAndCountry(
    language: String,
    country: String,
    country_problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    view! {
        <div class="field">
            <label for="field-language">{t.preferred_language}</label>
            <select id="field-language" name="language">
                {Lang::ALL
                    .into_iter()
                    .map(|option| {
                        view! {
                            <option value=option.code() selected=option.code() == language>
                                {option.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="field-country">{t.country_region}</label>
            <select id="field-country" name="country">
                {COUNTRIES
                    .iter()
                    .map(|option| {
                        view! {
                            <option value=option.code selected=option.code == country>
                                {option.name(lang)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" aria-live="polite">
                {move || country_problem.get().map(|problem| problem.text(lang))}
            </p>
        </div>
    }
}
