//! The JSON API: every read and write the pages do, for scripts and other programs, with the
//! same access rules. Authenticate with a session cookie or `Authorization: Bearer <token>`
//! (tokens are issued on the account page). The OpenAPI document is served at
//! `/api/v1/openapi.json`.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use casebook_store::audit::AuditFilter;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::entry::{Replacing, SaveOutcome, save_record};
use crate::error::WebError;
use crate::pages::{export_file, load_study, read_patient, take_step};
use crate::policy::{Capability, Principal};
use crate::state::AppState;

/// The OpenAPI 3.1 document of this API, kept beside the routes it describes (a test checks
/// that every route is in it).
pub const OPENAPI: &str = include_str!("openapi.json");

/// An error answered as JSON: `{"error": "...", "status": 404}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(error: WebError) -> ApiError {
        ApiError(error)
    }
}

impl From<casebook_store::StoreError> for ApiError {
    fn from(error: casebook_store::StoreError) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        (status, Json(json!({"error": self.0.public_message(), "status": status.as_u16()}))).into_response()
    }
}

/// A JSON request body; a malformed one is answered as JSON too, saying what is wrong.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError(WebError::BadRequest(rejection.body_text()))),
        }
    }
}

/// The logged-in user of an API request; 401 as JSON when there is none.
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiPrincipal, ApiError> {
        Ok(ApiPrincipal(crate::auth::principal_of(parts, state).await?.ok_or(WebError::LoginRequired)?))
    }
}

type ApiResult = Result<Response, ApiError>;

/// The API's routes, nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/studies", get(studies))
        .route("/studies/{study}/patients", get(patients).post(create_patient))
        .route("/studies/{study}/patients/{pseudonym}", get(patient).put(save_patient))
        .route("/studies/{study}/patients/{pseudonym}/workflow", post(workflow))
        .route("/studies/{study}/patients/{pseudonym}/history", get(history))
        .route("/studies/{study}/patients/{pseudonym}/queries", post(open_query))
        .route("/studies/{study}/queries", get(queries))
        .route("/studies/{study}/queries/{id}/answer", post(answer_query))
        .route("/studies/{study}/queries/{id}/close", post(close_query))
        .route("/studies/{study}/exports/{file}", get(export))
        .route("/studies/{study}/dashboard", get(dashboard))
        .route("/studies/{study}/check", post(check))
        .route("/hpo/search", get(hpo_search))
        .route("/users", get(users).post(add_user))
        .route("/users/{username}/disable", post(disable_user))
        .fallback(|| async { ApiError(WebError::NotFound) })
}

async fn dashboard(State(state): State<AppState>, ApiPrincipal(principal): ApiPrincipal, Path(study_id): Path<String>) -> ApiResult {
    let study = load_study(&state, &study_id).await?;
    let (centers, unresolved) = crate::pages::study_overview(&state, &principal, &study).await?;
    let statuses = casebook_store::records::RecordStatus::ALL;
    let centers: Vec<Value> = centers
        .into_iter()
        .map(|row| {
            let by_status: serde_json::Map<String, Value> =
                statuses.iter().zip(&row.by_status).map(|(status, count)| (status.as_str().to_string(), json!(count))).collect();
            json!({"id": row.id, "name": row.name, "patients": row.patients, "byStatus": by_status, "completenessPercent": row.completeness})
        })
        .collect();
    Ok(Json(json!({"centers": centers, "unresolvedQueries": unresolved.into_iter().map(query_json).collect::<Vec<_>>()})).into_response())
}

/// The live checks of a record as typed so far (the body is the record, complete or not).
async fn check(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(study_id): Path<String>,
    ApiJson(record): ApiJson<Value>,
) -> ApiResult {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::EditPatients)?;
    Ok(Json(crate::entry::live_checks(&study, &record)).into_response())
}

