//! What directories send, read leniently where Entra ID is known to
//! differ from the RFC (operation names in any case — `"Replace"` —,
//! booleans as strings — `"active": "False"` —, attributes as paths in a
//! value without `path`) and strictly where a mistake would change the
//! wrong thing: PATCH operations (RFC 7644 §3.5.2) and the filters
//! directories find people with (§3.4.2.2).

use serde_json::Value;

use app::domain::Email;
use app::services::scim::users::{Changes, Filter};

use super::ScimError;

/// `true`, `false`, or the same as a string in any case.
pub fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn text(value: &Value, path: &str) -> Result<String, ScimError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ScimError::bad("invalidValue", format!("{path}: a string is expected")))
}

/// The operations of a PATCH body: each one's name (lowercase), path and
/// value.
fn operations(body: &Value) -> Result<Vec<(String, Option<String>, Value)>, ScimError> {
    let operations = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::bad("invalidSyntax", "a PatchOp with Operations is expected"))?;
    operations
        .iter()
        .map(|operation| {
            let op = operation
                .get("op")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .filter(|op| matches!(op.as_str(), "add" | "replace" | "remove"))
                .ok_or_else(|| ScimError::bad("invalidSyntax", "op is add, replace or remove"))?;
            let path = operation
                .get("path")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let value = operation.get("value").cloned().unwrap_or(Value::Null);
            Ok((op, path, value))
        })
        .collect()
}

/// The changes a PATCH of a User makes.
pub fn user_changes(body: &Value) -> Result<Changes, ScimError> {
    let mut changes = Changes::default();
    for (op, path, value) in operations(body)? {
        match path {
            Some(path) => set(&mut changes, &op, &path, &value)?,
            None => {
                let fields = value.as_object().ok_or_else(|| {
                    ScimError::bad("invalidSyntax", "without a path, the value is an object")
                })?;
                for (path, value) in fields {
                    set(&mut changes, &op, path, value)?;
                }
            }
        }
    }
    Ok(changes)
}

fn set(changes: &mut Changes, op: &str, path: &str, value: &Value) -> Result<(), ScimError> {
    let removing = op == "remove";
    // Attributes may come with their schema's URN in front.
    let path = path
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:User:")
        .unwrap_or(path);
    match path.to_ascii_lowercase().as_str() {
        // Removing it leaves a person active, as one created without it.
        "active" if removing => changes.active = Some(true),
        "active" => {
            let active = boolean(value)
                .ok_or_else(|| ScimError::bad("invalidValue", "active is true or false"))?;
            changes.active = Some(active);
        }
        "externalid" => {
            changes.external_id = Some(if removing {
                None
            } else {
                Some(text(value, path)?)
            });
        }
        "name.givenname" => {
            changes.given_name = Some(if removing {
                String::new()
            } else {
                text(value, path)?
            })
        }
        "name.familyname" => {
            changes.family_name = Some(if removing {
                String::new()
            } else {
                text(value, path)?
            })
        }
        "name" if removing => {
            changes.given_name = Some(String::new());
            changes.family_name = Some(String::new());
        }
        "name" => {
            if let Some(given) = value.get("givenName") {
                changes.given_name = Some(text(given, "name.givenName")?);
            }
            if let Some(family) = value.get("familyName") {
                changes.family_name = Some(text(family, "name.familyName")?);
            }
        }
        "username" => changes.user_name = Some(text(value, path)?),
        // The address is the account's: the same one is accepted, another
        // is refused (it would change who the person is).
        "emails" | "emails[type eq \"work\"].value" | "emails.value" if !removing => {
            if let Some(email) = work_email(value) {
                changes.email = Some(email?);
                changes.emails_sent = Some(value.is_array().then(|| value.to_string()));
            }
        }
        // Attributes the Center does not keep (title, phone numbers, the
        // enterprise extension…) are accepted and left alone, as the
        // directory's default mappings send them.
        _ => {}
    }
    Ok(())
}

