//! The rows, pages and forms that cross the wire between the server
//! functions and the pages. They live below both, so that services fill
//! them without knowing about server functions.

mod access;
mod account;
mod agreements;
mod domains;
mod downloads;
mod invitation;
mod keys;
mod orders;
mod partners;
mod provisioning;
mod reports;
mod sso;
mod webhooks;

pub use access::*;
pub use account::*;
pub use agreements::*;
pub use domains::*;
pub use downloads::*;
pub use invitation::*;
pub use keys::*;
pub use orders::*;
pub use partners::*;
pub use provisioning::*;
pub use reports::*;
pub use sso::*;
pub use webhooks::*;
