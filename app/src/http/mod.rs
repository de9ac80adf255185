//! The HTTP glue between a request and the services: who is signed in
//! (`Ctx`, the one way into the server for server functions and file
//! routes), the cookies the Center sets, the answer a form gets, and the
//! client's address.

pub mod answer;
pub mod client;
pub mod cookies;

use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use leptos::prelude::use_context;

use crate::domain::Capability;
use crate::error::AppError;
use crate::services::audit::{self, Actor};
use crate::services::current_user::{self, CurrentUser};
use crate::services::{internal, sessions, AppState};
use cookies::Cookie;

/// What a signed-in request must pass besides a live session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    SessionOnly,
    /// The organization's rule that everyone use two-step verification.
    TwoStepRule,
}

/// A request from a signed-in user.
pub struct Ctx {
    state: AppState,
    actor: Actor,
}

impl Ctx {
    /// The signed-in user of the server function being run, or
    /// `Unauthenticated`, or `TwoStepSetupRequired` while their
    /// organization requires a second step they have not set up.
    pub async fn signed_in() -> Result<Ctx, AppError> {
        Ctx::signed_in_with(Gate::TwoStepRule).await
    }

    /// The signed-in user even before they set up a second step their
    /// organization requires: for the Two-step verification page alone.
    pub async fn signed_in_setting_up_two_step() -> Result<Ctx, AppError> {
        Ctx::signed_in_with(Gate::SessionOnly).await
    }

    async fn signed_in_with(gate: Gate) -> Result<Ctx, AppError> {
        let state = state()?;
        let parts = use_context::<Parts>().ok_or_else(|| internal("request parts missing"))?;
        Ctx::of_request_with(state, &parts.headers, &parts.extensions, gate).await
    }

    /// The signed-in user of a plain axum handler's request (downloads and
    /// exports, which are files rather than server functions).
    pub async fn of_request(
        state: AppState,
        headers: &HeaderMap,
        extensions: &Extensions,
    ) -> Result<Ctx, AppError> {
        Ctx::of_request_with(state, headers, extensions, Gate::TwoStepRule).await
    }

    async fn of_request_with(
        state: AppState,
        headers: &HeaderMap,
        extensions: &Extensions,
        gate: Gate,
    ) -> Result<Ctx, AppError> {
        let session = Cookie::Session
            .read(&state.settings, headers)
            .ok_or(AppError::Unauthenticated)?;
        let user_id = sessions::user_of(&state, &session)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = current_user::load(&state, user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        // Every line the request logs from here names who asked.
        tracing::Span::current().record("user", user.id);
        if gate == Gate::TwoStepRule && user.must_set_up_two_step() {
            return Err(AppError::TwoStepSetupRequired);
        }
        let actor = Actor {
            user,
            client_address: audit::describe_client(client::of_extensions(extensions)),
            user_agent: client::user_agent(headers),
        };
        Ok(Ctx { state, actor })
    }

    /// `Forbidden` unless one of the user's roles opens `capability`.
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        self.actor.user.require(capability)
    }

    pub fn user(&self) -> &CurrentUser {
        &self.actor.user
    }

    /// The user and their address, for the audit log.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }
}

/// The server's state, for server functions anyone may call.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("AppState missing from context"))
}
