//! Server functions: public HTTP endpoints under `/api/`. Each checks the
//! session and roles itself, then calls a service in `crate::services`.

pub mod access;
pub mod account;
pub mod agreements;
pub mod auth;
pub mod domains;
pub mod downloads;
pub mod invitation;
pub mod keys;
pub mod orders;
pub mod partners;
pub mod provisioning;
pub mod reports;
pub mod sso;
pub mod two_step;
pub mod webhooks;
