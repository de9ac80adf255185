//! What the audit log records: each kind of change, stored under a stable
//! key and shown in the reader's words.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    InvitationSent,
    InvitationResent,
    InvitationAddressFixed,
    InvitationRevoked,
    UserRolesChanged,
    UserRemoved,
    AgreementModified,
    KeyViewed,
    KeysExported,
    SoftwareDownloaded,
    SubscriptionAssigned,
    DesignatedAdminInvitationResent,
    DesignatedAdminChanged,
    DesignatedAdminEmailChanged,
    PartnerVisibilityChanged,
    DomainAdded,
    DomainVerified,
    SignedIn,
    SignInFailed,
    SecondStepFailed,
    SignedOut,
    PasswordChanged,
    PasswordRecheckFailed,
    TwoStepEnabled,
    TwoStepDisabled,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    TwoStepRequirementChanged,
    SessionsEnded,
    TwoStepReset,
    AdminChangeRequested,
    AdminChangeApproved,
    AdminChangeDeclined,
    ApiTokenCreated,
    ApiTokenFirstUsed,
    ApiTokenRevoked,
    WebhookCreated,
    WebhookChanged,
    WebhookDeleted,
    SsoChanged,
    SsoTested,
    SsoSignedIn,
    SsoRefused,
    SsoPasswordRefused,
    SsoBreakGlass,
    ScimProvisioned,
    ScimDeactivated,
    ScimReactivated,
    ScimDeleted,
    ScimAddressChanged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 50] = [
        AuditAction::InvitationSent,
        AuditAction::InvitationResent,
        AuditAction::InvitationAddressFixed,
        AuditAction::InvitationRevoked,
        AuditAction::UserRolesChanged,
        AuditAction::UserRemoved,
        AuditAction::AgreementModified,
        AuditAction::KeyViewed,
        AuditAction::KeysExported,
        AuditAction::SoftwareDownloaded,
        AuditAction::SubscriptionAssigned,
        AuditAction::DesignatedAdminInvitationResent,
        AuditAction::DesignatedAdminChanged,
        AuditAction::DesignatedAdminEmailChanged,
        AuditAction::PartnerVisibilityChanged,
        AuditAction::DomainAdded,
        AuditAction::DomainVerified,
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::SecondStepFailed,
        AuditAction::SignedOut,
        AuditAction::PasswordChanged,
        AuditAction::PasswordRecheckFailed,
        AuditAction::TwoStepEnabled,
        AuditAction::TwoStepDisabled,
        AuditAction::RecoveryCodeUsed,
        AuditAction::RecoveryCodesRenewed,
        AuditAction::TwoStepRequirementChanged,
        AuditAction::SessionsEnded,
        AuditAction::TwoStepReset,
        AuditAction::AdminChangeRequested,
        AuditAction::AdminChangeApproved,
        AuditAction::AdminChangeDeclined,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenFirstUsed,
        AuditAction::ApiTokenRevoked,
        AuditAction::WebhookCreated,
        AuditAction::WebhookChanged,
        AuditAction::WebhookDeleted,
        AuditAction::SsoChanged,
        AuditAction::SsoTested,
        AuditAction::SsoSignedIn,
        AuditAction::SsoRefused,
        AuditAction::SsoPasswordRefused,
        AuditAction::SsoBreakGlass,
        AuditAction::ScimProvisioned,
        AuditAction::ScimDeactivated,
        AuditAction::ScimReactivated,
        AuditAction::ScimDeleted,
        AuditAction::ScimAddressChanged,
    ];

    /// The key stored in the database; never changes once written.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::InvitationSent => "invitation.sent",
            AuditAction::InvitationResent => "invitation.resent",
            AuditAction::InvitationAddressFixed => "invitation.address_fixed",
            AuditAction::InvitationRevoked => "invitation.revoked",
            AuditAction::UserRolesChanged => "user.roles_changed",
            AuditAction::UserRemoved => "user.removed",
            AuditAction::AgreementModified => "agreement.modified",
            AuditAction::KeyViewed => "key.viewed",
            AuditAction::KeysExported => "keys.exported",
            AuditAction::SoftwareDownloaded => "software.downloaded",
            AuditAction::SubscriptionAssigned => "subscription.assigned",
            AuditAction::DesignatedAdminInvitationResent => "designated_admin.invitation_resent",
            AuditAction::DesignatedAdminChanged => "designated_admin.changed",
            AuditAction::DesignatedAdminEmailChanged => "designated_admin.email_changed",
            AuditAction::PartnerVisibilityChanged => "partner.visibility_changed",
            AuditAction::DomainAdded => "domain.added",
            AuditAction::DomainVerified => "domain.verified",
            AuditAction::SignedIn => "auth.signed_in",
            AuditAction::SignInFailed => "auth.sign_in_failed",
            AuditAction::SecondStepFailed => "auth.second_step_failed",
            AuditAction::SignedOut => "auth.signed_out",
            AuditAction::PasswordChanged => "auth.password_changed",
            AuditAction::PasswordRecheckFailed => "auth.password_recheck_failed",
            AuditAction::TwoStepEnabled => "auth.two_step_enabled",
            AuditAction::TwoStepDisabled => "auth.two_step_disabled",
            AuditAction::RecoveryCodeUsed => "auth.recovery_code_used",
            AuditAction::RecoveryCodesRenewed => "auth.recovery_codes_renewed",
            AuditAction::TwoStepRequirementChanged => "organization.two_step_requirement_changed",
            AuditAction::SessionsEnded => "auth.sessions_ended",
            AuditAction::TwoStepReset => "auth.two_step_reset",
            AuditAction::AdminChangeRequested => "designated_admin.change_requested",
            AuditAction::AdminChangeApproved => "designated_admin.change_approved",
            AuditAction::AdminChangeDeclined => "designated_admin.change_declined",
            AuditAction::ApiTokenCreated => "api_token.created",
            AuditAction::ApiTokenFirstUsed => "api_token.first_used",
            AuditAction::ApiTokenRevoked => "api_token.revoked",
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookChanged => "webhook.changed",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::SsoChanged => "sso.changed",
            AuditAction::SsoTested => "sso.tested",
            AuditAction::SsoSignedIn => "sso.signed_in",
            AuditAction::SsoRefused => "sso.refused",
            AuditAction::SsoPasswordRefused => "sso.password_refused",
            AuditAction::SsoBreakGlass => "sso.break_glass",
            AuditAction::ScimProvisioned => "scim.provisioned",
            AuditAction::ScimDeactivated => "scim.deactivated",
            AuditAction::ScimReactivated => "scim.reactivated",
            AuditAction::ScimDeleted => "scim.deleted",
            AuditAction::ScimAddressChanged => "scim.address_changed",
        }
    }

    pub fn from_key(key: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_key() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_key(action.key()), Some(action));
        }
        assert_eq!(AuditAction::from_key("user.promoted"), None);
    }
}
