//! The invite form: one person, one or more roles the inviter may grant.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::api::access::InviteUser;
use crate::components::{server_problem, Field, FormError};
use crate::domain::{Lang, Role, COUNTRIES};
use crate::use_lang;

/// What the form shows when it opens: empty, or what was typed before
/// "Add another role" reloaded the page without script (the form's fields
/// come back in the address, with `add_role`).
#[derive(Debug, Clone, Default)]
pub(super) struct InvitePrefill {
    email: String,
    first_name: String,
    last_name: String,
    language: Option<String>,
    country: Option<String>,
    /// One dropdown per entry; "" is the "Select" placeholder.
    roles: Vec<String>,
}

impl InvitePrefill {
    pub(super) fn from_query(query: &ParamsMap) -> Self {
        let text = |name: &str| query.get(name).unwrap_or_default();
        let mut roles: Vec<String> = (0..Role::ALL.len())
            .map_while(|index| query.get(&format!("roles[{index}]")))
            .collect();
        if roles.is_empty() || query.get("add_role").is_some() {
            roles.push(String::new());
        }
        Self {
            email: text("email"),
            first_name: text("first_name"),
            last_name: text("last_name"),
            language: query.get("language"),
            country: query.get("country"),
            roles,
        }
    }
}

#[component]
pub(super) fn InviteForm(grantable: Vec<Role>, prefill: InvitePrefill) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = ServerAction::<InviteUser>::new();
    let value = action.value();
    let roles_problem = server_problem(value, "roles");
    let country_problem = server_problem(value, "country");
    let language = prefill.language.unwrap_or_else(|| lang.code().to_owned());
    let country = prefill.country.unwrap_or_else(|| "US".to_owned());
    // No more dropdowns than roles to choose.
    let every_role_shown = prefill.roles.len() >= grantable.len();
    view! {
        <section class="card narrow" aria-labelledby="invite-title">
            <h2 id="invite-title">{t.invite_user}</h2>
            <ActionForm action>
                // Enter in a field invites: the first submit button is the
                // one implicit submission presses, and "Add another role"
                // comes before INVITE on the page.
                <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">
                    {t.invite}
                </button>
                <FormError value />
                <input type="hidden" name="invite" value="1" />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="off"
                    required=true
                    value=prefill.email
                    problem=server_problem(value, "email")
                />
                <div class="name-row">
                    <Field
                        label=t.first_name
                        name="first_name"
                        required=true
                        value=prefill.first_name
                        problem=server_problem(value, "first_name")
                    />
                    <Field
                        label=t.last_name
                        name="last_name"
                        required=true
                        value=prefill.last_name
                        problem=server_problem(value, "last_name")
                    />
                </div>
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
                <fieldset class="field roles-field">
                    <legend>{t.role}</legend>
                    {prefill
                        .roles
                        .into_iter()
                        .enumerate()
                        .map(|(index, chosen)| {
                            view! {
                                <select
                                    aria-label=format!("{} {}", t.role, index + 1)
                                    name=format!("roles[{index}]")
                                >
                                    <option value="">{t.select}</option>
                                    {grantable
                                        .iter()
                                        .map(|role| {
                                            view! {
                                                <option value=role.key() selected=role.key() == chosen>
                                                    {role.name(lang)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            }
                        })
                        .collect_view()}
                    // With script, InPlaceForm adds the dropdown in place
                    // (data-more); without, the page comes back with what
                    // was typed and one dropdown more.
                    <button
                        type="submit"
                        class="link-button"
                        formmethod="get"
                        formaction="/manage-access"
                        formnovalidate=true
                        name="add_role"
                        value="1"
                        data-more="roles"
                        data-more-label=t.role
                        disabled=every_role_shown
                    >
                        "+ "
                        {t.add_role}
                    </button>
                    <p class="field-error" aria-live="polite">
                        {move || roles_problem.get().map(|problem| problem.text(lang))}
                    </p>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary">
                        {t.invite}
                    </button>
                    <button type="submit" class="secondary" name="another" value="1">
                        {t.invite_another}
                    </button>
                    <a class="link-button" href="/manage-access">
                        {t.cancel}
                    </a>
                </div>
            </ActionForm>
        </section>
    }
}
