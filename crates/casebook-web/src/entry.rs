//! Case entry: the patient form (generated from the patient JSON Schema by [`crate::form`]),
//! saving with optimistic locking, and the live check panel (mg/kg/day, dose warnings, Zhu score,
//! privacy warnings) that htmx refreshes while the user types.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use casebook_domain::check::{Level, check_patient, derive_course, zhu_results};
use casebook_domain::patient::Patient;
use casebook_domain::study::Study;
use casebook_formats::native::folder::{parse_patient_json, patient_to_json};
use serde_json::{Value, json};

use crate::error::WebError;
use crate::form::{FieldError, FormSchema, RenderOptions};
use crate::pages::{findings, layout, load_study, read_patient, render};
use crate::policy::{Capability, Principal};
use crate::state::AppState;
use crate::templates::{CheckPanel, EditPage, Finding};

/// What saving a record came to.
#[derive(Debug)]
pub enum SaveOutcome {
    /// Stored at this version; warnings are shown but never block a save.
    Saved {
        /// The new version.
        version: i64,
        /// Warnings (dose plausibility, identifying data in free text), as `path: message`.
        warnings: Vec<String>,
    },
    /// Not stored: errors as (JSON path, message).
    Invalid {
        /// Every error found.
        errors: Vec<(String, String)>,
    },
}

/// Which record a save replaces: its pseudonym and the version that was read.
#[derive(Debug, Clone, Copy)]
pub struct Replacing<'a> {
    /// The pseudonym of the record being edited (a save cannot rename it).
    pub pseudonym: &'a str,
    /// The version the editor read (optimistic locking).
    pub version: i64,
}

/// Validates and stores a record typed by a user: new when `replacing` is `None`, otherwise
/// replacing that record at that version. Center staff enter patients of their own center only.
pub async fn save_record(
    state: &AppState,
    principal: &Principal,
    study: &Study,
    record: &Value,
    replacing: Option<Replacing<'_>>,
) -> Result<SaveOutcome, WebError> {
    principal.require(Capability::EditPatients)?;
    let patient = match parse_patient_json(&record.to_string()) {
        Ok(patient) => patient,
        Err(diagnostics) => {
            return Ok(SaveOutcome::Invalid { errors: diagnostics.into_iter().map(|d| pinpoint(d.path, d.message)).collect() });
        }
    };
    if let Some(replacing) = replacing
        && patient.pseudonym.as_str() != replacing.pseudonym
    {
        let message = format!("a record keeps its pseudonym ({}); to use another one, create a new record", replacing.pseudonym);
        return Ok(SaveOutcome::Invalid { errors: vec![("$.pseudonym".into(), message)] });
    }
    if let Some(center) = principal.center()
        && patient.center.as_str() != center
    {
        return Ok(SaveOutcome::Invalid { errors: vec![("$.center".into(), format!("you enter patients of your own center, {center}"))] });
    }
    let diagnostics = check_patient(&patient, study);
    let errors: Vec<(String, String)> =
        diagnostics.iter().filter(|d| d.level == Level::Error).map(|d| (d.path.clone(), d.message.clone())).collect();
    if !errors.is_empty() {
        return Ok(SaveOutcome::Invalid { errors });
    }
    let actor = principal.actor();
    let new_version = match replacing {
        None => {
            state.store.create_patient(study, &patient, &actor).await?;
            1
        }
        Some(replacing) => {
            // The record must be visible (own center) before it can be replaced.
            state.store.patient_in(study.id.as_str(), replacing.pseudonym, &principal.scope()).await?;
            state.store.save_patient(study, &patient, replacing.version, &actor).await?
        }
    };
    let mut warnings: Vec<String> =
        diagnostics.iter().filter(|d| d.level == Level::Warning).map(|d| format!("{}: {}", d.path, d.message)).collect();
    warnings.extend(FormSchema::patient().privacy_warnings(record).into_iter().map(|w| format!("{}: {}", w.path, w.message)));
    Ok(SaveOutcome::Saved { version: new_version, warnings })
}

/// The parser reports a missing field on the object that lacks it (`features[0]`: "missing field
/// `label` (at line 1, column 9)"); the person typing needs it on the field itself.
fn pinpoint(path: String, message: String) -> (String, String) {
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')).map(|(name, _)| name.to_string());
    match missing {
        // At the top level the parser gives a place in the text (`line 1, column 20`), not a path.
        Some(name) if path.is_empty() || path == "$" || path.starts_with("line ") => (name.clone(), format!("{name} is required")),
        Some(name) => (format!("{path}.{name}"), format!("{name} is required")),
        None => (path, message),
    }
}

/// A stored patient as the native record JSON, for forms, pages, the API and exports.
pub(crate) fn record_of(patient: &Patient) -> Value {
    serde_json::from_str(&patient_to_json(patient)).expect("patient JSON is valid")
}

struct Editing<'a> {
    study: &'a Study,
    heading: String,
    action: String,
    cancel: String,
    version: i64,
}

