// Leptos view types nest deeply.
#![recursion_limit = "256"]
//! The Business Center server: configuration, the HTTP router, the mail
//! worker and the operator's command line.

pub mod api_v1;
pub mod assets;
pub mod cli;
pub mod config;
pub mod demo;
pub mod files;
pub mod guards;
pub mod listen;
pub mod mail_worker;
pub mod routes;
pub mod scim;
pub mod sso;
pub mod startup;
pub mod webhook_worker;

pub use routes::router;
