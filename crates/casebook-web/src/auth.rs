//! Who is asking: a browser session (cookie) or an API token (`Authorization: Bearer cbk_…`).
//! Login checks the password and records the attempt (the store locks an account after
//! repeated failures); a successful login gets a new session id, so a session id planted before
//! login is worthless.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use casebook_store::users::User;
use tower_sessions::Session;

use crate::error::WebError;
use crate::policy::Principal;
use crate::state::AppState;

const USER_ID: &str = "user_id";
const FINGERPRINT: &str = "password_fingerprint";

/// Puts the user into a fresh session after a successful login.
pub async fn start_session(session: &Session, user: &User) -> Result<(), WebError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, user.id).await.map_err(internal)?;
    session.insert(FINGERPRINT, &user.password_fingerprint).await.map_err(internal)?;
    Ok(())
}

/// Ends the session: its record is deleted and the cookie cleared.
pub async fn end_session(session: &Session) -> Result<(), WebError> {
    session.flush().await.map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> WebError {
    WebError::Internal(error.to_string())
}

/// The user of a request, or `None` when nobody is logged in. A disabled user, or a session
/// opened before the user's password changed, counts as nobody.
pub async fn principal_of(parts: &mut Parts, state: &AppState) -> Result<Option<Principal>, WebError> {
    if let Some(header) = parts.headers.get(AUTHORIZATION) {
        let token = header.to_str().ok().and_then(|value| value.strip_prefix("Bearer ")).unwrap_or_default();
        // A wrong token is an error, not an anonymous request: the caller meant to log in.
        let user = state.store.user_for_token(token.trim()).await?.ok_or(WebError::LoginRequired)?;
        return Ok(Some(Principal { user }));
    }
    let Ok(session) = Session::from_request_parts(parts, state).await else {
        return Ok(None);
    };
    session_principal(&session, state).await
}

/// The user of a browser session, if it still stands for one.
pub async fn session_principal(session: &Session, state: &AppState) -> Result<Option<Principal>, WebError> {
    let Some(user_id) = session.get::<i64>(USER_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let fingerprint = session.get::<String>(FINGERPRINT).await.map_err(internal)?;
    match state.store.user_by_id(user_id).await? {
        Some(user) if !user.disabled && fingerprint.as_deref() == Some(user.password_fingerprint.as_str()) => Ok(Some(Principal { user })),
        _ => {
            end_session(session).await?;
            Ok(None)
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Principal, WebError> {
        principal_of(parts, state).await?.ok_or(WebError::LoginRequired)
    }
}

/// Where a request comes from, for the audit trail of logins: the peer address when the server
/// knows it (it does when serving; in-process tests have none).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddress, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip().to_string());
        Ok(ClientAddress(address.unwrap_or_else(|| "unknown".into())))
    }
}

/// The key of the login rate limit: the peer address, or one shared key when the server does
/// not know it (in-process tests), which only makes the limit stricter.
#[derive(Debug, Clone, Copy)]
pub struct ClientKey;

impl tower_governor::key_extractor::KeyExtractor for ClientKey {
    type Key = String;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<String, tower_governor::GovernorError> {
        let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip().to_string());
        Ok(address.unwrap_or_else(|| "unknown".into()))
    }
}
