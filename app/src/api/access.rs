//! Manage access: who may invite whom, and the invitations themselves.

use leptos::prelude::*;

use crate::domain::csv::CsvInvite;
use crate::domain::wire::{
    AccessView, AuditEntry, Invited, ManageUsersView, PeoplePage, RowResult,
};
use crate::domain::Role;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::wire::{InviteOutcome, BULK_CHUNK},
    domain::{Capability, Email},
    http::cookies::{self, Cookie},
    http::{answer::answer_at, state, Ctx},
    services::access::{bulk, invite, members, people},
    services::audit,
};

/// Manage users, around its list of people (`list_people`): who may
/// grant what, and the results of the CSV file `bulk` if this user sent
/// it.
#[server(endpoint = "get_manage_users")]
pub async fn get_manage_users(
    bulk: Option<i64>,
    sent: Option<i64>,
) -> Result<ManageUsersView, AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::InviteUsers)?;
    let bulk = match bulk {
        Some(run) => bulk::run_results(cx.state(), cx.actor(), run).await?,
        None => None,
    };
    let sent_to = match sent {
        Some(id) => invite::sent_to(cx.state(), cx.actor(), id).await?,
        None => None,
    };
    Ok(ManageUsersView {
        access: cx.user().access_view(),
        bulk,
        sent_to,
    })
}

/// Where a form of Manage users comes back to: the list, saying `what`
/// (`sent` or `resent`) of invitation `invitation_id`, whose address the
/// page asks the server for.
#[cfg(feature = "ssr")]
fn back_to_users(what: &str, invitation_id: i64) -> String {
    format!("/manage-access?{what}={invitation_id}")
}

/// Invites a colleague with one or more roles (sent by their keys, as in
/// `account_viewer`), within what the signed-in user may grant. `another`
/// (the INVITE ANOTHER USER button) keeps the form open for the next one.
#[server(endpoint = "invite_user")]
pub async fn invite_user(
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    country: String,
    #[server(default)] roles: Vec<Role>,
    another: Option<String>,
) -> Result<Invited, AppError> {
    let cx = Ctx::signed_in().await?;
    let roles = Role::normalize(roles);
    // A forged role is refused before anything else is said about the
    // form: the answer must not depend on the other fields.
    if let Ok(roles) = &roles {
        invite::check_grant(cx.user(), roles)?;
    }
    let input = invite::InviteInput {
        email,
        first_name,
        last_name,
        language,
        country,
        roles: Vec::new(),
    };
    let invitee = input.parse_with(roles)?;
    let sent = invite::invite(cx.state(), cx.actor(), &invitee).await?;
    let outcome = sent.outcome;
    let what = match (outcome, another.is_some()) {
        (InviteOutcome::Invited, false) => "sent",
        (InviteOutcome::Resent, false) => "resent",
        (InviteOutcome::Invited, true) => "invite=1&sent",
        (InviteOutcome::Resent, true) => "invite=1&resent",
    };
    answer_at(&back_to_users(what, sent.invitation_id));
    Ok(Invited {
        email: invitee.email.to_string(),
        outcome,
    })
}

/// Keeps what was typed in INVITE USER, with one ROLE dropdown more
/// (`dropdown` is `add`) or fewer (`dropdown` is its index): a browser without
/// script posts the form here and comes back to it, as the app does in
/// place. Only a form of the Center's own pages can post (the cross-site
/// guard), and the draft waits in a cookie for that browser alone.
#[server(endpoint = "invite_draft")]
pub async fn invite_draft(
    #[server(default)] email: String,
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] language: String,
    #[server(default)] country: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] dropdown: String,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::InviteUsers)?;
    let mut roles: Vec<String> = roles.into_iter().take(Role::ALL.len()).collect();
    match dropdown.parse::<usize>() {
        Ok(index) if (1..roles.len()).contains(&index) => {
            roles.remove(index);
        }
        _ if dropdown == "add" && roles.len() < Role::ALL.len() => roles.push(String::new()),
        _ => {}
    }
    let mut draft = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("email", &email),
        ("first_name", &first_name),
        ("last_name", &last_name),
        ("language", &language),
        ("country", &country),
    ] {
        // Whatever fits a cookie: a longer value is refused by INVITE.
        draft.append_pair(name, &value.chars().take(100).collect::<String>());
    }
    for role in &roles {
        draft.append_pair("roles[]", role.get(..40).unwrap_or(role));
    }
    cookies::add(&Cookie::InviteDraft.set(&cx.state().settings, &draft.finish()));
    answer_at("/manage-access?invite=1");
    Ok(())
}

