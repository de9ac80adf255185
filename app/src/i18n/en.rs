//! English.

use super::Texts;
use crate::domain::wire::InvitationState;
use crate::domain::AuditAction;
use crate::domain::Problem;
use crate::domain::Role;

pub const TEXTS: Texts = Texts {
    app_name: "Business Center",
    language: "Language",
    sign_in: "Sign in",
    sign_out: "Sign out",
    my_profile: "My profile",
    dashboard: "Dashboard",
    account_menu: "Account",

    sign_in_title: "Sign in with your work account",
    work_account_intro: "Use the work email address your organization gave you (your work account).",
    work_account_not_personal: "A work account is not a personal account such as one you use for Outlook.com, Xbox or a home PC: your organization manages it.",
    email_address: "EMAIL ADDRESS",
    password: "PASSWORD",
    no_invitation_link: "Didn't receive your invitation email? Click here.",

    resend_title: "Please enter your email address and account information",
    resend_intro: "Once we're sure this is you, we'll re-send your invitation to the Business Center.",
    agreement_number: "AGREEMENT NUMBER",
    purchasing_account_number: "PURCHASING ACCOUNT NUMBER",
    submit: "SUBMIT",
    resend_done: "If you are the designated Purchasing Account Administrator for this agreement, we have sent you a new invitation: check your inbox. Any earlier invitation link no longer works.",
    resend_spam_note: "No message? Check that your spam filter did not block it, or contact your partner.",
    back_to_sign_in: "Back to sign in",

    create_account_title: "Create your organizational account",
    not_you: "Not you? Contact your partner or support to change the email address.",
    first_name: "FIRST NAME",
    last_name: "LAST NAME",
    create_password: "Create password",
    confirm_password: "Confirm your password",
    country_region: "COUNTRY/REGION",
    country_missing: "Not seeing your country or region?",
    country_missing_help: "Choose the closest one and contact your partner or support: they can correct it.",
    terms: "By choosing {start}, you agree to the terms and conditions of the Business Center and understand that your name and email address will be visible to other people in your institution. Your organization's privacy policy applies to the data you enter.",
    start: "Start",
    password_rules_title: "Your password must:",
    rule_length: "have 12 to 128 characters",
    rule_common: "not be a common password or one that has appeared in a data breach",
    invitation_for_agreement: "Agreement",
    invitation_expires_on: "This invitation expires on {date}.",

    expired_title: "This invitation has expired",
    expired_body: "Invitation links work for 60 days after they are sent. If you are the designated Purchasing Account Administrator, request a new invitation below; otherwise ask the person who invited you to send it again.",
    used_title: "This invitation has already been used",
    used_body: "An account was already created with this link. Sign in with your work account.",
    superseded_title: "This invitation link has been replaced",
    superseded_body: "A newer invitation was sent to the same address, so this link no longer works. Open the link in the most recent invitation email.",
    revoked_title: "This invitation was withdrawn",
    revoked_body: "Your administrator cancelled this invitation. Ask them to invite you again.",
    unknown_title: "We don't recognize this invitation link",
    unknown_body: "Check that you opened the whole link from the email. If it still does not work, request a new invitation or ask the person who invited you.",
    request_new_invitation: "Request a new invitation",

    welcome: "Welcome",
    organization: "Organization",
    agreements: "Agreements",
    purchasing_account: "Purchasing account",
    account_administrator: "Purchasing Account Administrator",
    your_areas: "What you can do",
    area_agreements: "Agreements",
    area_orders: "Orders",
    area_licenses: "License details",
    area_keys: "Product keys",
    area_downloads: "Software downloads",
    area_reports: "Reports",
    area_provisioning: "Self-service provisioning",
    area_users: "Manage access",
    no_areas: "Your roles do not open any area yet. Ask an administrator of your organization.",
    manage_access: "Manage access",
    manage_users: "Manage users",
    invite_user: "INVITE USER",
    invite: "INVITE",
    invite_another: "INVITE ANOTHER USER",
    role: "ROLE",
    select: "Select",
    add_role: "Add another role",
    cancel: "Cancel",
    invitation_sent_to: "Invitation sent to",
    invitation_resent_to: "A new invitation replaced the pending one for",
    search: "Search",
    search_hint: "Name or email",
    pending_invitations: "Invitations",
    users: "Users",
    status: "Status",
    expires: "Link expires",
    actions: "Actions",
    resend: "Resend",
    fix_address: "Fix address and resend",
    revoke: "Revoke",
    edit_roles: "Edit roles",
    save: "Save",
    remove: "Remove",
    next_page: "Next page",
    first_page: "First page",
    nobody_found: "Nobody matches.",
    bulk_invite: "Invite users from a CSV file",
    bulk_help: "One person per line: email, first name, last name, language (en or fr), country (such as US), roles (such as account_viewer|report_viewer). A first line naming the columns is skipped.",
    bulk_file: "CSV FILE",
    bulk_progress: "Rows processed",
    line: "Line",
    result: "Result",
    outcome_invited: "Invited",
    outcome_resent: "Invitation resent",
    outcome_already_user: "Already a user",
    outcome_refused: "Refused",
    audit_log: "Audit log",
    audit_when: "When",
    audit_who: "Who",
    audit_what: "What",
    audit_whom: "Whom",
    audit_detail: "Detail",
    audit_from: "From",
    older: "Older entries",
    done: "Done",
    agreement_type: "Type",
    start_date: "Start date",
    end_date: "End date",
    agreement_active: "Active",
    agreement_inactive: "Expired",
    purchase_order: "PURCHASE ORDER REFERENCE",
    contact_name: "CONTACT NAME",
    contact_email: "CONTACT EMAIL",
    edit_details: "Edit details",
    saved: "Saved.",
    order_number: "Order number",
    order_date: "Date",
    products: "Products",
    amount: "Amount",
    date_from: "FROM",
    date_to: "TO",
    product: "PRODUCT",
    any: "Any",
    filter: "Filter",
    no_orders: "No orders match.",
    quantity: "Quantity",
    see_orders: "See orders",
    no_licenses: "No licenses yet.",
    key: "Key",
    show_key: "Show key",
    no_keys: "No product keys yet.",
    online_services: "Online services",
    ordered: "Ordered",
    assigned: "Assigned",
    available: "Available",
    assign_subscriptions: "Assign subscriptions",
    service_field: "SERVICE",
    quantity_field: "QUANTITY",
    start_date_field: "START DATE",
    assign: "ASSIGN",
    assigned_notice: "The subscriptions were assigned.",
    subscriptions: "Subscriptions",
    assigned_by: "Assigned by",
    no_services: "No online services ordered yet.",
    no_subscriptions: "No subscriptions assigned yet.",
    no_downloads: "No software to download yet.",
    file: "File",
    size: "Size",
    download: "Download",
    report_license_summary: "License summary",
    report_license_summary_about: "Owned quantity per product, version and purchasing account.",
    report_orders_about: "Every order line, with its quantity and amount.",
    report_keys_about: "Every product key in full. Each export is recorded in the audit log.",
    export_csv: "Export CSV",

    name: "Name",
    preferred_language: "PREFERRED LANGUAGE",
    roles: "Roles",
    roles_note: "Roles are assigned by an administrator of your organization.",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_changed: "Your password was changed. Your other sessions were signed out.",
    two_step: "Two-step verification",
    two_step_intro: "Besides your password, signing in asks for a code from an authenticator app on your phone (such as Microsoft Authenticator or Google Authenticator), so that a stolen password alone does not open your account.",
    two_step_manage: "Set up or manage two-step verification",
    two_step_on_since: "Two-step verification is on (since {date}).",
    two_step_off: "Two-step verification is off.",
    recovery_codes_left: "Unused recovery codes: {count}",
    two_step_start: "Set up an authenticator app",
    two_step_scan: "Scan this QR code with your authenticator app, or type this key into it:",
    two_step_qr_label: "QR code of your authenticator key",
    two_step_secret_once: "The key is shown only until you turn two-step verification on. Never share it.",
    two_step_code: "CODE",
    two_step_confirm_intro: "Then enter the 6-digit code the app shows for Business Center.",
    two_step_turn_on: "Turn on",
    recovery_codes_title: "Your recovery codes",
    recovery_codes_intro: "Each code signs you in once if you lose your phone. Keep them somewhere safe, such as a password manager: they are shown only now, and any earlier codes no longer work.",
    recovery_codes_saved: "I have saved my codes",
    renew_recovery_codes: "Get new recovery codes",
    two_step_turn_off: "Turn off two-step verification",
    two_step_password_note: "Enter your password to confirm.",
    two_step_required_notice: "Your organization requires two-step verification. Set it up to continue.",
    organization_two_step: "Your organization",
    organization_two_step_required: "Everyone in your organization must use two-step verification; those without it set it up at their next sign-in.",
    organization_two_step_optional: "Two-step verification is optional in your organization.",
    require_two_step: "Require for everyone",
    stop_requiring_two_step: "Stop requiring",
    sign_in_code_title: "Enter your code",
    sign_in_code_intro: "Open your authenticator app and enter the 6-digit code for Business Center. If you lost your phone, enter one of your recovery codes instead.",
    sign_in_code_expired: "This sign-in has expired. Sign in again.",
    error_two_step_setup_required: "Your organization requires two-step verification: set it up first.",

    not_found_title: "Page not found",
    not_found_body: "This page does not exist.",
    loading: "Loading…",
    error_invalid: "Correct the fields marked below.",
    error_unauthenticated: "Your session has ended. Sign in again.",
    error_bad_credentials: "The email address or password is not correct.",
    error_forbidden: "Your roles do not allow this.",
    error_not_found: "This item does not exist or no longer exists.",
    error_rate_limited: "Too many attempts. Try again in {minutes} min.",
    error_busy: "The Center is very busy. Try again in a moment.",
    error_bad_request: "The request could not be understood. Reload the page and try again.",
    error_internal: "Something went wrong on our side. Try again; if it keeps happening, contact support with reference {reference}.",
    error_request: "The request did not go through. Check your connection and try again.",
    status_active: "Active",
    main_navigation: "Areas of the Center",
    area_customers: "Customers",
    area_domains: "Domains",
    customer: "Customer",
    partners_of_record: "Partners of record",
    partner: "Partner",
    no_partners: "No partner is partner of record for your agreements.",
    no_customers: "No customer has made you partner of record yet.",
    manage_partner_visibility: "Manage partner visibility",
    partner_visibility_intro: "Each partner sees the licenses and orders placed through it. Turn the switch on to let a partner also see those placed through your other partners.",
    sees_other_partners: "May see licenses and orders placed through other partners",
    switch_on: "On",
    switch_off: "Off",
    designated_admin: "Designated administrator",
    admin_invited_until: "Invited, link expires {date}",
    admin_expired: "Invitation expired",
    admin_delivery_failed: "Delivery failed",
    admin_registered: "Registered",
    admin_not_invited: "Not invited",
    resend_invitation: "Resend invitation",
    change_admin: "Change administrator",
    change_admin_email: "Change email address",
    admin_changed: "The new designated administrator has been invited.",
    admin_email_changed: "The invitation was sent to the new address; the old link no longer works.",
    licenses_and_orders: "Licenses and orders",
    domains_intro: "Prove that your organization owns a domain: publish the TXT record shown below in the domain's DNS, then choose Verify. Online services can then be provisioned to the domain and its subdomains.",
    domain_field: "DOMAIN",
    add_domain: "ADD DOMAIN",
    txt_record: "TXT record to publish",
    record_name: "Name",
    record_value: "Value",
    copy: "Copy",
    verify: "Verify",
    no_domains: "No domains yet.",
    domain_pending: "Pending: publish the record and verify by {date}",
    domain_verified: "Verified on {date}",
    domain_expired: "Expired: add the domain again for a new record",
    domain_lapsed: "No longer verified: the record was missing 3 days in a row",
    check_verified: "Verified: the record was found.",
    check_no_record: "No TXT record was found at {name}. Publish it and try again; DNS changes can take a while to reach everyone.",
    check_wrong_value: "The TXT records at {name} do not hold the expected value. Found: {found}",
    check_dns_error: "DNS could not be asked ({error}). Try again in a few minutes.",
    check_expired: "This domain waited more than 7 days: add it again for a new record.",
    provision_needs_domain: "Online services are provisioned to a verified domain of your organization, and it has none yet: add and verify one under {domains}.",
    provision_to_domain: "The people whose email ends in this domain (or one of its subdomains) can use the service.",

};

