//! The HTML pages. Each handler checks the role's capability ([`Principal::require`]) and reads
//! through the user's scope, then renders a template.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use casebook_domain::check::{Level, check_patient};
use casebook_domain::study::Study;
use casebook_store::audit::{AuditAction, AuditFilter};
use casebook_store::queries::{DataQuery, QueryStatus};
use casebook_store::records::{RecordStatus, StoredPatient, Transition};
use casebook_store::users::{LoginOutcome, NewUser, Password, Role, Username};
use serde::Deserialize;
use serde_json::Value;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_sessions::Session;

use crate::auth::{ClientAddress, end_session, start_session};
use crate::error::WebError;
use crate::form::escape_html;
use crate::policy::{Capability, Principal};
use crate::state::AppState;
use crate::templates::*;

/// What a signature can mean; the signer picks one (21 CFR Part 11 asks that the meaning be
/// part of the signature).
pub const SIGNATURE_MEANINGS: &[&str] = &[
    "I have reviewed this record against the source documents and confirm it is accurate and complete",
    "I approve this record as the responsible clinician of my center",
];

/// The files a user may download from a study's dashboard: (file name, description).
pub const DOWNLOADS: &[(&str, &str)] = &[
    ("report.html", "Study report (HTML, self-contained; coordinators only)"),
    ("report.json", "Every statistic of the report with its definition and patients (JSON; coordinators only)"),
    ("statistics.csv", "Every statistic of the report (CSV; coordinators only)"),
    ("native.json", "Records in Casebook's native format (JSON)"),
    ("phenopackets.zip", "GA4GH Phenopackets v2, one file per patient (zip)"),
    ("fhir-bundle.json", "HL7 FHIR R4 Bundle (JSON)"),
];

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::LoginRequired = self {
            // `dress_error_pages` adds where to come back to after logging in.
            let mut response = Redirect::to("/login").into_response();
            response.extensions_mut().insert(LoginRequired);
            return response;
        }
        if let WebError::Internal(detail) = &self {
            eprintln!("casebook serve: internal error: {detail}");
        }
        let status = self.status();
        let heading = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::CONFLICT => "Changed by someone else",
            StatusCode::INTERNAL_SERVER_ERROR => "Server error",
            _ => "Cannot do that",
        };
        let page = MessagePage {
            layout: bare_layout(heading),
            heading: heading.into(),
            message: self.public_message(),
            class: "error",
            back: "/".into(),
        };
        let mut response = (status, render(&page)).into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// Error pages are made where the user is not known; this layer, which runs inside the
/// session layer, renders them again with the user's header and navigation when someone is
/// logged in, so that a refused page still leads somewhere.
pub async fn dress_error_pages(State(state): State<AppState>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let asked_for = request.uri().path_and_query().map(|path| path.as_str().to_string()).unwrap_or_default();
    let mut response = next.run(request).await;
    if response.extensions_mut().remove::<LoginRequired>().is_some() {
        let login = format!("/login?next={}", percent_encode(&asked_for));
        return Redirect::to(&login).into_response();
    }
    let (Some(session), Some(mut page)) = (session, response.extensions_mut().remove::<MessagePage>()) else {
        return response;
    };
    let Ok(Some(principal)) = crate::auth::session_principal(&session, &state).await else {
        return response;
    };
    page.layout = layout(&principal, page.heading.clone(), None);
    (response.status(), render(&page)).into_response()
}

/// Marks the redirect of a page that needs a login.
#[derive(Clone, Copy)]
struct LoginRequired;

/// Percent-encodes everything but unreserved characters and `/`, for a path in a query string.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => WebError::Internal(format!("rendering a page: {error}")).into_response(),
    }
}

fn bare_layout(title: &str) -> Layout {
    Layout {
        title: title.into(),
        user: None,
        study: None,
        may_report: false,
        hpo_release: casebook_hpo::Hpo::embedded().release().to_string(),
    }
}

