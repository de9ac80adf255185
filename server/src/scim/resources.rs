//! `/scim/v2/Users` and `/scim/v2/Groups`: the directory's people, and
//! one group per customer role, whose members hold it.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use app::domain::{Email, Lang, Role};
use app::i18n::dates::rfc3339;
use app::services::scim::users::{self, Changes, Person, Record};
use app::services::scim::{self as provisioning};
use app::services::AppState;

use super::patch::{self, boolean, work_email};
use super::{list_response, location, scim, Caller, ScimError, BASE, GROUP, USER};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{BASE}/Users"), get(list_users).post(create_user))
        .route(
            &format!("{BASE}/Users/.search"),
            axum::routing::post(search_users),
        )
        .route(
            &format!("{BASE}/.search"),
            axum::routing::post(search_users),
        )
        .route(
            &format!("{BASE}/Users/{{id}}"),
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route(
            &format!("{BASE}/Groups"),
            get(list_groups).post(create_group),
        )
        .route(
            &format!("{BASE}/Groups/{{id}}"),
            get(get_group)
                .patch(patch_group)
                .put(fixed_group)
                .delete(fixed_group),
        )
}

type Answer = Result<Response, ScimError>;

fn json_body(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body)
        .map_err(|_| ScimError::bad("invalidSyntax", "the body is not JSON"))
}

fn user_json(state: &AppState, record: &Record) -> Value {
    let lang = Lang::En;
    let full = format!("{} {}", record.given_name, record.family_name)
        .trim()
        .to_owned();
    let mut user = json!({
        "schemas": [USER],
        "id": record.id,
        "userName": record.user_name,
        "emails": record
            .emails_sent
            .as_deref()
            .and_then(|sent| serde_json::from_str::<Value>(sent).ok())
            .filter(Value::is_array)
            .unwrap_or_else(|| json!([{ "value": record.email, "type": "work", "primary": true }])),
        "active": record.active,
        "groups": record.roles.iter().map(|role| json!({
            "value": role.key(),
            "display": role.name(lang),
            "$ref": location(state, "Groups", role.key()),
        })).collect::<Vec<_>>(),
        "meta": {
            "resourceType": "User",
            "created": rfc3339(record.created_at),
            "lastModified": rfc3339(record.updated_at),
            "location": location(state, "Users", &record.id),
        },
    });
    if let Some(external_id) = &record.external_id {
        user["externalId"] = json!(external_id);
    }
    // What the directory left empty is left out, as RFC 7643 §2.5 has it.
    let mut name = serde_json::Map::new();
    for (key, value) in [
        ("givenName", &record.given_name),
        ("familyName", &record.family_name),
    ] {
        if !value.is_empty() {
            name.insert(key.to_owned(), json!(value));
        }
    }
    if !full.is_empty() {
        user["displayName"] = json!(full);
    }
    if !name.is_empty() {
        user["name"] = Value::Object(name);
    }
    user
}

fn page(query: &HashMap<String, String>) -> Result<(i64, i64), ScimError> {
    let number = |name: &str, default: i64| -> Result<i64, ScimError> {
        match query.get(name) {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse::<i64>()
                .map_err(|_| ScimError::bad("invalidValue", format!("{name} is a number"))),
        }
    };
    let start = number("startIndex", 1)?.max(1);
    let count = number("count", 100)?.clamp(0, users::MAX_PAGE);
    Ok((start, count))
}

