//! Every word of the interface: the texts of each language live in a file
//! of their own (`en.rs`, `fr.rs`), in one struct, so that a missing
//! translation is a compile error. A sentence with a value in it is one
//! text with a `{name}` placeholder, so a translator can move the value.

pub mod dates;
pub mod en;
pub mod fr;

use crate::domain::wire::{AdminState, DomainCheck, DomainStatus, PersonKind, PersonRow};
use crate::domain::{AuditAction, Lang, Problem, Role};
use crate::error::AppError;

pub use dates::{iso_date, parse_iso_date};

/// The language of the page being rendered (`App` provides it).
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

pub struct Texts {
    pub app_name: &'static str,
    pub language: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub my_profile: &'static str,
    pub dashboard: &'static str,
    pub account_menu: &'static str,

    pub sign_in_title: &'static str,
    pub work_account_intro: &'static str,
    pub work_account_not_personal: &'static str,
    pub email_address: &'static str,
    pub password: &'static str,
    pub no_invitation_link: &'static str,

    pub resend_title: &'static str,
    pub resend_intro: &'static str,
    pub agreement_number: &'static str,
    pub purchasing_account_number: &'static str,
    pub submit: &'static str,
    pub resend_done: &'static str,
    pub resend_spam_note: &'static str,
    pub back_to_sign_in: &'static str,

    pub create_account_title: &'static str,
    pub not_you: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub create_password: &'static str,
    pub confirm_password: &'static str,
    pub country_region: &'static str,
    pub country_missing: &'static str,
    pub country_missing_help: &'static str,
    /// `{start}`: the Start button's label, in bold.
    pub terms: &'static str,
    pub start: &'static str,
    pub password_rules_title: &'static str,
    pub rule_length: &'static str,
    pub rule_common: &'static str,
    pub invitation_for_agreement: &'static str,
    /// `{date}`: the day the link stops working.
    pub invitation_expires_on: &'static str,

    pub expired_title: &'static str,
    pub expired_body: &'static str,
    pub used_title: &'static str,
    pub used_body: &'static str,
    pub superseded_title: &'static str,
    pub superseded_body: &'static str,
    pub revoked_title: &'static str,
    pub revoked_body: &'static str,
    pub unknown_title: &'static str,
    pub unknown_body: &'static str,
    pub request_new_invitation: &'static str,

    pub welcome: &'static str,
    pub organization: &'static str,
    pub agreements: &'static str,
    pub purchasing_account: &'static str,
    pub account_administrator: &'static str,
    pub your_areas: &'static str,
    /// What search engines and link previews say of the Center.
    pub meta_description: &'static str,
    pub license_usage: &'static str,
    pub usage_owned: &'static str,
    pub usage_assigned: &'static str,
    pub all_licenses: &'static str,
    pub licenses_of_product: &'static str,
    pub area_agreements: &'static str,
    pub area_orders: &'static str,
    pub area_licenses: &'static str,
    pub area_keys: &'static str,
    pub area_downloads: &'static str,
    pub area_reports: &'static str,
    pub area_provisioning: &'static str,
    pub area_users: &'static str,
    pub no_areas: &'static str,

    pub manage_access: &'static str,
    pub manage_users: &'static str,
    pub invite_user: &'static str,
    pub invite: &'static str,
    pub invite_another: &'static str,
    pub role: &'static str,
    pub select: &'static str,
    pub add_role: &'static str,
    pub cancel: &'static str,
    pub invitation_sent_to: &'static str,
    pub invitation_resent_to: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub pending_invitations: &'static str,
    pub users: &'static str,
    pub status: &'static str,
    pub expires: &'static str,
    pub actions: &'static str,
    pub resend: &'static str,
    pub fix_address: &'static str,
    pub revoke: &'static str,
    pub edit_roles: &'static str,
    pub save: &'static str,
    pub remove: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub nobody_found: &'static str,
    pub bulk_invite: &'static str,
    pub bulk_help: &'static str,
    pub bulk_file: &'static str,
    pub bulk_progress: &'static str,
    pub line: &'static str,
    pub result: &'static str,
    pub outcome_invited: &'static str,
    pub outcome_resent: &'static str,
    pub outcome_already_user: &'static str,
    pub outcome_refused: &'static str,
    pub audit_log: &'static str,
    pub audit_when: &'static str,
    pub audit_who: &'static str,
    pub audit_what: &'static str,
    pub audit_whom: &'static str,
    pub audit_detail: &'static str,
    pub audit_from: &'static str,
    pub older: &'static str,
    pub done: &'static str,
    pub agreement_type: &'static str,
    pub start_date: &'static str,
    pub end_date: &'static str,
    pub agreement_active: &'static str,
    pub agreement_inactive: &'static str,
    pub purchase_order: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
    pub edit_details: &'static str,
    pub saved: &'static str,
    pub order_number: &'static str,
    pub order_date: &'static str,
    pub products: &'static str,
    pub amount: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub product: &'static str,
    pub any: &'static str,
    pub filter: &'static str,
    pub no_orders: &'static str,
    pub quantity: &'static str,
    pub see_orders: &'static str,
    pub no_licenses: &'static str,
    pub key: &'static str,
    pub show_key: &'static str,
    pub no_keys: &'static str,
    pub online_services: &'static str,
    pub ordered: &'static str,
    pub assigned: &'static str,
    pub available: &'static str,
    pub assign_subscriptions: &'static str,
    pub service_field: &'static str,
    pub quantity_field: &'static str,
    pub start_date_field: &'static str,
    pub assign: &'static str,
    pub assigned_notice: &'static str,
    pub subscriptions: &'static str,
    pub assigned_by: &'static str,
    pub no_services: &'static str,
    pub no_subscriptions: &'static str,
    pub no_downloads: &'static str,
    pub file: &'static str,
    pub size: &'static str,
    pub download: &'static str,
    pub report_license_summary: &'static str,
    pub report_license_summary_about: &'static str,
    pub report_orders_about: &'static str,
    pub report_keys_about: &'static str,
    pub export_csv: &'static str,

