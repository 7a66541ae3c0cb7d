//! The application's flows through its pages and API, in-process, on SQLite and PostgreSQL:
//! login with cookies and lockout, CSRF protection and security headers, the record workflow
//! with signatures, optimistic locking, data queries, case entry with errors beside the field,
//! and the audit trail of it all.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use casebook_store::audit::{AuditAction, AuditFilter};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{Body_, PASSWORD, World, declared_routes};
use crate::web_test;

/// A raw request with any headers, for cookies and CSRF.
async fn raw(
    world: &World,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match form {
        Some(form) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(form.to_string())
        }
        None => Body::empty(),
    };
    let response = world.app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|c| c.starts_with("casebook_session="))
        .map(str::to_string)
}

async fn log_in(world: &World, username: &str, password: &str) -> (StatusCode, Option<String>) {
    let form = format!("username={username}&password={}&next=/studies/small", password.replace(' ', "+"));
    let (status, headers, _) = raw(world, "POST", "/login", &[], Some(&form)).await;
    (status, session_cookie(&headers))
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

web_test!(login_sets_a_fresh_httponly_cookie_and_logout_ends_the_session, |world| {
    let (status, cookie) = log_in(world, "lead.a", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let pair = cookie_pair(&cookie);
    let (status, _, page) = raw(world, "GET", "/studies/small/patients", &[("cookie", &pair)], None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("P-A1") && !page.contains("P-B1"), "lead.a sees center A only");

    // A refused page still has the user's header and navigation.
    let (status, _, page) = raw(world, "GET", "/studies/small/patients/P-B1", &[("cookie", &pair)], None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("<h1>Not found</h1>") && page.contains("href=\"/account\">lead.a</a>"), "{page}");

    // A second login gets another session id: an id known before login is worth nothing after.
    let (_, second) = log_in(world, "lead.a", PASSWORD).await;
    assert_ne!(cookie_pair(&second.unwrap()), pair);

    let (status, _, _) = raw(world, "POST", "/logout", &[("cookie", &pair)], Some("")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, headers, _) = raw(world, "GET", "/studies/small/patients", &[("cookie", &pair)], None).await;
    assert_eq!(
        (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login?next=/studies/small/patients"),
        "after logging in again the user comes back to the page asked for"
    );
    let (status, headers, _) = raw(
        world,
        "POST",
        "/login",
        &[],
        Some(&format!("username=lead.a&password={}&next=%2Fstudies%2Fsmall%2Fqueries", PASSWORD.replace(' ', "+"))),
    )
    .await;
    assert_eq!((status, headers.get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/studies/small/queries"));
    let (_, headers, _) = raw(
        world,
        "POST",
        "/login",
        &[],
        Some(&format!("username=lead.a&password={}&next=%2F%2Fevil.example", PASSWORD.replace(' ', "+"))),
    )
    .await;
    assert_eq!(headers.get(header::LOCATION).unwrap().to_str().unwrap(), "/", "never to another site");
});

web_test!(wrong_passwords_are_refused_recorded_and_lock_the_account, |world| {
    for _ in 0..5 {
        let (status, cookie) = log_in(world, "entry.a", "not the password").await;
        assert_eq!((status, cookie), (StatusCode::UNAUTHORIZED, None));
    }
    let (status, _, page) =
        raw(world, "POST", "/login", &[], Some(&format!("username=entry.a&password={}", PASSWORD.replace(' ', "+")))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("this account is locked until"), "{page}");
    let events = world.db.store.audit_events(&AuditFilter::record("user/entry.a")).await.unwrap();
    assert_eq!(events.iter().filter(|event| event.action == AuditAction::LoginFailed).count(), 6);
});

web_test!(cross_site_posts_are_refused_and_every_page_carries_the_security_headers, |world| {
    let (_, cookie) = log_in(world, "lead.a", PASSWORD).await;
    let pair = cookie_pair(&cookie.unwrap());
    let form = "version=1&step=mark-complete";
    let (status, _, _) =
        raw(world, "POST", "/studies/small/patients/P-A1/workflow", &[("cookie", &pair), ("sec-fetch-site", "cross-site")], Some(form))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = raw(
        world,
        "POST",
        "/studies/small/patients/P-A1/workflow",
        &[("cookie", &pair), ("origin", "https://evil.example"), ("host", "casebook.example")],
        Some(form),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        world.db.store.patient_in("small", "P-A1", &casebook_store::records::Scope::AllCenters).await.unwrap().version,
        1,
        "nothing changed"
    );
    let (status, _, _) =
        raw(world, "POST", "/studies/small/patients/P-A1/workflow", &[("cookie", &pair), ("sec-fetch-site", "same-origin")], Some(form))
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the same form from the application itself passes");

    let (_, headers, _) = raw(world, "GET", "/login", &[], None).await;
    let csp = headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");

    let huge = "x".repeat(casebook_web::MAX_REQUEST_BYTES + 1);
    let (status, _, _) = raw(world, "POST", "/studies/small/patients", &[("cookie", &pair)], Some(&format!("notes={huge}"))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
});

web_test!(a_record_is_completed_signed_locked_and_unlocked_with_a_reason, |world| {
    let post = |user: &'static str, form: String| async move {
        world.send(Some(user), "POST", "/studies/small/patients/P-A1/workflow", Some(Body_::Form(form))).await
    };
    assert_eq!(post("entry.a", "version=1&step=mark-complete".into()).await.0, StatusCode::SEE_OTHER);
    let meaning = "I+have+reviewed+this+record+against+the+source+documents+and+confirm+it+is+accurate+and+complete";
    let (status, page) = post("lead.a", format!("version=2&step=sign&meaning={meaning}&password=wrong")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The password is wrong: the record was not signed"), "{page}");
    let (status, _) = post("lead.a", format!("version=2&step=sign&meaning={meaning}&password={}", PASSWORD.replace(' ', "+"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = world.send(Some("lead.a"), "GET", "/studies/small/patients/P-A1", None).await;
    assert!(page.contains("verified") && page.contains("signed by lead.a"), "the view shows the signature");

    // A signed record cannot be edited through the form.
    let (status, page) = world.send(Some("entry.a"), "GET", "/studies/small/patients/P-A1/edit", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("unlock it, giving a reason"), "{page}");

    assert_eq!(post("coordinator", "version=3&step=lock".into()).await.0, StatusCode::SEE_OTHER);
    let (status, page) = post("lead.a", "version=4&step=unlock&reason=".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("an unlock needs a reason"), "{page}");
    assert_eq!(post("lead.a", "version=4&step=unlock&reason=corrected+the+dose".into()).await.0, StatusCode::SEE_OTHER);

    let history = world.db.store.audit_events(&AuditFilter::record("patient/P-A1")).await.unwrap();
    let unlock = history.iter().find(|event| event.action == AuditAction::Unlock).unwrap();
    assert_eq!((unlock.actor.as_str(), unlock.reason.as_deref()), ("lead.a", Some("corrected the dose")));
    let sign = history.iter().find(|event| event.action == AuditAction::Sign).unwrap();
    assert!(sign.new_value.as_deref().unwrap().contains("I have reviewed this record"), "the meaning is part of the signature event");
    let (_, page) = world.send(Some("lead.a"), "GET", "/studies/small/patients/P-A1/history", None).await;
    assert!(page.contains("unlock") && page.contains("corrected the dose") && page.contains("sign"), "the history page lists the steps");
    let created = history.iter().find(|event| event.action == AuditAction::Create).unwrap();
    let stamp: serde_json::Value = serde_json::from_str(created.new_value.as_deref().unwrap()).unwrap();
    let sha = stamp["sha256"].as_str().unwrap();
    assert!(page.contains(&format!("version 1 (SHA-256 {}…)", &sha[..12])), "the creation reads as words: {page}");
    assert!(!page.contains("sha256"), "no version stamp is shown as JSON: {page}");
});

web_test!(a_second_save_of_the_same_version_is_a_conflict_that_keeps_what_was_typed, |world| {
    let form = |notes: &str| {
        format!(
            "_version=1&pseudonym=P-A1&center=A&source=constructed&sex=male&vitalStatus=alive&features.0.id=HP%3A0000964&features.0.label=Eczema&notes={notes}"
        )
    };
    let (status, _) = world.send(Some("entry.a"), "POST", "/studies/small/patients/P-A1/edit", Some(Body_::Form(form("first+edit")))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The form of P-A1 cannot overwrite P-A2 by changing the pseudonym.
    // (P-A2 is at version 1, the version this form names: without the check it would be replaced.)
    let renamed = form("x").replace("pseudonym=P-A1", "pseudonym=P-A2");
    let (status, page) = world.send(Some("entry.a"), "POST", "/studies/small/patients/P-A1/edit", Some(Body_::Form(renamed))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("a record keeps its pseudonym (P-A1)"), "{page}");
    assert_eq!(world.db.store.patient_in("small", "P-A2", &casebook_store::records::Scope::AllCenters).await.unwrap().version, 1);

    let (status, page) = world
        .send(Some("lead.a"), "POST", "/studies/small/patients/P-A1/edit", Some(Body_::Form(form("second+edit+typed+meanwhile"))))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        page.contains("was changed by someone else") && page.contains("second edit typed meanwhile"),
        "the message and the typed text: {page}"
    );
    let stored = world.db.store.patient_in("small", "P-A1", &casebook_store::records::Scope::AllCenters).await.unwrap();
    assert_eq!((stored.version, stored.patient.notes.as_deref()), (2, Some("first edit")));
});

web_test!(case_entry_shows_errors_beside_the_field_and_keeps_the_input, |world| {
    let bad = "pseudonym=P-A9&center=A&source=constructed&sex=male&vitalStatus=alive&weights.0.date=2020-01&weights.0.kg=twelve";
    let (status, page) = world.send(Some("entry.a"), "POST", "/studies/small/patients", Some(Body_::Form(bad.into()))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("value=\"twelve\""), "what was typed is kept");
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("field-error"), "the error is beside the field");
    assert!(world.db.store.patient_in("small", "P-A9", &casebook_store::records::Scope::AllCenters).await.is_err(), "nothing was stored");

    let incomplete = "pseudonym=P-A9&center=A&source=constructed&sex=male&vitalStatus=alive&features.0.id=HP%3A0000964&courses.0.id=C1&courses.0.start=2020-01";
    let (status, page) = world.send(Some("entry.a"), "POST", "/studies/small/patients", Some(Body_::Form(incomplete.into()))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, message) in
        [("f-features-0-label", "Label is required"), ("f-courses-0-drug", "Drug is required"), ("f-courses-0-phase", "Phase is required")]
    {
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field} has its own error: {page}");
        assert!(page.contains(message), "{message}");
    }

    let other_center = "pseudonym=P-A9&center=B&source=constructed&sex=male&vitalStatus=alive";
    let (status, page) = world.send(Some("entry.a"), "POST", "/studies/small/patients", Some(Body_::Form(other_center.into()))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("you enter patients of your own center, A"), "{page}");

    let (_, form) = world.send(Some("entry.a"), "GET", "/studies/small/patients/new", None).await;
    for section in ["features", "labs", "weights", "courses", "definitiveTherapies", "engraftment", "zhuAssessments"] {
        assert!(
            form.contains(&format!("href=\"#f-{section}\"")) && form.contains(&format!("id=\"f-{section}\"")),
            "{section} is in the contents and the form"
        );
    }

    let good = "pseudonym=P-A9&center=A&source=constructed&sex=female&vitalStatus=alive&notes=Mario+Rossi+DOB+12%2F03%2F2015";
    let (status, _) = world.send(Some("entry.a"), "POST", "/studies/small/patients", Some(Body_::Form(good.into()))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = world.send(Some("entry.a"), "GET", "/studies/small/patients/P-A9/edit", None).await;
    assert!(page.contains("field-warning"), "free text that looks like a name or a date of birth is warned about");
    let created = world.db.store.audit_events(&AuditFilter::record("patient/P-A9")).await.unwrap();
    assert_eq!((created.len(), created[0].action, created[0].actor.as_str()), (1, AuditAction::Create, "entry.a"));
});

web_test!(a_query_is_raised_answered_and_closed_and_shows_on_the_dashboard, |world| {
    let (status, _) = world
        .send(
            Some("coordinator"),
            "POST",
            "/studies/small/patients/P-A2/queries",
            Some(Body_::Form("field=%24.sex&question=Please+confirm+the+sex".into())),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, dashboard) = world.send(Some("lead.a"), "GET", "/studies/small", None).await;
    assert!(dashboard.contains("Please confirm the sex"), "the center sees its open query");
    let (_, dashboard_b) = world.send(Some("lead.b"), "GET", "/studies/small", None).await;
    assert!(!dashboard_b.contains("Please confirm the sex"), "another center does not");
    let id = world.db.store.queries("small", Some("P-A2"), &casebook_store::records::Scope::AllCenters).await.unwrap()[0].id;
    let (status, _) = world
        .send(Some("entry.a"), "POST", &format!("/studies/small/queries/{id}/answer"), Some(Body_::Form("answer=Checked%3A+male".into())))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) =
        world.send(Some("coordinator"), "POST", &format!("/studies/small/queries/{id}/close"), Some(Body_::Form(String::new()))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, queries) = world.send(Some("coordinator"), "GET", "/studies/small/queries", None).await;
    assert!(queries.contains("Checked: male") && queries.contains("closed"), "{queries}");
    let (_, dashboard) = world.send(Some("coordinator"), "GET", "/studies/small", None).await;
    assert!(!dashboard.contains("Please confirm the sex"), "a closed query leaves the dashboard");
});

web_test!(the_api_creates_reads_and_refuses_with_json_paths, |world| {
    let record = r#"{"pseudonym": "P-A7", "center": "A", "source": "constructed", "sex": "male", "vitalStatus": "alive"}"#;
    let (status, body) = world.send(Some("entry.a"), "POST", "/api/v1/studies/small/patients", Some(Body_::Json(record.into()))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let no_center = r#"{"pseudonym": "P-A8", "source": "constructed", "sex": "male", "vitalStatus": "alive"}"#;
    let (status, body) = world.send(Some("entry.a"), "POST", "/api/v1/studies/small/patients", Some(Body_::Json(no_center.into()))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (refused["errors"][0]["path"].as_str(), refused["errors"][0]["message"].as_str()),
        (Some("center"), Some("center is required")),
        "{body}"
    );
    let (status, body) = world.send(Some("lead.a"), "GET", "/api/v1/studies/small/patients/P-A7", None).await;
    assert_eq!(status, StatusCode::OK);
    let read: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((read["version"].as_i64(), read["status"].as_str(), read["record"]["sex"].as_str()), (Some(1), Some("draft"), Some("male")));

    let bad = r#"{"version": 1, "record": {"pseudonym": "P-A7", "center": "A", "source": "constructed", "sex": "male", "vitalStatus": "alive", "birth": "2020-13"}}"#;
    let (status, body) = world.send(Some("entry.a"), "PUT", "/api/v1/studies/small/patients/P-A7", Some(Body_::Json(bad.into()))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refused["errors"][0]["path"], "birth", "{body}");

    let (status, body) = world.send(Some("lead.a"), "GET", "/api/v1/no/such/thing", None).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::NOT_FOUND, r#"{"error":"This page or record does not exist, or it is not one you may see.","status":404}"#),
        "the API answers in JSON everywhere"
    );

    // The OpenAPI document describes exactly the API the router serves. (Asking each path is no
    // test: unknown API paths answer in JSON too.)
    let (_, document) = world.send(None, "GET", "/api/v1/openapi.json", None).await;
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    let mut described: Vec<(String, String)> = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            described.push((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    let mut served: Vec<(String, String)> = declared_routes().into_iter().filter(|(_, path)| path.starts_with("/api/")).collect();
    described.sort();
    served.sort();
    assert_eq!(described, served, "the OpenAPI document and the API's routes differ");
});

web_test!(the_record_page_shows_choices_in_words, |world| {
    let form = [
        "pseudonym=P-A6&center=A&source=constructed&sex=male&vitalStatus=alive",
        "weights.0.date=2020-01-10&weights.0.kg=20",
        "courses.0.id=C1&courses.0.drug=anakinra&courses.0.route=sc&courses.0.dose.value=40&courses.0.dose.unit=mg",
        "courses.0.frequency=qd&courses.0.start=2020-01-15&courses.0.phase=before-definitive-therapy&courses.0.ongoing=yes",
    ]
    .join("&");
    let (status, page) = world.send(Some("entry.a"), "POST", "/studies/small/patients", Some(Body_::Form(form))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (status, page) = world.send(Some("entry.a"), "GET", "/studies/small/patients/P-A6", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<dd>before definitive therapy <code class=\"path\">$.courses[0].phase</code>"), "{page}");
    assert!(page.contains("<dd>qd (once daily) <code class=\"path\">$.courses[0].frequency</code>"), "{page}");
    assert!(page.contains("<dd>anakinra <code"), "a drug is a name, not a choice: {page}");
});

web_test!(the_live_check_shows_mg_per_kg_per_day_converted_labs_and_dose_warnings, |world| {
    let form = [
        "pseudonym=P-A5&center=A&source=constructed&sex=male&vitalStatus=alive",
        "weights.0.date=2020-01-10&weights.0.kg=20",
        "labs.0.date=2020-01-10&labs.0.analyte=crp&labs.0.value=1.2&labs.0.unit=mg%2FdL",
        "courses.0.id=C1&courses.0.drug=anakinra&courses.0.route=sc&courses.0.dose.value=40&courses.0.dose.unit=mg",
        "courses.0.frequency=qd&courses.0.start=2020-01-15&courses.0.phase=before-definitive-therapy&courses.0.ongoing=yes",
    ]
    .join("&");
    let (status, panel) = world.send(Some("entry.a"), "POST", "/studies/small/check", Some(Body_::Form(form))).await;
    assert_eq!(status, StatusCode::OK, "{panel}");
    assert!(panel.contains("C1 (anakinra): 2.00 mg/kg/day"), "40 mg once daily at 20 kg: {panel}");
    assert!(panel.contains("1.2 mg/dL = 12 mg/L"), "1.2 mg/dL is 12 mg/L: {panel}");

    // A half-typed feature elsewhere does not hide the doses.
    let half_typed = format!(
        "{}&features.0.id=HP%3A00009",
        [
            "pseudonym=P-A5&center=A&source=constructed&sex=male&vitalStatus=alive&weights.0.date=2020-01-10&weights.0.kg=20",
            "courses.0.id=C1&courses.0.drug=anakinra&courses.0.route=sc&courses.0.dose.value=40&courses.0.dose.unit=mg",
            "courses.0.frequency=qd&courses.0.start=2020-01-15&courses.0.phase=before-definitive-therapy&courses.0.ongoing=yes",
        ]
        .join("&")
    );
    let (_, panel) = world.send(Some("entry.a"), "POST", "/studies/small/check", Some(Body_::Form(half_typed))).await;
    assert!(panel.contains("C1 (anakinra): 2.00 mg/kg/day"), "{panel}");
    assert!(panel.contains("<code>features[0]</code> left out of these checks until it is complete"), "{panel}");

    let overdose = "pseudonym=P-A5&center=A&source=constructed&sex=male&vitalStatus=alive&weights.0.date=2020-01-10&weights.0.kg=20\
        &courses.0.id=C1&courses.0.drug=anakinra&courses.0.route=sc&courses.0.dose.value=400&courses.0.dose.unit=mg&courses.0.frequency=qd\
        &courses.0.start=2020-01-15&courses.0.phase=before-definitive-therapy&courses.0.ongoing=yes";
    let (_, panel) = world.send(Some("entry.a"), "POST", "/studies/small/check", Some(Body_::Form(overdose.into()))).await;
    assert!(panel.contains("20.00 mg/kg/day"), "{panel}");
    assert!(panel.contains("<code>courses[0].dose</code> anakinra 20 mg/kg/day is above the label maximum of 8 mg/kg/day"), "{panel}");
});

web_test!(login_attempts_from_one_address_are_rate_limited, |world| {
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(log_in(world, "nobody", "whatever").await.0);
    }
    assert_eq!(statuses[..10], [StatusCode::UNAUTHORIZED; 10], "a burst of ten attempts is answered");
    assert_eq!(statuses[10..], [StatusCode::TOO_MANY_REQUESTS; 2], "then the address has to wait");
    let (status, _, _) = raw(world, "GET", "/login", &[], None).await;
    assert_eq!(status, StatusCode::OK, "the login page itself is never limited");
});

web_test!(the_api_gives_what_the_pages_show, |world| {
    let (status, body) = world.send(Some("lead.a"), "GET", "/api/v1/studies/small/dashboard", None).await;
    assert_eq!(status, StatusCode::OK);
    let dashboard: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(dashboard["centers"].as_array().unwrap().len(), 1, "a center lead sees their center only: {body}");
    assert_eq!((dashboard["centers"][0]["patients"].as_i64(), dashboard["centers"][0]["byStatus"]["draft"].as_i64()), (Some(2), Some(2)));
    assert_eq!(dashboard["unresolvedQueries"][0]["pseudonym"], "P-A1");

    let record = r#"{"pseudonym": "P-A5", "center": "A", "source": "constructed", "sex": "male", "vitalStatus": "alive",
        "weights": [{"date": "2020-01-10", "kg": 20}],
        "courses": [{"id": "C1", "drug": "anakinra", "route": "sc", "dose": {"value": 40, "unit": "mg"}, "frequency": "qd",
                     "start": "2020-01-15", "phase": "before-definitive-therapy", "ongoing": true}]}"#;
    let (status, body) = world.send(Some("entry.a"), "POST", "/api/v1/studies/small/check", Some(Body_::Json(record.into()))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let checks: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(checks["doses"][0], "C1 (anakinra): 2.00 mg/kg/day");

    let (_, body) = world.send(Some("entry.a"), "GET", "/api/v1/hpo/search?q=eczema&limit=2", None).await;
    let hits: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((hits["release"].as_str(), hits["terms"][0]["id"].as_str()), (Some("2025-01-16"), Some("HP:0000964")));

    let new_user = r#"{"username": "monitor", "role": "coordinator", "password": "a long enough password"}"#;
    let (status, body) = world.send(Some("admin"), "POST", "/api/v1/users", Some(Body_::Json(new_user.into()))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, body) = world.send(Some("admin"), "GET", "/api/v1/users", None).await;
    assert!(body.contains("\"username\":\"monitor\""), "{body}");

    let (status, body) = world.send(Some("coordinator"), "GET", "/api/v1/studies/small/exports/report.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["study"]["patients"].as_i64(), Some(3), "the pooled report counts every center's patients");
});

web_test!(the_patient_list_filters_by_pseudonym_status_center_and_queries, |world| {
    let rows = |page: &str| -> Vec<String> {
        page.split("<th scope=\"row\"><a href=\"/studies/small/patients/")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect()
    };
    let (_, page) = world.send(Some("coordinator"), "GET", "/studies/small/patients", None).await;
    assert_eq!(rows(&page), ["P-A1", "P-A2", "P-B1"]);
    let (_, page) = world.send(Some("coordinator"), "GET", "/studies/small/patients?center=B", None).await;
    assert_eq!(rows(&page), ["P-B1"]);
    assert!(page.contains("1 of 3 patients"), "{page}");
    let (_, page) = world.send(Some("coordinator"), "GET", "/studies/small/patients?q=a2", None).await;
    assert_eq!(rows(&page), ["P-A2"]);
    let (_, page) = world.send(Some("coordinator"), "GET", "/studies/small/patients?unresolved=true", None).await;
    assert_eq!(rows(&page), ["P-A1", "P-B1"], "the two records with an open query");
    let (_, page) = world.send(Some("lead.a"), "GET", "/studies/small/patients?center=B", None).await;
    assert!(rows(&page).is_empty(), "a filter never widens the scope");
    world
        .send(Some("entry.a"), "POST", "/studies/small/patients/P-A2/workflow", Some(Body_::Form("version=1&step=mark-complete".into())))
        .await;
    let (_, page) = world.send(Some("coordinator"), "GET", "/studies/small/patients?status=complete", None).await;
    assert_eq!(rows(&page), ["P-A2"]);
});
