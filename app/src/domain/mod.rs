//! Values that mean something to the business, shared by browser and server.
//! Each is parsed once at the edge; a value of these types is always valid.

mod agreement;
mod audit;
pub mod cidr;
pub mod csv;
mod domain_name;
mod email;
mod event;
mod lang;
mod password;
mod person;
mod problem;
mod product;
mod report;
mod role;
mod token;
pub mod wire;

pub use agreement::{AgreementNumber, PurchasingAccountNumber};
pub use audit::AuditAction;
pub use domain_name::{record_name_of, DomainName};
pub use email::Email;
pub use event::EventType;
pub use lang::{Country, Lang, COUNTRIES};
pub use password::{PasswordRule, MAX_PASSWORD_LEN, MIN_PASSWORD_LEN};
pub use person::{OrganizationName, PersonName};
pub use problem::Problem;
pub use product::{product_label, ProductKind};
pub use report::Report;
pub use role::{Capability, Role};
pub use token::InvitationToken;
