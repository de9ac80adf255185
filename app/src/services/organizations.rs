//! Finding an organization, for the vendor operator: by part of its name,
//! an agreement's number, or an administrator's address.

use tracing::instrument;

use super::AppState;
use crate::error::AppError;

/// An organization found, with what identifies it to the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: i64,
    pub name: String,
    /// `customer` or `partner`.
    pub kind: String,
    pub agreements: Vec<String>,
}

/// The most organizations one search answers.
pub const MAX_FOUND: i64 = 20;

/// Organizations whose name holds `query` (in any case), that hold the
/// agreement numbered `query`, or whose designated administrator or a
/// member has the address `query`; by name.
#[instrument(skip(state))]
pub async fn find(state: &AppState, query: &str) -> Result<Vec<Found>, AppError> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let lowered = query.to_lowercase();
    // Escaped for LIKE, so that `_` and `%` in a name match themselves.
    let pattern = format!(
        "%{}%",
        lowered
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.id, o.name, o.kind FROM organizations o \
         WHERE lower(o.name) LIKE $1 ESCAPE '\\' \
         OR o.id IN (SELECT organization_id FROM agreements WHERE number = $2) \
         OR o.id IN (SELECT a.organization_id FROM purchasing_accounts p \
                     JOIN agreements a ON a.id = p.agreement_id WHERE p.admin_email = $3) \
         OR o.id IN (SELECT organization_id FROM users WHERE email = $3) \
         ORDER BY lower(o.name) LIMIT $4",
    )
    .bind(&pattern)
    .bind(query)
    .bind(&lowered)
    .bind(MAX_FOUND)
    .fetch_all(&state.db)
    .await?;
    let mut found = Vec::with_capacity(rows.len());
    for (id, name, kind) in rows {
        let agreements: Vec<(String,)> = sqlx::query_as(
            "SELECT number FROM agreements WHERE organization_id = $1 ORDER BY number",
        )
        .bind(id)
        .fetch_all(&state.db)
        .await?;
        found.push(Found {
            id,
            name,
            kind,
            agreements: agreements.into_iter().map(|(number,)| number).collect(),
        });
    }
    Ok(found)
}
