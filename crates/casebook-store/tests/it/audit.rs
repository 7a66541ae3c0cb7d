//! The audit trail and users: events written with every change, an append-only table, a hash
//! chain that finds changed, removed and reordered events, and passwords that never reach the
//! trail.

use std::path::PathBuf;

use casebook_domain::drug::Dose;
use casebook_domain::patient::Slug;
use casebook_formats::native::folder::read_study_folder;
use casebook_store::audit::{AuditAction, AuditEvent, AuditFilter, AuditProblem, ChangedPart};
use casebook_store::testing::TestDb;
use casebook_store::users::{NewUser, Password, Role, Username};
use casebook_store::{Actor, Backend, StoreError};

use crate::fixtures::{patient, small_study, tester};
use crate::store_test;

fn reference_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1")
}

/// Imports the small study with 24 patients: a study event, then a create event per patient,
/// enough to break the chain anywhere in the middle.
async fn small_trail(db: &TestDb) -> Vec<AuditEvent> {
    let patients: Vec<_> = (1..=24).map(|number| patient(&format!("P-{number:02}"), "A")).collect();
    db.store.import_study(&small_study(), &patients, &tester()).await.unwrap();
    let events = db.store.audit_events(&AuditFilter::all()).await.unwrap();
    assert!(events.len() > 20, "{} events", events.len());
    events
}

/// The SHA-256 of a patient's stored record, read past the store.
async fn stored_record_sha(db: &TestDb, pseudonym: &str) -> String {
    let query = format!("SELECT record_sha256 FROM patient WHERE pseudonym = '{pseudonym}'");
    db.fetch_directly(&query).await.unwrap().pop().expect("the patient is stored")
}

/// Switches off the database's append-only guard the way someone with direct access would.
fn drop_the_guard(db: &TestDb) -> &'static [&'static str] {
    match db.url.backend() {
        Backend::Sqlite => &["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
        // The test role is a superuser and owns the table.
        Backend::Postgres => &["ALTER TABLE audit_event DISABLE TRIGGER USER"],
    }
}

/// Runs `tampering` behind the store's back, with the guard dropped first.
async fn tamper(db: &TestDb, tampering: &[&str]) {
    let statements: Vec<&str> = drop_the_guard(db).iter().chain(tampering).copied().collect();
    db.execute_directly(&statements).await.unwrap_or_else(|error| panic!("tampering failed: {error}"));
}

async fn problem(db: &TestDb) -> AuditProblem {
    let verification = db.store.verify_audit().await.unwrap();
    verification.problem.unwrap_or_else(|| panic!("the tampering was not found: {} events intact", verification.events))
}

store_test!(importing_the_reference_study_writes_a_chain_that_verifies, |db| {
    let folder = read_study_folder(&reference_folder()).expect("the reference study passes its checks");
    db.store.import_study(&folder.study, &folder.patients, &Actor::new("cli:importer")).await.unwrap();
    let events = db.store.audit_events(&AuditFilter::all()).await.unwrap();

    let imports: Vec<&AuditEvent> = events.iter().filter(|event| event.action == AuditAction::Import).collect();
    assert_eq!(imports.len(), 1, "one for the study; a new patient's event is its creation");
    assert_eq!(imports[0].record, "study/was-anti-il1");
    for patient in &folder.patients {
        let record = format!("patient/{}", patient.pseudonym);
        let history: Vec<&AuditEvent> = events.iter().filter(|event| event.record == record).collect();
        assert_eq!(history.len(), 1, "{record}: one event for the new record");
        let created = history[0];
        assert_eq!((created.action, created.field.as_deref(), created.old_value.as_deref()), (AuditAction::Create, None, None), "{record}");
        // The event names the version and the SHA-256 of the record as stored, not a copy of it.
        let value: serde_json::Value = serde_json::from_str(created.new_value.as_deref().unwrap()).unwrap();
        let stored_sha = stored_record_sha(db, patient.pseudonym.as_str()).await;
        assert_eq!(value, serde_json::json!({"version": 1, "sha256": stored_sha}), "{record}");
    }
    assert!(events.iter().all(|event| event.actor == "cli:importer" && event.study_id.as_deref() == Some("was-anti-il1")));
    assert_eq!(events.iter().map(|event| event.seq).collect::<Vec<_>>(), (1..=events.len() as i64).collect::<Vec<_>>());

    let verification = db.store.verify_audit().await.unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problem);
    assert_eq!(verification.events, events.len() as u64);
    assert_eq!(verification.last_hash.as_deref(), Some(events.last().unwrap().hash.as_str()));

    // The same data again changes nothing, so it writes nothing.
    db.store.import_study(&folder.study, &folder.patients, &Actor::new("cli:importer")).await.unwrap();
    assert_eq!(db.store.audit_events(&AuditFilter::all()).await.unwrap().len(), events.len());
});