    pub name: &'static str,
    pub preferred_language: &'static str,
    pub roles: &'static str,
    pub roles_note: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
    pub two_step: &'static str,
    pub two_step_intro: &'static str,
    pub two_step_manage: &'static str,
    pub reset_two_step: &'static str,
    pub sessions_title: &'static str,
    pub sessions_intro: &'static str,
    pub session_browser: &'static str,
    pub session_address: &'static str,
    pub session_signed_in: &'static str,
    pub session_last_seen: &'static str,
    pub session_this_one: &'static str,
    pub session_unknown_browser: &'static str,
    pub sign_out_session: &'static str,
    pub sign_out_other_sessions: &'static str,
    pub api_tokens: &'static str,
    pub api_tokens_intro: &'static str,
    pub token_name: &'static str,
    pub token_lifetime: &'static str,
    pub token_days: &'static str,
    pub token_roles: &'static str,
    pub create_token: &'static str,
    pub token_created: &'static str,
    pub token_owner: &'static str,
    pub token_created_on: &'static str,
    pub token_last_used: &'static str,
    pub token_never_used: &'static str,
    pub token_expires: &'static str,
    pub no_tokens: &'static str,
    pub webhooks_intro: &'static str,
    pub add_webhook: &'static str,
    pub webhook_url: &'static str,
    pub webhook_events: &'static str,
    pub webhook_secret_shown: &'static str,
    pub no_webhooks: &'static str,
    pub webhook_active: &'static str,
    pub webhook_paused: &'static str,
    pub webhook_gone: &'static str,
    pub webhook_failing: &'static str,
    pub webhook_waiting: &'static str,
    pub deliveries: &'static str,
    pub send_test_event: &'static str,
    pub rotate_secret: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub delete: &'static str,
    pub redeliver: &'static str,
    pub deliveries_of: &'static str,
    pub no_deliveries: &'static str,
    pub event: &'static str,
    pub attempts: &'static str,
    pub response: &'static str,
    pub last_attempt: &'static str,
    pub next_attempt: &'static str,
    pub delivery_pending: &'static str,
    pub delivery_delivered: &'static str,
    pub delivery_failed: &'static str,
    pub two_step_on_since: &'static str,
    pub two_step_off: &'static str,
    pub recovery_codes_left: &'static str,
    pub two_step_start: &'static str,
    pub two_step_scan: &'static str,
    pub two_step_qr_label: &'static str,
    pub two_step_secret_once: &'static str,
    pub two_step_code: &'static str,
    pub two_step_confirm_intro: &'static str,
    pub two_step_turn_on: &'static str,
    pub recovery_codes_title: &'static str,
    pub recovery_codes_intro: &'static str,
    pub recovery_codes_saved: &'static str,
    pub renew_recovery_codes: &'static str,
    pub two_step_turn_off: &'static str,
    pub two_step_password_note: &'static str,
    pub two_step_required_notice: &'static str,
    pub organization_two_step: &'static str,
    pub organization_two_step_required: &'static str,
    pub organization_two_step_optional: &'static str,
    pub require_two_step: &'static str,
    pub stop_requiring_two_step: &'static str,
    pub sign_in_code_title: &'static str,
    pub sign_in_code_intro: &'static str,
    pub verify: &'static str,
    pub sign_in_code_expired: &'static str,
    pub error_two_step_setup_required: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub loading: &'static str,

