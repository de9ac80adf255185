//! Product keys: listed masked; showing one is a deliberate, audited act.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::account::UserSummary;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: i64,
    pub product: String,
    pub version: String,
    pub purchasing_account: String,
    /// The key with all but its last group hidden.
    pub masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysPage {
    pub user: UserSummary,
    pub keys: Vec<KeyRow>,
}

#[server(endpoint = "get_keys")]
pub async fn get_keys() -> Result<KeysPage, AppError> {
    use crate::server::{http, keys};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            Ok(KeysPage {
                keys: keys::list(&state.db, &user).await?,
                user: user.summary(),
            })
        }
        .await,
    )
}

/// The whole key; the audit log records who saw it, when, from where.
#[server(endpoint = "reveal_key")]
pub async fn reveal_key(key_id: i64) -> Result<String, AppError> {
    use crate::server::audit::Actor;
    use crate::server::{http, keys};
    http::respond(
        async {
            let state = http::state()?;
            let (user, _) = http::current_user(&state).await?;
            let address = http::client_ip();
            let actor = Actor {
                user: &user,
                client_address: &address,
            };
            keys::reveal(&state.db, state.clock.now(), &actor, key_id).await
        }
        .await,
    )
}
