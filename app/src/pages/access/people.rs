//! The people list: open invitations and accounts, searched and paged,
//! each line with what the viewer may do to it, as server forms.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::access::{
    list_people, ChangeRoles, RemoveUser, ResendInvitation, RevokeInvitation,
};
use crate::api::two_step::ResetTwoStep;
use crate::components::{
    changing_action, server_problem, Changes, FormError, OpenForm, TableScroll,
};
use crate::domain::wire::{PeoplePage, PersonKind, PersonRow};
use crate::domain::Role;
use crate::i18n::use_lang;

/// The line whose form is open, from the address: a user's roles being
/// edited (`?edit-roles=<user id>`) or an invitation's address being
/// fixed (`?fix-address=<invitation id>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Open {
    Roles(i64),
    Address(i64),
}

/// What every line's forms share: their actions (whose problems show
/// above the list, or next to the open form's field) and who may do what.
#[derive(Clone)]
struct Lines {
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    change: ServerAction<ChangeRoles>,
    remove: ServerAction<RemoveUser>,
    reset: ServerAction<ResetTwoStep>,
    grantable: Vec<Role>,
    can_manage: bool,
    /// Whether the viewer may reset a colleague's two-step verification.
    can_reset: bool,
    /// The viewer, whose own line offers no actions: the server refuses
    /// changes to one's own roles.
    own_email: String,
    open: Option<Open>,
}

fn list_href(search: &str, after: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !search.is_empty() {
        query.append_pair("q", search);
    }
    if !after.is_empty() {
        query.append_pair("after", after);
    }
    let query = query.finish();
    if query.is_empty() {
        "/manage-access".to_owned()
    } else {
        format!("/manage-access?{query}")
    }
}