/// Role in words.
pub fn role_name(value: Role) -> &'static str {
    match value {
        Role::AccountAdmin => "Account Admin",
        Role::AgreementAdmin => "Agreement Admin",
        Role::UserAdmin => "User Admin",
        Role::AccountManager => "Account Manager",
        Role::ReportViewer => "Report Viewer",
        Role::AccountViewer => "Account Viewer",
        Role::PartnerAdmin => "Partner Admin",
        Role::PartnerAgent => "Partner Agent",
    }
}

/// AuditAction in words.
pub fn audit_action(value: AuditAction) -> &'static str {
    use AuditAction::*;
    match value {
        InvitationSent => "Invitation sent",
        InvitationResent => "Invitation resent",
        InvitationAddressFixed => "Invitation address corrected",
        InvitationRevoked => "Invitation revoked",
        UserRolesChanged => "Roles changed",
        UserRemoved => "User removed",
        AgreementModified => "Agreement modified",
        KeyViewed => "Product key viewed",
        KeysExported => "Product keys exported",
        SubscriptionAssigned => "Subscriptions assigned",
        DesignatedAdminInvitationResent => "Administrator's invitation resent by partner",
        DesignatedAdminChanged => "Designated administrator changed",
        DesignatedAdminEmailChanged => "Designated administrator's email changed",
        PartnerVisibilityChanged => "Partner visibility changed",
        DomainAdded => "Domain added",
        DomainVerified => "Domain verified",
        SignedIn => "Signed in",
        SignInFailed => "Sign-in failed (wrong password)",
        SignedOut => "Signed out",
        PasswordChanged => "Password changed",
        SecondStepFailed => "Sign-in failed (wrong code)",
        TwoStepEnabled => "Two-step verification turned on",
        TwoStepDisabled => "Two-step verification turned off",
        RecoveryCodeUsed => "Signed in with a recovery code",
        RecoveryCodesRenewed => "New recovery codes",
        TwoStepRequirementChanged => "Two-step verification requirement changed",
    }
}

