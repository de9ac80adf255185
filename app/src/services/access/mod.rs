//! Manage access, as its pages are: inviting people (one at a time or from
//! a CSV file), the list of people, and changing or removing members.

pub mod bulk;
pub mod invite;
pub mod members;
pub mod people;