/// RFC 7644 §3.9: `attributes` keeps only those named (and `id` and
/// `schemas`), `excludedAttributes` leaves those named out; names in any
/// case, a sub-attribute as `name.givenName`.
fn project(resource: Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let Value::Object(mut fields) = resource else {
        return resource;
    };
    let names = |list: Option<&str>| -> Vec<String> {
        list.unwrap_or_default()
            .split(',')
            .map(|name| {
                name.trim()
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .filter(|name| !name.is_empty())
            .collect()
    };
    let kept = names(attributes);
    if !kept.is_empty() {
        fields.retain(|key, _| {
            let key = key.to_ascii_lowercase();
            key == "id"
                || key == "schemas"
                || kept.iter().any(|name| name.split('.').next() == Some(&key))
        });
    }
    for name in names(excluded) {
        if name == "id" || name == "schemas" {
            continue;
        }
        match name.split_once('.') {
            Some((parent, child)) => {
                let parent = fields
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(parent))
                    .cloned();
                if let Some(Value::Object(inner)) = parent.and_then(|p| fields.get_mut(&p)) {
                    inner.retain(|key, _| !key.eq_ignore_ascii_case(child));
                }
            }
            None => fields.retain(|key, _| !key.eq_ignore_ascii_case(&name)),
        }
    }
    Value::Object(fields)
}

async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let asked = |name: &str| query.get(name).map(String::as_str);
    let search = Search {
        filter: asked("filter").map(str::to_owned),
        attributes: asked("attributes").map(str::to_owned),
        excluded: asked("excludedAttributes").map(str::to_owned),
        page: page(&query)?,
    };
    users_page(&state, &caller, search).await
}

/// What a list of people asks for, in the query or in a search body.
struct Search {
    filter: Option<String>,
    attributes: Option<String>,
    excluded: Option<String>,
    page: (i64, i64),
}