pub(crate) fn layout(principal: &Principal, title: impl Into<String>, study: Option<&Study>) -> Layout {
    let user = &principal.user;
    Layout {
        title: title.into(),
        user: Some(UserBadge {
            username: user.username.clone(),
            role: user.role.as_str(),
            center: user.center_id.clone(),
            admin: principal.may(Capability::ManageUsers),
        }),
        study: study.map(|study| StudyBadge { id: study.id.to_string(), data_label: study.data_label.clone() }),
        may_report: principal.may(Capability::RunReport),
        ..bare_layout("")
    }
}

/// The login routes, with login attempts (not the page) rate limited per client address: a
/// burst of 10, then one every 6 seconds. The store also locks an account after repeated
/// failures, whatever the address.
pub fn login_routes() -> Router<AppState> {
    let limits = GovernorConfigBuilder::default()
        .methods(vec![axum::http::Method::POST])
        .per_second(6)
        .burst_size(10)
        .key_extractor(crate::auth::ClientKey)
        .finish()
        .expect("the login rate limit is valid");
    Router::new().route("/login", get(login_page).post(login).layer(GovernorLayer::new(limits)))
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

/// Only a path on this server is followed after login, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next) if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') => next.to_string(),
        _ => "/".into(),
    }
}

async fn login_page(Query(query): Query<NextQuery>) -> Response {
    let page = LoginPage { layout: bare_layout("Log in"), error: None, username: String::new(), next: safe_next(query.next.as_deref()) };
    render(&page)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    session: Session,
    ClientAddress(client): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let outcome = state.store.log_in(form.username.trim(), &form.password, &client).await?;
    let error = match outcome {
        LoginOutcome::LoggedIn(user) => {
            start_session(&session, &user).await?;
            return Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response());
        }
        LoginOutcome::WrongPassword => "Wrong username or password.".to_string(),
        LoginOutcome::Locked { until } => format!("Too many failed attempts: this account is locked until {until} (UTC)."),
        LoginOutcome::Disabled => "This account is disabled. Ask an administrator.".to_string(),
    };
    let page =
        LoginPage { layout: bare_layout("Log in"), error: Some(error), username: form.username, next: safe_next(form.next.as_deref()) };
    Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
}

/// `POST /logout`.
pub async fn logout(session: Session) -> Result<Redirect, WebError> {
    end_session(&session).await?;
    Ok(Redirect::to("/login"))
}

/// `GET /`: the studies.
pub async fn home(State(state): State<AppState>, principal: Principal) -> Result<Response, WebError> {
    let studies = state.store.studies().await?;
    Ok(render(&HomePage { layout: layout(&principal, "Studies", None), studies }))
}

/// Any unknown path.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

pub(crate) async fn load_study(state: &AppState, study_id: &str) -> Result<Study, WebError> {
    Ok(state.store.load_study(study_id).await?)
}

/// `GET /studies/{study}`: patients per center and status, completeness, open queries,
/// downloads.
pub async fn dashboard(State(state): State<AppState>, principal: Principal, Path(study_id): Path<String>) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    let (centers, open_queries) = study_overview(&state, &principal, &study).await?;
    let page = DashboardPage {
        layout: layout(&principal, &study.title, Some(&study)),
        study_id,
        title: study.title.clone(),
        statuses: RecordStatus::ALL.iter().map(|status| status.as_str()).collect(),
        centers,
        open_queries,
        may_export: principal.may(Capability::Export),
        downloads: DOWNLOADS.iter().copied().filter(|(file, _)| principal.may(download_capability(file))).collect(),
    };
    Ok(render(&page))
}

/// The capability a download needs: the pooled report of every center is the coordinator's.
pub(crate) fn download_capability(file: &str) -> Capability {
    if matches!(file, "report.html" | "report.json" | "statistics.csv") { Capability::RunReport } else { Capability::Export }
}

