//! Account → Manage access: inviting colleagues with the roles the
//! signed-in user may grant (the roles module decides which).

use leptos::prelude::*;

use crate::api::access::{
    get_access, get_audit_log, list_people, ChangeRoles, InviteUser, RemoveUser, ResendInvitation,
    RevokeInvitation,
};
use crate::components::{server_problem, signed_in_page, Field, FormError, Layout};
use crate::domain::wire::{
    AccessView, AuditEntry, InviteOutcome, Invited, PersonRow, RowOutcome, RowResult,
};
use crate::domain::{Capability, Lang, Role, COUNTRIES};
use crate::use_lang;

#[component]
pub fn ManageAccessPage() -> impl IntoView {
    let resource = Resource::new(|| (), |_| get_access());
    signed_in_page(resource, |access| view! { <ManageUsers access /> })
}

#[component]
fn ManageUsers(access: AccessView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let form_open = RwSignal::new(false);
    let sent = RwSignal::new(Vec::<Invited>::new());
    let on_sent = Callback::new(move |(invited, another): (Invited, bool)| {
        sent.update(|list| list.insert(0, invited));
        if !another {
            form_open.set(false);
        }
    });
    let grantable = access.grantable.clone();
    let can_manage = Role::any_allows(&access.user.roles, Capability::ManageUsers);
    let can_audit = Role::any_allows(&access.user.roles, Capability::ViewAuditLog);
    // Bumped after every change so the list shows it.
    let refresh = RwSignal::new(0u32);
    Effect::new(move || {
        sent.track();
        refresh.update(|n| *n += 1);
    });
    view! {
        <Layout user=access.user.clone()>
            <h1>{t.manage_access}</h1>
            <nav class="tabs" aria-label=t.manage_access>
                <a href="/manage-access" aria-current="page">
                    {t.manage_users}
                </a>
                {can_audit
                    .then(|| {
                        view! { <a href="/manage-access/audit">{t.audit_log}</a> }
                    })}
            </nav>
            <ul class="confirmations" role="status">
                {move || {
                    sent.get()
                        .into_iter()
                        .map(|invited| {
                            let prefix = match invited.outcome {
                                InviteOutcome::Invited => t.invitation_sent_to,
                                InviteOutcome::Resent => t.invitation_resent_to,
                            };
                            view! { <li class="notice">{prefix} " " {invited.email}</li> }
                        })
                        .collect_view()
                }}
            </ul>
            <Show
                when=move || form_open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="primary" on:click=move |_| form_open.set(true)>
                            {t.invite_user}
                        </button>
                    }
                }
            >
                <InviteForm
                    grantable=grantable.clone()
                    on_sent
                    on_cancel=Callback::new(move |()| form_open.set(false))
                />
            </Show>
            <PeopleList grantable=access.grantable.clone() can_manage refresh />
            <BulkInvite refresh />
        </Layout>
    }
}

#[component]
fn InviteForm(
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

#[component]
fn PeopleList(grantable: Vec<Role>, can_manage: bool, refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let search = RwSignal::new(String::new());
    let after = RwSignal::new(String::new());
    let people = Resource::new(
        move || (search.get(), after.get(), refresh.get()),
        |(search, after, _)| list_people(search, after),
    );
    let grantable = StoredValue::new(grantable);
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
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        after.set(String::new());
                        search.set(event_target_value(&ev));
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
                                            <PeopleTable rows=page.invitations.clone() grantable=grantable.get_value() can_manage refresh />
                                        }
                                    })}
                                <h2>{t.users}</h2>
                                <PeopleTable rows=page.users.clone() grantable=grantable.get_value() can_manage refresh />
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
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let t = use_lang().texts();
    let grantable = StoredValue::new(grantable);
    view! {
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
                    .map(|row| view! { <PersonLine row grantable=grantable.get_value() can_manage refresh /> })
                    .collect_view()}
            </tbody>
        </table>
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
    let expires = row
        .expires_at
        .map(|at| lang.format_date(at))
        .unwrap_or_default();
    let can_touch_invitation = Role::may_grant_all(&grantable, &row.roles);
    let can_touch_user = can_manage && Role::may_grant_all(&grantable, &row.roles);
    let grantable = StoredValue::new(grantable);
    let actions = if row.is_invitation {
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
            <td>{row.status.name(lang)}</td>
            <td>{expires}</td>
            <td class="row-actions">
                {actions}
                <p class="field-error" role="alert">{problem}</p>
            </td>
        </tr>
    }
}

