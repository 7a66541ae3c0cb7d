//! What the web application stands on: reads through a center scope, the record workflow with
//! signatures and unlock reasons, data queries, login lockout, sessions and API tokens.

use casebook_domain::patient::Slug;
use casebook_store::audit::{AuditAction, AuditFilter};
use casebook_store::queries::QueryStatus;
use casebook_store::records::{RecordStatus, Scope, Transition};
use casebook_store::users::{LOGIN_ATTEMPTS_BEFORE_LOCKOUT, LoginOutcome, NewUser, Password, Role, Username};
use casebook_store::{Actor, StoreError};

use crate::fixtures::{patient, small_study, tester};
use crate::store_test;

fn center(id: &str) -> Scope {
    Scope::Center(id.to_string())
}

async fn two_centers(db: &casebook_store::testing::TestDb) {
    db.store.import_study(&small_study(), &[patient("P-A1", "A"), patient("P-A2", "A"), patient("P-B1", "B")], &tester()).await.unwrap();
}

store_test!(a_center_scope_sees_only_its_patients_and_others_are_not_found, |db| {
    two_centers(db).await;
    let listed: Vec<String> = db.store.patient_listings("small", &center("A")).await.unwrap().into_iter().map(|p| p.pseudonym).collect();
    assert_eq!(listed, ["P-A1", "P-A2"]);
    assert_eq!(db.store.patient_listings("small", &Scope::AllCenters).await.unwrap().len(), 3);
    assert_eq!(db.store.patients_in("small", &center("B")).await.unwrap().len(), 1);

    let own = db.store.patient_in("small", "P-A1", &center("A")).await.unwrap();
    assert_eq!((own.version, own.status, own.signature), (1, RecordStatus::Draft, None));
    let other = db.store.patient_in("small", "P-B1", &center("A")).await.unwrap_err();
    let missing = db.store.patient_in("small", "P-XX", &center("A")).await.unwrap_err();
    assert!(matches!(other, StoreError::NotFound { .. }), "{other}");
    assert_eq!(other.to_string().replace("P-B1", "P-XX"), missing.to_string(), "another center's patient looks like no patient");
});

store_test!(the_workflow_goes_from_draft_to_locked_and_an_unlock_needs_a_reason, |db| {
    two_centers(db).await;
    let study = small_study();
    let lead = Actor::new("lead.a");
    let a = center("A");
    let sign = Transition::Sign { meaning: "I reviewed this record against the source documents".into() };

    // Signing a draft is refused; the steps must be taken in order.
    let refused = db.store.transition("small", "P-A1", 1, &sign, &a, &lead).await.unwrap_err();
    assert_eq!(refused.to_string(), "patient P-A1 cannot be stored: a draft record cannot be asked to sign");
    let v2 = db.store.transition("small", "P-A1", 1, &Transition::MarkComplete, &a, &lead).await.unwrap();
    let v3 = db.store.transition("small", "P-A1", v2, &sign, &a, &lead).await.unwrap();
    let signed = db.store.patient_in("small", "P-A1", &a).await.unwrap();
    assert_eq!((signed.status, signed.version), (RecordStatus::Verified, v3));
    let signature = signed.signature.expect("a verified record carries its signature");
    assert_eq!(
        (signature.signed_by.as_str(), signature.meaning.as_str()),
        ("lead.a", "I reviewed this record against the source documents")
    );

    // A signed record cannot be edited; a form opened before the signature conflicts first.
    let mut edited = signed.patient.clone();
    edited.notes = Some("changed after signing".into());
    let stale = db.store.save_patient(&study, &edited, v2, &tester()).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale}");
    let refused = db.store.save_patient(&study, &edited, v3, &tester()).await.unwrap_err();
    assert_eq!(refused.to_string(), "patient P-A1 cannot be stored: it is verified: unlock it, giving a reason, to change it");

    let v4 = db.store.transition("small", "P-A1", v3, &Transition::Lock, &a, &lead).await.unwrap();
    assert_eq!(db.store.patient_in("small", "P-A1", &a).await.unwrap().signature.map(|s| s.signed_by), Some("lead.a".into()));
    let no_reason = db.store.transition("small", "P-A1", v4, &Transition::Unlock, &a, &lead).await.unwrap_err();
    assert_eq!(no_reason.to_string(), "patient P-A1 cannot be stored: an unlock needs a reason");
    let because = lead.clone().with_reason("dose of course 2 corrected after source review");
    let v5 = db.store.transition("small", "P-A1", v4, &Transition::Unlock, &a, &because).await.unwrap();
    let unlocked = db.store.patient_in("small", "P-A1", &a).await.unwrap();
    assert_eq!((unlocked.status, unlocked.signature), (RecordStatus::Draft, None));
    db.store.save_patient(&study, &edited, v5, &tester()).await.unwrap();

    // Another center cannot take the steps, and the trail names every one.
    let hidden = db.store.transition("small", "P-A2", 1, &Transition::MarkComplete, &center("B"), &lead).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound { .. }), "{hidden}");
    let history = db.store.audit_events(&AuditFilter::record("patient/P-A1")).await.unwrap();
    let actions: Vec<AuditAction> = history.iter().map(|event| event.action).collect();
    assert_eq!(
        actions,
        [AuditAction::Create, AuditAction::Status, AuditAction::Sign, AuditAction::Lock, AuditAction::Unlock, AuditAction::Update],
        "{actions:?}"
    );
    let unlock = history.iter().find(|event| event.action == AuditAction::Unlock).unwrap();
    assert_eq!(unlock.reason.as_deref(), Some("dose of course 2 corrected after source review"));
    assert!(db.store.verify_audit().await.unwrap().is_intact());
});