store_test!(saving_a_changed_dose_writes_an_update_event_with_the_path_and_both_values, |db| {
    let study = small_study();
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let before = db.store.audit_events(&AuditFilter::all()).await.unwrap().len();
    let (mut edited, version) = db.store.load_patient("small", "P-01").await.unwrap();
    let unit = edited.courses[0].dose.as_ref().unwrap().unit();
    edited.courses[0].dose = Some(Dose::new(40.0, unit).unwrap());

    let actor = Actor::new("lead.a").with_reason("transcription error in the dose");
    db.store.save_patient(&study, &edited, version, &actor).await.unwrap();

    let all = db.store.audit_events(&AuditFilter::all()).await.unwrap();
    let new_events = &all[before..];
    assert_eq!(new_events.len(), 1, "only the dose changed: {new_events:#?}");
    let event = &new_events[0];
    assert_eq!(event.action, AuditAction::Update);
    assert_eq!(event.field.as_deref(), Some("$.courses[0].dose.value"));
    assert_eq!((event.old_value.as_deref(), event.new_value.as_deref()), (Some("30.0"), Some("40.0")));
    assert_eq!((event.actor.as_str(), event.reason.as_deref()), ("lead.a", Some("transcription error in the dose")));
    assert_eq!(event.study_id.as_deref(), Some("small"));

    // The history of one record, oldest first, and the latest N of it.
    let history = db.store.audit_events(&AuditFilter::record("patient/P-01")).await.unwrap();
    assert_eq!(history.last(), Some(event));
    let latest = db.store.audit_events(&AuditFilter::record("patient/P-01").latest(2)).await.unwrap();
    assert_eq!(latest, history[history.len() - 2..].to_vec());
    assert!(db.store.verify_audit().await.unwrap().is_intact());
});

store_test!(reimporting_a_changed_patient_writes_an_import_event_and_the_changed_fields, |db| {
    let study = small_study();
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let before = db.store.audit_events(&AuditFilter::all()).await.unwrap().len();
    let mut changed = patient("P-01", "A");
    changed.notes = Some("second look".into());
    db.store.import_study(&study, &[changed], &tester()).await.unwrap();

    let events = db.store.audit_events(&AuditFilter::all()).await.unwrap();
    let new_events = &events[before..];
    assert_eq!(new_events.len(), 2, "{new_events:#?}");
    assert_eq!(new_events[0].action, AuditAction::Import);
    assert!(new_events[0].old_value.as_deref().unwrap().contains("\"version\":1"));
    assert!(new_events[0].new_value.as_deref().unwrap().contains("\"version\":2"));
    assert_eq!(new_events[1].action, AuditAction::Update);
    assert_eq!(new_events[1].field.as_deref(), Some("$.notes"));
    assert_eq!((new_events[1].old_value.as_deref(), new_events[1].new_value.as_deref()), (None, Some("\"second look\"")));
});

store_test!(a_failed_import_or_a_conflicting_save_writes_no_event, |db| {
    let study = small_study();
    let error = db.store.import_study(&study, &[patient("P-01", "A"), patient("P-02", "NOWHERE")], &tester()).await.unwrap_err();
    assert!(matches!(error, StoreError::Refused { .. }), "{error}");
    assert!(db.store.audit_events(&AuditFilter::all()).await.unwrap().is_empty());

    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let before = db.store.audit_events(&AuditFilter::all()).await.unwrap();
    let mut stale = patient("P-01", "A");
    stale.notes = Some("too late".into());
    let error = db.store.save_patient(&study, &stale, 7, &tester()).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict { expected: 7, found: 1, .. }), "{error}");
    assert_eq!(db.store.audit_events(&AuditFilter::all()).await.unwrap(), before);
});

store_test!(the_database_refuses_to_update_or_delete_audit_events, |db| {
    small_trail(db).await;
    let mut attempts = vec!["UPDATE audit_event SET new_value = '\"tampered\"' WHERE seq = 3", "DELETE FROM audit_event WHERE seq = 3"];
    if db.url.backend() == Backend::Postgres {
        attempts.push("TRUNCATE audit_event");
    }
    for attempt in attempts {
        let error = db.execute_directly(&[attempt]).await.expect_err(attempt);
        assert!(error.to_string().contains("audit_event is append-only"), "{attempt}: {error}");
    }
    assert!(db.store.verify_audit().await.unwrap().is_intact());
});