/// `?q=TEXT&limit=N`: the terms best matching the text, with the release searched.
async fn hpo_search(
    State(state): State<AppState>,
    ApiPrincipal(_principal): ApiPrincipal,
    axum::extract::Query(query): axum::extract::Query<Vec<(String, String)>>,
) -> ApiResult {
    let parameter = |name: &str| query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let text = parameter("q").ok_or_else(|| WebError::BadRequest("give the text to search as ?q=".into()))?;
    let limit = match parameter("limit") {
        Some(limit) => limit.parse::<usize>().map_err(|_| WebError::BadRequest(format!("limit `{limit}` is not a number")))?,
        None => 10,
    };
    let hits: Vec<Value> = state
        .hpo
        .search(text, limit.min(100))
        .into_iter()
        .map(|hit| json!({"id": hit.id.to_string(), "label": hit.label, "matched": hit.matched_text}))
        .collect();
    Ok(Json(json!({"release": state.hpo.release(), "terms": hits})).into_response())
}

fn user_json(user: &casebook_store::users::User) -> Value {
    json!({"username": user.username, "role": user.role.as_str(), "center": user.center_id, "disabled": user.disabled})
}

async fn users(State(state): State<AppState>, ApiPrincipal(principal): ApiPrincipal) -> ApiResult {
    principal.require(Capability::ManageUsers)?;
    Ok(Json(state.store.users().await?.iter().map(user_json).collect::<Vec<_>>()).into_response())
}

async fn add_user(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    ApiJson(body): ApiJson<crate::pages::UserForm>,
) -> ApiResult {
    let user = crate::pages::create_user(&state, &principal, &body).await?;
    Ok((axum::http::StatusCode::CREATED, Json(user_json(&user))).into_response())
}

async fn disable_user(State(state): State<AppState>, ApiPrincipal(principal): ApiPrincipal, Path(username): Path<String>) -> ApiResult {
    crate::pages::block_user(&state, &principal, &username).await?;
    Ok(Json(json!({"username": username, "disabled": true})).into_response())
}

async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn studies(State(state): State<AppState>, ApiPrincipal(_principal): ApiPrincipal) -> ApiResult {
    let studies = state.store.studies().await?;
    let studies: Vec<Value> =
        studies.into_iter().map(|s| json!({"id": s.id, "title": s.title, "centers": s.centers, "patients": s.patients})).collect();
    Ok(Json(studies).into_response())
}

async fn patients(State(state): State<AppState>, ApiPrincipal(principal): ApiPrincipal, Path(study_id): Path<String>) -> ApiResult {
    load_study(&state, &study_id).await?;
    principal.require(Capability::ReadPatients)?;
    let listings = state.store.patient_listings(&study_id, &principal.scope()).await?;
    let listings: Vec<Value> = listings
        .into_iter()
        .map(|p| {
            json!({"pseudonym": p.pseudonym, "center": p.center_id, "version": p.version, "status": p.status.as_str(),
                   "updatedAt": p.updated_at, "unresolvedQueries": p.unresolved_queries})
        })
        .collect();
    Ok(Json(listings).into_response())
}

async fn patient(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, pseudonym)): Path<(String, String)>,
) -> ApiResult {
    let stored = read_patient(&state, &principal, &study_id, &pseudonym).await?;
    let record = crate::entry::record_of(&stored.patient);
    let signature = stored.signature.map(|s| json!({"signedBy": s.signed_by, "signedAt": s.signed_at, "meaning": s.meaning}));
    Ok(Json(json!({"version": stored.version, "status": stored.status.as_str(), "signature": signature, "record": record})).into_response())
}

#[derive(Deserialize)]
struct SaveBody {
    version: i64,
    record: Value,
}

fn save_response(outcome: SaveOutcome, created: bool) -> ApiResult {
    match outcome {
        SaveOutcome::Saved { version, warnings } => {
            let status = if created { axum::http::StatusCode::CREATED } else { axum::http::StatusCode::OK };
            Ok((status, Json(json!({"version": version, "warnings": warnings}))).into_response())
        }
        SaveOutcome::Invalid { errors } => {
            let errors: Vec<Value> = errors.into_iter().map(|(path, message)| json!({"path": path, "message": message})).collect();
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": "the record has errors", "status": 422, "errors": errors})),
            )
                .into_response())
        }
    }
}