/// The address among `emails` (the primary one, else the work one, else
/// the first), or the value itself when it is one address.
pub fn work_email(value: &Value) -> Option<Result<Email, ScimError>> {
    let chosen = match value {
        Value::String(one) => Some(one.as_str()),
        Value::Array(items) => {
            let pick = |test: &dyn Fn(&Value) -> bool| items.iter().find(|item| test(item));
            pick(&|item| item.get("primary").and_then(boolean) == Some(true))
                .or_else(|| pick(&|item| item.get("type").and_then(Value::as_str) == Some("work")))
                .or_else(|| items.first())
                .and_then(|item| item.get("value"))
                .and_then(Value::as_str)
        }
        _ => None,
    }?;
    Some(
        Email::parse(chosen)
            .map_err(|_| ScimError::bad("invalidValue", "emails hold email addresses")),
    )
}

/// What a PATCH of a Group does to its members.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Members {
    pub add: Vec<String>,
    pub remove: Vec<String>,
    /// `replace` of `members`: exactly these.
    pub exactly: Option<Vec<String>>,
}

fn ids(value: &Value) -> Result<Vec<String>, ScimError> {
    let items = match value {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![value.clone()],
        Value::Null => Vec::new(),
        _ => {
            return Err(ScimError::bad(
                "invalidValue",
                "members are [{\"value\": id}]",
            ))
        }
    };
    items
        .iter()
        .map(|item| {
            item.get("value")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ScimError::bad("invalidValue", "each member has a value"))
        })
        .collect()
}

/// `members[value eq "id"]`: the id.
fn member_filter(path: &str) -> Option<String> {
    let inner = path.strip_prefix("members[")?.strip_suffix(']')?;
    match filter_parts(inner)? {
        (attribute, value) if attribute.eq_ignore_ascii_case("value") => Some(value),
        _ => None,
    }
}

pub fn group_changes(body: &Value) -> Result<Members, ScimError> {
    let mut members = Members::default();
    for (op, path, value) in operations(body)? {
        let (path, value) = match path {
            Some(path) => (path, value),
            None => match value.get("members") {
                Some(listed) => ("members".to_owned(), listed.clone()),
                // displayName and the like: a role's name is the Center's.
                None => continue,
            },
        };
        if let Some(id) = member_filter(&path) {
            if op != "remove" {
                return Err(ScimError::bad(
                    "invalidPath",
                    "a filtered member can only be removed",
                ));
            }
            members.remove.push(id);
            continue;
        }
        if !path.eq_ignore_ascii_case("members") {
            continue;
        }
        match op.as_str() {
            "add" => members.add.extend(ids(&value)?),
            "remove" if value.is_null() => members.exactly = Some(Vec::new()),
            "remove" => members.remove.extend(ids(&value)?),
            _ => members.exactly = Some(ids(&value)?),
        }
    }
    Ok(members)
}

/// `attribute eq "value"`, the operator in any case.
fn filter_parts(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let (attribute, rest) = text.split_once(char::is_whitespace)?;
    let (operator, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if !operator.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = value.trim();
    let value = value.strip_prefix('"')?.strip_suffix('"')?;
    Some((attribute.to_owned(), value.replace("\\\"", "\"")))
}

/// The filters on Users the Center answers: `userName eq`, `externalId
/// eq`, `emails[value eq …]` (and `emails.value eq`).
pub fn user_filter(filter: Option<&str>) -> Result<Filter, ScimError> {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(Filter::All);
    };
    let unsupported = || {
        ScimError::bad(
            "invalidFilter",
            "filters supported: userName eq, externalId eq, emails[value eq]",
        )
    };
    if let Some(inner) = filter
        .strip_prefix("emails[")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        let (attribute, value) = filter_parts(inner).ok_or_else(unsupported)?;
        if attribute.eq_ignore_ascii_case("value") {
            return Ok(Filter::Email(value));
        }
        return Err(unsupported());
    }
    let (attribute, value) = filter_parts(filter).ok_or_else(unsupported)?;
    match attribute.to_ascii_lowercase().as_str() {
        "username" => Ok(Filter::UserName(value)),
        "emails.value" | "emails" => Ok(Filter::Email(value)),
        "externalid" => Ok(Filter::ExternalId(value)),
        _ => Err(unsupported()),
    }
}

