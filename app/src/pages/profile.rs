use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::account::{get_profile, ChangePassword};
use crate::components::{
    page_source, server_problem, signed_in_page, Field, FormError, Layout, NewPassword,
};
use crate::domain::wire::Profile;
use crate::domain::Country;
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