/// Patients per center and workflow status with their completeness, and the unresolved data
/// queries, as far as the user may see: the dashboard's content, for the page and the API.
pub(crate) async fn study_overview(
    state: &AppState,
    principal: &Principal,
    study: &Study,
) -> Result<(Vec<CenterRow>, Vec<DataQuery>), WebError> {
    principal.require(Capability::ReadPatients)?;
    let scope = principal.scope();
    let listings = state.store.patient_listings(study.id.as_str(), &scope).await?;
    let centers = study
        .centers
        .iter()
        .filter(|center| scope.covers(center.id.as_str()))
        .map(|center| {
            let here: Vec<_> = listings.iter().filter(|listing| listing.center_id == center.id.as_str()).collect();
            let by_status: Vec<usize> =
                RecordStatus::ALL.iter().map(|status| here.iter().filter(|listing| listing.status == *status).count()).collect();
            let done = here.len() - by_status[0];
            CenterRow {
                id: center.id.to_string(),
                name: center.name.clone(),
                patients: here.len(),
                completeness: (done * 100).checked_div(here.len()).unwrap_or(0),
                by_status,
            }
        })
        .collect();
    let unresolved =
        state.store.queries(study.id.as_str(), None, &scope).await?.into_iter().filter(|q| q.status != QueryStatus::Closed).collect();
    Ok((centers, unresolved))
}

/// The patient list's filters, all optional: part of a pseudonym, a status, a center, only
/// records with unresolved queries.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PatientFilter {
    pub(crate) q: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) center: Option<String>,
    pub(crate) unresolved: Option<bool>,
}

/// `GET /studies/{study}/patients?q=&status=&center=&unresolved=true`.
pub async fn patient_list(
    State(state): State<AppState>,
    principal: Principal,
    Path(study_id): Path<String>,
    Query(filter): Query<PatientFilter>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::ReadPatients)?;
    let all = state.store.patient_listings(&study_id, &principal.scope()).await?;
    let total = all.len();
    let wanted = |text: &Option<String>| text.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(str::to_lowercase);
    let (search, status, center) = (wanted(&filter.q), wanted(&filter.status), wanted(&filter.center));
    let patients: Vec<_> = all
        .into_iter()
        .filter(|p| search.as_ref().is_none_or(|search| p.pseudonym.to_lowercase().contains(search.as_str())))
        .filter(|p| status.as_ref().is_none_or(|status| p.status.as_str() == status))
        .filter(|p| center.as_ref().is_none_or(|center| p.center_id.to_lowercase() == *center))
        .filter(|p| !filter.unresolved.unwrap_or(false) || p.unresolved_queries > 0)
        .collect();
    let page = PatientsPage {
        layout: layout(&principal, "Patients", Some(&study)),
        centers: study.centers.iter().map(|c| c.id.to_string()).filter(|id| principal.scope().covers(id)).collect(),
        statuses: RecordStatus::ALL.iter().map(|status| status.as_str()).collect(),
        filter,
        total,
        study_id,
        patients,
        may_edit: principal.may(Capability::EditPatients),
    };
    Ok(render(&page))
}

pub(crate) async fn read_patient(
    state: &AppState,
    principal: &Principal,
    study_id: &str,
    pseudonym: &str,
) -> Result<StoredPatient, WebError> {
    principal.require(Capability::ReadPatients)?;
    Ok(state.store.patient_in(study_id, pseudonym, &principal.scope()).await?)
}

pub(crate) fn findings(diagnostics: &[casebook_domain::check::Diagnostic]) -> Vec<Finding> {
    diagnostics
        .iter()
        .map(|d| Finding {
            level: match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
                _ => "note",
            },
            path: d.path.clone(),
            message: d.message.clone(),
        })
        .collect()
}

/// The workflow steps `principal` may take on a record in `status`.
fn steps(principal: &Principal, status: RecordStatus) -> Vec<Step> {
    let candidates = [
        (Transition::MarkComplete, Capability::EditPatients, "mark-complete", "Mark complete"),
        (Transition::Reopen, Capability::EditPatients, "reopen", "Reopen for entry"),
        (Transition::Sign { meaning: String::new() }, Capability::Sign, "sign", "Sign"),
        (Transition::Lock, Capability::Lock, "lock", "Lock"),
        (Transition::Unlock, Capability::Unlock, "unlock", "Unlock"),
    ];
    let mut steps: Vec<Step> = candidates
        .into_iter()
        .filter(|(step, capability, _, _)| principal.may(*capability) && step.path().0.contains(&status))
        .map(|(_, _, key, label)| Step { key, label })
        .collect();
    if principal.may(Capability::Delete) && status.is_editable() {
        steps.push(Step { key: "delete", label: "Delete" });
    }
    steps
}