impl<'a> Editing<'a> {
    fn new_patient(study: &'a Study) -> Editing<'a> {
        let list = format!("/studies/{}/patients", study.id);
        Editing { study, heading: "New patient".into(), action: list.clone(), cancel: list, version: 0 }
    }

    fn existing(study: &'a Study, pseudonym: &str, version: i64) -> Editing<'a> {
        let record = format!("/studies/{}/patients/{pseudonym}", study.id);
        Editing { study, heading: format!("Edit {pseudonym}"), action: format!("{record}/edit"), cancel: record, version }
    }
}

fn edit_page(principal: &Principal, editing: Editing<'_>, record: &Value, errors: &[FieldError], conflict: Option<String>) -> EditPage {
    let schema = FormSchema::patient();
    let mut shown = errors.to_vec();
    shown.extend(schema.privacy_warnings(record));
    EditPage {
        layout: layout(principal, &editing.heading, Some(editing.study)),
        study_id: editing.study.id.to_string(),
        heading: editing.heading,
        action: editing.action,
        cancel: editing.cancel,
        version: editing.version,
        conflict,
        sections: schema.sections(),
        fields: schema.render(record, &shown, &RenderOptions::default()),
        check: check_panel(editing.study, record),
    }
}

/// `GET /studies/{study}/patients/new`.
pub async fn new_patient(State(state): State<AppState>, principal: Principal, Path(study_id): Path<String>) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::EditPatients)?;
    let record = json!({"pseudonym": "", "center": principal.center().unwrap_or_default(), "source": "chart", "sex": "unknown", "vitalStatus": "alive"});
    let editing = Editing::new_patient(&study);
    Ok(render(&edit_page(&principal, editing, &record, &[], None)))
}

/// `GET /studies/{study}/patients/{pseudonym}/edit`.
pub async fn edit_patient(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::EditPatients)?;
    let stored = read_patient(&state, &principal, &study_id, &pseudonym).await?;
    if !stored.status.is_editable() {
        return Err(WebError::BadRequest(format!("the record is {}: unlock it, giving a reason, to change it", stored.status)));
    }
    let editing = Editing::existing(&study, &pseudonym, stored.version);
    Ok(render(&edit_page(&principal, editing, &record_of(&stored.patient), &[], None)))
}

/// `POST /studies/{study}/patients`: a new record from the form.
pub async fn create_patient(
    State(state): State<AppState>,
    principal: Principal,
    Path(study_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    let editing = Editing::new_patient(&study);
    submit(&state, &principal, editing, &pairs, None).await
}

/// `POST /studies/{study}/patients/{pseudonym}/edit`.
pub async fn save_patient(
    State(state): State<AppState>,
    principal: Principal,
    Path((study_id, pseudonym)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    read_patient(&state, &principal, &study_id, &pseudonym).await?;
    let version = pairs.iter().find(|(name, _)| name == "_version").and_then(|(_, value)| value.parse().ok()).unwrap_or(0);
    let editing = Editing::existing(&study, &pseudonym, version);
    submit(&state, &principal, editing, &pairs, Some(Replacing { pseudonym: &pseudonym, version })).await
}

/// Parses a submitted form; re-renders it with everything typed when a section is added or
/// removed, when a field is wrong, or when someone else saved first.
async fn submit(
    state: &AppState,
    principal: &Principal,
    editing: Editing<'_>,
    pairs: &[(String, String)],
    replacing: Option<Replacing<'_>>,
) -> Result<Response, WebError> {
    principal.require(Capability::EditPatients)?;
    let schema = FormSchema::patient();
    // `parse` skips the page's own fields (`_version`, `_save`) and returns `_add`/`_remove`.
    let (mut record, mut errors, action) = schema.parse(pairs);
    if let Some(action) = action {
        crate::form::apply_action(&mut record, &action);
        return Ok(render(&edit_page(principal, editing, &record, &errors, None)));
    }
    errors.extend(schema.missing_required(&record));
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&edit_page(principal, editing, &record, &errors, None))).into_response());
    }
    let outcome = match save_record(state, principal, editing.study, &record, replacing).await {
        Err(WebError::Conflict(message)) => {
            return Ok((StatusCode::CONFLICT, render(&edit_page(principal, editing, &record, &[], Some(message)))).into_response());
        }
        Err(WebError::BadRequest(message)) => {
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&edit_page(principal, editing, &record, &[], Some(message)))).into_response()
            );
        }
        other => other?,
    };
    match outcome {
        SaveOutcome::Saved { .. } => {
            let pseudonym = record.get("pseudonym").and_then(Value::as_str).unwrap_or_default();
            Ok(Redirect::to(&format!("/studies/{}/patients/{pseudonym}", editing.study.id)).into_response())
        }
        SaveOutcome::Invalid { errors } => {
            let errors: Vec<FieldError> = errors.into_iter().map(|(path, message)| FieldError::error(path, message)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&edit_page(principal, editing, &record, &errors, None))).into_response())
        }
    }
}