async fn create_patient(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(study_id): Path<String>,
    ApiJson(record): ApiJson<Value>,
) -> ApiResult {
    let study = load_study(&state, &study_id).await?;
    save_response(save_record(&state, &principal, &study, &record, None).await?, true)
}

async fn save_patient(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    ApiJson(body): ApiJson<SaveBody>,
) -> ApiResult {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::EditPatients)?;
    // Another center's record is not found, whatever the body holds.
    read_patient(&state, &principal, &study_id, &pseudonym).await?;
    let replacing = Replacing { pseudonym: &pseudonym, version: body.version };
    save_response(save_record(&state, &principal, &study, &body.record, Some(replacing)).await?, false)
}

#[derive(Deserialize)]
struct WorkflowBody {
    version: i64,
    step: String,
    meaning: Option<String>,
    password: Option<String>,
    reason: Option<String>,
}

async fn workflow(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    ApiJson(body): ApiJson<WorkflowBody>,
) -> ApiResult {
    let Some(version) =
        take_step(&state, &principal, &study_id, &pseudonym, body.version, &body.step, body.meaning, body.password, body.reason).await?
    else {
        return Ok(Json(json!({"status": "deleted"})).into_response());
    };
    let stored = state.store.patient_in(&study_id, &pseudonym, &principal.scope()).await?;
    Ok(Json(json!({"version": version, "status": stored.status.as_str()})).into_response())
}

async fn history(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, pseudonym)): Path<(String, String)>,
) -> ApiResult {
    read_patient(&state, &principal, &study_id, &pseudonym).await?;
    let events = state.store.audit_events(&AuditFilter::record(format!("patient/{pseudonym}"))).await?;
    let events: Vec<Value> = events
        .into_iter()
        .filter(|event| event.study_id.as_deref() == Some(study_id.as_str()))
        .map(|e| {
            json!({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action.as_str(), "field": e.field,
                   "oldValue": e.old_value, "newValue": e.new_value, "reason": e.reason})
        })
        .collect();
    Ok(Json(events).into_response())
}

fn query_json(query: casebook_store::queries::DataQuery) -> Value {
    json!({"id": query.id, "pseudonym": query.pseudonym, "center": query.center_id, "field": query.field, "question": query.question,
           "status": query.status.as_str(), "openedBy": query.opened_by, "openedAt": query.opened_at, "answer": query.answer,
           "answeredBy": query.answered_by, "closedBy": query.closed_by})
}

async fn queries(State(state): State<AppState>, ApiPrincipal(principal): ApiPrincipal, Path(study_id): Path<String>) -> ApiResult {
    load_study(&state, &study_id).await?;
    principal.require(Capability::ReadPatients)?;
    let queries = state.store.queries(&study_id, None, &principal.scope()).await?;
    Ok(Json(queries.into_iter().map(query_json).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize)]
struct QueryBody {
    field: String,
    question: String,
}

async fn open_query(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    ApiJson(body): ApiJson<QueryBody>,
) -> ApiResult {
    principal.require(Capability::RaiseQueries)?;
    let actor = principal.actor();
    let id = state.store.open_query(&study_id, &pseudonym, &body.field, &body.question, &principal.scope(), &actor).await?;
    Ok((axum::http::StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

#[derive(Deserialize)]
struct AnswerBody {
    answer: String,
}

async fn answer_query(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> ApiResult {
    principal.require(Capability::AnswerQueries)?;
    state.store.answer_query(&study_id, id, &body.answer, &principal.scope(), &principal.actor()).await?;
    Ok(Json(json!({"id": id, "status": "answered"})).into_response())
}

async fn close_query(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, id)): Path<(String, i64)>,
) -> ApiResult {
    principal.require(Capability::RaiseQueries)?;
    state.store.close_query(&study_id, id, &principal.scope(), &principal.actor()).await?;
    Ok(Json(json!({"id": id, "status": "closed"})).into_response())
}

async fn export(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path((study_id, file)): Path<(String, String)>,
) -> ApiResult {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::Export)?;
    let (bytes, content_type) = export_file(&state, &principal, &study, &file, "api").await?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response())
}