/// The record's leaves for reading and for choosing the field of a data query: the top-level
/// values under "Patient", then one section per list or group, in the record's own order.
fn record_sections(record: &Value) -> Vec<RecordSection> {
    let mut patient = RecordSection { title: "Patient".into(), fields: Vec::new() };
    let mut sections = Vec::new();
    if let Value::Object(members) = record {
        for (key, value) in members {
            match value {
                Value::Array(_) | Value::Object(_) => {
                    let mut fields = Vec::new();
                    leaves(value, format!("$.{key}"), "", &mut fields);
                    sections.push(RecordSection { title: crate::form::label_for(key), fields });
                }
                scalar => leaves(scalar, format!("$.{key}"), &crate::form::label_for(key), &mut patient.fields),
            }
        }
    }
    std::iter::once(patient).chain(sections).filter(|section| !section.fields.is_empty()).collect()
}

/// Every leaf under `value`, labelled like `#2 › Dose › Value` relative to its section.
fn leaves(value: &Value, path: String, label: &str, out: &mut Vec<RecordField>) {
    let join = |part: String| if label.is_empty() { part } else { format!("{label} › {part}") };
    match value {
        Value::Object(members) if !members.is_empty() => {
            members.iter().for_each(|(key, child)| leaves(child, format!("{path}.{key}"), &join(crate::form::label_for(key)), out))
        }
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .for_each(|(index, child)| leaves(child, format!("{path}[{index}]"), &join(format!("#{}", index + 1)), out)),
        Value::String(text) => {
            let value = crate::form::FormSchema::patient().value_in_words(&path, text);
            out.push(RecordField { label: label.to_string(), path, value });
        }
        other => out.push(RecordField { label: label.to_string(), path, value: other.to_string() }),
    }
}

/// `GET /studies/{study}/patients/{pseudonym}`.
pub async fn patient_view(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
) -> Result<Response, WebError> {
    patient_page(&state, &principal, study_id, pseudonym, None).await
}

/// A refused step or query on a record is shown on the record's page, above its workflow,
/// with the status of the refusal; other errors become the error page.
async fn on_patient_page(
    state: &AppState,
    principal: &Principal,
    study_id: String,
    pseudonym: String,
    outcome: Result<Response, WebError>,
) -> Result<Response, WebError> {
    match outcome {
        Err(error @ (WebError::BadRequest(_) | WebError::Conflict(_))) => {
            let page = patient_page(state, principal, study_id, pseudonym, Some(error.public_message())).await?;
            Ok((error.status(), page).into_response())
        }
        other => other,
    }
}

