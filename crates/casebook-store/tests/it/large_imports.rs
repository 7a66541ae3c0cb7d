//! How an import writes to a SQLite registry: through a rollback journal when its store was opened
//! for it alone and its connection is alone with the file, through the write-ahead log (readers
//! going on beside it) otherwise, and the registry back in write-ahead-log mode after it. A
//! program that opens the registry meanwhile waits for the import.

use std::path::{Path, PathBuf};

use casebook_store::testing::TestDb;
use casebook_store::{EncodedRecord, ImportSummary, Incoming, Store, StoreError};

use crate::fixtures::{patient, small_study, tester};

/// SQLite's file header says how the file is journaled: byte 18 is 2 for a write-ahead log and
/// 1 for a rollback journal (<https://sqlite.org/fileformat.html>, "File format version numbers").
fn header_journal_byte(registry: &Path) -> u8 {
    std::fs::read(registry).expect("the registry file can be read")[18]
}

/// How many of this process's open files are the registry: the store's connection, and during a
/// journaled import the thread that writes the file out to disk as it grows (`writeback.rs`).
/// Counted by file, not by thread, as `cargo test` runs other tests' imports beside this one.
fn opened(registry: &Path) -> usize {
    let registry = registry.canonicalize().unwrap();
    let descriptors = std::fs::read_dir("/proc/self/fd").expect("Linux lists a process's open files");
    descriptors.filter(|fd| std::fs::read_link(fd.as_ref().unwrap().path()).is_ok_and(|target| target == registry)).count()
}

fn beside(registry: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", registry.display()))
}

/// A fresh registry with its shared store closed, opened anew for one importer
/// ([`Store::connect_single`]), and the registry file.
async fn registry_for_one_importer() -> (TestDb, PathBuf, Store) {
    let db = TestDb::sqlite().await;
    let registry = db.sqlite_path().unwrap();
    db.store.clone().close().await;
    let store = Store::connect_single(&db.url).await.unwrap();
    (db, registry, store)
}

/// Imports two patients into `store` by a streamed import, runs `during` once the store has
/// written the first of them, then lets the import finish or, when `finish` is false, stops it
/// as a reader that found an error in a later file does. Gives the import's answer and what
/// `during` gave.
async fn import_two_watching<T>(
    store: &Store,
    finish: bool,
    during: impl AsyncFnOnce() -> T,
) -> (Result<Option<ImportSummary>, StoreError>, T) {
    let (sender, mut incoming) = tokio::sync::mpsc::channel(1);
    let (study, actor) = (small_study(), tester());
    let importing = store.import_study_streamed(&study, &mut incoming, &actor);
    let watching = async move {
        // With a channel of one place, the third send goes through only after the store took the
        // second batch, and it takes a batch only after it stored the one before.
        for pseudonym in ["P-01", "P-02"] {
            sender.send(Incoming::Records(vec![EncodedRecord::new(patient(pseudonym, "A"))])).await.unwrap();
        }
        sender.send(Incoming::Records(Vec::new())).await.unwrap();
        let seen = during().await;
        if finish {
            sender.send(Incoming::Finish).await.unwrap();
        }
        seen
    };
    tokio::join!(importing, watching)
}

#[tokio::test]
async fn an_import_alone_with_the_file_writes_through_a_rollback_journal_and_leaves_the_log_on() {
    let (db, registry, store) = registry_for_one_importer().await;
    assert_eq!(header_journal_byte(&registry), 2, "a registry is created with a write-ahead log");

    let before = opened(&registry);
    let (imported, during) = import_two_watching(&store, true, async || {
        (header_journal_byte(&registry), beside(&registry, "-journal").exists(), opened(&registry))
    })
    .await;
    assert_eq!(imported.unwrap().expect("finished").created, 2);
    assert_eq!(
        during,
        (1, true, before + 1),
        "during the import: a rollback journal beside the file, and the file opened once more to be written out as it grows"
    );
    assert_eq!(opened(&registry), before, "the write-out ends with the import");

    assert_eq!(header_journal_byte(&registry), 2, "after the import the write-ahead log is on again");
    assert!(!beside(&registry, "-journal").exists(), "no journal is left behind");
    assert_eq!(store.load_patients("small").await.unwrap().len(), 2);
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn an_import_beside_another_connection_keeps_the_log_and_the_other_reads_on() {
    let db = TestDb::sqlite().await;
    let registry = db.sqlite_path().unwrap();
    db.store.import_study(&small_study(), &[patient("P-09", "B")], &tester()).await.unwrap();
    // Another program with the registry open, say the web application.
    let reader = Store::connect(&db.url).await.unwrap();
    assert_eq!(reader.load_patients("small").await.unwrap().len(), 1);
    let store = Store::connect_single(&db.url).await.unwrap();

    let (imported, (journal_during, read_during)) = import_two_watching(&store, true, async || {
        // Not blocked by the import, and not shown its uncommitted patients.
        (beside(&registry, "-journal").exists(), reader.load_patients("small").await.unwrap().len())
    })
    .await;
    assert_eq!(imported.unwrap().expect("finished").created, 2);
    assert!(!journal_during, "beside another connection the import stays in the write-ahead log");
    assert_eq!(read_during, 1);
    assert_eq!(reader.load_patients("small").await.unwrap().len(), 3);
    assert_eq!(header_journal_byte(&registry), 2);
    store.close().await;
    reader.close().await;
    db.finish().await;
}

#[tokio::test]
async fn an_import_through_a_rollback_journal_that_stops_early_writes_nothing() {
    let (db, registry, store) = registry_for_one_importer().await;

    let (imported, journal_during) = import_two_watching(&store, false, async || beside(&registry, "-journal").exists()).await;
    assert!(journal_during, "the import ran through a rollback journal");
    assert_eq!(imported.unwrap(), None);

    assert!(store.studies().await.unwrap().is_empty(), "nothing of the import stays");
    assert_eq!(header_journal_byte(&registry), 2, "the write-ahead log is on again after a rollback too");
    assert!(!beside(&registry, "-journal").exists());
    store.close().await;
    db.finish().await;
}

#[tokio::test]
async fn a_program_that_opens_the_registry_during_a_journaled_import_waits_for_it() {
    let (db, _, store) = registry_for_one_importer().await;

    let url = db.url.clone();
    let (imported, (waiting, opening)) = import_two_watching(&store, true, async || {
        let opening = tokio::spawn(async move { Store::connect(&url).await });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        (!opening.is_finished(), opening)
    })
    .await;
    assert_eq!(imported.unwrap().expect("finished").created, 2);
    assert!(waiting, "SQLite refuses at once to set the write-ahead log during the import; the store waits");
    let other = opening.await.unwrap().expect("the registry opens once the import is done");
    assert_eq!(other.load_patients("small").await.unwrap().len(), 2);
    other.close().await;
    store.close().await;
    db.finish().await;
}

/// Takes the ten seconds that opening waits.
#[tokio::test]
async fn a_registry_busy_for_longer_than_opening_waits_is_called_busy() {
    let (db, _, store) = registry_for_one_importer().await;

    let (imported, opened) = import_two_watching(&store, true, async || Store::connect(&db.url).await.map(|_| ())).await;
    assert_eq!(imported.unwrap().expect("finished").created, 2);
    let error = opened.expect_err("the import outlasts the wait");
    assert!(matches!(error, StoreError::Busy { waited_seconds: 10, .. }), "{error:?}");
    store.close().await;
    db.finish().await;
}