store_test!(a_data_query_is_opened_answered_and_closed_within_scope, |db| {
    two_centers(db).await;
    let coordinator = Actor::new("coordinator");
    let id = db.store.open_query("small", "P-A1", "$.courses[0].dose", "Is 300 mg right?", &Scope::AllCenters, &coordinator).await.unwrap();
    let bad_field = db.store.open_query("small", "P-A1", "dose", "?", &Scope::AllCenters, &coordinator).await.unwrap_err();
    assert!(bad_field.to_string().contains("is not a field path"), "{bad_field}");

    let hidden = db.store.answer_query("small", id, "yes", &center("B"), &Actor::new("entry.b")).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound { .. }), "{hidden}");
    assert!(db.store.queries("small", None, &center("B")).await.unwrap().is_empty());

    db.store
        .answer_query("small", id, "Yes: 300 mg once daily, per the discharge letter", &center("A"), &Actor::new("entry.a"))
        .await
        .unwrap();
    db.store.close_query("small", id, &Scope::AllCenters, &coordinator).await.unwrap();
    let queries = db.store.queries("small", Some("P-A1"), &center("A")).await.unwrap();
    assert_eq!(queries.len(), 1);
    let query = &queries[0];
    assert_eq!((query.status, query.field.as_str(), query.center_id.as_str()), (QueryStatus::Closed, "$.courses[0].dose", "A"));
    assert_eq!(
        (query.answer.as_deref(), query.answered_by.as_deref(), query.closed_by.as_deref()),
        (Some("Yes: 300 mg once daily, per the discharge letter"), Some("entry.a"), Some("coordinator"))
    );
    let again = db.store.close_query("small", id, &Scope::AllCenters, &coordinator).await.unwrap_err();
    assert_eq!(again.to_string(), format!("query {id} cannot be stored: it is closed"));
    let listing = db.store.patient_listings("small", &center("A")).await.unwrap();
    assert_eq!(listing[0].unresolved_queries, 0);
});

store_test!(repeated_wrong_passwords_lock_the_account_and_every_attempt_is_recorded, |db| {
    let user = NewUser::new(Username::parse("entry.a").unwrap(), Role::DataEntry, Some(Slug::parse("center", "A").unwrap())).unwrap();
    db.store.add_user(&tester(), &user, &Password::parse("a long enough password").unwrap()).await.unwrap();
    assert!(matches!(db.store.log_in("entry.a", "a long enough password", "127.0.0.1").await.unwrap(), LoginOutcome::LoggedIn(_)));
    for _ in 0..LOGIN_ATTEMPTS_BEFORE_LOCKOUT {
        assert_eq!(db.store.log_in("entry.a", "wrong", "127.0.0.1").await.unwrap(), LoginOutcome::WrongPassword);
    }
    let locked = db.store.log_in("entry.a", "a long enough password", "127.0.0.1").await.unwrap();
    assert!(matches!(locked, LoginOutcome::Locked { .. }), "{locked:?}");
    assert_eq!(db.store.log_in("nobody", "whatever", "127.0.0.1").await.unwrap(), LoginOutcome::WrongPassword);
    let events = db.store.audit_events(&AuditFilter::all()).await.unwrap();
    let failed = events.iter().filter(|event| event.action == AuditAction::LoginFailed).count();
    assert_eq!(failed, LOGIN_ATTEMPTS_BEFORE_LOCKOUT as usize + 2);
    assert_eq!(events.iter().filter(|event| event.action == AuditAction::Login).count(), 1);
});