async fn patient_page(
    state: &AppState,
    principal: &Principal,
    study_id: String,
    pseudonym: String,
    problem: Option<String>,
) -> Result<Response, WebError> {
    let study = load_study(state, &study_id).await?;
    let stored = read_patient(state, principal, &study_id, &pseudonym).await?;
    let record = crate::entry::record_of(&stored.patient);
    let queries = state.store.queries(&study_id, Some(&pseudonym), &principal.scope()).await?;
    let page = PatientPage {
        layout: layout(principal, format!("Patient {pseudonym}"), Some(&study)),
        center: stored.patient.center.to_string(),
        status: stored.status.to_string(),
        version: stored.version,
        editable: stored.status.is_editable(),
        may_edit: principal.may(Capability::EditPatients),
        may_answer: principal.may(Capability::AnswerQueries),
        may_raise: principal.may(Capability::RaiseQueries),
        steps: steps(principal, stored.status),
        meanings: SIGNATURE_MEANINGS,
        findings: findings(&check_patient(&stored.patient, &study)),
        sections: record_sections(&record),
        signature: stored.signature,
        queries,
        problem,
        study_id,
        pseudonym,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(crate) struct WorkflowForm {
    version: i64,
    step: String,
    meaning: Option<String>,
    password: Option<String>,
    reason: Option<String>,
}

/// `POST .../workflow`: mark complete, reopen, sign (password and meaning), lock, unlock
/// (reason).
pub async fn workflow(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    Form(form): Form<WorkflowForm>,
) -> Result<Response, WebError> {
    let outcome = match take_step(
        &state,
        &principal,
        &study_id,
        &pseudonym,
        form.version,
        &form.step,
        form.meaning,
        form.password,
        form.reason,
    )
    .await
    {
        Ok(Some(_)) => Ok(Redirect::to(&format!("/studies/{study_id}/patients/{pseudonym}")).into_response()),
        Ok(None) => Ok(Redirect::to(&format!("/studies/{study_id}/patients")).into_response()),
        Err(error) => Err(error),
    };
    on_patient_page(&state, &principal, study_id, pseudonym, outcome).await
}

/// Checks the role, the signer's password and the meaning, then takes the step; shared by the
/// page and the API. Returns the new version, or `None` when the step deleted the record.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn take_step(
    state: &AppState,
    principal: &Principal,
    study_id: &str,
    pseudonym: &str,
    version: i64,
    step: &str,
    meaning: Option<String>,
    password: Option<String>,
    reason: Option<String>,
) -> Result<Option<i64>, WebError> {
    principal.require(Capability::ReadPatients)?;
    let mut actor = principal.actor();
    if let Some(reason) = reason.filter(|reason| !reason.trim().is_empty()) {
        actor = actor.with_reason(reason.trim());
    }
    if step == "delete" {
        principal.require(Capability::Delete)?;
        state.store.delete_patient(study_id, pseudonym, version, &principal.scope(), &actor).await?;
        return Ok(None);
    }
    let (transition, capability) = match step {
        "mark-complete" => (Transition::MarkComplete, Capability::EditPatients),
        "reopen" => (Transition::Reopen, Capability::EditPatients),
        "sign" => (Transition::Sign { meaning: meaning.unwrap_or_default() }, Capability::Sign),
        "lock" => (Transition::Lock, Capability::Lock),
        "unlock" => (Transition::Unlock, Capability::Unlock),
        other => return Err(WebError::BadRequest(format!("`{other}` is not a workflow step"))),
    };
    principal.require(capability)?;
    // The record must be visible before anything else is said about it.
    let stored = state.store.patient_in(study_id, pseudonym, &principal.scope()).await?;
    if transition == Transition::MarkComplete {
        let study = load_study(state, study_id).await?;
        let errors = check_patient(&stored.patient, &study).into_iter().filter(|d| d.level == Level::Error).count();
        if errors > 0 {
            return Err(WebError::BadRequest(format!("the record has {errors} error(s) to correct before it can be marked complete")));
        }
    }
    if let Transition::Sign { meaning } = &transition {
        if !SIGNATURE_MEANINGS.contains(&meaning.as_str()) {
            return Err(WebError::BadRequest("choose what your signature means".into()));
        }
        let password = password.unwrap_or_default();
        if state.store.verify_password(&principal.user.username, &password).await?.is_none() {
            return Err(WebError::BadRequest("the password is wrong: the record was not signed".into()));
        }
    }
    Ok(Some(state.store.transition(study_id, pseudonym, version, &transition, &principal.scope(), &actor).await?))
}

/// `GET .../history`: every audit event of the record.
pub async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    read_patient(&state, &principal, &study_id, &pseudonym).await?;
    let events = state.store.audit_events(&AuditFilter::record(format!("patient/{pseudonym}"))).await?;
    let shown = |value: &Option<String>| value.as_deref().map(audit_value_in_words).unwrap_or_default();
    let events = events
        .iter()
        .filter(|event| event.study_id.as_deref() == Some(study_id.as_str()))
        .map(|event| HistoryRow {
            seq: event.seq,
            at: event.at.clone(),
            actor: event.actor.clone(),
            action: event.action.to_string(),
            field: event.field.clone().unwrap_or_default(),
            old_value: shown(&event.old_value),
            new_value: shown(&event.new_value),
            reason: event.reason.clone().unwrap_or_default(),
        })
        .collect();
    Ok(render(&HistoryPage { layout: layout(&principal, format!("History of {pseudonym}"), Some(&study)), study_id, pseudonym, events }))
}

