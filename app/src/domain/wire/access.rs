//! Manage access: who may invite whom, and the invitations themselves.

use crate::domain::wire::UserSummary;
use crate::domain::{AuditAction, Role};
use serde::{Deserialize, Serialize};

/// What the Manage access page needs: who is looking, and which roles
/// they may give (the roles module decides; the dropdown only lists these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessView {
    pub user: UserSummary,
    pub grantable: Vec<Role>,
}

/// What inviting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcome {
    /// A first invitation to this address.
    Invited,
    /// The address already had a pending invitation: a new link was sent
    /// and the old one stopped working.
    Resent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    pub email: String,
    pub outcome: InviteOutcome,
}

/// Where an invitation not yet accepted stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Invited,
    Expired,
    Revoked,
    DeliveryFailed,
}

/// A line of the Manage users list is an account or an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonKind {
    User,
    /// With when its link stops working.
    Invitation {
        state: InvitationState,
        expires_at: i64,
    },
}

/// One line of the Manage users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    /// The user's id for an account, the invitation's id otherwise.
    pub id: i64,
    pub kind: PersonKind,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<Role>,
    /// Whether the account signs in with two-step verification (never
    /// for an invitation).
    pub two_step_on: bool,
    /// Whether the organization's directory deactivated the account
    /// (SCIM): it cannot sign in until the directory turns it active.
    #[serde(default)]
    pub deactivated: bool,
}

/// A page of the Manage users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    /// Invitations not yet accepted (pending, expired, revoked), newest first.
    pub invitations: Vec<PersonRow>,
    /// Accounts, in email order, one page of them.
    pub users: Vec<PersonRow>,
    /// Where the next page of accounts starts, if there is one.
    pub next_after: Option<String>,
}

/// Manage users as the page shows it: who is looking and what they may
/// grant, one page of people, and the results of the CSV file just sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageUsersView {
    pub access: AccessView,
    pub bulk: Option<BulkRun>,
    /// The address of the invitation the page was sent back about
    /// (`?sent=<id>` or `?resent=<id>`), as the server finds it.
    pub sent_to: Option<String>,
}

/// What inviting one line of a CSV file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    Invited,
    Resent,
    AlreadyUser,
    /// Refused, with the reasons in the reader's language.
    Refused(Vec<String>),
}

/// A CSV file of invitations, as its sender sees it: how far the job has
/// got, and the result of each row done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRun {
    pub id: i64,
    pub total: usize,
    pub done: usize,
    pub results: Vec<RowResult>,
}

impl BulkRun {
    pub fn finished(&self) -> bool {
        self.done >= self.total
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// The line number in the file (the header is line 1).
    pub line: usize,
    pub email: String,
    pub outcome: RowOutcome,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_email: String,
    /// The partner the actor acted for this organization from, if any.
    pub actor_organization: String,
    pub action: AuditAction,
    pub subject_email: String,
    pub detail: String,
    pub client_address: String,
}

/// The most rows one bulk call takes; the page sends a file in chunks.
pub const BULK_CHUNK: usize = 50;