/// Sends the chosen CSV file in chunks, so that progress shows and a
/// large file never makes one huge request.
#[cfg(feature = "hydrate")]
async fn upload(
    input: web_sys::HtmlInputElement,
    lang: Lang,
    results: RwSignal<Vec<RowResult>>,
    total: RwSignal<usize>,
    failure: RwSignal<Option<String>>,
    running: RwSignal<bool>,
) {
    use crate::api::access::bulk_invite;
    use crate::domain::wire::BULK_CHUNK;
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let Some(text) = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
    else {
        return;
    };
    let rows = crate::domain::csv::invites(&text);
    results.set(Vec::new());
    failure.set(None);
    total.set(rows.len());
    running.set(true);
    for chunk in rows.chunks(BULK_CHUNK) {
        match bulk_invite(chunk.to_vec()).await {
            Ok(done) => results.update(|all| all.extend(done)),
            Err(error) => {
                failure.set(Some(error.summary(lang)));
                break;
            }
        }
    }
    running.set(false);
}

#[component]
fn BulkInvite(refresh: RwSignal<u32>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let results = RwSignal::new(Vec::<RowResult>::new());
    let total = RwSignal::new(0usize);
    let failure = RwSignal::new(None::<String>);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let running = RwSignal::new(false);
    // When a run ends, the list shows who was invited.
    Effect::new(move |was_running: Option<bool>| {
        let now_running = running.get();
        if was_running == Some(true) && !now_running {
            refresh.update(|n| *n += 1);
        }
        now_running
    });
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = file_input.get_untracked() {
            leptos::task::spawn_local(upload(input, lang, results, total, failure, running));
        }
    };
    view! {
        <section class="card bulk">
            <h2>{t.bulk_invite}</h2>
            <p class="note">{t.bulk_help}</p>
            <div class="field">
                <label for="bulk-file">{t.bulk_file}</label>
                <input id="bulk-file" type="file" accept=".csv,text/csv" node_ref=file_input />
            </div>
            <button type="button" class="primary" on:click=start disabled=move || running.get()>
                {t.invite}
            </button>
            <Show when=move || { total.get() > 0 }>
                <p class="progress" role="status">
                    {t.bulk_progress} ": " {move || results.get().len()} " / " {move || total.get()}
                    {move || (!running.get() && results.get().len() == total.get()).then(|| format!(" — {}", t.done))}
                </p>
                <progress max=move || total.get() value=move || results.get().len()></progress>
            </Show>
            {move || failure.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <Show when=move || !results.get().is_empty()>
                <table class="bulk-results">
                    <thead>
                        <tr>
                            <th scope="col">{t.line}</th>
                            <th scope="col">{t.email_address}</th>
                            <th scope="col">{t.result}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            results
                                .get()
                                .into_iter()
                                .map(|result| {
                                    let (class, text) = match &result.outcome {
                                        RowOutcome::Invited => ("ok", t.outcome_invited.to_owned()),
                                        RowOutcome::Resent => ("ok", t.outcome_resent.to_owned()),
                                        RowOutcome::AlreadyUser => ("warn", t.outcome_already_user.to_owned()),
                                        RowOutcome::Refused(reasons) => {
                                            ("bad", format!("{}: {}", t.outcome_refused, reasons.join("; ")))
                                        }
                                    };
                                    view! {
                                        <tr class=class>
                                            <td>{result.line}</td>
                                            <td>{result.email}</td>
                                            <td>{text}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// Manage access → Audit log, for Account Admins.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let before = RwSignal::new(None::<i64>);
    let resource = Resource::new(move || before.get(), get_audit_log);
    signed_in_page(resource, move |(access, entries)| {
        view! { <AuditView access entries before /> }
    })
}

#[component]
fn AuditView(
    access: AccessView,
    entries: Vec<(i64, AuditEntry)>,
    before: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let oldest = entries.last().map(|(id, _)| *id);
    let full = entries.len() == 100;
    view! {
        <Layout user=access.user>
            <h1>{t.manage_access}</h1>
            <nav class="tabs" aria-label=t.manage_access>
                <a href="/manage-access">{t.manage_users}</a>
                <a href="/manage-access/audit" aria-current="page">{t.audit_log}</a>
            </nav>
            <section class="card">
                <table class="audit">
                    <thead>
                        <tr>
                            <th scope="col">{t.audit_when}</th>
                            <th scope="col">{t.audit_who}</th>
                            <th scope="col">{t.audit_what}</th>
                            <th scope="col">{t.audit_whom}</th>
                            <th scope="col">{t.audit_detail}</th>
                            <th scope="col">{t.audit_from}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {entries
                            .into_iter()
                            .map(|(_, entry)| {
                                view! {
                                    <tr>
                                        <td>{lang.format_date_time(entry.at)}</td>
                                        <td>{entry.actor_email}</td>
                                        <td>{entry.action.text(lang)}</td>
                                        <td>{entry.subject_email}</td>
                                        <td>{entry.detail}</td>
                                        <td>{entry.client_address}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                {(full && oldest.is_some())
                    .then(|| {
                        view! {
                            <button type="button" class="link-button" on:click=move |_| before.set(oldest)>
                                {t.older}
                            </button>
                        }
                    })}
            </section>
        </Layout>
    }
}
