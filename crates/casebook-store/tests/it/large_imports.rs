//! How an import writes to a SQLite registry: through a rollback journal when its store was opened
//! for it alone and its connection is alone with the file, through the write-ahead log (readers
//! going on beside it) otherwise, and the registry back in write-ahead-log mode after it.

use std::path::{Path, PathBuf};

use casebook_store::testing::TestDb;
use casebook_store::{EncodedRecord, Incoming, Store};
use tokio::sync::mpsc::Sender;

use crate::fixtures::{patient, small_study, tester};

/// SQLite's file header says how the file is journaled: byte 18 is 2 for a write-ahead log and
/// 1 for a rollback journal (<https://sqlite.org/fileformat.html>, "File format version numbers").
fn header_journal_byte(registry: &Path) -> u8 {
    std::fs::read(registry).expect("the registry file can be read")[18]
}

fn beside(registry: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", registry.display()))
}

/// Sends two batches of one patient each and returns once the store has written the first: with
/// a channel of one place, the third send goes through only after the store took the second
/// batch, and it takes a batch only after it stored the one before.
async fn send_two_batches_and_wait(sender: &Sender<Incoming>) {
    for pseudonym in ["P-01", "P-02"] {
        sender.send(Incoming::Records(vec![EncodedRecord::new(patient(pseudonym, "A"))])).await.unwrap();
    }
    sender.send(Incoming::Records(Vec::new())).await.unwrap();
}

#[tokio::test]
async fn an_import_alone_with_the_file_writes_through_a_rollback_journal_and_leaves_the_log_on() {
    let db = TestDb::sqlite().await;
    let registry = db.sqlite_path().unwrap();
    db.store.clone().close().await;
    assert_eq!(header_journal_byte(&registry), 2, "a registry is created with a write-ahead log");
    let store = Store::connect_single(&db.url).await.unwrap();

    let (sender, mut incoming) = tokio::sync::mpsc::channel(1);
    let (study, actor) = (small_study(), tester());
    let importing = store.import_study_streamed(&study, &mut incoming, &actor);
    let watching = async {
        send_two_batches_and_wait(&sender).await;
        let seen = (header_journal_byte(&registry), beside(&registry, "-journal").exists());
        sender.send(Incoming::Finish).await.unwrap();
        seen
    };
    let (imported, (header_during, journal_during)) = tokio::join!(importing, watching);
    assert_eq!(imported.unwrap().expect("finished").created, 2);
    assert_eq!((header_during, journal_during), (1, true), "during the import: a rollback journal beside the file");

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

    let (sender, mut incoming) = tokio::sync::mpsc::channel(1);
    let (study, actor) = (small_study(), tester());
    let importing = store.import_study_streamed(&study, &mut incoming, &actor);
    let watching = async {
        send_two_batches_and_wait(&sender).await;
        let journal_during = beside(&registry, "-journal").exists();
        // Not blocked by the import, and not shown its uncommitted patients.
        let read_during = reader.load_patients("small").await.unwrap().len();
        sender.send(Incoming::Finish).await.unwrap();
        (journal_during, read_during)
    };
    let (imported, (journal_during, read_during)) = tokio::join!(importing, watching);
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
    let db = TestDb::sqlite().await;
    let registry = db.sqlite_path().unwrap();
    db.store.clone().close().await;
    let store = Store::connect_single(&db.url).await.unwrap();

    let (sender, mut incoming) = tokio::sync::mpsc::channel(1);
    let (study, actor) = (small_study(), tester());
    let importing = store.import_study_streamed(&study, &mut incoming, &actor);
    let watching = async {
        send_two_batches_and_wait(&sender).await;
        let journal_during = beside(&registry, "-journal").exists();
        // The reader found an error in a later file.
        drop(sender);
        journal_during
    };
    let (imported, journal_during) = tokio::join!(importing, watching);
    assert!(journal_during, "the import ran through a rollback journal");
    assert_eq!(imported.unwrap(), None);

    assert!(store.studies().await.unwrap().is_empty(), "nothing of the import stays");
    assert_eq!(header_journal_byte(&registry), 2, "the write-ahead log is on again after a rollback too");
    assert!(!beside(&registry, "-journal").exists());
    store.close().await;
    db.finish().await;
}
