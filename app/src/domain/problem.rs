use serde::{Deserialize, Serialize};

/// Something wrong with what a person typed, worded so they can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Problem {
    #[error("this field is required")]
    Required,
    #[error("enter an email address such as name@contoso.com")]
    EmailInvalid,
    #[error("an agreement number is exactly 10 digits, such as 1234567890")]
    AgreementNumberInvalid,
    #[error("a purchasing account number is 1 to 20 digits, such as 9876543210")]
    PurchasingAccountNumberInvalid,
    #[error("a name is at most 100 characters and cannot contain < or >")]
    NameInvalid,
    #[error("choose English (en) or French (fr)")]
    LanguageUnsupported,
    #[error("choose a country or region from the list (a two-letter code such as US)")]
    CountryUnknown,
    #[error("use at least 12 characters")]
    PasswordTooShort,
    #[error("use at most 128 characters")]
    PasswordTooLong,
    #[error("this password is common or has appeared in a data breach")]
    PasswordCommon,
    #[error("the two passwords are not the same")]
    PasswordMismatch,
    #[error("the current password is not correct")]
    CurrentPasswordWrong,
    #[error("this code is not correct, or has already been used")]
    CodeIncorrect,
    #[error("start the setup again: this one has been replaced or completed")]
    TwoStepSetupStale,
    #[error("your organization requires two-step verification, so it cannot be turned off")]
    TwoStepRequiredByOrganization,
    #[error("turn on two-step verification for yourself before requiring it of everyone")]
    TwoStepYoursFirst,
    #[error("an agreement with this number is already registered")]
    AgreementExists,
    #[error("this email address already has an account in the Business Center")]
    EmailTaken,
    #[error("this person is already a member of your organization")]
    AlreadyMember,
    #[error("choose at least one role")]
    RoleRequired,
    #[error("choose a role from the list")]
    RoleUnknown,
    #[error(
        "the organization needs at least one Account Admin: make someone else Account Admin first"
    )]
    LastAccountAdmin,
    #[error("the person who invited you can no longer give the roles in this invitation; ask them or another administrator to invite you again")]
    InviterLacksPower,
    #[error("a purchase order reference is at most 50 letters, digits, spaces or - / . _")]
    PurchaseOrderInvalid,
    #[error("only an active agreement can be changed")]
    AgreementNotActive,
    #[error("enter a date as YYYY-MM-DD")]
    DateInvalid,
    #[error("enter a whole number above 0")]
    QuantityInvalid,
    #[error("choose an online service and purchasing account from the list")]
    ServiceUnknown,
    #[error("the designated administrator has no pending invitation any more: ask the customer's Account Admins")]
    AdminInvitationClosed,
    #[error("this request has lapsed: the partner can ask again")]
    RequestExpired,
    #[error("keep the name under 100 characters")]
    NameTooLong,
    #[error("choose from 1 to 365 days")]
    TokenLifetime,
    #[error("a token carries only roles you hold")]
    TokenRolesNotHeld,
    #[error("this organization has no administrator yet")]
    OrganizationHasNoAdmin,
    #[error("this Idempotency-Key came before with another request")]
    IdempotencyKeyReused,
    #[error("the first request with this Idempotency-Key is still being answered")]
    IdempotencyKeyInProgress,
    #[error("no partner organization has this name")]
    PartnerUnknown,
    #[error("no agreement has this number")]
    AgreementUnknown,
    #[error("an organization with this name already exists")]
    OrganizationExists,
    #[error("no organization has this id")]
    OrganizationUnknown,
    #[error("this partner is not partner of record for this agreement")]
    PartnerNotLinked,
    #[error("enter a domain name such as contoso.com")]
    DomainInvalid,
    #[error("this is a consumer mail domain; use your organization's own domain")]
    DomainConsumer,
    #[error("another organization has already verified this domain")]
    DomainTaken,
    #[error("your organization already has this domain, or a domain that covers it")]
    DomainAlreadyAdded,
    #[error("choose a purchasing account from the list")]
    PurchasingAccountUnknown,
    #[error("choose one of your organization's verified domains")]
    DomainNotVerified,
    #[error("choose a CSV file with at least one person in it")]
    BulkFileEmpty,
    #[error("a CSV file can invite at most 1000 people at once: split it")]
    BulkFileTooLong,
    #[error("enter the receiver's address with https://, such as https://example.com/webhooks")]
    WebhookUrlInvalid,
    #[error("this address leads to a private or local network, which webhooks do not reach")]
    WebhookUrlPrivate,
    #[error("this host name does not resolve: check the address")]
    WebhookHostUnknown,
    #[error("an organization can have at most 20 webhook endpoints: delete one first")]
    WebhookLimit,
    #[error("the file lacks columns the import needs: see its header in the README")]
    ImportColumnsMissing,
    #[error("choose at least one event")]
    EventRequired,
    #[error("choose events from the list")]
    EventUnknown,
    #[error("your organization signs you in with its own sign-in: leave the password empty and continue with your organization's sign-in")]
    SsoRequired,
    #[error("enter the provider's issuer URL with https://, such as https://login.example.com")]
    SsoIssuerInvalid,
    #[error("no OpenID provider answers at this issuer URL: check it")]
    SsoIssuerUnreachable,
    #[error("choose domains your organization has verified")]
    SsoDomainNotVerified,
    #[error("another organization signs in this domain with its provider")]
    SsoDomainTaken,
    #[error("run Test connection successfully before requiring single sign-on")]
    SsoNotTested,
    #[error("only {} remain: {ordered} ordered, {assigned} already assigned", ordered - assigned)]
    ExceedsEntitlement { ordered: i64, assigned: i64 },
}
