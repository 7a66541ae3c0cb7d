//! The access matrix: every role × every route × a patient of the user's own center and one of
//! another center, through the pages and the JSON API, on SQLite and PostgreSQL. A role without
//! the capability gets 403; a patient of another center is 404, like one that does not exist;
//! everything else is served (success, a redirect, or a workflow refusal that is not about
//! access).

use axum::http::StatusCode;
use casebook_store::users::Role;
use casebook_web::policy::{Capability, allows};

use crate::support::{Body_, USERS, declared_routes};
use crate::web_test;

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user.
    AnyUser,
    /// A logged-in user whose role has the capability.
    Needs(Capability),
}

/// One request per route and method: (method, the route as the router declares it, the
/// concrete path, body, who may, whether it is about one patient). In concrete paths `{p}` is
/// the patient, `{q}` a query on that patient and `{t}` a token of the user's own.
type Route = (&'static str, &'static str, &'static str, Option<fn() -> Body_>, Rule, bool);

fn routes() -> Vec<Route> {
    use Capability::*;
    use Rule::*;
    let empty: Option<fn() -> Body_> = Some(|| Body_::Form(String::new()));
    vec![
        ("GET", "/login", "/login", None, Public, false),
        ("POST", "/login", "/login", Some(|| Body_::Form("username=nobody&password=x".into())), Public, false),
        ("POST", "/logout", "/logout", empty, Public, false),
        ("GET", "/assets/{file}", "/assets/app.css", None, Public, false),
        ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", None, Public, false),
        ("GET", "/", "/", None, AnyUser, false),
        ("GET", "/hpo/search", "/hpo/search?q=eczema", None, AnyUser, false),
        ("GET", "/account", "/account", None, AnyUser, false),
        ("POST", "/account/tokens", "/account/tokens", Some(|| Body_::Form("label=access+test".into())), AnyUser, false),
        ("POST", "/account/tokens/{id}/revoke", "/account/tokens/{t}/revoke", empty, AnyUser, false),
        ("GET", "/api/v1/studies", "/api/v1/studies", None, AnyUser, false),
        ("GET", "/studies/{study}", "/studies/small", None, Needs(ReadPatients), false),
        ("GET", "/studies/{study}/patients", "/studies/small/patients", None, Needs(ReadPatients), false),
        (
            "POST",
            "/studies/{study}/patients",
            "/studies/small/patients",
            Some(|| Body_::Form("pseudonym=".into())),
            Needs(EditPatients),
            false,
        ),
        ("GET", "/studies/{study}/patients/new", "/studies/small/patients/new", None, Needs(EditPatients), false),
        (
            "POST",
            "/studies/{study}/check",
            "/studies/small/check",
            Some(|| Body_::Form("pseudonym=P-X".into())),
            Needs(EditPatients),
            false,
        ),
        ("GET", "/studies/{study}/queries", "/studies/small/queries", None, Needs(ReadPatients), false),
        ("GET", "/studies/{study}/patients/{pseudonym}", "/studies/small/patients/{p}", None, Needs(ReadPatients), true),
        ("GET", "/studies/{study}/patients/{pseudonym}/history", "/studies/small/patients/{p}/history", None, Needs(ReadPatients), true),
        ("GET", "/studies/{study}/patients/{pseudonym}/edit", "/studies/small/patients/{p}/edit", None, Needs(EditPatients), true),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/edit",
            "/studies/small/patients/{p}/edit",
            Some(|| Body_::Form("_version=1&pseudonym=P-A1".into())),
            Needs(EditPatients),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/workflow",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=mark-complete".into())),
            Needs(EditPatients),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/workflow",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=sign&meaning=x&password=y".into())),
            Needs(Sign),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/workflow",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=lock".into())),
            Needs(Lock),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/workflow",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=unlock&reason=test".into())),
            Needs(Unlock),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/workflow",
            "/studies/small/patients/{p}/workflow",
            Some(|| Body_::Form("version=99&step=delete&reason=test".into())),
            Needs(Delete),
            true,
        ),
        (
            "POST",
            "/studies/{study}/patients/{pseudonym}/queries",
            "/studies/small/patients/{p}/queries",
            Some(|| Body_::Form("field=%24.sex&question=Sure%3F".into())),
            Needs(RaiseQueries),
            true,
        ),
        (
            "POST",
            "/studies/{study}/queries/{id}/answer",
            "/studies/small/queries/{q}/answer",
            Some(|| Body_::Form("answer=Yes".into())),
            Needs(AnswerQueries),
            true,
        ),
        ("POST", "/studies/{study}/queries/{id}/close", "/studies/small/queries/{q}/close", empty, Needs(RaiseQueries), true),
        ("GET", "/studies/{study}/report", "/studies/small/report", None, Needs(RunReport), false),
        ("GET", "/studies/{study}/report/document", "/studies/small/report/document", None, Needs(RunReport), false),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/report.html", None, Needs(RunReport), false),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/statistics.csv", None, Needs(RunReport), false),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/native.json", None, Needs(Export), false),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/phenopackets.zip", None, Needs(Export), false),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/fhir-bundle.json", None, Needs(Export), false),
        ("GET", "/admin/users", "/admin/users", None, Needs(ManageUsers), false),
        (
            "POST",
            "/admin/users",
            "/admin/users",
            Some(|| Body_::Form("username=&role=coordinator&password=x".into())),
            Needs(ManageUsers),
            false,
        ),
        ("POST", "/admin/users/{username}/disable", "/admin/users/spare/disable", empty, Needs(ManageUsers), false),
        ("GET", "/api/v1/studies/{study}/patients", "/api/v1/studies/small/patients", None, Needs(ReadPatients), false),
        (
            "POST",
            "/api/v1/studies/{study}/patients",
            "/api/v1/studies/small/patients",
            Some(|| Body_::Json("{}".into())),
            Needs(EditPatients),
            false,
        ),
        ("GET", "/api/v1/studies/{study}/queries", "/api/v1/studies/small/queries", None, Needs(ReadPatients), false),
        ("GET", "/api/v1/studies/{study}/exports/{file}", "/api/v1/studies/small/exports/native.json", None, Needs(Export), false),
        ("GET", "/api/v1/studies/{study}/exports/{file}", "/api/v1/studies/small/exports/statistics.csv", None, Needs(RunReport), false),
        ("GET", "/api/v1/studies/{study}/patients/{pseudonym}", "/api/v1/studies/small/patients/{p}", None, Needs(ReadPatients), true),
        (
            "GET",
            "/api/v1/studies/{study}/patients/{pseudonym}/history",
            "/api/v1/studies/small/patients/{p}/history",
            None,
            Needs(ReadPatients),
            true,
        ),
        (
            "PUT",
            "/api/v1/studies/{study}/patients/{pseudonym}",
            "/api/v1/studies/small/patients/{p}",
            Some(|| Body_::Json(r#"{"version": 99, "record": {"pseudonym": "P-A1"}}"#.into())),
            Needs(EditPatients),
            true,
        ),
        (
            "POST",
            "/api/v1/studies/{study}/patients/{pseudonym}/workflow",
            "/api/v1/studies/small/patients/{p}/workflow",
            Some(|| Body_::Json(r#"{"version": 99, "step": "lock"}"#.into())),
            Needs(Lock),
            true,
        ),
        (
            "POST",
            "/api/v1/studies/{study}/patients/{pseudonym}/queries",
            "/api/v1/studies/small/patients/{p}/queries",
            Some(|| Body_::Json(r#"{"field": "$.sex", "question": "?"}"#.into())),
            Needs(RaiseQueries),
            true,
        ),
        (
            "POST",
            "/api/v1/studies/{study}/queries/{id}/answer",
            "/api/v1/studies/small/queries/{q}/answer",
            Some(|| Body_::Json(r#"{"answer": "Yes"}"#.into())),
            Needs(AnswerQueries),
            true,
        ),
        (
            "POST",
            "/api/v1/studies/{study}/queries/{id}/close",
            "/api/v1/studies/small/queries/{q}/close",
            Some(|| Body_::Json("{}".into())),
            Needs(RaiseQueries),
            true,
        ),
        ("GET", "/api/v1/hpo/search", "/api/v1/hpo/search?q=eczema", None, AnyUser, false),
        ("GET", "/api/v1/studies/{study}/dashboard", "/api/v1/studies/small/dashboard", None, Needs(ReadPatients), false),
        (
            "POST",
            "/api/v1/studies/{study}/check",
            "/api/v1/studies/small/check",
            Some(|| Body_::Json(r#"{"pseudonym": "P-X"}"#.into())),
            Needs(EditPatients),
            false,
        ),
        ("GET", "/api/v1/users", "/api/v1/users", None, Needs(ManageUsers), false),
        (
            "POST",
            "/api/v1/users",
            "/api/v1/users",
            Some(|| Body_::Json(r#"{"username": "", "role": "coordinator", "password": "x"}"#.into())),
            Needs(ManageUsers),
            false,
        ),
        (
            "POST",
            "/api/v1/users/{username}/disable",
            "/api/v1/users/spare2/disable",
            Some(|| Body_::Json("{}".into())),
            Needs(ManageUsers),
            false,
        ),
        ("GET", "/studies/{study}/downloads/{file}", "/studies/small/downloads/report.json", None, Needs(RunReport), false),
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
        // no center, so both patients are "own" for them. Routes about no patient run once.
        let own_center = center.unwrap_or("A");
        let token = world.revocable_token(username).to_string();
        for (patient, query, patient_center) in [("P-A1", world.query_a, "A"), ("P-B1", world.query_b, "B")] {
            for (method, _, template, body, rule, about_patient) in routes() {
                if !about_patient && patient != "P-A1" {
                    continue;
                }
                let path = template.replace("{p}", patient).replace("{q}", &query.to_string()).replace("{t}", &token);
                let expected = match rule {
                    Rule::Needs(capability) if !allows(*role, capability) => Expected::Forbidden,
                    _ if about_patient && center.is_some() && patient_center != own_center => Expected::NotFound,
                    _ => Expected::Served,
                };
                let (status, body_text) = world.send(Some(username), method, &path, body.map(|make| make())).await;
                let got = match status {
                    StatusCode::FORBIDDEN => Expected::Forbidden,
                    StatusCode::NOT_FOUND => Expected::NotFound,
                    StatusCode::UNAUTHORIZED if !matches!(rule, Rule::Public) => {
                        panic!("{username} {method} {path}: 401 with a valid token")
                    }
                    // A crash is never an answer about access.
                    status if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
                        panic!("{username} {method} {path}: {status}: {body_text}")
                    }
                    _ => Expected::Served,
                };
                assert_eq!(got, expected, "{username} ({role:?}) {method} {path} → {status}: {}", &body_text[..body_text.len().min(300)]);
                checked += 1;
            }
        }
    }
    let per_user = routes().iter().map(|route| if route.5 { 2 } else { 1 }).sum::<usize>();
    assert_eq!(checked, USERS.len() * per_user);

    // Nobody logged in: public routes are served, pages send to the login page, the API says 401.
    for (method, _, template, body, rule, _) in routes() {
        let path = template.replace("{p}", "P-A1").replace("{q}", &world.query_a.to_string()).replace("{t}", "1");
        let (status, _) = world.send(None, method, &path, body.map(|make| make())).await;
        let expected: &[StatusCode] = match rule {
            Rule::Public => &[StatusCode::OK, StatusCode::SEE_OTHER, StatusCode::UNAUTHORIZED],
            _ if path.starts_with("/api/") => &[StatusCode::UNAUTHORIZED],
            _ => &[StatusCode::SEE_OTHER],
        };
        assert!(expected.contains(&status), "nobody {method} {path} → {status}");
    }
});

#[test]
fn the_table_has_every_route_the_router_declares() {
    let declared = declared_routes();
    assert!(declared.len() > 30, "the route declarations were found: {declared:?}");
    let tested: Vec<(String, String)> = routes().iter().map(|route| (route.0.to_string(), route.1.to_string())).collect();
    for route in &declared {
        assert!(tested.contains(route), "{route:?} is served but not in the access table");
    }
    for route in &tested {
        assert!(declared.contains(route), "{route:?} is in the access table but the router has no such route");
    }
}

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
