//! The access matrix: every role × every route × a patient of the user's own center and one of
//! another center, through the pages and the JSON API, on SQLite and PostgreSQL. A role without
//! the capability gets 403; a patient of another center is 404, like one that does not exist;
//! everything else is served (success, a redirect, or a workflow refusal that is not about
//! access).

use axum::http::StatusCode;
use casebook_store::users::Role;
use casebook_web::policy::{Capability, allows};

use crate::support::{Body_, USERS};
use crate::web_test;

/// (method, path with {p} for the patient and {q} for a query on it, body, capability, about a patient)
fn routes() -> Vec<(&'static str, &'static str, Option<fn() -> Body_>, Capability, bool)> {
    use Capability::*;
    vec![
        ("GET", "/studies/small", None, ReadPatients, false),
        ("GET", "/studies/small/patients", None, ReadPatients, false),
        ("GET", "/studies/small/queries", None, ReadPatients, false),
        ("GET", "/studies/small/patients/{p}", None, ReadPatients, true),
        ("GET", "/studies/small/patients/{p}/history", None, ReadPatients, true),
        ("GET", "/studies/small/patients/{p}/edit", None, EditPatients, true),
        ("POST", "/studies/small/patients/{p}/edit", Some(|| Body_::Form("_version=1&pseudonym=P-A1".into())), EditPatients, true),
        ("POST", "/studies/small/patients/{p}/workflow", Some(|| Body_::Form("version=99&step=mark-complete".into())), EditPatients, true),
        (
            "POST",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=sign&meaning=x&password=y".into())),
            Sign,
            true,
        ),
        ("POST", "/studies/small/patients/{p}/workflow", Some(|| Body_::Form("version=99&step=lock".into())), Lock, true),
        ("POST", "/studies/small/patients/{p}/workflow", Some(|| Body_::Form("version=99&step=unlock&reason=test".into())), Unlock, true),
        ("POST", "/studies/small/patients/{p}/workflow", Some(|| Body_::Form("version=99&step=delete&reason=test".into())), Delete, true),
        ("POST", "/studies/small/patients/{p}/queries", Some(|| Body_::Form("field=%24.sex&question=Sure%3F".into())), RaiseQueries, true),
        ("POST", "/studies/small/queries/{q}/answer", Some(|| Body_::Form("answer=Yes".into())), AnswerQueries, true),
        ("POST", "/studies/small/queries/{q}/close", Some(|| Body_::Form("".into())), RaiseQueries, true),
        ("GET", "/studies/small/report", None, RunReport, false),
        ("GET", "/studies/small/report/document", None, RunReport, false),
        ("GET", "/studies/small/downloads/native.json", None, Export, false),
        ("GET", "/studies/small/downloads/fhir-bundle.json", None, Export, false),
        ("GET", "/studies/small/downloads/report.html", None, RunReport, false),
        ("GET", "/admin/users", None, ManageUsers, false),
        ("POST", "/admin/users/spare/disable", Some(|| Body_::Form(String::new())), ManageUsers, false),
        ("GET", "/api/v1/studies/small/patients", None, ReadPatients, false),
        ("GET", "/api/v1/studies/small/patients/{p}", None, ReadPatients, true),
        ("GET", "/api/v1/studies/small/patients/{p}/history", None, ReadPatients, true),
        (
            "PUT",
            "/api/v1/studies/small/patients/{p}",
            Some(|| Body_::Json(r#"{"version": 99, "record": {"pseudonym": "P-A1"}}"#.into())),
            EditPatients,
            true,
        ),
        (
            "POST",
            "/api/v1/studies/small/patients/{p}/workflow",
            Some(|| Body_::Json(r#"{"version": 99, "step": "lock"}"#.into())),
            Lock,
            true,
        ),
        (
            "POST",
            "/api/v1/studies/small/patients/{p}/queries",
            Some(|| Body_::Json(r#"{"field": "$.sex", "question": "?"}"#.into())),
            RaiseQueries,
            true,
        ),
        ("POST", "/api/v1/studies/small/queries/{q}/answer", Some(|| Body_::Json(r#"{"answer": "Yes"}"#.into())), AnswerQueries, true),
        ("GET", "/api/v1/studies/small/queries", None, ReadPatients, false),
        ("GET", "/api/v1/studies/small/exports/native.json", None, Export, false),
    ]
}

#[derive(Debug, PartialEq)]
enum Expected {
    Forbidden,
    NotFound,
    Served,
}

web_test!(every_role_on_every_route_at_its_own_and_another_center, |world| {
    let mut checked = 0;
    for (username, role, center) in USERS {
        // A center user's own patient is at their center; coordinators and administrators have
        // no center, so both patients are "own" for them.
        let own_center = center.unwrap_or("A");
        for (patient, query, patient_center) in [("P-A1", world.query_a, "A"), ("P-B1", world.query_b, "B")] {
            for (method, template, body, capability, about_patient) in routes() {
                let path = template.replace("{p}", patient).replace("{q}", &query.to_string());
                let expected = if !allows(*role, capability) {
                    Expected::Forbidden
                } else if about_patient && center.is_some() && patient_center != own_center {
                    Expected::NotFound
                } else {
                    Expected::Served
                };
                let (status, body_text) = world.send(Some(username), method, &path, body.map(|make| make())).await;
                let got = match status {
                    StatusCode::FORBIDDEN => Expected::Forbidden,
                    StatusCode::NOT_FOUND => Expected::NotFound,
                    StatusCode::UNAUTHORIZED => panic!("{username} {method} {path}: 401 with a valid token"),
                    _ => Expected::Served,
                };
                assert_eq!(got, expected, "{username} ({role:?}) {method} {path} → {status}: {}", &body_text[..body_text.len().min(300)]);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, USERS.len() * 2 * routes().len());
});

web_test!(nobody_logged_in_is_sent_to_the_login_page_or_told_401, |world| {
    let (status, _) = world.send(None, "GET", "/studies/small/patients/P-A1", None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = world.send(None, "GET", "/api/v1/studies/small/patients/P-A1", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"status\":401"), "{body}");
    let (status, body) = world.send(None, "GET", "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"openapi\": \"3.1.0\""), "{body}");
});

web_test!(exports_hold_only_the_records_the_user_may_read, |world| {
    let (_, all) = world.send(Some("coordinator"), "GET", "/studies/small/downloads/native.json", None).await;
    let (_, own) = world.send(Some("lead.a"), "GET", "/api/v1/studies/small/exports/native.json", None).await;
    let pseudonyms = |text: &str| -> Vec<String> {
        let document: serde_json::Value = serde_json::from_str(text).unwrap();
        document["patients"].as_array().unwrap().iter().map(|p| p["pseudonym"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(pseudonyms(&all), ["P-A1", "P-A2", "P-B1"]);
    assert_eq!(pseudonyms(&own), ["P-A1", "P-A2"]);
    let (_, fhir) = world.send(Some("lead.b"), "GET", "/studies/small/downloads/fhir-bundle.json", None).await;
    assert!(fhir.contains("P-B1") && !fhir.contains("P-A1"), "the FHIR export of center B holds only its patient");
    let (_, listing) = world.send(Some("entry.b"), "GET", "/api/v1/studies/small/patients", None).await;
    assert!(listing.contains("P-B1") && !listing.contains("P-A"), "{listing}");
});

#[test]
fn the_matrix_gives_each_role_what_the_issue_asks() {
    assert!(allows(Role::Coordinator, Capability::RaiseQueries) && !allows(Role::DataEntry, Capability::RaiseQueries));
    assert!(allows(Role::DataEntry, Capability::AnswerQueries) && allows(Role::CenterLead, Capability::AnswerQueries));
}