    pub error_invalid: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_bad_credentials: &'static str,
    pub error_forbidden: &'static str,
    pub error_not_found: &'static str,
    pub error_rate_limited: &'static str,
    pub error_busy: &'static str,
    pub error_provider_unreachable: &'static str,
    pub error_bad_request: &'static str,
    /// `{reference}`: what to quote to support.
    pub error_internal: &'static str,
    pub error_request: &'static str,
    pub status_active: &'static str,
    pub status_deactivated: &'static str,
    pub main_navigation: &'static str,
    pub area_customers: &'static str,
    pub area_domains: &'static str,
    pub area_webhooks: &'static str,
    pub area_sso: &'static str,
    pub sso_intro: &'static str,
    pub sso_redirect_uri: &'static str,
    pub sso_issuer: &'static str,
    pub sso_client_id: &'static str,
    pub sso_client_secret: &'static str,
    pub sso_client_secret_kept: &'static str,
    pub sso_domains: &'static str,
    pub sso_no_verified_domains: &'static str,
    pub sso_create_accounts: &'static str,
    pub sso_create_roles: &'static str,
    pub sso_save: &'static str,
    pub sso_test: &'static str,
    pub sso_test_intro: &'static str,
    pub sso_tested_at: &'static str,
    pub sso_test_passed: &'static str,
    pub sso_test_failed: &'static str,
    pub sso_status_on: &'static str,
    pub sso_status_off: &'static str,
    pub sso_turn_on: &'static str,
    pub sso_turn_off: &'static str,
    pub sso_require: &'static str,
    pub sso_stop_requiring: &'static str,
    pub sso_required_note: &'static str,
    pub sso_require_needs_test: &'static str,
    pub continue_with_sso: &'static str,
    pub sso_use_password: &'static str,
    pub sso_provisioning: &'static str,
    pub sso_provisioning_intro: &'static str,
    pub scim_base_url: &'static str,
    pub scim_token_name: &'static str,
    pub create_scim_token: &'static str,
    pub scim_token_shown: &'static str,
    pub sso_failed_expired: &'static str,
    pub sso_failed_unreachable: &'static str,
    pub sso_failed_denied: &'static str,
    pub sso_failed_no_account: &'static str,
    pub sso_failed_refused: &'static str,
    pub invitation_with_sso: &'static str,
    pub customer: &'static str,
    pub partners_of_record: &'static str,
    pub partner: &'static str,
    pub no_partners: &'static str,
    pub no_customers: &'static str,
    pub manage_partner_visibility: &'static str,
    pub admin_change_requested: &'static str,
    pub admin_requests_title: &'static str,
    pub admin_requests_intro: &'static str,
    pub admin_request_current: &'static str,
    pub admin_request_proposed: &'static str,
    pub admin_request_asked: &'static str,
    pub admin_request_lapses: &'static str,
    pub approve: &'static str,
    pub decline: &'static str,
    pub partner_visibility_intro: &'static str,
    pub sees_other_partners: &'static str,
    pub switch_on: &'static str,
    pub switch_off: &'static str,
    pub designated_admin: &'static str,
    pub admin_invited_until: &'static str,
    pub admin_expired: &'static str,
    pub admin_delivery_failed: &'static str,
    pub admin_registered: &'static str,
    pub admin_not_invited: &'static str,
    pub resend_invitation: &'static str,
    pub change_admin: &'static str,
    pub change_admin_email: &'static str,
    pub admin_changed: &'static str,
    pub admin_email_changed: &'static str,
    pub licenses_and_orders: &'static str,
    pub domains_intro: &'static str,
    pub domain_field: &'static str,
    pub add_domain: &'static str,
    pub txt_record: &'static str,
    pub record_name: &'static str,
    pub record_value: &'static str,
    pub copy: &'static str,
    pub no_domains: &'static str,
    pub domain_pending: &'static str,
    pub domain_verified: &'static str,
    pub domain_expired: &'static str,
    pub domain_lapsed: &'static str,
    pub check_verified: &'static str,
    pub check_no_record: &'static str,
    pub check_wrong_value: &'static str,
    pub check_dns_error: &'static str,
    pub check_expired: &'static str,
    pub provision_needs_domain: &'static str,
    pub provision_to_domain: &'static str,
}

impl Role {
    /// The role's name in the reader's language.
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => en::role_name(self),
            Lang::Fr => fr::role_name(self),
        }
    }
}

impl AuditAction {
    /// The action in words, as the audit log page shows it.
    pub fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => en::audit_action(self),
            Lang::Fr => fr::audit_action(self),
        }
    }
}