/// An audit value as people read it: the version stamp that `create` and `import` events hold
/// (`{"version":2,"sha256":"…"}`) as "version 2 (SHA-256 1a2b3c4d5e6f…)", anything else as
/// stored, shortened.
fn audit_value_in_words(value: &str) -> String {
    if let Ok(Value::Object(stamp)) = serde_json::from_str::<Value>(value)
        && stamp.len() == 2
        && let (Some(version), Some(sha)) = (stamp.get("version").and_then(Value::as_i64), stamp.get("sha256").and_then(Value::as_str))
    {
        return format!("version {version} (SHA-256 {}…)", sha.get(..12).unwrap_or(sha));
    }
    shorten(value, 400)
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut short: String = text.chars().take(limit).collect();
    short.push('…');
    short
}

#[derive(Deserialize)]
pub(crate) struct QueryForm {
    field: String,
    question: String,
}

/// `POST .../queries`: a coordinator opens a query.
pub async fn open_query(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    Form(form): Form<QueryForm>,
) -> Result<Response, WebError> {
    principal.require(Capability::RaiseQueries)?;
    let actor = principal.actor();
    let outcome = match state.store.open_query(&study_id, &pseudonym, &form.field, &form.question, &principal.scope(), &actor).await {
        Ok(_) => Ok(Redirect::to(&format!("/studies/{study_id}/patients/{pseudonym}#queries")).into_response()),
        Err(error) => Err(error.into()),
    };
    on_patient_page(&state, &principal, study_id, pseudonym, outcome).await
}

#[derive(Deserialize)]
pub(crate) struct AnswerForm {
    answer: String,
}

/// `POST /studies/{study}/queries/{id}/answer`: the center answers.
pub async fn answer_query(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, id)): Path<(String, i64)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    principal.require(Capability::AnswerQueries)?;
    state.store.answer_query(&study_id, id, &form.answer, &principal.scope(), &principal.actor()).await?;
    Ok(Redirect::to(&format!("/studies/{study_id}/queries")).into_response())
}

/// `POST /studies/{study}/queries/{id}/close`: the coordinator closes.
pub async fn close_query(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    principal.require(Capability::RaiseQueries)?;
    state.store.close_query(&study_id, id, &principal.scope(), &principal.actor()).await?;
    Ok(Redirect::to(&format!("/studies/{study_id}/queries")).into_response())
}

/// `GET /studies/{study}/queries`.
pub async fn query_list(State(state): State<AppState>, principal: Principal, Path(study_id): Path<String>) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::ReadPatients)?;
    let queries = state.store.queries(&study_id, None, &principal.scope()).await?;
    Ok(render(&QueriesPage { layout: layout(&principal, "Data queries", Some(&study)), study_id, queries }))
}

/// The pooled report of a study, computed from the records now stored.
async fn study_report(state: &AppState, principal: &Principal, study: &Study) -> Result<casebook_report::model::Report, WebError> {
    principal.require(Capability::RunReport)?;
    let patients = state.store.patients_in(study.id.as_str(), &principal.scope()).await?;
    Ok(casebook_report::build_report(study, &patients, state.hpo))
}

/// `GET /studies/{study}/report`: the report in the page.
pub async fn report_page(State(state): State<AppState>, principal: Principal, Path(study_id): Path<String>) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::RunReport)?;
    let patients = state.store.patient_listings(&study_id, &principal.scope()).await?.len();
    Ok(render(&ReportPage { layout: layout(&principal, "Study report", Some(&study)), study_id, patients }))
}

/// `GET /studies/{study}/report/document`: the self-contained report document shown in the
/// report page's frame. It has inline styles and no script, so it gets its own policy: styles
/// inline, nothing else, framed only by this server, sandboxed.
pub async fn report_document(
    State(state): State<AppState>,
    principal: Principal,
    Path(study_id): Path<String>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    let report = study_report(&state, &principal, &study).await?;
    let mut response = Html(casebook_report::html::render(&report)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    Ok(response)
}

/// `GET /studies/{study}/downloads/{file}`: a report or an export of the records the user may
/// read, recorded in the audit trail.
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    let (bytes, content_type) = export_file(&state, &principal, &study, &file, "page").await?;
    let disposition = format!("attachment; filename=\"{study_id}-{file}\"");
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .body(Body::from(bytes))
        .map_err(|error| WebError::Internal(error.to_string()))
}

