//! The one error type of the web crate, turned into a response once, at the edge: an HTML page
//! for the browser, a JSON problem document for the API.

use axum::http::StatusCode;
use casebook_store::StoreError;

/// Why a request could not be served.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nobody is logged in (pages redirect to the login page; the API answers 401).
    #[error("please log in")]
    LoginRequired,
    /// The user's role does not allow this.
    #[error("your role ({role}) cannot {action}")]
    Forbidden {
        /// The user's role.
        role: &'static str,
        /// What was attempted, e.g. "sign records".
        action: &'static str,
    },
    /// No such page or record, or one of another center (the two look the same on purpose).
    #[error("not found")]
    NotFound,
    /// The request is malformed or breaks a rule; the message says which, in the user's terms.
    #[error("{0}")]
    BadRequest(String),
    /// Someone else changed the record since it was read.
    #[error("{0}")]
    Conflict(String),
    /// A store or other internal failure; details go to the log, not to the user.
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::LoginRequired => StatusCode::UNAUTHORIZED,
            WebError::Forbidden { .. } => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told: never the internals of a server error, and never whether a record
    /// that is not theirs to see exists.
    pub fn public_message(&self) -> String {
        match self {
            WebError::Internal(_) => "Something went wrong on the server; the error was logged. Please try again.".into(),
            WebError::NotFound => "This page or record does not exist, or it is not one you may see.".into(),
            other => sentence(&other.to_string()),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> WebError {
        match error {
            StoreError::NotFound { .. } => WebError::NotFound,
            StoreError::Conflict { .. } => WebError::Conflict(format!(
                "{error}. Your changes were not saved and are still in the form: reload the record in another tab, compare, and save again."
            )),
            StoreError::Refused { .. } | StoreError::BadPassword { .. } => WebError::BadRequest(error.to_string()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// The message as a sentence: first letter capitalised.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