store_test!(a_changed_value_is_found_and_its_event_named, |db| {
    small_trail(db).await;
    tamper(db, &["UPDATE audit_event SET new_value = '\"HP:0000001\"' WHERE seq = 5"]).await;
    let found = problem(db).await;
    assert_eq!(found, AuditProblem::Changed { seq: 5, part: ChangedPart::Fields });
    assert_eq!(found.to_string(), "event 5 was changed after it was written");
    assert_eq!(db.store.verify_audit().await.unwrap().events, 4, "events 1 to 4 are intact");
});

store_test!(a_change_with_a_recomputed_hash_is_found_by_the_next_event, |db| {
    let events = small_trail(db).await;
    // A careful forger recomputes the hash of the event they changed.
    let mut forged = events[9].clone();
    forged.actor = "someone-else".into();
    let hash = forged.expected_hash();
    let update = format!("UPDATE audit_event SET actor = 'someone-else', hash = '{hash}' WHERE seq = 10");
    tamper(db, &[update.as_str()]).await;
    assert_eq!(problem(db).await, AuditProblem::Changed { seq: 10, part: ChangedPart::FieldsAndHash });
});

store_test!(a_replaced_hash_is_told_apart_from_replaced_fields, |db| {
    small_trail(db).await;
    let fake = "f".repeat(64);
    let update = format!("UPDATE audit_event SET hash = '{fake}' WHERE seq = 8");
    tamper(db, &[update.as_str()]).await;
    assert_eq!(problem(db).await, AuditProblem::Changed { seq: 8, part: ChangedPart::Hash });
});

store_test!(a_deleted_event_is_reported_missing, |db| {
    small_trail(db).await;
    tamper(db, &["DELETE FROM audit_event WHERE seq = 12"]).await;
    let found = problem(db).await;
    assert_eq!(found, AuditProblem::Missing { first: 12, last: 12 });
    assert_eq!(found.to_string(), "event 12 is missing");
});

store_test!(deleted_first_events_are_reported_missing, |db| {
    small_trail(db).await;
    tamper(db, &["DELETE FROM audit_event WHERE seq <= 2"]).await;
    assert_eq!(problem(db).await.to_string(), "events 1 to 2 are missing");
});

store_test!(two_swapped_events_are_reported_out_of_order, |db| {
    small_trail(db).await;
    // Each row keeps its contents and hash but takes the other's place in the sequence.
    tamper(
        db,
        &[
            "UPDATE audit_event SET seq = 1000000 WHERE seq = 6",
            "UPDATE audit_event SET seq = 6 WHERE seq = 7",
            "UPDATE audit_event SET seq = 7 WHERE seq = 1000000",
        ],
    )
    .await;
    let found = problem(db).await;
    assert_eq!(found, AuditProblem::OutOfOrder { first: 6, second: 7 });
    assert_eq!(found.to_string(), "events 6 and 7 are out of order");
});

store_test!(concurrent_writers_take_turns_and_never_fork_the_chain, |db| {
    small_trail(db).await;
    let before = db.store.audit_events(&AuditFilter::all()).await.unwrap().len();
    let mut writers = Vec::new();
    for index in 0..12 {
        let store = db.store.clone();
        writers.push(tokio::spawn(async move {
            let detail = serde_json::json!({"format": "native", "writer": index});
            store.log_event(&Actor::new(format!("writer-{index}")), AuditAction::Export, Some("small"), "study/small", Some(&detail)).await
        }));
    }
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let verification = db.store.verify_audit().await.unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problem);
    assert_eq!(verification.events as usize, before + 12);
});

fn new_user(name: &str, role: Role, center: Option<&str>) -> NewUser {
    NewUser::new(Username::parse(name).unwrap(), role, center.map(|center| Slug::parse("center", center).unwrap())).unwrap()
}

const FIRST_PASSWORD: &str = "correct horse battery";
const SECOND_PASSWORD: &str = "staple in the registry";

