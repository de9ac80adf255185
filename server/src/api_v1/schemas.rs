//! What the OpenAPI document says of values the types alone do not: the
//! shape of an address, a name, a language, a country, role and event
//! keys. Scripts (and Schemathesis) then know what is accepted before
//! they send it, from the same lists the parsers use.

use serde::Deserialize;
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

/// Reads a JSON number as a whole number the way JSON Schema counts one:
/// `12` and `12.0` are both the integer 12; `12.5` is not.
pub fn whole<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    let number = serde_json::Number::deserialize(deserializer)?;
    if let Some(whole) = number.as_i64() {
        return Ok(whole);
    }
    match number.as_f64() {
        Some(value) if value.fract() == 0.0 && value.abs() < 9.0e15 => Ok(value as i64),
        _ => Err(D::Error::custom("not a whole number")),
    }
}

/// [`whole`], for a number that may be left out or null.
pub fn maybe_whole<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole")] i64);
    Ok(Option::<Whole>::deserialize(deserializer)?.map(|Whole(value)| value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "whole")]
        count: i64,
        #[serde(default, deserialize_with = "maybe_whole")]
        id: Option<i64>,
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let read =
            |text: &str| serde_json::from_str::<Body>(text).map(|body| (body.count, body.id));
        assert_eq!(read(r#"{"count": 12}"#).ok(), Some((12, None)));
        assert_eq!(
            read(r#"{"count": 12.0, "id": 3.0}"#).ok(),
            Some((12, Some(3)))
        );
        assert_eq!(read(r#"{"count": 1, "id": null}"#).ok(), Some((1, None)));
        assert!(read(r#"{"count": 12.5}"#).is_err());
        assert!(read(r#"{"count": "12"}"#).is_err());
    }
}
