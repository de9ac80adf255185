//! The one place that knows what each role may do and who may grant it.
//! Pages ask it what to show; the server asks it what to allow.
//!
//! Customers and partners hold different roles: a customer's roles open
//! its own agreements, orders and users; a partner's roles open the
//! customers it is partner of record for and its own users. Neither side
//! can grant the other's roles, so a user only ever holds one side's.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Lang, Problem};

/// A role in the Center. A user holds one or more. It crosses the wire by
/// its key (`account_admin`), as forms and the API send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    AccountAdmin,
    AgreementAdmin,
    UserAdmin,
    AccountManager,
    ReportViewer,
    AccountViewer,
    /// A partner's administrator: its users, and acting for its customers.
    PartnerAdmin,
    /// A partner's employee who acts for its customers.
    PartnerAgent,
}

/// Something a user may see or do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Capability {
    ViewAgreements,
    ModifyAgreements,
    ViewOrders,
    ViewLicenses,
    ViewKeys,
    DownloadSoftware,
    ViewReports,
    ManageProvisioning,
    InviteUsers,
    ManageUsers,
    ViewAuditLog,
    /// A customer's choice of what its partners see.
    ManagePartnerVisibility,
    /// Proving the organization's domains by DNS.
    ManageDomains,
    /// A partner's: the customers it is partner of record for, and
    /// rescuing their designated administrator's invitation.
    ManageCustomers,
    /// The organization's sign-in rules: requiring two-step verification.
    ManageSecurity,
    /// Webhook endpoints: where the organization's events are sent.
    ManageWebhooks,
}

impl Capability {
    /// The areas of the Center, in the dashboard's order: each is opened
    /// by one capability.
    pub const AREAS: [Capability; 12] = [
        Capability::ManageCustomers,
        Capability::ViewAgreements,
        Capability::ViewOrders,
        Capability::ViewLicenses,
        Capability::ViewKeys,
        Capability::DownloadSoftware,
        Capability::ViewReports,
        Capability::ManageProvisioning,
        Capability::InviteUsers,
        Capability::ManageDomains,
        Capability::ManageWebhooks,
        Capability::ManageSecurity,
    ];

    /// Whether only partners use it; every other capability is a
    /// customer's, though inviting, managing users and reading the audit
    /// log serve both.
    pub fn is_partners(self) -> bool {
        matches!(self, Capability::ManageCustomers)
    }
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::AccountAdmin,
        Role::AgreementAdmin,
        Role::UserAdmin,
        Role::AccountManager,
        Role::ReportViewer,
        Role::AccountViewer,
        Role::PartnerAdmin,
        Role::PartnerAgent,
    ];

    /// The roles of a customer organization, in display order.
    pub const CUSTOMER: [Role; 6] = [
        Role::AccountAdmin,
        Role::AgreementAdmin,
        Role::UserAdmin,
        Role::AccountManager,
        Role::ReportViewer,
        Role::AccountViewer,
    ];

    /// Whether the role belongs to a partner organization.
    pub fn is_partners(self) -> bool {
        matches!(self, Role::PartnerAdmin | Role::PartnerAgent)
    }

    /// The stable name kept in the database and used by the API.
    pub fn key(self) -> &'static str {
        match self {
            Role::AccountAdmin => "account_admin",
            Role::AgreementAdmin => "agreement_admin",
            Role::UserAdmin => "user_admin",
            Role::AccountManager => "account_manager",
            Role::ReportViewer => "report_viewer",
            Role::AccountViewer => "account_viewer",
            Role::PartnerAdmin => "partner_admin",
            Role::PartnerAgent => "partner_agent",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    pub fn allows(self, capability: Capability) -> bool {
        use Capability::*;
        match self {
            Role::AccountAdmin => !capability.is_partners(),
            Role::AgreementAdmin => matches!(capability, ViewAgreements | InviteUsers),
            Role::UserAdmin => matches!(capability, InviteUsers | ManageUsers),
            Role::AccountManager => matches!(
                capability,
                ViewAgreements
                    | ModifyAgreements
                    | ViewOrders
                    | ViewLicenses
                    | ViewKeys
                    | DownloadSoftware
                    | ViewReports
                    | ManageProvisioning
                    | ManageDomains
            ),
            Role::ReportViewer => matches!(
                capability,
                ViewAgreements | ViewOrders | ViewLicenses | ViewKeys | ViewReports
            ),
            Role::AccountViewer => {
                matches!(
                    capability,
                    ViewAgreements | ViewOrders | ViewLicenses | ViewReports
                )
            }
            Role::PartnerAdmin => matches!(
                capability,
                ManageCustomers
                    | InviteUsers
                    | ManageUsers
                    | ViewAuditLog
                    | ManageSecurity
                    | ManageWebhooks
            ),
            Role::PartnerAgent => capability == ManageCustomers,
        }
    }

    /// Whether a holder of `self` may give `role` to someone.
    pub fn may_grant(self, role: Role) -> bool {
        match self {
            Role::AccountAdmin => !role.is_partners(),
            Role::UserAdmin => !role.is_partners() && role != Role::AccountAdmin,
            Role::AgreementAdmin => matches!(
                role,
                Role::AgreementAdmin | Role::ReportViewer | Role::AccountViewer
            ),
            Role::PartnerAdmin => role.is_partners(),
            Role::AccountManager
            | Role::ReportViewer
            | Role::AccountViewer
            | Role::PartnerAgent => false,
        }
    }

    /// Whether a holder of `held` may give every one of `wanted`.
    pub fn may_grant_all(held: &[Role], wanted: &[Role]) -> bool {
        wanted
            .iter()
            .all(|role| held.iter().any(|own| own.may_grant(*role)))
    }

    /// Parses role keys as a form or the API sends them: at least one,
    /// each known, duplicates dropped, in display order.
    pub fn parse_list<S: AsRef<str>>(keys: &[S]) -> Result<Vec<Role>, Problem> {
        let mut roles = Vec::new();
        for key in keys.iter().map(|key| key.as_ref().trim()) {
            if key.is_empty() {
                continue;
            }
            let role = Role::from_key(key).ok_or(Problem::RoleUnknown)?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if roles.is_empty() {
            return Err(Problem::RoleRequired);
        }
        roles.sort();
        Ok(roles)
    }

    /// A list of roles as a form sends them: at least one, duplicates
    /// dropped, in display order.
    pub fn normalize(mut roles: Vec<Role>) -> Result<Vec<Role>, Problem> {
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(Problem::RoleRequired);
        }
        Ok(roles)
    }

    /// Whether any of `roles` allows `capability`.
    pub fn any_allows(roles: &[Role], capability: Capability) -> bool {
        roles.iter().any(|role| role.allows(capability))
    }

    /// The roles that a holder of `roles` may grant, in display order.
    pub fn grantable_by(roles: &[Role]) -> Vec<Role> {
        Self::ALL
            .into_iter()
            .filter(|candidate| roles.iter().any(|held| held.may_grant(*candidate)))
            .collect()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Lang::En))
    }
}

#[cfg(test)]
mod tests;
