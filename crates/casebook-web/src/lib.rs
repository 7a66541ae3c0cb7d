//! Casebook's multi-center web application: server-rendered pages with a little htmx, a JSON
//! API for every read and write the pages do, browser sessions and API tokens.
//!
//! Access control has two halves. The *role* half (may a data-entry user sign?) is the
//! [`policy`] matrix, checked by each handler before it acts. The *center* half (may this user
//! see this patient?) is enforced by the store, which reads every record through the user's
//! [`Scope`](casebook_store::records::Scope): a patient of another center is "not found", in the
//! pages, the API and the exports alike.
//!
//! **Architecture Invariant:** no SQL here; every read and write goes through
//! [`casebook_store::Store`]. Every asset is vendored and served by the application itself, so
//! no page makes a request elsewhere (the Content-Security-Policy forbids it too).

#![deny(missing_docs)]

mod api;
pub mod auth;
mod entry;
pub mod error;
pub mod form;
mod pages;
pub mod policy;
pub mod session;
pub mod state;
mod templates;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use casebook_hpo::Hpo;
use casebook_store::Store;
use tower_http::csrf::CsrfLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::session::RegistrySessions;
use crate::state::AppState;

/// The largest request body accepted: a patient record is a few tens of kilobytes.
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// Every page may load scripts, styles and images only from this server, and nothing may frame
/// it. The study report document, which is self-contained with inline styles, gets its own
/// policy (see [`pages::report_document`]).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// How the server is run.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// Send the session cookie only over HTTPS. Off only for a server on localhost.
    pub secure_cookies: bool,
}

/// The whole application: pages, API, assets, with sessions, CSRF protection, login rate
/// limiting, security headers and a request size limit.
pub fn router(store: Store, options: &WebOptions) -> Router {
    let state = AppState { store: store.clone(), hpo: Hpo::embedded() };
    let sessions = SessionManagerLayer::new(RegistrySessions::new(store))
        .with_name("casebook_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(options.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    let header = |name: HeaderName, value: &'static str| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    Router::new()
        .route("/", get(pages::home))
        .merge(pages::login_routes())
        .route("/logout", post(pages::logout))
        .route("/studies/{study}", get(pages::dashboard))
        .route("/studies/{study}/patients", get(pages::patient_list).post(entry::create_patient))
        .route("/studies/{study}/patients/new", get(entry::new_patient))
        .route("/studies/{study}/patients/{pseudonym}", get(pages::patient_view))
        .route("/studies/{study}/patients/{pseudonym}/edit", get(entry::edit_patient).post(entry::save_patient))
        .route("/studies/{study}/check", post(entry::check_patient_form))
        .route("/studies/{study}/patients/{pseudonym}/workflow", post(pages::workflow))
        .route("/studies/{study}/patients/{pseudonym}/history", get(pages::history))
        .route("/studies/{study}/patients/{pseudonym}/queries", post(pages::open_query))
        .route("/studies/{study}/queries", get(pages::query_list))
        .route("/studies/{study}/queries/{id}/answer", post(pages::answer_query))
        .route("/studies/{study}/queries/{id}/close", post(pages::close_query))
        .route("/studies/{study}/report", get(pages::report_page))
        .route("/studies/{study}/report/document", get(pages::report_document))
        .route("/studies/{study}/downloads/{file}", get(pages::download))
        .route("/hpo/search", get(pages::hpo_search))
        .route("/account", get(pages::account))
        .route("/account/tokens", post(pages::add_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
        .route("/admin/users", get(pages::users).post(pages::add_user))
        .route("/admin/users/{username}/disable", post(pages::disable_user))
        .route("/assets/{file}", get(pages::asset))
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::dress_error_pages))
        .with_state(state)
        .layer(sessions)
        .layer(CsrfLayer::new())
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(header(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"))
        .layer(header(header::CACHE_CONTROL, "no-store"))
}

/// Serves the application on a bound listener until the process ends, forgetting expired
/// sessions every hour. Session cookies are `Secure` unless the listener is on a loopback
/// address (browsers send cookies to `http://127.0.0.1` only without it).
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let options = WebOptions { secure_cookies: !listener.local_addr()?.ip().is_loopback() };
    let app = router(store.clone(), &options).layer(axum::middleware::from_fn(log_request));
    tokio::spawn(RegistrySessions::new(store).delete_expired_every(Duration::from_secs(3600)));
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
}

/// One line per request on standard error for whoever runs the server: time, method, path
/// (without the query, which may hold searched text), status and duration. Pseudonyms may appear
/// in paths; nothing else about patients does.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let response = next.run(request).await;
    let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    eprintln!("{now} {method} {path} {} {} ms", response.status().as_u16(), started.elapsed().as_millis());
    response
}
