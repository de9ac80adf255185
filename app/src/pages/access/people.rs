//! The people list: open invitations and accounts, searched and paged,
//! each line with what the viewer may do to it.

use leptos::prelude::*;

use crate::components::TableScroll;

use crate::api::access::{
    list_people, ChangeRoles, RemoveUser, ResendInvitation, RevokeInvitation,
};
use crate::domain::wire::{PersonKind, PersonRow};
use crate::domain::Role;
use crate::use_lang;

/// How long typing must pause before the list is searched.
const SEARCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

#[component]
pub(super) fn PeopleList(
    grantable: Vec<Role>,
    can_manage: bool,
    /// The viewer, whose own row offers no actions: the server refuses
    /// changes to one's own roles.
    own_email: String,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    // What the box shows at once, and what is searched once typing pauses.
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let after = RwSignal::new(String::new());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let people = Resource::new(
        move || (search.get(), after.get(), refresh.get()),
        |(search, after, _)| list_people(search, after),
    );
    let grantable = StoredValue::new(grantable);
    let own_email = StoredValue::new(own_email);
    view! {
        <section class="card people">
            <form
                class="search"
                role="search"
                on:submit=move |ev| {
                    ev.prevent_default();
                }
            >
                <label for="people-search">{t.search}</label>
                <input
                    id="people-search"
                    type="search"
                    placeholder=t.search_hint
                    prop:value=move || typed.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        typed.set(value.clone());
                        if let Some(waiting) = pending.get_value() {
                            waiting.clear();
                        }
                        let searched = set_timeout_with_handle(
                            move || {
                                after.set(String::new());
                                search.set(value);
                            },
                            SEARCH_PAUSE,
                        );
                        pending.set_value(searched.ok());
                    }
                />
            </form>
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Err(error) => {
                            view! {
                                <p class="form-error" role="alert">
                                    {error.summary(lang)}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(page) => {
                            let next = page.next_after.clone();
                            let empty = page.invitations.is_empty() && page.users.is_empty();
                            view! {
                                {(!page.invitations.is_empty())
                                    .then(|| {
                                        view! {
                                            <h2>{t.pending_invitations}</h2>
                                            <PeopleTable rows=page.invitations.clone() grantable=grantable.get_value() can_manage own_email=own_email.get_value() refresh />
                                        }
                                    })}
                                <h2>{t.users}</h2>
                                <PeopleTable rows=page.users.clone() grantable=grantable.get_value() can_manage own_email=own_email.get_value() refresh />
                                {empty.then(|| view! { <p>{t.nobody_found}</p> })}
                                <p class="pager">
                                    {move || {
                                        (!after.get().is_empty())
                                            .then(|| {
                                                view! {
                                                    <button type="button" class="link-button" on:click=move |_| after.set(String::new())>
                                                        {t.first_page}
                                                    </button>
                                                }
                                            })
                                    }}
                                    {next
                                        .map(|next| {
                                            view! {
                                                <button type="button" class="link-button" on:click=move |_| after.set(next.clone())>
                                                    {t.next_page}
                                                </button>
                                            }
                                        })}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PeopleTable(
    rows: Vec<PersonRow>,
    grantable: Vec<Role>,
    can_manage: bool,
    own_email: String,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let t = use_lang().texts();
    let grantable = StoredValue::new(grantable);
    view! {
        <TableScroll>
            <table class="people-table">
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.email_address}</th>
                        <th scope="col">{t.roles}</th>
                        <th scope="col">{t.status}</th>
                        <th scope="col">{t.expires}</th>
                        <th scope="col">{t.actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let can_manage = can_manage && row.email != own_email;
                            view! { <PersonLine row grantable=grantable.get_value() can_manage refresh /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn PersonLine(
    row: PersonRow,
    grantable: Vec<Role>,
    can_manage: bool,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let change = ServerAction::<ChangeRoles>::new();
    let remove = ServerAction::<RemoveUser>::new();
    // Any success changes the list: load it again.
    Effect::new(move || {
        let succeeded = matches!(resend.value().get(), Some(Ok(_)))
            || matches!(revoke.value().get(), Some(Ok(())))
            || matches!(change.value().get(), Some(Ok(())))
            || matches!(remove.value().get(), Some(Ok(())));
        if succeeded {
            refresh.update(|n| *n += 1);
        }
    });
    let problem = move || {
        let errors = [
            resend.value().get().and_then(Result::err),
            revoke.value().get().and_then(Result::err),
            change.value().get().and_then(Result::err),
            remove.value().get().and_then(Result::err),
        ];
        errors.into_iter().flatten().next().map(|error| {
            error
                .problem_with("roles")
                .or_else(|| error.problem_with("email"))
                .map(|problem| problem.text(lang))
                .unwrap_or_else(|| error.summary(lang))
        })
    };
    let editing = RwSignal::new(false);
    let fixing = RwSignal::new(false);
    let chosen = RwSignal::new(row.roles.clone());
    let new_email = RwSignal::new(row.email.clone());
    let id = row.id;
    let roles_text = row
        .roles
        .iter()
        .map(|role| role.name(lang))
        .collect::<Vec<_>>()
        .join(", ");
    let expires = match row.kind {
        PersonKind::Invitation { expires_at, .. } => lang.format_date(expires_at),
        PersonKind::User => String::new(),
    };
    let can_touch_invitation = Role::may_grant_all(&grantable, &row.roles);
    let can_touch_user = can_manage && Role::may_grant_all(&grantable, &row.roles);
    let grantable = StoredValue::new(grantable);
    let actions = if matches!(row.kind, PersonKind::Invitation { .. }) {
        can_touch_invitation
            .then(|| {
                view! {
                    <button type="button" class="link-button" on:click=move |_| {
                        resend.dispatch(ResendInvitation { invitation_id: id, email: String::new() });
                    }>{t.resend}</button>
                    <button type="button" class="link-button" on:click=move |_| fixing.update(|on| *on = !*on)>
                        {t.fix_address}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| {
                        revoke.dispatch(RevokeInvitation { invitation_id: id });
                    }>{t.revoke}</button>
                    <Show when=move || fixing.get()>
                        <form class="inline-form" on:submit=move |ev| {
                            ev.prevent_default();
                            fixing.set(false);
                            resend.dispatch(ResendInvitation { invitation_id: id, email: new_email.get_untracked() });
                        }>
                            <label class="visually-hidden" for=format!("fix-{id}")>{t.email_address}</label>
                            <input
                                id=format!("fix-{id}")
                                type="email"
                                prop:value=move || new_email.get()
                                on:input=move |ev| new_email.set(event_target_value(&ev))
                            />
                            <button type="submit" class="secondary">{t.resend}</button>
                        </form>
                    </Show>
                }
                    .into_any()
            })
    } else {
        can_touch_user
            .then(|| {
                view! {
                    <button type="button" class="link-button" on:click=move |_| editing.update(|on| *on = !*on)>
                        {t.edit_roles}
                    </button>
                    <button type="button" class="link-button" on:click=move |_| {
                        remove.dispatch(RemoveUser { user_id: id });
                    }>{t.remove}</button>
                    <Show when=move || editing.get()>
                        <form class="inline-form" on:submit=move |ev| {
                            ev.prevent_default();
                            editing.set(false);
                            let roles = chosen.get_untracked().iter().map(|role| role.key().to_owned()).collect();
                            change.dispatch(ChangeRoles { user_id: id, roles });
                        }>
                            {grantable
                                .get_value()
                                .into_iter()
                                .map(|role| {
                                    view! {
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                prop:checked=move || chosen.get().contains(&role)
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    chosen.update(|list| {
                                                        list.retain(|held| *held != role);
                                                        if on {
                                                            list.push(role);
                                                        }
                                                    });
                                                }
                                            />
                                            {role.name(lang)}
                                        </label>
                                    }
                                })
                                .collect_view()}
                            <button type="submit" class="secondary">{t.save}</button>
                        </form>
                    </Show>
                }
                    .into_any()
            })
    };
    view! {
        <tr data-email=row.email.clone()>
            <td>{format!("{} {}", row.first_name, row.last_name)}</td>
            <td>{row.email.clone()}</td>
            <td>{roles_text}</td>
            <td>{row.status_name(lang)}</td>
            <td>{expires}</td>
            <td class="row-actions">
                {actions}
                <p class="field-error" role="alert">{problem}</p>
            </td>
        </tr>
    }
}
