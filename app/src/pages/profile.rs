use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::account::{
    get_profile, list_api_tokens, list_sessions, ChangePassword, CreateApiToken, EndSessions,
    RevokeApiToken,
};
use crate::components::{
    page_source, server_problem, signed_in_page, Field, FormError, Layout, NewPassword, TableScroll,
};
use crate::domain::wire::{ApiTokenRow, Profile, SessionRow};
use crate::domain::Country;
use crate::domain::Role;
use crate::i18n::fill;
use crate::i18n::use_lang;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let resource = Resource::new(page_source(), |_| get_profile());
    signed_in_page(resource, |profile| view! { <ProfileView profile /> })
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let user = profile.user.clone();
    let country = Country::parse(&profile.country)
        .map(|country| country.name(lang).to_owned())
        .unwrap_or(profile.country.clone());
    view! {
        <Layout user=user.clone()>
            <h1>{t.my_profile}</h1>
            <section class="card">
                <dl class="profile">
                    <dt>{t.name}</dt>
                    <dd>{user.full_name()}</dd>
                    <dt>{t.email_address}</dt>
                    <dd>{user.email.clone()}</dd>
                    <dt>{t.preferred_language}</dt>
                    <dd>{user.lang.native_name()}</dd>
                    <dt>{t.country_region}</dt>
                    <dd>{country}</dd>
                    <dt>{t.roles}</dt>
                    <dd>
                        <ul class="roles">
                            {user
                                .roles
                                .iter()
                                .map(|role| view! { <li>{role.name(lang)}</li> })
                                .collect_view()}
                        </ul>
                        <p class="note">{t.roles_note}</p>
                    </dd>
                </dl>
            </section>
            <ChangePasswordForm />
            <section class="card">
                <h2>{t.two_step}</h2>
                <p>{t.two_step_intro}</p>
                <p>
                    <a href="/two-step">{t.two_step_manage}</a>
                </p>
            </section>
            <Sessions />
            <ApiTokens held=user.roles.clone() />
        </Layout>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let changed = use_query_map().with_untracked(|query| query.get("password-changed").is_some());
    view! {
        <section class="card">
            <h2>{t.change_password}</h2>
                {changed
                    .then(|| {
                        view! {
                            <p class="notice" role="status">
                                {t.password_changed}
                            </p>
                        }
                    })}
                <ActionForm action=action>
                    <FormError value=value />
                    <Field
                        label=t.current_password
                        name="current_password"
                        kind="password"
                        autocomplete="current-password"
                        required=true
                        problem=server_problem(value, "current_password")
                    />
                    <NewPassword
                        name="new_password"
                        label=t.new_password
                        problem=server_problem(value, "new_password")
                        confirmation_problem=server_problem(value, "confirm_password")
                    />
                    <button type="submit" class="primary">
                        {t.change_password}
                    </button>
                </ActionForm>
        </section>
    }
}