/// `POST /studies/{study}/check`: the live check panel for the form as typed so far.
pub async fn check_patient_form(
    State(state): State<AppState>,
    principal: Principal,
    Path(study_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let study = load_study(&state, &study_id).await?;
    principal.require(Capability::EditPatients)?;
    let (record, _, _) = FormSchema::patient().parse(&pairs);
    Ok(axum::response::Html(check_panel(&study, &record)).into_response())
}

/// The record as typed so far, parsed with every list item that does not parse yet left out (a
/// half-typed feature must not hide the doses of a complete course), and the items left out
/// with the reason. When the rest does not parse either, the parser's errors.
fn parse_leniently(record: &Value) -> (Result<Patient, Vec<casebook_domain::check::Diagnostic>>, Vec<(String, String)>) {
    let mut record = record.clone();
    let mut left_out = Vec::new();
    // Each round removes one item; a record has far fewer items than this.
    for _ in 0..200 {
        match parse_patient_json(&record.to_string()) {
            Ok(patient) => return (Ok(patient), left_out),
            Err(diagnostics) => {
                let Some((item, message)) = diagnostics.iter().find_map(|d| innermost_item(&d.path).map(|item| (item, d.message.clone())))
                else {
                    return (Err(diagnostics), left_out);
                };
                if !remove_item(&mut record, &item) {
                    return (Err(diagnostics), left_out);
                }
                left_out.push((item, message));
            }
        }
    }
    (parse_patient_json(&record.to_string()), left_out)
}

/// `courses[0].adverseEvents[1].grade` → `courses[0].adverseEvents[1]`: the list item an error
/// is in.
fn innermost_item(path: &str) -> Option<String> {
    let end = path.rfind(']')?;
    Some(path[..=end].trim_start_matches("$.").to_string())
}

/// Removes the list item at a path like `courses[0].adverseEvents[1]`; `false` when there is none.
fn remove_item(record: &mut Value, path: &str) -> bool {
    let mut current = record;
    let parts: Vec<&str> = path.split('.').collect();
    for (position, part) in parts.iter().enumerate() {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let Some(child) = current.get_mut(key) else { return false };
        match index {
            Some(index) if position + 1 == parts.len() => {
                let Some(items) = child.as_array_mut().filter(|items| index < items.len()) else { return false };
                items.remove(index);
                return true;
            }
            Some(index) => match child.get_mut(index) {
                Some(item) => current = item,
                None => return false,
            },
            None => current = child,
        }
    }
    false
}

/// The live check panel as HTML.
fn check_panel(study: &Study, record: &Value) -> String {
    use askama::Template;
    live_checks(study, record).render().unwrap_or_else(|error| format!("<p class=\"error\">{error}</p>"))
}

/// Doses per kilogram, dose warnings, the Zhu score, lab values converted to the study's
/// canonical units and every other finding of the record as typed so far, or the parse errors
/// when it does not parse yet.
pub(crate) fn live_checks(study: &Study, record: &Value) -> CheckPanel {
    let (parsed, left_out) = parse_leniently(record);
    let mut panel = match parsed {
        Err(diagnostics) => CheckPanel { doses: Vec::new(), zhu: Vec::new(), labs: Vec::new(), findings: findings(&diagnostics) },
        Ok(patient) => {
            let doses = patient
                .courses
                .iter()
                .enumerate()
                .filter_map(|(index, course)| {
                    let drug = study.drugs.get(&course.drug)?;
                    let derivation = derive_course(&patient, course, drug, &study.drugs, &format!("courses[{index}]"));
                    Some(match derivation.derived {
                        Some(dose) => match dose.mg_per_kg_per_day {
                            Some(per_day) => format!("{} ({}): {per_day:.2} mg/kg/day", course.id, course.drug),
                            None => format!("{} ({}): {:.2} mg/kg per dose", course.id, course.drug, dose.mg_per_kg_per_dose),
                        },
                        None => format!(
                            "{} ({}): mg/kg/day needs a dose, a frequency and a body weight on or before the start",
                            course.id, course.drug
                        ),
                    })
                })
                .collect();
            let zhu = patient
                .zhu_assessments
                .iter()
                .zip(zhu_results(&patient, study))
                .map(|(assessment, result)| format!("{}: score {} ({})", assessment.date, result.score, result.phenotype_class.key()))
                .collect();
            let labs = patient
                .labs
                .iter()
                .filter(|lab| lab.unit() != lab.analyte.canonical_unit())
                .map(|lab| {
                    format!(
                        "{} {}: {} {} = {} {}",
                        lab.date,
                        lab.analyte.label(),
                        lab.value(),
                        lab.unit(),
                        lab.canonical_value(),
                        lab.analyte.canonical_unit()
                    )
                })
                .collect();
            CheckPanel { doses, zhu, labs, findings: findings(&check_patient(&patient, study)) }
        }
    };
    panel.findings.extend(left_out.into_iter().map(|(path, message)| Finding {
        level: "note",
        path,
        message: format!("left out of these checks until it is complete: {message}"),
    }));
    panel.findings.extend(FormSchema::patient().privacy_warnings(record).into_iter().map(|warning| Finding {
        level: "warning",
        path: warning.path,
        message: warning.message,
    }));
    panel
}