/// The bytes and media type of one download, after recording it in the audit trail (`via`:
/// `page` or `api`).
pub(crate) async fn export_file(
    state: &AppState,
    principal: &Principal,
    study: &Study,
    file: &str,
    via: &str,
) -> Result<(Vec<u8>, &'static str), WebError> {
    principal.require(Capability::Export)?;
    principal.require(download_capability(file))?;
    let exported = exported_bytes(state, principal, study, file).await?;
    let detail = serde_json::json!({"format": file, "scope": principal.center().unwrap_or("all centers"), "via": via});
    let record = format!("study/{}", study.id);
    state.store.log_event(&principal.actor(), AuditAction::Export, Some(study.id.as_str()), &record, Some(&detail)).await?;
    Ok(exported)
}

async fn exported_bytes(state: &AppState, principal: &Principal, study: &Study, file: &str) -> Result<(Vec<u8>, &'static str), WebError> {
    let scope = principal.scope();
    match file {
        "report.html" => {
            Ok((casebook_report::html::render(&study_report(state, principal, study).await?).into_bytes(), "text/html; charset=utf-8"))
        }
        "report.json" => {
            let report = study_report(state, principal, study).await?;
            Ok((serde_json::to_vec_pretty(&report).map_err(|error| WebError::Internal(error.to_string()))?, "application/json"))
        }
        "statistics.csv" => Ok((
            casebook_report::csv::statistics_csv(&study_report(state, principal, study).await?).into_bytes(),
            "text/csv; charset=utf-8",
        )),
        "native.json" => {
            let patients = state.store.patients_in(study.id.as_str(), &scope).await?;
            let records: Vec<Value> = patients.iter().map(crate::entry::record_of).collect();
            let document = serde_json::json!({
                "study": study.id.as_str(),
                "dataLabel": study.data_label,
                "patients": records,
            });
            Ok((serde_json::to_vec_pretty(&document).expect("JSON serializes"), "application/json"))
        }
        "phenopackets.zip" => {
            let patients = state.store.patients_in(study.id.as_str(), &scope).await?;
            let dir = tempfile::tempdir().map_err(|error| WebError::Internal(error.to_string()))?;
            let path = dir.path().join("phenopackets.zip");
            let created = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
            casebook_formats::phenopacket::files::write_phenopackets(&path, study, &patients, &created, state.hpo.release())
                .map_err(|error| WebError::Internal(error.to_string()))?;
            Ok((std::fs::read(&path).map_err(|error| WebError::Internal(error.to_string()))?, "application/zip"))
        }
        "fhir-bundle.json" => {
            let patients = state.store.patients_in(study.id.as_str(), &scope).await?;
            Ok((casebook_fhir::bundle_json(study, &patients).into_bytes(), "application/fhir+json"))
        }
        _ => Err(WebError::NotFound),
    }
}

/// `GET /hpo/search?q=` (or the HPO input's own name and value, as htmx sends it):
/// autocomplete suggestions as an HTML list that htmx swaps in beside the input.
pub async fn hpo_search(State(state): State<AppState>, _principal: Principal, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let text = crate::form::hpo_search_text(&pairs).unwrap_or_default().to_string();
    // The container the form renders is a listbox, so each suggestion is an option itself: a
    // button with the option role, inside list markup that is presentational only (an option
    // holding a button nests one control in another, which assistive technology cannot use).
    let mut html = String::from("<ul class=\"suggestions\" role=\"none\">");
    if text.trim().len() >= 2 {
        for hit in state.hpo.search(&text, 10) {
            let matched = if hit.matched_text == hit.label {
                String::new()
            } else {
                format!(" <span class=\"muted\">({})</span>", escape_html(hit.matched_text))
            };
            html.push_str(&format!(
                "<li role=\"none\"><button type=\"button\" role=\"option\" aria-selected=\"false\" class=\"suggestion\" data-id=\"{id}\" data-label=\"{label}\">{id} {label}{matched}</button></li>",
                id = hit.id,
                label = escape_html(hit.label)
            ));
        }
    }
    html.push_str(&format!("</ul><p class=\"muted\">HPO release {}</p>", state.hpo.release()));
    Html(html).into_response()
}