store_test!(sessions_expire_and_api_tokens_work_until_revoked, |db| {
    assert!(db.store.create_session("s1", "{}", 1_000).await.unwrap());
    assert!(!db.store.create_session("s1", "{}", 1_000).await.unwrap(), "an id is never reused");
    db.store.save_session("s1", r#"{"user":1}"#, 2_000).await.unwrap();
    assert_eq!(db.store.load_session("s1", 1_500).await.unwrap(), Some((r#"{"user":1}"#.to_string(), 2_000)));
    assert_eq!(db.store.load_session("s1", 2_000).await.unwrap(), None, "expired");
    assert_eq!(db.store.delete_expired_sessions(2_000).await.unwrap(), 1);

    let new_user = NewUser::new(Username::parse("coordinator").unwrap(), Role::Coordinator, None).unwrap();
    let user = db.store.add_user(&tester(), &new_user, &Password::parse("a long enough password").unwrap()).await.unwrap();
    let token = db.store.add_api_token(&user, "nightly export", &tester()).await.unwrap();
    assert!(token.starts_with("cbk_") && token.len() == 4 + 64, "{token}");
    assert_eq!(db.store.user_for_token(&token).await.unwrap().map(|user| user.username), Some("coordinator".into()));
    let listed = db.store.api_tokens(&user).await.unwrap();
    assert_eq!((listed.len(), listed[0].label.as_str(), listed[0].revoked), (1, "nightly export", false));
    assert!(
        !format!("{:?}", db.store.audit_events(&AuditFilter::all()).await.unwrap()).contains(&token[4..]),
        "the token never reaches the trail"
    );
    db.store.revoke_api_token(&user, listed[0].id, &tester()).await.unwrap();
    assert_eq!(db.store.user_for_token(&token).await.unwrap(), None);
    assert_eq!(db.store.user_for_token("cbk_0000").await.unwrap(), None);
});

store_test!(an_unsigned_record_is_deleted_with_a_reason_and_the_trail_keeps_it, |db| {
    two_centers(db).await;
    let a = center("A");
    let lead = Actor::new("lead.a");
    db.store.open_query("small", "P-A2", "$.sex", "?", &Scope::AllCenters, &Actor::new("coordinator")).await.unwrap();
    let no_reason = db.store.delete_patient("small", "P-A2", 1, &a, &lead).await.unwrap_err();
    assert_eq!(no_reason.to_string(), "patient P-A2 cannot be stored: a deletion needs a reason");
    let hidden = db.store.delete_patient("small", "P-A2", 1, &center("B"), &lead.clone().with_reason("duplicate")).await.unwrap_err();
    assert!(matches!(hidden, StoreError::NotFound { .. }), "{hidden}");
    db.store.delete_patient("small", "P-A2", 1, &a, &lead.clone().with_reason("entered twice; P-A1 is the same patient")).await.unwrap();
    assert!(matches!(db.store.patient_in("small", "P-A2", &a).await.unwrap_err(), StoreError::NotFound { .. }));
    assert!(db.store.queries("small", Some("P-A2"), &a).await.unwrap().is_empty());
    let history = db.store.audit_events(&AuditFilter::record("patient/P-A2")).await.unwrap();
    let deleted = history.last().unwrap();
    assert_eq!((deleted.action, deleted.reason.as_deref()), (AuditAction::Delete, Some("entered twice; P-A1 is the same patient")));
    assert!(deleted.old_value.as_deref().unwrap().contains("\"pseudonym\": \"P-A2\""), "the removed record is kept in the trail");

    // A signed record is not deleted.
    let v2 = db.store.transition("small", "P-A1", 1, &Transition::MarkComplete, &a, &lead).await.unwrap();
    let v3 = db.store.transition("small", "P-A1", v2, &Transition::Sign { meaning: "reviewed".into() }, &a, &lead).await.unwrap();
    let refused = db.store.delete_patient("small", "P-A1", v3, &a, &lead.with_reason("x")).await.unwrap_err();
    assert!(refused.to_string().contains("it is verified"), "{refused}");
    assert!(db.store.verify_audit().await.unwrap().is_intact());
});

store_test!(an_import_cannot_change_a_signed_record_but_may_repeat_it, |db| {
    two_centers(db).await;
    let a = center("A");
    let lead = Actor::new("lead.a");
    let v2 = db.store.transition("small", "P-A1", 1, &Transition::MarkComplete, &a, &lead).await.unwrap();
    db.store.transition("small", "P-A1", v2, &Transition::Sign { meaning: "reviewed".into() }, &a, &lead).await.unwrap();
    let same = [patient("P-A1", "A"), patient("P-A2", "A"), patient("P-B1", "B")];
    let again = db.store.import_study(&small_study(), &same, &tester()).await.unwrap();
    assert_eq!(again.unchanged, 3, "the same data again is fine");

    let mut changed = patient("P-A1", "A");
    changed.notes = Some("changed behind the signature".into());
    let before = db.store.audit_events(&AuditFilter::all()).await.unwrap().len();
    let refused = db.store.import_study(&small_study(), &[changed, patient("P-A3", "A")], &tester()).await.unwrap_err();
    assert_eq!(refused.to_string(), "patient P-A1 cannot be stored: it is verified: unlock it, giving a reason, before importing a change");
    assert!(db.store.patient_in("small", "P-A3", &a).await.is_err(), "all or nothing: the new patient was not stored either");
    assert_eq!(db.store.audit_events(&AuditFilter::all()).await.unwrap().len(), before);
});