/// `displayName eq "…"` on Groups: the name sought.
pub fn group_filter(filter: Option<&str>) -> Result<Option<String>, ScimError> {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(None);
    };
    match filter_parts(filter) {
        Some((attribute, value)) if attribute.eq_ignore_ascii_case("displayName") => {
            Ok(Some(value))
        }
        Some((attribute, value)) if attribute.eq_ignore_ascii_case("id") => Ok(Some(value)),
        _ => Err(ScimError::bad(
            "invalidFilter",
            "filters supported: displayName eq",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Entra ID's shapes, from Microsoft's "Develop a SCIM endpoint"
    /// tutorial's request examples.
    #[test]
    fn entra_patches_are_read() {
        let disable = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{ "op": "Replace", "path": "active", "value": "False" }]
        });
        let changes = user_changes(&disable).expect("read");
        assert_eq!(changes.active, Some(false));
        let no_path = json!({
            "Operations": [{ "op": "replace", "value": { "active": false, "name.givenName": "Ana" } }]
        });
        let changes = user_changes(&no_path).expect("read");
        assert_eq!(
            (changes.active, changes.given_name.as_deref()),
            (Some(false), Some("Ana"))
        );
        let mail = json!({
            "Operations": [{ "op": "Add", "path": "emails[type eq \"work\"].value", "value": "A@contoso.com" },
                           { "op": "Add", "path": "externalId", "value": "0a21f0f2-8d2a-4f8e" },
                           { "op": "Add", "path": "title", "value": "Manager" }]
        });
        let changes = user_changes(&mail).expect("read");
        assert_eq!(
            changes.external_id,
            Some(Some("0a21f0f2-8d2a-4f8e".to_owned()))
        );
        assert_eq!(
            changes.email.map(|e| e.as_str().to_owned()).as_deref(),
            Some("a@contoso.com")
        );
        let unknown = json!({ "Operations": [{ "op": "Move", "path": "active", "value": true }] });
        assert!(user_changes(&unknown).is_err());
    }

    #[test]
    fn group_members_are_added_and_removed_in_each_shape() {
        let add = json!({ "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": "u1" }, { "value": "u2" }] }] });
        assert_eq!(group_changes(&add).expect("read").add, ["u1", "u2"]);
        let remove = json!({ "Operations": [{ "op": "Remove", "path": "members", "value": [{ "value": "u1" }] }] });
        assert_eq!(group_changes(&remove).expect("read").remove, ["u1"]);
        let filtered =
            json!({ "Operations": [{ "op": "remove", "path": "members[value eq \"u2\"]" }] });
        assert_eq!(group_changes(&filtered).expect("read").remove, ["u2"]);
        let renamed =
            json!({ "Operations": [{ "op": "Replace", "value": { "displayName": "x" } }] });
        assert_eq!(group_changes(&renamed).expect("read"), Members::default());
    }

    #[test]
    fn filters_are_the_ones_directories_send() {
        assert_eq!(
            user_filter(Some("userName eq \"A@contoso.com\"")).expect("ok"),
            Filter::UserName("A@contoso.com".into())
        );
        assert_eq!(
            user_filter(Some("userName EQ \"a@contoso.com\"")).expect("ok"),
            Filter::UserName("a@contoso.com".into())
        );
        assert_eq!(
            user_filter(Some("externalId eq \"x-1\"")).expect("ok"),
            Filter::ExternalId("x-1".into())
        );
        assert_eq!(
            user_filter(Some("emails[value eq \"a@contoso.com\"]")).expect("ok"),
            Filter::Email("a@contoso.com".into())
        );
        assert_eq!(user_filter(None).expect("ok"), Filter::All);
        assert!(user_filter(Some("userName sw \"a\"")).is_err());
        assert!(user_filter(Some("title eq \"x\"")).is_err());
        assert_eq!(
            group_filter(Some("displayName eq \"Account Admin\"")).expect("ok"),
            Some("Account Admin".into())
        );
    }
}