store_test!(users_are_added_given_a_new_password_and_disabled, |db| {
    let admin = Actor::new("cli:root");
    let added = db
        .store
        .add_user(&admin, &new_user("lead.it1", Role::CenterLead, Some("IT1")), &Password::parse(FIRST_PASSWORD).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (added.username.as_str(), added.role, added.center_id.as_deref(), added.disabled),
        ("lead.it1", Role::CenterLead, Some("IT1"), false)
    );
    assert_eq!(db.store.find_user("lead.it1").await.unwrap(), Some(added.clone()));
    assert!(db.store.find_user("nobody").await.unwrap().is_none());
    assert_eq!(db.store.verify_password("lead.it1", FIRST_PASSWORD).await.unwrap(), Some(added.clone()));
    assert_eq!(db.store.verify_password("lead.it1", SECOND_PASSWORD).await.unwrap(), None);
    assert_eq!(db.store.verify_password("nobody", FIRST_PASSWORD).await.unwrap(), None);

    db.store.set_password(&admin, "lead.it1", &Password::parse(SECOND_PASSWORD).unwrap()).await.unwrap();
    assert_eq!(db.store.verify_password("lead.it1", FIRST_PASSWORD).await.unwrap(), None);
    assert!(db.store.verify_password("lead.it1", SECOND_PASSWORD).await.unwrap().is_some());

    db.store.disable_user(&admin, "lead.it1").await.unwrap();
    db.store.disable_user(&admin, "lead.it1").await.unwrap();
    assert!(db.store.find_user("lead.it1").await.unwrap().unwrap().disabled);

    let events = db.store.audit_events(&AuditFilter::record("user/lead.it1")).await.unwrap();
    let actions: Vec<AuditAction> = events.iter().map(|event| event.action).collect();
    assert_eq!(actions, [AuditAction::UserAdd, AuditAction::UserPasswd, AuditAction::UserDisable], "disabling twice is one event");
    assert_eq!(events[1].new_value.as_deref(), Some("\"(changed)\""));
    assert!(events.iter().all(|event| event.actor == "cli:root"));

    // Neither password nor any hash reaches the trail.
    let hashes = db.fetch_directly("SELECT password_hash FROM app_user").await.unwrap();
    let trail =
        db.fetch_directly("SELECT COALESCE(old_value, '') || ' ' || COALESCE(new_value, '') FROM audit_event").await.unwrap().join("\n");
    for secret in [FIRST_PASSWORD, SECOND_PASSWORD, "$argon2", &hashes[0]] {
        assert!(!trail.contains(secret), "`{secret}` is in the audit trail:\n{trail}");
    }
    assert!(db.store.verify_audit().await.unwrap().is_intact());
});

store_test!(password_hashes_are_argon2id_phc_strings_salted_per_user, |db| {
    let password = Password::parse(FIRST_PASSWORD).unwrap();
    for (name, role, center) in [("admin", Role::Administrator, None), ("entry.gb1", Role::DataEntry, Some("GB1"))] {
        db.store.add_user(&Actor::system(), &new_user(name, role, center), &password).await.unwrap();
    }
    let hashes = db.fetch_directly("SELECT password_hash FROM app_user ORDER BY username").await.unwrap();
    assert_eq!(hashes.len(), 2);
    for hash in &hashes {
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!hash.contains(FIRST_PASSWORD));
    }
    assert_ne!(hashes[0], hashes[1], "the same password hashes differently for each user");
});

store_test!(a_taken_username_or_an_unknown_user_is_refused, |db| {
    let password = Password::parse(FIRST_PASSWORD).unwrap();
    db.store.add_user(&Actor::system(), &new_user("coord", Role::Coordinator, None), &password).await.unwrap();
    let error = db.store.add_user(&Actor::system(), &new_user("coord", Role::Administrator, None), &password).await.unwrap_err();
    assert_eq!(error.to_string(), "user `coord` cannot be stored: the username is taken");
    let error = db.store.set_password(&Actor::system(), "ghost", &password).await.unwrap_err();
    assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
    let error = db.store.disable_user(&Actor::system(), "ghost").await.unwrap_err();
    assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
    assert_eq!(db.store.audit_events(&AuditFilter::all()).await.unwrap().len(), 1, "only the first user-add");
});

#[test]
fn passwords_of_the_wrong_length_are_refused_and_say_why() {
    let error = Password::parse("short-pw").unwrap_err();
    assert_eq!(error.to_string(), "the password is refused: it has 8 characters; a password needs at least 12");
    assert!(matches!(Password::parse(&"x".repeat(2000)), Err(StoreError::BadPassword { .. })));
    assert!(Password::parse("twelve chars").is_ok());
}
