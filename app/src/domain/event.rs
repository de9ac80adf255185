//! The kinds of event a webhook endpoint subscribes to and
//! `GET /api/v1/events` lists: shared with the browser, whose Webhooks
//! page offers them as checkboxes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum EventType {
    InvitationCreated,
    InvitationResent,
    InvitationAccepted,
    InvitationRevoked,
    InvitationExpired,
    UserRolesChanged,
    UserRemoved,
    DomainVerified,
    DomainUnverified,
    OrderImported,
    PartnerLinked,
    PartnerUnlinked,
    /// The vendor operator's: an agreement was registered.
    AgreementCreated,
}

impl EventType {
    pub const ALL: [EventType; 13] = [
        EventType::InvitationCreated,
        EventType::InvitationResent,
        EventType::InvitationAccepted,
        EventType::InvitationRevoked,
        EventType::InvitationExpired,
        EventType::UserRolesChanged,
        EventType::UserRemoved,
        EventType::DomainVerified,
        EventType::DomainUnverified,
        EventType::OrderImported,
        EventType::PartnerLinked,
        EventType::PartnerUnlinked,
        EventType::AgreementCreated,
    ];

    /// The name receivers see in `type`, and subscriptions list.
    pub fn key(self) -> &'static str {
        match self {
            EventType::InvitationCreated => "invitation.created",
            EventType::InvitationResent => "invitation.resent",
            EventType::InvitationAccepted => "invitation.accepted",
            EventType::InvitationRevoked => "invitation.revoked",
            EventType::InvitationExpired => "invitation.expired",
            EventType::UserRolesChanged => "user.roles_changed",
            EventType::UserRemoved => "user.removed",
            EventType::DomainVerified => "domain.verified",
            EventType::DomainUnverified => "domain.unverified",
            EventType::OrderImported => "order.imported",
            EventType::PartnerLinked => "partner.linked",
            EventType::PartnerUnlinked => "partner.unlinked",
            EventType::AgreementCreated => "agreement.created",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// Whether only the vendor operator's endpoints receive it; every
    /// other kind is an organization's.
    pub fn is_operators(self) -> bool {
        self == EventType::AgreementCreated
    }

    /// The kinds an organization's (or, `operator`, the vendor's)
    /// endpoint may subscribe to.
    pub fn offered(operator: bool) -> impl Iterator<Item = EventType> {
        Self::ALL
            .into_iter()
            .filter(move |kind| kind.is_operators() == operator)
    }
}

impl From<EventType> for String {
    fn from(kind: EventType) -> String {
        kind.key().to_owned()
    }
}

impl TryFrom<String> for EventType {
    type Error = String;

    fn try_from(key: String) -> Result<Self, String> {
        EventType::from_key(&key).ok_or_else(|| format!("unknown event type {key:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_from_its_key() {
        for kind in EventType::ALL {
            assert_eq!(EventType::from_key(kind.key()), Some(kind));
        }
        assert_eq!(EventType::from_key("invitation.sent"), None);
    }

    #[test]
    fn the_operator_is_offered_only_its_own() {
        let operator: Vec<_> = EventType::offered(true).collect();
        assert_eq!(operator, [EventType::AgreementCreated]);
        assert_eq!(EventType::offered(false).count(), 12);
    }
}
