//! The invite form: one person, one or more roles the inviter may grant.
//!
//! The ROLE dropdowns live in a signal: each offers the roles the
//! signed-in user may grant (`Role::grantable_by`, computed by the server
//! and shipped as `grantable`) minus those chosen in the other dropdowns,
//! and adding or removing one asks nothing of the server. Without script
//! the same buttons post the form (`invite_draft`), which comes back with
//! what was typed and one dropdown more or less. No address opens the
//! form with anything chosen: a link must not be one click from granting
//! a role.

use leptos::prelude::*;

use crate::api::access::InviteUser;
use crate::components::{changing_action, server_problem, Field, FormError, LanguageAndCountry};
use crate::domain::Role;
use crate::i18n::use_lang;

/// What the form shows when it opens: empty, or what was typed before
/// "Add another role" (or a dropdown's Remove) posted it without script.
#[derive(Debug, Clone, Default)]
pub(super) struct InvitePrefill {
    email: String,
    first_name: String,
    last_name: String,
    language: Option<String>,
    country: Option<String>,
    /// One dropdown per entry; `None` is the "Select" placeholder.
    roles: Vec<Option<Role>>,
}

impl InvitePrefill {
    /// The form as `invite_draft` left it (an `application/x-www-form-
    /// urlencoded` draft, its roles as `roles[]`), or empty.
    pub(super) fn from_draft(draft: Option<&str>) -> Self {
        let mut prefill = Self::default();
        for (name, value) in url::form_urlencoded::parse(draft.unwrap_or_default().as_bytes()) {
            let value = value.into_owned();
            match name.as_ref() {
                "email" => prefill.email = value,
                "first_name" => prefill.first_name = value,
                "last_name" => prefill.last_name = value,
                "language" => prefill.language = Some(value),
                "country" => prefill.country = Some(value),
                "roles[]" if prefill.roles.len() < Role::ALL.len() => {
                    prefill.roles.push(Role::from_key(&value));
                }
                _ => {}
            }
        }
        if prefill.roles.is_empty() {
            prefill.roles.push(None);
        }
        prefill
    }
}

/// One ROLE dropdown: a key that stays with it while others come and go
/// (so the list is keyed), and its choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice {
    key: usize,
    role: Option<Role>,
}

#[component]
pub(super) fn InviteForm(grantable: Vec<Role>, prefill: InvitePrefill) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let action = changing_action::<InviteUser>();
    let value = action.value();
    let roles_problem = server_problem(value, "roles");
    let country_problem = server_problem(value, "country");
    let language = prefill.language.unwrap_or_else(|| lang.code().to_owned());
    let country = prefill.country.unwrap_or_else(|| "US".to_owned());
    let grantable = StoredValue::new(grantable);
    let choices = RwSignal::new(
        prefill
            .roles
            .into_iter()
            .enumerate()
            .map(|(key, role)| Choice { key, role })
            .collect::<Vec<_>>(),
    );
    let next_key = StoredValue::new(choices.with_untracked(Vec::len));
    // No more dropdowns than roles to choose.
    let every_role_shown = move || choices.with(Vec::len) >= grantable.with_value(Vec::len);
    let add = move |event: leptos::ev::MouseEvent| {
        // With script the dropdown is added here, and the post the button
        // stands for (without script) is not sent.
        event.prevent_default();
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        choices.update(|list| list.push(Choice { key, role: None }));
    };

    // Once sent, the form is empty again (the page around it is only
    // updated, so the fields would keep what was typed), the focus in its
    // first field: after INVITE ANOTHER USER the next person is typed
    // without reaching for the mouse.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if !matches!(value.get(), Some(Ok(_))) {
            return;
        }
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
        choices.set(vec![Choice {
            key: next_key.get_value(),
            role: None,
        }]);
        next_key.update_value(|key| *key += 1);
        if let Some(email) = document().get_element_by_id("field-email") {
            use leptos::wasm_bindgen::JsCast;
            if let Some(email) = email.dyn_ref::<leptos::web_sys::HtmlElement>() {
                let _ = email.focus();
            }
        }
    });

    view! {
        <section class="card narrow" aria-labelledby="invite-title">
            <h2 id="invite-title">{t.invite_user}</h2>
            <ActionForm action node_ref=form>
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
                <LanguageAndCountry language country country_problem />
                <fieldset class="field roles-field">
                    <legend>{t.role}</legend>
                    <For
                        each=move || choices.get().into_iter().enumerate()
                        key=|(index, choice)| (*index, choice.key)
                        let((index, choice))
                    >
                        <RoleDropdown index choice choices grantable />
                    </For>
                    <button
                        type="submit"
                        class="link-button"
                        formmethod="post"
                        formaction="/api/invite_draft"
                        formnovalidate=true
                        name="dropdown"
                        value="add"
                        disabled=every_role_shown
                        on:click=add
                    >
                        "+ "
                        {t.add_role}
                    </button>
                    <p class="field-error" aria-live="polite">
                        {move || roles_problem.get().map(|problem| problem.text(lang))}
                    </p>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        {t.invite}
                    </button>
                    <button
                        type="submit"
                        class="secondary"
                        name="another"
                        value="1"
                        disabled=move || action.pending().get()
                    >
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

/// The `index`th ROLE dropdown: the grantable roles not chosen in another
/// dropdown, and after the first a button that removes it.
#[component]
fn RoleDropdown(
    index: usize,
    choice: Choice,
    choices: RwSignal<Vec<Choice>>,
    grantable: StoredValue<Vec<Role>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let key = choice.key;
    let offered = move || {
        let taken: Vec<Role> = choices.with(|list| {
            list.iter()
                .filter(|other| other.key != key)
                .filter_map(|other| other.role)
                .collect()
        });
        grantable.with_value(|roles| {
            roles
                .iter()
                .copied()
                .filter(|role| !taken.contains(role))
                .collect::<Vec<_>>()
        })
    };
    let chosen = move || {
        choices.with(|list| {
            list.iter()
                .find(|other| other.key == key)
                .and_then(|other| other.role)
        })
    };
    let pick = move |event: leptos::ev::Event| {
        let role = Role::from_key(&event_target_value(&event));
        choices.update(|list| {
            if let Some(entry) = list.iter_mut().find(|other| other.key == key) {
                entry.role = role;
            }
        });
    };
    let remove = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        choices.update(|list| list.retain(|other| other.key != key));
    };
    let label = format!("{} {}", t.role, index + 1);
    view! {
        <div class="role-choice">
            <select aria-label=label.clone() name=format!("roles[{index}]") required on:change=pick>
                <option value="" selected=move || chosen().is_none()>
                    {t.select}
                </option>
                {move || {
                    offered()
                        .into_iter()
                        .map(|role| {
                            view! {
                                <option value=role.key() selected=move || chosen() == Some(role)>
                                    {role.name(lang)}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {(index > 0)
                .then(|| {
                    view! {
                        <button
                            type="submit"
                            class="link-button"
                            formmethod="post"
                            formaction="/api/invite_draft"
                            formnovalidate=true
                            name="dropdown"
                            value=index
                            aria-label=format!("{} {label}", t.remove)
                            on:click=remove
                        >
                            {t.remove}
                        </button>
                    }
                })}
        </div>
    }
}
