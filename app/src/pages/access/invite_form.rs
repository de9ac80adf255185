//! The invite form: one person, one or more roles the inviter may grant.

use leptos::prelude::*;

use crate::api::access::InviteUser;
use crate::components::{server_problem, Field, FormError};
use crate::domain::wire::Invited;
use crate::domain::{Lang, Role, COUNTRIES};
use crate::use_lang;

#[component]
pub(super) fn InviteForm(
    grantable: Vec<Role>,
    on_sent: Callback<(Invited, bool)>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let email = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let language = RwSignal::new(lang.code().to_owned());
    let country = RwSignal::new("US".to_owned());
    // One dropdown per role; "" is the "Select" placeholder.
    let roles = RwSignal::new(vec![String::new()]);
    let another = RwSignal::new(false);

    let action = ServerAction::<InviteUser>::new();
    let value = action.value();
    Effect::new(move || {
        if let Some(Ok(invited)) = value.get() {
            let again = another.get_untracked();
            if again {
                email.set(String::new());
                first_name.set(String::new());
                last_name.set(String::new());
                roles.set(vec![String::new()]);
            }
            on_sent.run((invited, again));
        }
    });
    let send = move |again: bool| {
        another.set(again);
        action.dispatch(InviteUser {
            email: email.get_untracked(),
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            language: language.get_untracked(),
            country: country.get_untracked(),
            roles: roles.get_untracked(),
        });
    };
    let roles_problem = server_problem(value, "roles");
    let country_problem = server_problem(value, "country");
    let grantable = StoredValue::new(grantable);

    view! {
        <section class="card narrow">
            <h2>{t.invite_user}</h2>
            <form on:submit=move |ev| {
                ev.prevent_default();
                send(false);
            }>
                <FormError value=value />
                <Field
                    label=t.email_address
                    name="email"
                    kind="email"
                    autocomplete="off"
                    required=true
                    bind=email
                    problem=server_problem(value, "email")
                />
                <div class="name-row">
                    <Field
                        label=t.first_name
                        name="first_name"
                        required=true
                        bind=first_name
                        problem=server_problem(value, "first_name")
                    />
                    <Field
                        label=t.last_name
                        name="last_name"
                        required=true
                        bind=last_name
                        problem=server_problem(value, "last_name")
                    />
                </div>
                <div class="field">
                    <label for="field-language">{t.preferred_language}</label>
                    <select
                        id="field-language"
                        name="language"
                        prop:value=move || language.get()
                        on:change=move |ev| language.set(event_target_value(&ev))
                    >
                        {Lang::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <option value=option.code() selected=option == lang>
                                        {option.native_name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="field-country">{t.country_region}</label>
                    <select
                        id="field-country"
                        name="country"
                        prop:value=move || country.get()
                        on:change=move |ev| country.set(event_target_value(&ev))
                    >
                        {COUNTRIES
                            .iter()
                            .map(|option| {
                                view! {
                                    <option value=option.code selected=option.code == "US">
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
                    {move || {
                        roles
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(index, chosen)| {
                                let label = format!("{} {}", t.role, index + 1);
                                view! {
                                    <select
                                        aria-label=label
                                        name=format!("roles[{index}]")
                                        prop:value=chosen.clone()
                                        on:change=move |ev| {
                                            let picked = event_target_value(&ev);
                                            roles.update(|list| list[index] = picked);
                                        }
                                    >
                                        <option value="">{t.select}</option>
                                        {grantable
                                            .get_value()
                                            .into_iter()
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
                            .collect_view()
                    }}
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| roles.update(|list| list.push(String::new()))
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
                        type="button"
                        class="secondary"
                        disabled=move || action.pending().get()
                        on:click=move |_| send(true)
                    >
                        {t.invite_another}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| on_cancel.run(())>
                        {t.cancel}
                    </button>
                </div>
            </form>
        </section>
    }
}
