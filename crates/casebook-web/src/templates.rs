//! The askama templates (in `templates/`) and the data each one shows. Templates are checked at
//! compile time; every value is HTML-escaped unless marked `|safe` (only HTML built by Casebook
//! itself, which escapes what it embeds).

use askama::Template;
use casebook_store::StudySummary;
use casebook_store::queries::DataQuery;
use casebook_store::records::{PatientListing, Signature};
use casebook_store::tokens::TokenInfo;
use casebook_store::users::User;

/// What every page's frame shows.
#[derive(Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<UserBadge>,
    pub study: Option<StudyBadge>,
    pub may_report: bool,
    pub hpo_release: String,
}

#[derive(Clone)]
pub struct UserBadge {
    pub username: String,
    pub role: &'static str,
    pub center: Option<String>,
    pub admin: bool,
}

#[derive(Clone)]
pub struct StudyBadge {
    pub id: String,
    pub data_label: Option<String>,
}

#[derive(Template, Clone)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
    pub class: &'static str,
    pub back: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub error: Option<String>,
    pub username: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub studies: Vec<StudySummary>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CenterRow {
    pub id: String,
    pub name: String,
    pub patients: usize,
    pub by_status: Vec<usize>,
    pub completeness: usize,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub study_id: String,
    pub title: String,
    pub statuses: Vec<&'static str>,
    pub centers: Vec<CenterRow>,
    pub open_queries: Vec<DataQuery>,
    pub may_export: bool,
    pub downloads: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "patients.html")]
pub struct PatientsPage {
    pub layout: Layout,
    pub study_id: String,
    pub filter: crate::pages::PatientFilter,
    pub centers: Vec<String>,
    pub statuses: Vec<&'static str>,
    /// Patients the user may see, before filtering.
    pub total: usize,
    pub patients: Vec<PatientListing>,
    pub may_edit: bool,
}

#[derive(serde::Serialize)]
pub struct Finding {
    pub level: &'static str,
    pub path: String,
    pub message: String,
}

pub struct RecordField {
    pub path: String,
    pub label: String,
    pub value: String,
}

pub struct RecordSection {
    pub title: String,
    pub fields: Vec<RecordField>,
}

pub struct Step {
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "patient.html")]
pub struct PatientPage {
    pub layout: Layout,
    pub study_id: String,
    pub pseudonym: String,
    pub center: String,
    pub status: String,
    pub version: i64,
    pub signature: Option<Signature>,
    pub editable: bool,
    pub may_edit: bool,
    pub may_answer: bool,
    pub may_raise: bool,
    pub steps: Vec<Step>,
    pub meanings: &'static [&'static str],
    pub findings: Vec<Finding>,
    pub sections: Vec<RecordSection>,
    pub queries: Vec<DataQuery>,
    /// Why the last step or query asked for was refused.
    pub problem: Option<String>,
}

pub struct HistoryRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub study_id: String,
    pub pseudonym: String,
    pub events: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "queries.html")]
pub struct QueriesPage {
    pub layout: Layout,
    pub study_id: String,
    pub queries: Vec<DataQuery>,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub study_id: String,
    pub patients: usize,
}

#[derive(Template)]
#[template(path = "edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub study_id: String,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub version: i64,
    pub conflict: Option<String>,
    /// The form's lists and groups as (element id, label), for the table of contents.
    pub sections: Vec<(String, String)>,
    pub fields: String,
    pub check: String,
}

#[derive(Template, serde::Serialize)]
#[template(path = "check.html")]
pub struct CheckPanel {
    pub doses: Vec<String>,
    pub zhu: Vec<String>,
    pub labs: Vec<String>,
    pub findings: Vec<Finding>,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub username: String,
    pub role: &'static str,
    pub tokens: Vec<TokenInfo>,
    pub new_token: Option<String>,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub current: String,
    pub users: Vec<User>,
    pub roles: Vec<&'static str>,
}