/// The draft `invite_draft` left for this page, taken away as it is shown.
#[cfg(feature = "ssr")]
pub fn take_invite_draft() -> Option<String> {
    Cookie::InviteDraft.take(&state().ok()?.settings)
}

/// One page of Manage users: open invitations and accounts matching
/// `search`, accounts after the email `after`.
#[server(endpoint = "list_people")]
pub async fn list_people(search: String, after: String) -> Result<PeoplePage, AppError> {
    let cx = Ctx::signed_in().await?;
    people::list(cx.state(), cx.actor(), &search, &after).await
}

/// Sends an invitation again with a new link; `email`, when not empty,
/// corrects the address first.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(invitation_id: i64, email: String) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let corrected = match email.trim() {
        "" => None,
        typed => Some(Email::parse(typed).map_err(|problem| AppError::field("email", problem))?),
    };
    let sent = invite::resend_invitation(cx.state(), cx.actor(), invitation_id, corrected.as_ref())
        .await?;
    answer_at(&back_to_users("resent", sent.invitation_id));
    Ok(())
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    invite::revoke_invitation(cx.state(), cx.actor(), invitation_id).await?;
    answer_at("/manage-access");
    Ok(())
}

/// Replaces a user's roles, within the grant rules.
#[server(endpoint = "change_roles")]
pub async fn change_roles(
    user_id: i64,
    #[server(default)] roles: Vec<Role>,
) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    let roles = Role::normalize(roles).map_err(|problem| AppError::field("roles", problem))?;
    members::change_roles(cx.state(), cx.actor(), user_id, &roles).await?;
    answer_at("/manage-access");
    Ok(())
}

#[server(endpoint = "remove_user")]
pub async fn remove_user(user_id: i64) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    members::remove_user(cx.state(), cx.actor(), user_id).await?;
    answer_at("/manage-access");
    Ok(())
}

/// Invites each row on its own: a bad row gets its reason and never stops
/// the others.
#[server(endpoint = "bulk_invite", input = server_fn::codec::Json)]
pub async fn bulk_invite(rows: Vec<CsvInvite>) -> Result<Vec<RowResult>, AppError> {
    let cx = Ctx::signed_in().await?;
    if rows.len() > BULK_CHUNK {
        return Err(AppError::Request(format!(
            "at most {BULK_CHUNK} rows per call"
        )));
    }
    cx.require(Capability::InviteUsers)?;
    bulk::invite_rows(cx.state(), cx.actor(), rows).await
}

/// Invites everyone in the CSV file of the form's `file` field, as
/// `bulk_invite` does row by row, as a job: comes back at once to Manage
/// users, which shows its progress and results (`?bulk=<run>`).
#[server(endpoint = "bulk_invite_file", input = server_fn::codec::MultipartFormData)]
pub async fn bulk_invite_file(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let cx = Ctx::signed_in().await?;
    cx.require(Capability::InviteUsers)?;
    let mut fields = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut text = String::new();
    while let Some(field) = fields
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
            // A spreadsheet may save in a legacy encoding: its odd letters
            // show as such in the results rather than refusing the file.
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    let run = bulk::invite_file(cx.state(), cx.actor(), &text).await?;
    // Started now; the periodic work takes over a run a server dropped.
    let state = cx.state().clone();
    tokio::spawn(async move {
        if let Err(error) = bulk::work(&state).await {
            tracing::warn!(?error, "CSV invitations stopped; left for the next round");
        }
    });
    answer_at(&format!("/manage-access?bulk={run}"));
    Ok(())
}

/// The organization's audit log, newest first, 100 entries before `before`.
#[server(endpoint = "get_audit_log")]
pub async fn get_audit_log(
    before: Option<i64>,
) -> Result<(AccessView, Vec<(i64, AuditEntry)>), AppError> {
    let cx = Ctx::signed_in().await?;
    let entries = audit::log(cx.state(), cx.actor(), before).await?;
    Ok((cx.user().access_view(), entries))
}