impl Problem {
    /// The message in the reader's language.
    pub fn text(self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::ExceedsEntitlement { ordered, assigned }, Lang::En) => {
                en::exceeds_entitlement(ordered, assigned)
            }
            (Problem::ExceedsEntitlement { ordered, assigned }, Lang::Fr) => {
                fr::exceeds_entitlement(ordered, assigned)
            }
            (_, Lang::En) => en::problem(self).to_owned(),
            (_, Lang::Fr) => fr::problem(self).to_owned(),
        }
    }
}

impl AppError {
    /// A message for the whole form, when the error is not about one field.
    pub fn summary(&self, lang: Lang) -> String {
        let t = lang.texts();
        match self {
            AppError::Invalid(_) => t.error_invalid.to_owned(),
            AppError::Unauthenticated => t.error_unauthenticated.to_owned(),
            AppError::BadCredentials => t.error_bad_credentials.to_owned(),
            AppError::Forbidden => t.error_forbidden.to_owned(),
            AppError::TwoStepSetupRequired => t.error_two_step_setup_required.to_owned(),
            AppError::NotFound => t.error_not_found.to_owned(),
            AppError::RateLimited { retry_after_secs } => fill(
                t.error_rate_limited,
                &[("minutes", &minutes_to_wait(*retry_after_secs).to_string())],
            ),
            AppError::Busy => t.error_busy.to_owned(),
            AppError::ProviderUnreachable(host) => {
                fill(t.error_provider_unreachable, &[("provider", host)])
            }
            AppError::BadRequest => t.error_bad_request.to_owned(),
            AppError::Internal(reference) => fill(t.error_internal, &[("reference", reference)]),
            AppError::Request(_) => t.error_request.to_owned(),
        }
    }
}

impl PersonRow {
    /// Where the person stands, in words.
    pub fn status_name(&self, lang: Lang) -> &'static str {
        match self.kind {
            PersonKind::User if self.deactivated => lang.texts().status_deactivated,
            PersonKind::User => lang.texts().status_active,
            PersonKind::Invitation { state, .. } => match lang {
                Lang::En => en::invitation_state(state),
                Lang::Fr => fr::invitation_state(state),
            },
        }
    }
}

/// Whole minutes, rounded up, never zero: "try again in 0 minutes" reads
/// as an invitation to hammer the button.
fn minutes_to_wait(seconds: i64) -> i64 {
    (seconds.max(1) + 59) / 60
}

/// `template` with each `{name}` replaced by its value.
impl AdminState {
    /// Where a designated administrator stands, in words.
    pub fn text(self, lang: Lang) -> String {
        let t = lang.texts();
        match self {
            AdminState::Invited { expires_at } => fill(
                t.admin_invited_until,
                &[("date", &lang.format_date(expires_at))],
            ),
            AdminState::Expired => t.admin_expired.to_owned(),
            AdminState::DeliveryFailed => t.admin_delivery_failed.to_owned(),
            AdminState::Registered => t.admin_registered.to_owned(),
            AdminState::NotInvited => t.admin_not_invited.to_owned(),
        }
    }
}

impl DomainStatus {
    pub fn text(self, lang: Lang) -> String {
        let t = lang.texts();
        match self {
            DomainStatus::Pending { expires_at } => {
                fill(t.domain_pending, &[("date", &lang.format_date(expires_at))])
            }
            DomainStatus::Verified { verified_at } => fill(
                t.domain_verified,
                &[("date", &lang.format_date(verified_at))],
            ),
            DomainStatus::Expired => t.domain_expired.to_owned(),
            DomainStatus::Lapsed => t.domain_lapsed.to_owned(),
        }
    }
}

impl DomainCheck {
    /// What a Verify found, for the record at `record_name`.
    pub fn text(&self, lang: Lang, record_name: &str) -> String {
        let t = lang.texts();
        match self {
            DomainCheck::Verified => t.check_verified.to_owned(),
            DomainCheck::NoRecord => fill(t.check_no_record, &[("name", record_name)]),
            DomainCheck::WrongValue(found) => fill(
                t.check_wrong_value,
                &[("name", record_name), ("found", &found.join(" · "))],
            ),
            DomainCheck::DnsError(error) => fill(t.check_dns_error, &[("error", error)]),
            DomainCheck::Expired => t.check_expired.to_owned(),
        }
    }
}

pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// `template` cut around its one `{name}` placeholder, for a view that puts
/// an element (a bold word, a link) in its place.
pub fn around<'a>(template: &'a str, name: &str) -> (&'a str, &'a str) {
    template
        .split_once(&format!("{{{name}}}"))
        .unwrap_or((template, ""))
}

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Fr => &fr::TEXTS,
        }
    }
}
