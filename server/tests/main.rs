//! Every integration test of `server` in one binary: linking the whole stack once
//! instead of once per file saves minutes and gigabytes on a 2-core machine.

mod access;
mod agreements;
mod api_v1;
mod api_v1_account;
mod api_v1_operator;
mod api_v1_people;
mod api_v1_tokens;
mod areas;
mod bulk;
mod cli;
mod cli_secrets;
mod cli_tokens;
mod common;
mod domains;
mod hardening;
mod http;
mod mail;
mod partners;
mod scim;
mod sessions;
mod spam;
mod sso;
mod sso_tokens;
mod webhooks;
mod webhooks_limits;
