//! Every integration test of `app` in one binary: linking the whole stack once
//! instead of once per file saves minutes and gigabytes on a 2-core machine.

mod access;
mod agreements;
mod catalog;
mod common;
mod delivery;
mod docs;
mod domains;
mod keys;
mod limits;
mod members;
mod migrations;
mod onboarding;
mod orders;
mod partners;
mod rescues;
mod sessions;
mod two_step;
mod visibility;