/// The person's live sessions, to sign out one they do not recognise, or
/// every one but this.
#[component]
fn Sessions() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let end = ServerAction::<EndSessions>::new();
    let source = page_source();
    let sessions = Resource::new(move || (source(), end.version().get()), |_| list_sessions());
    view! {
        <section class="card sessions" id="sessions">
            <h2>{t.sessions_title}</h2>
            <p>{t.sessions_intro}</p>
            <FormError value=end.value() />
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Ok(rows) => view! { <SessionTable rows end /> }.into_any(),
                            Err(error) => {
                                view! { <p class="form-error" role="alert">{error.summary(lang)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn SessionTable(rows: Vec<SessionRow>, end: ServerAction<EndSessions>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let others = rows.iter().filter(|row| !row.current).count();
    let lines = rows
        .into_iter()
        .map(|row| {
            let browser = if row.browser.is_empty() {
                t.session_unknown_browser.to_owned()
            } else {
                row.browser
            };
            let action = if row.current {
                view! { <strong>{t.session_this_one}</strong> }.into_any()
            } else {
                view! {
                    <ActionForm action=end>
                        <input type="hidden" name="handle" value=row.handle />
                        <button type="submit" class="link-button">
                            {t.sign_out_session}
                        </button>
                    </ActionForm>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td>{browser}</td>
                    <td>{row.client_address}</td>
                    <td>{lang.format_date_time(row.signed_in_at)}</td>
                    <td>{lang.format_date_time(row.last_seen_at)}</td>
                    <td class="row-actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll>
            <table class="sessions-table">
                <thead>
                    <tr>
                        <th scope="col">{t.session_browser}</th>
                        <th scope="col">{t.session_address}</th>
                        <th scope="col">{t.session_signed_in}</th>
                        <th scope="col">{t.session_last_seen}</th>
                        <th scope="col">{t.actions}</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </TableScroll>
        {(others > 1)
            .then(|| {
                view! {
                    <ActionForm action=end>
                        <button type="submit">{t.sign_out_other_sessions}</button>
                    </ActionForm>
                }
            })}
    }
}

/// What the token form offers for how long a token lives, in days.
const TOKEN_DAYS: [i64; 4] = [30, 90, 180, 365];

/// The person's API tokens (the organization's, for whoever manages its
/// security), a form that makes one with some of their roles, and the
/// secret of the one just made, shown this once.
#[component]
fn ApiTokens(held: Vec<Role>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let source = page_source();
    let tokens = Resource::new(
        move || (source(), create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let left_by_plain_form = new_token_secret();
    let value = create.value();
    let secret = move || {
        left_by_plain_form
            .clone()
            .or_else(|| value.get().and_then(Result::ok))
    };
    view! {
        <section class="card api-tokens" id="api-tokens">
            <h2>{t.api_tokens}</h2>
            <p>{t.api_tokens_intro}</p>
            {move || {
                secret()
                    .map(|secret| {
                        view! {
                            <div class="notice" role="status">
                                <p>{t.token_created}</p>
                                <p>
                                    <code class="token-secret">{secret}</code>
                                </p>
                            </div>
                        }
                    })
            }}
            <FormError value=revoke.value() />
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || {
                    tokens
                        .get()
                        .map(|result| match result {
                            Ok(rows) if rows.is_empty() => view! { <p>{t.no_tokens}</p> }.into_any(),
                            Ok(rows) => view! { <TokenTable rows revoke /> }.into_any(),
                            Err(error) => {
                                view! { <p class="form-error" role="alert">{error.summary(lang)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <ActionForm action=create>
                <FormError value />
                <Field
                    label=t.token_name
                    name="name"
                    required=true
                    problem=server_problem(value, "name")
                />
                <div class="field">
                    <label for="field-expires_days">{t.token_lifetime}</label>
                    <select id="field-expires_days" name="expires_days">
                        {TOKEN_DAYS
                            .into_iter()
                            .map(|days| {
                                view! {
                                    <option value=days selected=days == 90>
                                        {fill(t.token_days, &[("count", &days.to_string())])}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <fieldset class="field">
                    <legend>{t.token_roles}</legend>
                    // Unindexed (`roles[]`): only the checked boxes are sent.
                    {held
                        .into_iter()
                        .map(|role| {
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="roles[]" value=role.key() />
                                    {role.name(lang)}
                                </label>
                            }
                        })
                        .collect_view()}
                    <p class="field-error" aria-live="polite">
                        {move || server_problem(value, "roles").get().map(|problem| problem.text(lang))}
                    </p>
                </fieldset>
                <button type="submit" class="primary">
                    {t.create_token}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TokenTable(rows: Vec<ApiTokenRow>, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let lines = rows
        .into_iter()
        .map(|row| {
            let roles = row
                .roles
                .iter()
                .map(|role| role.name(lang))
                .collect::<Vec<_>>()
                .join(", ");
            let last_used = row.last_used_at.map_or_else(
                || t.token_never_used.to_owned(),
                |at| lang.format_date_time(at),
            );
            let marker = row.name.clone();
            view! {
                <tr data-token=marker>
                    <td>
                        {row.name} " " <code>{format!("{}…", row.prefix)}</code>
                    </td>
                    <td>{row.owner}</td>
                    <td>{roles}</td>
                    <td>{lang.format_date(row.created_at)}</td>
                    <td>{last_used}</td>
                    <td>{lang.format_date(row.expires_at)}</td>
                    <td class="row-actions">
                        <ActionForm action=revoke>
                            <input type="hidden" name="token_id" value=row.id />
                            <button type="submit" class="link-button">
                                {t.revoke}
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <TableScroll>
            <table class="tokens-table">
                <thead>
                    <tr>
                        <th scope="col">{t.token_name}</th>
                        <th scope="col">{t.token_owner}</th>
                        <th scope="col">{t.roles}</th>
                        <th scope="col">{t.token_created_on}</th>
                        <th scope="col">{t.token_last_used}</th>
                        <th scope="col">{t.token_expires}</th>
                        <th scope="col">{t.actions}</th>
                    </tr>
                </thead>
                <tbody>{lines}</tbody>
            </table>
        </TableScroll>
    }
}

/// The secret a form posted without script left for this page.
fn new_token_secret() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::api::account::take_new_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
