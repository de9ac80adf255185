//! The one error type every server function returns.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::Problem;

/// A problem with one field of a form, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Some fields need fixing; each carries its own message.
    #[error("some fields need attention: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("the email address or password is not correct")]
    BadCredentials,
    #[error("your roles do not allow this")]
    Forbidden,
    /// The organization requires two-step verification and this user has
    /// not set it up: nothing else opens until they do.
    #[error("set up two-step verification to continue")]
    TwoStepSetupRequired,
    #[error("not found")]
    NotFound,
    /// Too many attempts; the next one is welcome after this many seconds.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: i64 },
    /// The server has more work queued than it takes on; try again soon.
    #[error("the server is busy; try again in a moment")]
    Busy,
    /// The organization's single sign-on provider (this host) did not
    /// answer.
    #[error("your organization's sign-in service ({0}) does not answer")]
    ProviderUnreachable(String),
    /// The request could not be decoded: a script's mistake or an attack,
    /// never something a form of the Center sends. The decoder's words go
    /// to the log, not to the caller.
    #[error("the request could not be understood")]
    BadRequest,
    /// Something failed on the server; the details are in its log under
    /// this reference, never in the response.
    #[error("something went wrong on our side (reference {0})")]
    Internal(String),
    /// The request itself failed (network, bad arguments).
    #[error("the request could not be completed: {0}")]
    Request(String),
}

impl AppError {
    pub fn field(field: &str, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            problem,
        }])
    }

    /// The problem with `field`, if this error names one.
    pub fn problem_with(&self, field: &str) -> Option<Problem> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|error| error.field == field)
                .map(|error| error.problem),
            _ => None,
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest => 400,
            AppError::Invalid(_) | AppError::Request(_) => 422,
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::TwoStepSetupRequired => 403,
            AppError::NotFound => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Busy => 503,
            AppError::ProviderUnreachable(_) => 502,
            AppError::Internal(_) => 500,
        }
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        AppError::Invalid(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the arguments did not decode.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                tracing::info!(error = %value, "server function arguments refused");
                AppError::BadRequest
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

/// Collects field problems while parsing a form, so that every bad field is
/// reported at once rather than one per submit.
#[derive(Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// Parses one field, remembering its problem if it has one.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, Problem>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.push(FieldError {
            field: field.to_owned(),
            problem,
        });
    }

    /// Ends the parse: the values if every field was fine, else every problem.
    pub fn finish<T>(self, values: Option<T>) -> Result<T, AppError> {
        match values {
            Some(values) if self.0.is_empty() => Ok(values),
            _ => Err(AppError::Invalid(self.0)),
        }
    }
}
