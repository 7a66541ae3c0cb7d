//! Storing, reading back, versions and transactions.

use casebook_store::audit::AuditFilter;
use casebook_store::{EncodedRecord, Incoming, StoreError};

use crate::fixtures::{patient, small_study, tester};
use crate::store_test;

store_test!(an_imported_study_reads_back_unchanged, |db| {
    let study = small_study();
    let patients = vec![patient("P-01", "A"), patient("P-02", "B")];
    let summary = db.store.import_study(&study, &patients, &tester()).await.unwrap();
    assert_eq!((summary.created, summary.updated, summary.unchanged), (2, 0, 0));

    assert_eq!(db.store.load_study("small").await.unwrap(), study);
    assert_eq!(db.store.load_patients("small").await.unwrap(), patients);
    let listed = db.store.studies().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id.as_str(), listed[0].centers, listed[0].patients), ("small", 2, 2));
});

store_test!(reimporting_the_same_data_changes_nothing, |db| {
    let study = small_study();
    let patients = vec![patient("P-01", "A")];
    db.store.import_study(&study, &patients, &tester()).await.unwrap();
    let again = db.store.import_study(&study, &patients, &tester()).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 1));
    assert_eq!(db.store.load_patient("small", "P-01").await.unwrap().1, 1, "an unchanged record keeps version 1");
});

store_test!(reimporting_a_changed_patient_raises_its_version, |db| {
    let study = small_study();
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let mut changed = patient("P-01", "A");
    changed.notes = Some("second look".into());
    let summary = db.store.import_study(&study, &[changed.clone()], &tester()).await.unwrap();
    assert_eq!(summary.updated, 1);
    let (stored, version) = db.store.load_patient("small", "P-01").await.unwrap();
    assert_eq!((stored, version), (changed, 2));
});

store_test!(an_import_that_fails_midway_writes_nothing, |db| {
    let study = small_study();
    // The second patient names a center the study does not have: the database refuses it after
    // the study, its centers and the first patient were already written in the transaction.
    let patients = vec![patient("P-01", "A"), patient("P-02", "NOWHERE")];
    let error = db.store.import_study(&study, &patients, &tester()).await.unwrap_err();
    assert!(matches!(&error, StoreError::Refused { what, .. } if what == "patient P-02"), "{error}");
    assert!(db.store.studies().await.unwrap().is_empty(), "the study must not be stored");
    assert!(matches!(db.store.load_patient("small", "P-01").await, Err(StoreError::NotFound { .. })));
});

store_test!(a_streamed_import_commits_only_when_told_the_reading_finished, |db| {
    let study = small_study();
    // The reader gives up after one batch (it found an error in a later file): nothing stays.
    let (sender, mut incoming) = tokio::sync::mpsc::channel(4);
    let records = [patient("P-01", "A"), patient("P-02", "B")].map(EncodedRecord::new);
    sender.send(Incoming::Records(records.into())).await.unwrap();
    drop(sender);
    assert_eq!(db.store.import_study_streamed(&study, &mut incoming, &tester()).await.unwrap(), None);
    assert!(db.store.studies().await.unwrap().is_empty(), "the study must not be stored");
    assert!(db.store.audit_events(&AuditFilter::all()).await.unwrap().is_empty(), "no audit event may stay");

    // Batches, then the word that the reading finished: everything is stored, in order.
    let (sender, mut incoming) = tokio::sync::mpsc::channel(4);
    let batches = vec![vec![patient("P-01", "A"), patient("P-02", "B")], vec![], vec![patient("P-03", "A")]];
    let sending = tokio::spawn(async move {
        for batch in batches {
            sender.send(Incoming::Records(batch.into_iter().map(EncodedRecord::new).collect())).await.unwrap();
        }
        sender.send(Incoming::Finish).await.unwrap();
    });
    let summary = db.store.import_study_streamed(&study, &mut incoming, &tester()).await.unwrap().expect("finished");
    sending.await.unwrap();
    assert_eq!((summary.created, summary.updated, summary.unchanged), (3, 0, 0));
    let stored: Vec<String> = db.store.load_patients("small").await.unwrap().iter().map(|p| p.pseudonym.to_string()).collect();
    assert_eq!(stored, ["P-01", "P-02", "P-03"]);
    let created: Vec<String> = db.store.audit_events(&AuditFilter::all()).await.unwrap().into_iter().skip(1).map(|e| e.record).collect();
    assert_eq!(created, ["patient/P-01", "patient/P-02", "patient/P-03"], "one create event per patient, in the order sent");
});

store_test!(saving_with_a_stale_version_is_a_conflict, |db| {
    let study = small_study();
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let (mut first_edit, version) = db.store.load_patient("small", "P-01").await.unwrap();
    let mut second_edit = first_edit.clone();
    first_edit.notes = Some("first".into());
    second_edit.notes = Some("second".into());

    assert_eq!(db.store.save_patient(&study, &first_edit, version, &tester()).await.unwrap(), version + 1);
    let error = db.store.save_patient(&study, &second_edit, version, &tester()).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict { expected: 1, found: 2, .. }), "{error}");
    assert_eq!(db.store.load_patient("small", "P-01").await.unwrap().0, first_edit, "the second save must not overwrite the first");
});

store_test!(saving_an_unknown_patient_is_not_found, |db| {
    let study = small_study();
    db.store.import_study(&study, &[], &tester()).await.unwrap();
    let error = db.store.save_patient(&study, &patient("P-09", "A"), 1, &tester()).await.unwrap_err();
    assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
});

store_test!(an_unknown_study_is_not_found, |db| {
    let error = db.store.load_study("nope").await.unwrap_err();
    assert_eq!(error.to_string(), "study `nope` was not found in the registry");
});

#[test]
fn both_backends_have_the_same_migration_versions() {
    let versions = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    let sqlite = versions("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, versions("postgres"));
}

store_test!(stored_zhu_scores_record_the_rule_version_and_the_setting, |db| {
    let mut study = small_study();
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let scores = db.store.zhu_scores("small").await.unwrap();
    assert_eq!(scores.len(), 1);
    let score = &scores[0];
    assert_eq!((score.pseudonym.as_str(), score.assessment_date.as_str(), score.computed_score.as_str()), ("P-01", "2016-01", "5A"));
    assert_eq!(score.clinician_score.as_deref(), Some("5A"));
    assert!(score.severe && score.count_autoinflammation_as_autoimmunity);
    assert_eq!(score.rule_version, casebook_domain::rules::zhu::ZHU_RULE_VERSION);

    // The same record under the other setting: autoinflammation no longer counts for score 5.
    study.settings.zhu.count_autoinflammation_as_autoimmunity = false;
    db.store.import_study(&study, &[patient("P-01", "A")], &tester()).await.unwrap();
    let rescored = &db.store.zhu_scores("small").await.unwrap()[0];
    assert_eq!((rescored.computed_score.as_str(), rescored.count_autoinflammation_as_autoimmunity), ("4", false));
});