/// RFC 7644 §3.4.3: the same list, asked for in a POST body (so that a
/// filter stays out of logs and URLs).
async fn search_users(State(state): State<AppState>, caller: Caller, body: Bytes) -> Answer {
    let body = json_body(&body)?;
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let list = |key: &str| {
        body.get(key).and_then(Value::as_array).map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let number = |key: &str| body.get(key).and_then(Value::as_i64);
    let search = Search {
        filter: text("filter"),
        attributes: list("attributes"),
        excluded: list("excludedAttributes"),
        page: (
            number("startIndex").unwrap_or(1).max(1),
            number("count").unwrap_or(100).clamp(0, users::MAX_PAGE),
        ),
    };
    users_page(&state, &caller, search).await
}

async fn users_page(state: &AppState, caller: &Caller, search: Search) -> Answer {
    let filter = patch::user_filter(search.filter.as_deref())?;
    let (start, count) = search.page;
    let (total, records) = users::list(state, caller, &filter, start, count).await?;
    let (attributes, excluded) = (search.attributes.as_deref(), search.excluded.as_deref());
    let resources: Vec<Value> = records
        .iter()
        .map(|r| project(user_json(state, r), attributes, excluded))
        .collect();
    let total = usize::try_from(total).unwrap_or(0);
    Ok(scim(StatusCode::OK, list_response(total, start, resources)))
}

fn person_of(body: &Value) -> Result<Person, ScimError> {
    let user_name = body
        .get("userName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| ScimError::bad("invalidValue", "userName is required"))?;
    // The work address: from emails, else the userName when it is one.
    let email = match body.get("emails").and_then(work_email) {
        Some(email) => email?,
        None => Email::parse(user_name).map_err(|_| {
            ScimError::bad(
                "invalidValue",
                "a work email address is needed, in emails or userName",
            )
        })?,
    };
    let name = body.get("name");
    let part = |key: &str| {
        name.and_then(|name| name.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let active = match body.get("active") {
        None | Some(Value::Null) => true,
        Some(value) => boolean(value)
            .ok_or_else(|| ScimError::bad("invalidValue", "active is true or false"))?,
    };
    let emails_sent = body
        .get("emails")
        .filter(|emails| emails.is_array())
        .map(Value::to_string);
    Ok(Person {
        user_name: user_name.to_owned(),
        email,
        emails_sent,
        external_id: body
            .get("externalId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        given_name: part("givenName"),
        family_name: part("familyName"),
        active,
    })
}

async fn create_user(State(state): State<AppState>, caller: Caller, body: Bytes) -> Answer {
    let person = person_of(&json_body(&body)?)?;
    let created = users::create(&state, &caller, &person).await?;
    let mut response = scim(StatusCode::CREATED, user_json(&state, &created));
    if let Ok(value) = HeaderValue::from_str(&location(&state, "Users", &created.id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let record = users::get(&state, &caller, &id).await?;
    let asked = |name: &str| query.get(name).map(String::as_str);
    let user = project(
        user_json(&state, &record),
        asked("attributes"),
        asked("excludedAttributes"),
    );
    Ok(scim(StatusCode::OK, user))
}

async fn replace_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let person = person_of(&json_body(&body)?)?;
    let changes = Changes {
        user_name: Some(person.user_name),
        email: Some(person.email),
        emails_sent: Some(person.emails_sent),
        external_id: Some(person.external_id),
        given_name: Some(person.given_name),
        family_name: Some(person.family_name),
        active: Some(person.active),
    };
    let record = users::update(&state, &caller, &id, &changes).await?;
    Ok(scim(StatusCode::OK, user_json(&state, &record)))
}

async fn patch_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let changes = patch::user_changes(&json_body(&body)?)?;
    let record = users::update(&state, &caller, &id, &changes).await?;
    Ok(scim(StatusCode::OK, user_json(&state, &record)))
}

async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    users::delete(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn role_of(id: &str) -> Result<Role, ScimError> {
    provisioning::groups()
        .iter()
        .copied()
        .find(|role| role.key() == id)
        .ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, "no such group"))
}

fn group_json(state: &AppState, role: Role, members: Option<&[Record]>) -> Value {
    let mut group = json!({
        "schemas": [GROUP],
        "id": role.key(),
        "displayName": role.name(Lang::En),
        "meta": {
            "resourceType": "Group",
            "location": location(state, "Groups", role.key()),
        },
    });
    if let Some(members) = members {
        group["members"] = json!(members
            .iter()
            .map(|member| json!({
                "value": member.id,
                "display": member.email,
                "$ref": location(state, "Users", &member.id),
            }))
            .collect::<Vec<_>>());
    }
    group
}

/// Whether the directory asked to leave members out (Entra does, to look
/// groups up cheaply).
fn without_members(query: &HashMap<String, String>) -> bool {
    query.get("excludedAttributes").is_some_and(|excluded| {
        excluded
            .split(',')
            .any(|a| a.trim().eq_ignore_ascii_case("members"))
    })
}

async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let sought = patch::group_filter(query.get("filter").map(String::as_str))?;
    let (start, count) = page(&query)?;
    let mut groups = Vec::new();
    for role in provisioning::groups() {
        let named = sought.as_deref().is_none_or(|name| {
            name.eq_ignore_ascii_case(role.name(Lang::En)) || name == role.key()
        });
        if !named {
            continue;
        }
        let members = if without_members(&query) {
            None
        } else {
            Some(users::members(&state, &caller, *role).await?)
        };
        groups.push(group_json(&state, *role, members.as_deref()));
    }
    let total = groups.len();
    let shown: Vec<Value> = groups
        .into_iter()
        .skip(usize::try_from(start - 1).unwrap_or(0))
        .take(usize::try_from(count).unwrap_or(0))
        .collect();
    Ok(scim(StatusCode::OK, list_response(total, start, shown)))
}

async fn get_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let role = role_of(&id)?;
    let members = if without_members(&query) {
        None
    } else {
        Some(users::members(&state, &caller, role).await?)
    };
    Ok(scim(
        StatusCode::OK,
        group_json(&state, role, members.as_deref()),
    ))
}

async fn patch_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let role = role_of(&id)?;
    let mut changes = patch::group_changes(&json_body(&body)?)?;
    if let Some(exactly) = changes.exactly.take() {
        let current = users::members(&state, &caller, role).await?;
        changes.remove.extend(
            current
                .iter()
                .filter(|m| !exactly.contains(&m.id))
                .map(|m| m.id.clone()),
        );
        changes.add.extend(exactly);
    }
    users::change_group(&state, &caller, role, &changes.add, &changes.remove).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The groups are the Center's roles: the directory fills them, and
/// cannot make, rename or remove one.
async fn create_group(body: Bytes) -> Answer {
    let body = json_body(&body)?;
    let name = body
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let exists = provisioning::groups()
        .iter()
        .any(|role| name.eq_ignore_ascii_case(role.name(Lang::En)));
    if exists {
        return Err(ScimError::new(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            "this group exists: it is one of the Center's roles",
        ));
    }
    Err(ScimError::bad(
        "mutability",
        "the groups are the Center's roles: put people in them",
    ))
}

async fn fixed_group() -> Answer {
    Err(ScimError::bad(
        "mutability",
        "the groups are the Center's roles: put people in them",
    ))
}
