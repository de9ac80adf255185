//! Every integration test of `app` in one binary: linking the whole stack once
//! instead of once per file saves minutes and gigabytes on a 2-core machine.

mod access;
mod admin_requests;
mod agreements;
mod bulk;
mod catalog;
mod colleagues;
mod common;
mod delivery;
mod docs;
mod domains;
mod events;
mod keys;
mod limits;
mod members;
mod migrations;
mod onboarding;
mod orders;
mod partners;
mod rescues;
mod secrets;
mod sessions;
mod sso;
mod tokens;
mod two_step;
mod visibility;