/// `GET /account`: the user's API tokens.
pub async fn account(State(state): State<AppState>, principal: Principal) -> Result<Response, WebError> {
    account_page(&state, &principal, None).await
}

async fn account_page(state: &AppState, principal: &Principal, new_token: Option<String>) -> Result<Response, WebError> {
    let tokens = state.store.api_tokens(&principal.user).await?;
    let page = AccountPage {
        layout: layout(principal, "Your account", None),
        username: principal.user.username.clone(),
        role: principal.user.role.as_str(),
        tokens,
        new_token,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    label: String,
}

/// `POST /account/tokens`: issues a token and shows it once.
pub async fn add_token(State(state): State<AppState>, principal: Principal, Form(form): Form<TokenForm>) -> Result<Response, WebError> {
    let token = state.store.add_api_token(&principal.user, &form.label, &principal.actor()).await?;
    account_page(&state, &principal, Some(token)).await
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(State(state): State<AppState>, principal: Principal, Path(id): Path<i64>) -> Result<Response, WebError> {
    state.store.revoke_api_token(&principal.user, id, &principal.actor()).await?;
    Ok(Redirect::to("/account").into_response())
}

/// `GET /admin/users`.
pub async fn users(State(state): State<AppState>, principal: Principal) -> Result<Response, WebError> {
    principal.require(Capability::ManageUsers)?;
    let users = state.store.users().await?;
    Ok(render(&UsersPage {
        layout: layout(&principal, "Users", None),
        current: principal.user.username.clone(),
        users,
        roles: Role::ALL.iter().map(|role| role.as_str()).collect(),
    }))
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    pub(crate) username: String,
    pub(crate) role: String,
    pub(crate) center: Option<String>,
    pub(crate) password: String,
}

/// `POST /admin/users`.
pub async fn add_user(State(state): State<AppState>, principal: Principal, Form(form): Form<UserForm>) -> Result<Response, WebError> {
    create_user(&state, &principal, &form).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// Adds a user from a form or an API request (administrators only).
pub(crate) async fn create_user(state: &AppState, principal: &Principal, form: &UserForm) -> Result<casebook_store::users::User, WebError> {
    principal.require(Capability::ManageUsers)?;
    let bad = |error: casebook_store::StoreError| WebError::BadRequest(error.to_string());
    let username = Username::parse(form.username.trim()).map_err(bad)?;
    let role = Role::parse(&form.role).ok_or_else(|| WebError::BadRequest(format!("`{}` is not a role", form.role)))?;
    let center = match form.center.as_deref().map(str::trim).filter(|center| !center.is_empty()) {
        Some(center) => {
            Some(casebook_domain::patient::Slug::parse("center", center).map_err(|error| WebError::BadRequest(error.to_string()))?)
        }
        None => None,
    };
    let new_user = NewUser::new(username, role, center).map_err(bad)?;
    let password = Password::parse(&form.password).map_err(bad)?;
    Ok(state.store.add_user(&principal.actor(), &new_user, &password).await?)
}

/// Disables a user (administrators only; never oneself).
pub(crate) async fn block_user(state: &AppState, principal: &Principal, username: &str) -> Result<(), WebError> {
    principal.require(Capability::ManageUsers)?;
    if username == principal.user.username {
        return Err(WebError::BadRequest("you cannot disable your own account".into()));
    }
    Ok(state.store.disable_user(&principal.actor(), username).await?)
}

/// `POST /admin/users/{username}/disable`: the account can no longer log in; its history stays.
pub async fn disable_user(State(state): State<AppState>, principal: Principal, Path(username): Path<String>) -> Result<Response, WebError> {
    block_user(&state, &principal, &username).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// `GET /assets/{file}`: the vendored assets, compiled into the binary.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type): (&'static str, &'static str) = match file.as_str() {
        "htmx.min.js" => (include_str!("../assets/htmx-2.0.11.min.js"), "text/javascript; charset=utf-8"),
        "app.js" => (include_str!("../assets/app.js"), "text/javascript; charset=utf-8"),
        "app.css" => (include_str!("../assets/app.css"), "text/css; charset=utf-8"),
        "form.css" => (include_str!("../assets/form.css"), "text/css; charset=utf-8"),
        _ => return WebError::NotFound.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