#[component]
pub(super) fn PeopleList(
    grantable: Vec<Role>,
    can_manage: bool,
    can_reset: bool,
    own_email: String,
    open: Option<Open>,
) -> impl IntoView {
    let t = use_lang().texts();
    let lines = Lines {
        resend: changing_action(),
        revoke: changing_action(),
        change: changing_action(),
        remove: changing_action(),
        reset: changing_action(),
        grantable,
        can_manage,
        can_reset,
        own_email,
        open,
    };
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|query| query.get("q").unwrap_or_default()));
    let after = Memo::new(move |_| query.with(|query| query.get("after").unwrap_or_default()));
    let changes = Changes::count();
    let people = Resource::new(
        move || (search.get(), after.get(), changes.get()),
        |(search, after, _)| list_people(search, after),
    );
    let (resend, revoke, change, remove) = (lines.resend, lines.revoke, lines.change, lines.remove);
    let reset = lines.reset;
    let lines = StoredValue::new(lines);
    view! {
        <section class="card people">
            <SearchBox search />
            <FormError value=resend.value() />
            <FormError value=revoke.value() />
            <FormError value=change.value() />
            <FormError value=remove.value() />
            <FormError value=reset.value() />
            // The page stays as it is while the next one is read.
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                // Read with `get`: see `components::signed_in_page`.
                {move || {
                    people
                        .get()
                        .map(|result| match result {
                            Ok(page) => {
                                let lines = lines.get_value();
                                let (search, after) = (search.get_untracked(), after.get_untracked());
                                view! { <PeoplePageView page lines search after /> }.into_any()
                            }
                            Err(error) => {
                                let lang = use_lang();
                                view! { <p class="form-error" role="alert">{error.summary(lang)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// The search as a GET form (`?q=`), which works without script; with
/// script, typing searches after a pause, replacing the address rather
/// than adding one history entry per letter.
#[component]
fn SearchBox(search: Memo<String>) -> impl IntoView {
    let t = use_lang().texts();
    let navigate = use_navigate();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let input = NodeRef::<leptos::html::Input>::new();
    // When the address changes some other way (Enter, a removal that goes
    // back to the whole list, back and forward), a search still waiting
    // for its pause must not fire afterwards and take the address back;
    // and the box shows what the list is searched by.
    Effect::new(move |_| {
        let search = search.get();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending.set_value(None);
        if let Some(input) = input.get_untracked() {
            if input.value().trim() != search {
                input.set_value(&search);
            }
        }
    });
    let on_input = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let navigate = navigate.clone();
        let handle = set_timeout(
            move || {
                let href = list_href(typed.trim(), "");
                navigate(
                    &href,
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            },
            std::time::Duration::from_millis(SEARCH_PAUSE_MS),
        )
        .ok();
        pending.set_value(handle);
    };
    view! {
        <Form method="get" action="/manage-access" attr:class="search" attr:role="search">
            <label for="people-search">{t.search}</label>
            <input
                id="people-search"
                type="search"
                name="q"
                placeholder=t.search_hint
                value=search.get_untracked()
                node_ref=input
                on:input=on_input
            />
            <button type="submit" class="secondary">
                {t.search}
            </button>
        </Form>
    }
}

/// How long typing must pause before the list is searched.
const SEARCH_PAUSE_MS: u64 = 250;

/// One page of people: open invitations, then accounts, and the links to
/// the first and next pages.
#[component]
fn PeoplePageView(page: PeoplePage, lines: Lines, search: String, after: String) -> impl IntoView {
    let t = use_lang().texts();
    let empty = page.invitations.is_empty() && page.users.is_empty();
    let first = (!after.is_empty()).then(|| list_href(&search, ""));
    let next = page
        .next_after
        .as_deref()
        .map(|next| list_href(&search, next));
    view! {
        {(!page.invitations.is_empty())
            .then(|| {
                view! {
                    <h2>{t.pending_invitations}</h2>
                    <PeopleTable rows=page.invitations.clone() lines=lines.clone() />
                }
            })}
        <h2>{t.users}</h2>
        <PeopleTable rows=page.users lines />
        {empty.then(|| view! { <p>{t.nobody_found}</p> })}
        <p class="pager">
            {first.map(|href| view! { <a href=href>{t.first_page}</a> })}
            {next.map(|href| view! { <a href=href rel="next">{t.next_page}</a> })}
        </p>
    }
}

#[component]
fn PeopleTable(rows: Vec<PersonRow>, lines: Lines) -> impl IntoView {
    let t = use_lang().texts();
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
                        .map(|row| view! { <PersonLine row lines=lines.clone() /> })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn PersonLine(row: PersonRow, lines: Lines) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let id = row.id;
    let roles_text = row
        .roles
        .iter()
        .map(|role| role.name(lang))
        .collect::<Vec<_>>()
        .join(", ");
    let may_grant = Role::may_grant_all(&lines.grantable, &row.roles);
    let actions = match row.kind {
        PersonKind::Invitation { .. } => may_grant.then(|| {
            let fixing = lines.open == Some(Open::Address(id));
            view! {
                <ActionForm action=lines.resend>
                    <input type="hidden" name="invitation_id" value=id />
                    <input type="hidden" name="email" value="" />
                    <button type="submit" class="link-button">
                        {t.resend}
                    </button>
                </ActionForm>
                <OpenForm page="/manage-access" name="fix-address" id label=t.fix_address class="link-button" />
                <ActionForm action=lines.revoke>
                    <input type="hidden" name="invitation_id" value=id />
                    <button type="submit" class="link-button">
                        {t.revoke}
                    </button>
                </ActionForm>
                {fixing.then(|| view! { <FixAddress id email=row.email.clone() action=lines.resend /> })}
            }
                .into_any()
        }),
        PersonKind::User => (lines.can_manage && may_grant && row.email != lines.own_email)
            .then(|| {
                let editing = lines.open == Some(Open::Roles(id));
                view! {
                    <OpenForm page="/manage-access" name="edit-roles" id label=t.edit_roles class="link-button" />
                    <ActionForm action=lines.remove>
                        <input type="hidden" name="user_id" value=id />
                        <button type="submit" class="link-button">
                            {t.remove}
                        </button>
                    </ActionForm>
                    {(lines.can_reset && row.two_step_on)
                        .then(|| {
                            view! {
                                <ActionForm action=lines.reset>
                                    <input type="hidden" name="user_id" value=id />
                                    <button type="submit" class="link-button">
                                        {t.reset_two_step}
                                    </button>
                                </ActionForm>
                            }
                        })}
                    {editing
                        .then(|| {
                            view! {
                                <EditRoles
                                    id
                                    held=row.roles.clone()
                                    grantable=lines.grantable.clone()
                                    action=lines.change
                                />
                            }
                        })}
                }
                    .into_any()
            }),
    };
    let expires = match row.kind {
        PersonKind::Invitation { expires_at, .. } => lang.format_date(expires_at),
        PersonKind::User => String::new(),
    };
    view! {
        <tr data-email=row.email.clone()>
            <td>{format!("{} {}", row.first_name, row.last_name)}</td>
            <td>{row.email.clone()}</td>
            <td>{roles_text}</td>
            <td>{row.status_name(lang)}</td>
            <td>{expires}</td>
            <td class="row-actions">{actions}</td>
        </tr>
    }
}

/// An invitation's corrected address, to send it again.
#[component]
fn FixAddress(id: i64, email: String, action: ServerAction<ResendInvitation>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let problem = server_problem(action.value(), "email");
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="invitation_id" value=id />
            <label class="visually-hidden" for=format!("fix-{id}")>
                {t.email_address}
            </label>
            <input
                id=format!("fix-{id}")
                name="email"
                type="email"
                required
                value=email
                aria-invalid=move || problem.get().is_some().then_some("true")
            />
            <button type="submit" class="secondary">
                {t.resend}
            </button>
            <p class="field-error" aria-live="polite">
                {move || problem.get().map(|problem| problem.text(lang))}
            </p>
        </ActionForm>
    }
}

/// A user's roles as checkboxes, among those the viewer may grant.
#[component]
fn EditRoles(
    id: i64,
    held: Vec<Role>,
    grantable: Vec<Role>,
    action: ServerAction<ChangeRoles>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let problem = server_problem(action.value(), "roles");
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="user_id" value=id />
            <fieldset>
                <legend class="visually-hidden">{t.roles}</legend>
                // Unindexed (`roles[]`): only the checked boxes are sent,
                // and an indexed list must not skip a number.
                {grantable
                    .into_iter()
                    .map(|role| {
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="roles[]"
                                    value=role.key()
                                    checked=held.contains(&role)
                                />
                                {role.name(lang)}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="secondary">
                {t.save}
            </button>
            <p class="field-error" aria-live="polite">
                {move || problem.get().map(|problem| problem.text(lang))}
            </p>
        </ActionForm>
    }
}