/// Problem in words.
pub fn problem(value: Problem) -> &'static str {
    use Problem::*;
    match value {
        Required => "This field is required.",
        EmailInvalid => "Enter an email address such as name@contoso.com.",
        AgreementNumberInvalid => {
            "An agreement number is exactly 10 digits, such as 1234567890."
        }
        PurchasingAccountNumberInvalid => {
            "A purchasing account number is 1 to 20 digits, such as 9876543210."
        }
        NameInvalid => {
            "A name is at most 100 characters and cannot contain < or >."
        }
        LanguageUnsupported => "Choose English or French.",
        CountryUnknown => "Choose a country or region from the list.",
        PasswordTooShort => "Use at least 12 characters.",
        PasswordTooLong => "Use at most 128 characters.",
        PasswordCommon => {
            "This password is common or has appeared in a data breach, so attackers try it first. Choose another; a few unrelated words make a strong one."
        }
        PasswordMismatch => "The two passwords are not the same.",
        CurrentPasswordWrong => "The current password is not correct.",
        CodeIncorrect => "This code is not correct, or it has already been used. Enter the code your app shows now.",
        TwoStepSetupStale => "This setup was replaced or completed. Start the setup again.",
        TwoStepRequiredByOrganization => "Your organization requires two-step verification, so it cannot be turned off.",
        TwoStepYoursFirst => "Turn on two-step verification for yourself before requiring it of everyone.",
        AgreementExists => "An agreement with this number is already registered.",
        EmailTaken => {
            "This email address already has an account in the Business Center."
        }
        AlreadyMember => "This person is already a member of your organization.",
        RoleRequired => "Choose at least one role.",
        RoleUnknown => "Choose a role from the list.",
        LastAccountAdmin => {
            "The organization needs at least one Account Admin: make someone else Account Admin first."
        }
        PurchaseOrderInvalid => {
            "A purchase order reference is at most 50 letters, digits, spaces or - / . _"
        }
        DateInvalid => "Enter a date as YYYY-MM-DD.",
        QuantityInvalid => "Enter a whole number above 0.",
        ServiceUnknown => {
            "Choose an online service and purchasing account from the list."
        }
        AdminRegistered => "This administrator has already created their account: change the designated administrator instead.",
        PartnerUnknown => "No partner organization has this name.",
        AgreementUnknown => "No agreement has this number.",
        OrganizationExists => "An organization with this name already exists: give its id to add the agreement to it, or choose another name.",
        OrganizationUnknown => "No organization has this id.",
        PartnerNotLinked => "This partner is not partner of record for this agreement.",
        DomainInvalid => "Enter a domain name such as contoso.com.",
        DomainConsumer => "This is a consumer mail domain (such as gmail.com): use your organization's own domain.",
        DomainTaken => "Another organization has already verified this domain.",
        DomainAlreadyAdded => "Your organization already has this domain, or a domain that covers it.",
        PurchasingAccountUnknown => "Choose a purchasing account from the list.",
        BulkFileEmpty => "Choose a CSV file with at least one person in it.",
        BulkFileTooLong => "A file can invite at most 1000 people at once: split it into smaller files.",
        DomainNotVerified => "Choose one of your organization's verified domains.",
        ExceedsEntitlement { .. } => {
            "That is more than the orders of this purchasing account entitle:"
        }
        AgreementNotActive => "Only an active agreement can be changed.",
        InviterLacksPower => {
            "The person who invited you can no longer give the roles in this invitation. Ask them or another administrator to invite you again."
        }
    }
}

/// More subscriptions asked for than the orders entitle.
pub fn exceeds_entitlement(ordered: i64, assigned: i64) -> String {
    format!(
        "{} {ordered} ordered, {assigned} already assigned: {} available.",
        problem(Problem::ExceedsEntitlement { ordered, assigned }),
        ordered - assigned
    )
}

/// Where an invitation stands, in words.
pub fn invitation_state(state: InvitationState) -> &'static str {
    match state {
        InvitationState::Invited => "Invited",
        InvitationState::Expired => "Expired",
        InvitationState::Revoked => "Revoked",
        InvitationState::DeliveryFailed => "Delivery failed",
    }
}
