//! What the OpenAPI document says of values the types alone do not: the
//! shape of an address, a name, a language, a country, role and event
//! keys. Scripts (and Schemathesis) then know what is accepted before
//! they send it, from the same lists the parsers use.

use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};
use utoipa::openapi::SchemaFormat;

use app::domain::{EventType, OrganizationName, PersonName, Role, COUNTRIES};

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

pub fn email() -> Object {
    text()
        .format(Some(SchemaFormat::Custom("email".to_owned())))
        .max_length(Some(254))
        .build()
}

/// A name (a person's, an organization's): 1 to 100 characters, one of
/// them not a space, no `<`, `>` or control characters.
pub const NAME_PATTERN: &str = r"^[^<>\u0000-\u001f\u007f-\u009f]*[^\s<>\u0000-\u001f\u007f-\u009f][^<>\u0000-\u001f\u007f-\u009f]*$";

pub fn person_name() -> Object {
    name(PersonName::MAX_CHARS)
}

pub fn organization_name() -> Object {
    name(OrganizationName::MAX_CHARS)
}

fn name(max: usize) -> Object {
    text()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(NAME_PATTERN))
        .build()
}

pub fn language() -> Object {
    text()
        .enum_values(Some(["en", "fr"]))
        .default(Some("en".into()))
        .build()
}

/// ISO 3166 codes of the countries and regions the forms offer.
pub fn country() -> Object {
    text()
        .enum_values(Some(COUNTRIES.iter().map(|country| country.code)))
        .default(Some("US".into()))
        .build()
}

fn keys(values: impl Iterator<Item = &'static str>) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(text().enum_values(Some(values)).build())
        .min_items(Some(1))
}

/// Role keys, as in the CSV invitation.
pub fn roles() -> utoipa::openapi::schema::Array {
    keys(Role::ALL.into_iter().map(Role::key)).build()
}

/// Event types: `agreement.created` for the vendor operator's endpoints,
/// the others for an organization's.
pub fn events() -> utoipa::openapi::schema::Array {
    keys(EventType::ALL.into_iter().map(EventType::key)).build()
}

pub fn webhook_url() -> Object {
    text()
        .format(Some(SchemaFormat::Custom("uri".to_owned())))
        .pattern(Some("^https://"))
        .max_length(Some(2000))
        .build()
}
