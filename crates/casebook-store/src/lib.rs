//! The registry store: one code base for SQLite (the embedded default) and PostgreSQL (the
//! shared multi-center server).
//!
//! Each patient is stored as one versioned record in the native patient JSON format, beside the
//! columns that identify and partition it (study, center, pseudonym). Reading a record parses it
//! like any other input, so data read back from either database is checked again.
//!
//! Every change is also written to the [audit trail](audit): one event per changed field, in the
//! same transaction as the change, in a table the database refuses to update or delete from, and
//! hash-chained so that [`Store::verify_audit`] finds any event changed, removed or reordered
//! behind the database's back. The [`users`] of the multi-center application (username,
//! Argon2id password hash, role, center) live here too.
//!
//! **Architecture Invariant:** only this crate knows SQL. Every write of a study, a patient or a
//! user is one transaction together with its audit events: on any error nothing is written.
//!
//! Not here: the clinical rules (domain crate) and the file formats (formats crate), which the
//! store uses to encode records but does not define.
//!
//! ```no_run
//! # async fn example() -> Result<(), casebook_store::StoreError> {
//! use casebook_store::{DatabaseUrl, Store};
//! let store = Store::connect(&DatabaseUrl::parse("sqlite://casebook.db")?).await?;
//! for study in store.studies().await? {
//!     println!("{} ({} patients)", study.id, study.patients);
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod error;
mod large_writes;
pub mod testing;
pub mod url;
mod writeback;
// `audit`, `users`, `records`, `queries`, `sessions` and `tokens` are declared below the macros
// they use.

use std::str::FromStr;
use std::time::Duration;

use casebook_domain::check::zhu_results;
use casebook_domain::patient::Patient;
use casebook_domain::study::Study;
use casebook_formats::native::folder::{parse_patient_json, parse_study_toml, study_to_toml};
pub use casebook_formats::native::record::{EncodedRecord, sha256_hex};
use serde_json::{Value, json};
use sqlx::Connection;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use crate::audit::Actor;
use crate::audit::{AuditAction, PendingEvent, field_changes};
use crate::error::Doing;
pub use crate::error::StoreError;
use crate::large_writes::LargeWrites;
pub use crate::url::{Backend, DEFAULT_DATABASE_URL, DatabaseUrl};

/// A connection pool to one backend. The SQL is written once, with `$N` placeholders that both
/// backends accept, and type-checked for each backend by [`with_db!`].
#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool `db` holds; the body is compiled once per backend.
macro_rules! with_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// Begins a transaction that writes audit events: the writers of the trail take turns, so that
/// each one reads the true last event (see [`audit::begin_statement`] and
/// [`audit::lock_statement`] for how, on each backend).
macro_rules! begin_audited {
    ($pool:expr, $backend:expr) => {{
        let mut tx = $pool.begin_with(crate::audit::begin_statement($backend)).await.doing("starting a transaction")?;
        if let Some(lock) = crate::audit::lock_statement($backend) {
            sqlx::query(lock).execute(&mut *tx).await.doing("waiting for the audit trail's lock")?;
        }
        tx
    }};
}

/// Appends events to the audit trail inside a transaction begun with [`begin_audited!`], and
/// gives the last sequence number written (0 when there was nothing to write).
macro_rules! append_events {
    ($tx:expr, $backend:expr, $actor:expr, $pending:expr) => {{
        let pending: &[crate::audit::PendingEvent] = $pending;
        let mut last_seq = 0_i64;
        if !pending.is_empty() {
            let last: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await
                .doing("reading the last audit event")?;
            let (at,): (String,) =
                sqlx::query_as(crate::audit::now_query($backend)).fetch_one(&mut *$tx).await.doing("reading the database clock")?;
            let events = crate::audit::chain_events(last, &at, $actor, pending);
            for chunk in events.chunks(crate::audit::EVENTS_PER_INSERT) {
                let sql = crate::audit::insert_statement($backend, chunk.len());
                let mut query = sqlx::query(&sql);
                for event in chunk {
                    query = query
                        .bind(event.seq)
                        .bind(&event.at)
                        .bind(&event.actor)
                        .bind(event.action.as_str())
                        .bind(&event.study_id)
                        .bind(&event.record)
                        .bind(&event.field)
                        .bind(&event.old_value)
                        .bind(&event.new_value)
                        .bind(&event.reason)
                        .bind(&event.prev_hash)
                        .bind(&event.hash);
                }
                query.execute(&mut *$tx).await.doing("writing audit events")?;
            }
            last_seq = events.last().map_or(0, |event| event.seq);
        }
        last_seq
    }};
}

pub mod audit;
pub mod users;

/// One study as listed by [`Store::studies`].
#[derive(Debug, Clone, PartialEq)]
pub struct StudySummary {
    /// The study's id, e.g. `was-anti-il1`.
    pub id: String,
    /// The study's title.
    pub title: String,
    /// Number of centers stored for the study.
    pub centers: i64,
    /// Number of patients stored for the study.
    pub patients: i64,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Patients that were not stored before.
    pub created: usize,
    /// Patients whose stored record differed and was replaced, its version raised by one.
    pub updated: usize,
    /// Patients whose stored record was identical (same SHA-256) and was left as it was.
    pub unchanged: usize,
}

/// What the reader of an import sends to [`Store::import_study_streamed`].
#[derive(Debug)]
pub enum Incoming {
    /// The next patients, in the order they were read, each serialized as it is stored.
    Records(Vec<EncodedRecord>),
    /// Every patient was sent and the reading found no error: commit.
    Finish,
}

/// Where an import's patients come from.
enum PatientSource<'a> {
    /// All of them, at once.
    AtHand(Option<&'a [Patient]>),
    /// Batches from a reader that is still at work.
    Arriving { incoming: &'a mut tokio::sync::mpsc::Receiver<Incoming>, finished: bool },
}

impl<'a> PatientSource<'a> {
    /// The next patients, or `None` when there are no more.
    async fn next(&mut self) -> Option<Vec<EncodedRecord>> {
        match self {
            PatientSource::AtHand(patients) => patients.take().map(encode_records),
            PatientSource::Arriving { incoming, finished } => match incoming.recv().await? {
                Incoming::Records(records) => Some(records),
                Incoming::Finish => {
                    *finished = true;
                    None
                }
            },
        }
    }

    /// Whether the source ended by saying so, rather than by its reader giving up.
    fn finished(&self) -> bool {
        match self {
            PatientSource::AtHand(_) => true,
            PatientSource::Arriving { finished, .. } => *finished,
        }
    }
}

/// A Zhu score as stored beside its patient: the computed result with the rule version and the
/// setting that produced it, and the clinician's own score when one was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredZhuScore {
    /// The patient's pseudonym.
    pub pseudonym: String,
    /// The position of the assessment in the patient's record, from 0.
    pub assessment_index: i64,
    /// The assessment date as written in the record (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub assessment_date: String,
    /// The computed score as written: `0`, `<1`, `1` to `4`, `5A`, `5M`, `5AM` or `unscorable`.
    pub computed_score: String,
    /// The key of the phenotype class, e.g. `classic-was`.
    pub phenotype_class: String,
    /// Score 3 or higher, 5A/5M/5AM included.
    pub severe: bool,
    /// Eczema and infection levels two or more apart; a clinician may assign a half score.
    pub discordant: bool,
    /// Under 2 years with a predicted-severe genotype and a score below 3.
    pub indeterminate: bool,
    /// The clinician's own score as written; `None` when none was recorded.
    pub clinician_score: Option<String>,
    /// The version of the rule that computed the score (`ZHU_RULE_VERSION` at the time).
    pub rule_version: String,
    /// Whether the study counted autoinflammation as autoimmunity when the score was computed.
    pub count_autoinflammation_as_autoimmunity: bool,
}

impl StoredZhuScore {
    /// The scores of every assessment of `patient` under `study`'s settings.
    fn compute(study: &Study, patient: &Patient) -> Vec<StoredZhuScore> {
        patient
            .zhu_assessments
            .iter()
            .zip(zhu_results(patient, study))
            .enumerate()
            .map(|(index, (assessment, result))| StoredZhuScore {
                pseudonym: patient.pseudonym.to_string(),
                assessment_index: index as i64,
                assessment_date: assessment.date.to_string(),
                computed_score: result.score.to_string(),
                phenotype_class: result.phenotype_class.key().to_string(),
                severe: result.severe,
                discordant: result.discordant,
                indeterminate: result.indeterminate,
                clinician_score: assessment.clinician_score.map(|score| score.to_string()),
                rule_version: result.rule_version.to_string(),
                count_autoinflammation_as_autoimmunity: result.counted_autoinflammation_as_autoimmunity,
            })
            .collect()
    }
}

/// Replaces the stored Zhu scores of one patient inside an open transaction.
macro_rules! write_zhu_scores {
    ($tx:expr, $study_id:expr, $pseudonym:expr, $scores:expr) => {{
        sqlx::query("DELETE FROM zhu_score WHERE study_id = $1 AND pseudonym = $2")
            .bind($study_id)
            .bind($pseudonym)
            .execute(&mut *$tx)
            .await
            .doing("replacing Zhu scores")?;
        for score in $scores {
            sqlx::query(
                "INSERT INTO zhu_score (study_id, pseudonym, assessment_index, assessment_date, computed_score, phenotype_class, severe, discordant,
                                        indeterminate, clinician_score, rule_version, count_autoinflammation_as_autoimmunity)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind($study_id)
            .bind($pseudonym)
            .bind(score.assessment_index)
            .bind(&score.assessment_date)
            .bind(&score.computed_score)
            .bind(&score.phenotype_class)
            .bind(score.severe)
            .bind(score.discordant)
            .bind(score.indeterminate)
            .bind(&score.clinician_score)
            .bind(&score.rule_version)
            .bind(score.count_autoinflammation_as_autoimmunity)
            .execute(&mut *$tx)
            .await
            .doing("storing Zhu scores")?;
        }
    }};
}

pub mod queries;
pub mod records;
pub mod sessions;
pub mod tokens;

/// The registry.
#[derive(Clone)]
pub struct Store {
    db: Db,
    /// Opened by [`Store::connect_single`]: nothing else of this program uses the registry
    /// while it imports, so an import may take the file for itself (`large_writes.rs`).
    single: bool,
}

/// SQLite's page cache per connection (negative: in KiB). A shared store's connections write
/// through the write-ahead log, where a transaction larger than SQLite's default 2 MiB cache
/// spills pages into the log before its commit and writes them twice: 64 MiB made a 1,508-record
/// import 70 ms faster (BENCHMARKS.md). A single store's import writes through a rollback
/// journal when it can, where pages spilled before the commit go straight into the file, once:
/// there a large cache only holds new pages until the commit, and every megabyte of it is memory
/// the kernel must find and zero. 8 rather than 64 MiB took a 10,000-file import from 178 to
/// 122 MiB and 18,000 page faults to 3,700, and made it no slower. 2 rather than 8 MiB puts the
/// pages into the file sooner, where `writeback.rs` has them written out while the import goes
/// on: the 1,508 phenopacket-store files' 13 MB registry kept 8 MB for the commit's `fsync`,
/// 20 ms of a 165 ms import with both cores idle (in turns, 162 → 145 ms at best).
const SHARED_CACHE: &str = "-65536";
const IMPORT_CACHE: &str = "-2048";

impl Store {
    /// Opens the registry at `url`, creating a SQLite file if it does not exist, and brings its
    /// tables up to date with the migrations embedded in this binary.
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        Store::connect_with(url, false).await
    }

    /// [`Store::connect`] for a run that does one thing at a time, such as an import from the
    /// command line. A SQLite registry then has a single connection, which lets a large import
    /// write through a rollback journal instead of the write-ahead log (SQLite allows that only
    /// to a connection alone with the file): about a third of the time of a 100,000-patient
    /// import went to the log's second copy (see `large_writes.rs`).
    pub async fn connect_single(url: &DatabaseUrl) -> Result<Store, StoreError> {
        Store::connect_with(url, true).await
    }

    async fn connect_with(url: &DatabaseUrl, single: bool) -> Result<Store, StoreError> {
        let connect_error = |source| StoreError::Connect { url: url.redacted(), source };
        let db = match url.backend() {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url.expose())
                    .map_err(connect_error)?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // A record is about 7 KB: with 64 KiB pages (SQLite's largest; it takes
                    // 4 KiB unless told, and only a new file takes the setting) an import commits
                    // and checkpoints a sixteenth of the pages and one page holds several records.
                    .pragma("page_size", "65536")
                    .pragma("cache_size", if single { IMPORT_CACHE } else { SHARED_CACHE })
                    // A statement that inserts many rows inside a transaction keeps the earlier
                    // content of the pages it changes in a statement journal, a temporary file once
                    // past 64 KiB, that is one page: a 10,000-file import wrote 160 MB into such
                    // files (2,564 of its 3,790 `pwrite`s). In memory it is freed with the statement.
                    .pragma("temp_store", "memory")
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let pool = if single {
                    SqlitePoolOptions::new().max_connections(1)
                } else {
                    // A store shared by many (the server's) always holds the file open, so that
                    // an import beside it stays in the write-ahead log and never blocks its
                    // readers (`large_writes.rs`).
                    SqlitePoolOptions::new().max_connections(4).min_connections(1).max_lifetime(None)
                };
                Db::Sqlite(open_sqlite_pool(pool, options).await.map_err(|source| {
                    if is_sqlite_busy(&source) {
                        StoreError::Busy { url: url.redacted(), waited_seconds: SQLITE_BUSY_TIMEOUT.as_secs() }
                    } else {
                        connect_error(source)
                    }
                })?)
            }
            Backend::Postgres => Db::Postgres(
                PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url.expose())
                    .await
                    .map_err(connect_error)?,
            ),
        };
        match &db {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(Store { db, single })
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection (for SQLite this also folds the write-ahead log into the file).
    pub async fn close(self) {
        with_db!(self.db, |pool| pool.close().await)
    }

    /// Stores a study and its patients in one transaction: the study and centers are created or
    /// updated, each patient is created, replaced (its version goes up) or left as it is when
    /// nothing changed. A change to a signed or locked record refuses the whole import. Patients
    /// already stored but absent here are kept. On any error nothing is written.
    ///
    /// The audit trail gets, in the same transaction, an `import` event for the study when its
    /// configuration is new or changed, a `create` event for each new patient (version 1 and the
    /// SHA-256 of its record), and for each replaced patient an `import` event (version and
    /// SHA-256 before and after) followed by one `update` event per changed field.
    ///
    /// On SQLite, a store opened with [`Store::connect_single`] writes the import through a
    /// rollback journal when it can, not through the write-ahead log (`large_writes.rs`).
    pub async fn import_study(&self, study: &Study, patients: &[Patient], actor: &Actor) -> Result<ImportSummary, StoreError> {
        let summary = self.import_from(study, PatientSource::AtHand(Some(patients)), actor).await?;
        Ok(summary.expect("patients at hand always finish"))
    }

    /// [`Store::import_study`] for patients that arrive while they are still being read, so that
    /// storing and reading overlap and only a few batches are in memory at a time. The import
    /// commits when [`Incoming::Finish`] arrives; when the sender is dropped before (the reading
    /// failed or found errors) nothing is stored and the answer is `None`.
    pub async fn import_study_streamed(
        &self,
        study: &Study,
        incoming: &mut tokio::sync::mpsc::Receiver<Incoming>,
        actor: &Actor,
    ) -> Result<Option<ImportSummary>, StoreError> {
        self.import_from(study, PatientSource::Arriving { incoming, finished: false }, actor).await
    }

    async fn import_from(&self, study: &Study, mut source: PatientSource<'_>, actor: &Actor) -> Result<Option<ImportSummary>, StoreError> {
        let study_id = study.id.as_str();
        let config = study_to_toml(study);
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut connection = pool.acquire().await.doing("opening a connection for the import")?;
            let prepared = self.single && connection.before_large_write().await;
            // With the rollback journal, pages go into the file as the import goes.
            let mut writeback =
                if prepared { connection.written_file().await.and_then(|file| writeback::Writeback::start(&file)) } else { None };
            let imported = async {
                let mut summary = ImportSummary::default();
                let mut tx = begin_audited!(connection, backend);
                let mut events = Vec::new();
                let stored_config: Option<(String,)> = sqlx::query_as("SELECT config_toml FROM study WHERE id = $1")
                    .bind(study_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .doing("reading the stored study")?;
                if stored_config.as_ref().is_none_or(|(stored,)| stored != &config) {
                    events.push(PendingEvent {
                        action: AuditAction::Import,
                        study_id: Some(study_id.to_string()),
                        record: format!("study/{study_id}"),
                        field: None,
                        old_value: stored_config.map(|(stored,)| Value::String(stored).to_string()),
                        new_value: Some(Value::String(config.clone()).to_string()),
                    });
                }
                sqlx::query(
                    "INSERT INTO study (id, title, config_toml) VALUES ($1, $2, $3)
                     ON CONFLICT (id) DO UPDATE SET title = excluded.title, config_toml = excluded.config_toml, updated_at = CURRENT_TIMESTAMP",
                )
                .bind(study_id)
                .bind(&study.title)
                .bind(&config)
                .execute(&mut *tx)
                .await
                .doing("storing the study")?;
                for center in &study.centers {
                    sqlx::query(
                        "INSERT INTO center (study_id, id, name, country) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (study_id, id) DO UPDATE SET name = excluded.name, country = excluded.country",
                    )
                    .bind(study_id)
                    .bind(center.id.as_str())
                    .bind(&center.name)
                    .bind(center.country.as_str())
                    .execute(&mut *tx)
                    .await
                    .doing("storing a center")?;
                }
                // Centers are checked here rather than by the foreign key, so that a refusal still
                // names its patient when many are inserted by one statement.
                let centers: std::collections::HashSet<String> = sqlx::query_as("SELECT id FROM center WHERE study_id = $1")
                    .bind(study_id)
                    .fetch_all(&mut *tx)
                    .await
                    .doing("reading the study's centers")?
                    .into_iter()
                    .map(|(id,)| id)
                    .collect();
                // Version and SHA-256 of every stored patient of the study, kept up to date as the
                // import goes; a stored record itself is read only when it is replaced.
                let mut stored: std::collections::HashMap<String, (i64, String)> = std::collections::HashMap::new();
                // Signed and locked records: an import may leave them as they are, never change them.
                let mut frozen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
                let rows: Vec<(String, i64, String, String)> =
                    sqlx::query_as("SELECT pseudonym, version, record_sha256, status FROM patient WHERE study_id = $1")
                        .bind(study_id)
                        .fetch_all(&mut *tx)
                        .await
                        .doing("reading the stored patients")?;
                for (pseudonym, version, sha, status) in rows {
                    if !records::RecordStatus::parse(&status).is_some_and(records::RecordStatus::is_editable) {
                        frozen.insert(pseudonym.clone(), status);
                    }
                    stored.insert(pseudonym, (version, sha));
                }
                // In batches, so that only one batch of encoded records and audit events is in
                // memory at a time, and new patients go in by one statement per batch.
                while let Some(records) = source.next().await {
                    for batch in import_batches(&records) {
                        let mut outcomes = Vec::with_capacity(batch.len());
                        for record in batch {
                            let pseudonym = record.patient().pseudonym.as_str();
                            let center = record.patient().center.as_str();
                            let outcome = match stored.get(pseudonym) {
                                Some((_, stored_sha)) if stored_sha == record.sha256() => RecordOutcome::Unchanged,
                                Some(_) if frozen.contains_key(pseudonym) => {
                                    return Err(StoreError::Refused {
                                        what: format!("patient {pseudonym}"),
                                        reason: format!("it is {}: unlock it, giving a reason, before importing a change", frozen[pseudonym]),
                                    });
                                }
                                _ if !centers.contains(center) => {
                                    return Err(StoreError::Refused {
                                        what: format!("patient {pseudonym}"),
                                        reason: "its center is not one of the study's centers".into(),
                                    });
                                }
                                Some((version, stored_sha)) => {
                                    let (version, stored_sha) = (*version, stored_sha.clone());
                                    let (stored_json,): (String,) =
                                        sqlx::query_as("SELECT record_json FROM patient WHERE study_id = $1 AND pseudonym = $2")
                                            .bind(study_id)
                                            .bind(pseudonym)
                                            .fetch_one(&mut *tx)
                                            .await
                                            .doing("reading a stored patient")?;
                                    sqlx::query(
                                        "UPDATE patient SET center_id = $3, version = $4, record_json = $5, record_sha256 = $6, updated_at = CURRENT_TIMESTAMP
                                         WHERE study_id = $1 AND pseudonym = $2",
                                    )
                                    .bind(study_id)
                                    .bind(pseudonym)
                                    .bind(center)
                                    .bind(version + 1)
                                    .bind(record.json())
                                    .bind(record.sha256())
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(|source| refused_or_database(&format!("patient {pseudonym}"), source, "updating a patient"))?;
                                    RecordOutcome::Updated { version, stored_sha, stored_json }
                                }
                                None => RecordOutcome::Created,
                            };
                            match &outcome {
                                RecordOutcome::Unchanged => {}
                                RecordOutcome::Updated { version, .. } => {
                                    stored.insert(pseudonym.to_string(), (version + 1, record.sha256().to_string()));
                                }
                                RecordOutcome::Created => {
                                    stored.insert(pseudonym.to_string(), (1, record.sha256().to_string()));
                                }
                            }
                            outcomes.push((record, outcome));
                        }
                        let created: Vec<&EncodedRecord> = outcomes
                            .iter()
                            .filter(|(_, outcome)| matches!(outcome, RecordOutcome::Created))
                            .map(|&(record, _)| record)
                            .collect();
                        if let Some(first) = created.first() {
                            let sql = insert_patients_statement(backend, created.len());
                            let mut query = sqlx::query(&sql);
                            for record in &created {
                                query = query
                                    .bind(study_id)
                                    .bind(record.patient().pseudonym.as_str())
                                    .bind(record.patient().center.as_str())
                                    .bind(record.json())
                                    .bind(record.sha256());
                            }
                            query.execute(&mut *tx).await.map_err(|source| {
                                refused_or_database(&format!("patient {}", first.patient().pseudonym), source, "storing patients")
                            })?;
                        }
                        for (record, outcome) in &outcomes {
                            // Rewritten even for an unchanged record, as the study's settings may have
                            // changed; a record without assessments that is new or unchanged has none stored.
                            let zhu_scores = StoredZhuScore::compute(study, record.patient());
                            let has_no_scores = zhu_scores.is_empty() && !matches!(outcome, RecordOutcome::Updated { .. });
                            if !has_no_scores {
                                write_zhu_scores!(tx, study_id, record.patient().pseudonym.as_str(), &zhu_scores);
                            }
                        }
                        for (record, outcome) in outcomes {
                            let pseudonym = record.patient().pseudonym.as_str();
                            match outcome {
                                RecordOutcome::Unchanged => summary.unchanged += 1,
                                RecordOutcome::Updated { version, stored_sha, stored_json } => {
                                    summary.updated += 1;
                                    let old = (version, stored_sha.as_str(), stored_json.as_str());
                                    let new = (version + 1, record.sha256(), record.json());
                                    events.extend(replacement_events(study_id, pseudonym, old, new)?);
                                }
                                RecordOutcome::Created => {
                                    summary.created += 1;
                                    events.push(creation_event(study_id, pseudonym, record.sha256()));
                                }
                            }
                        }
                        append_events!(tx, backend, actor, &events);
                        events.clear();
                        if let Some(writeback) = &mut writeback {
                            // What the batch added to the registry, roughly: its records' texts.
                            writeback.wrote(batch.iter().map(|record| record.json().len()).sum());
                        }
                    }
                }
                if !source.finished() {
                    // Dropping the transaction rolls it back.
                    return Ok(None);
                }
                append_events!(tx, backend, actor, &events);
                tx.commit().await.doing("committing the import")?;
                Ok::<_, StoreError>(Some(summary))
            }
            .await;
            // Before the journal mode changes back: no write-out outlives the import.
            drop(writeback);
            // After a rollback too: a transaction dropped unfinished is rolled back before the
            // connection runs anything else.
            if prepared {
                connection.after_large_write().await;
            }
            imported
        })
    }

    /// Every study with its number of centers and patients, by id.
    pub async fn studies(&self) -> Result<Vec<StudySummary>, StoreError> {
        let rows: Vec<(String, String, i64, i64)> = with_db!(&self.db, |pool| sqlx::query_as(
            "SELECT s.id, s.title,
                    (SELECT COUNT(*) FROM center c WHERE c.study_id = s.id),
                    (SELECT COUNT(*) FROM patient p WHERE p.study_id = s.id)
               FROM study s ORDER BY s.id"
        )
        .fetch_all(pool)
        .await
        .doing("listing studies"))?;
        Ok(rows.into_iter().map(|(id, title, centers, patients)| StudySummary { id, title, centers, patients }).collect())
    }

    /// The study with this id, parsed from its stored configuration.
    pub async fn load_study(&self, study_id: &str) -> Result<Study, StoreError> {
        let row: Option<(String,)> = with_db!(&self.db, |pool| sqlx::query_as("SELECT config_toml FROM study WHERE id = $1")
            .bind(study_id)
            .fetch_optional(pool)
            .await
            .doing("reading a study"))?;
        let (config,) = row.ok_or_else(|| StoreError::NotFound { what: format!("study `{study_id}`") })?;
        parse_study_toml(&config)
            .map_err(|problems| StoreError::Corrupt { what: format!("study `{study_id}`"), detail: join_problems(&problems) })
    }

    /// Every patient of a study, by pseudonym.
    pub async fn load_patients(&self, study_id: &str) -> Result<Vec<Patient>, StoreError> {
        let rows: Vec<(String, String)> =
            with_db!(&self.db, |pool| sqlx::query_as("SELECT pseudonym, record_json FROM patient WHERE study_id = $1 ORDER BY pseudonym")
                .bind(study_id)
                .fetch_all(pool)
                .await
                .doing("reading patients"))?;
        rows.iter().map(|(pseudonym, json)| decode_patient(pseudonym, json)).collect()
    }

    /// One patient and the version of its stored record.
    pub async fn load_patient(&self, study_id: &str, pseudonym: &str) -> Result<(Patient, i64), StoreError> {
        let row: Option<(String, i64)> =
            with_db!(&self.db, |pool| sqlx::query_as("SELECT record_json, version FROM patient WHERE study_id = $1 AND pseudonym = $2")
                .bind(study_id)
                .bind(pseudonym)
                .fetch_optional(pool)
                .await
                .doing("reading a patient"))?;
        let (json, version) = row.ok_or_else(|| StoreError::NotFound { what: format!("patient {pseudonym} of study `{study_id}`") })?;
        Ok((decode_patient(pseudonym, &json)?, version))
    }

    /// The stored Zhu scores of a study, by patient and assessment.
    pub async fn zhu_scores(&self, study_id: &str) -> Result<Vec<StoredZhuScore>, StoreError> {
        type Row = (String, i64, String, String, String, bool, bool, bool, Option<String>, String, bool);
        let rows: Vec<Row> = with_db!(&self.db, |pool| sqlx::query_as(
            "SELECT pseudonym, assessment_index, assessment_date, computed_score, phenotype_class, severe, discordant, indeterminate,
                    clinician_score, rule_version, count_autoinflammation_as_autoimmunity
               FROM zhu_score WHERE study_id = $1 ORDER BY pseudonym, assessment_index"
        )
        .bind(study_id)
        .fetch_all(pool)
        .await
        .doing("reading Zhu scores"))?;
        Ok(rows
            .into_iter()
            .map(|r| StoredZhuScore {
                pseudonym: r.0,
                assessment_index: r.1,
                assessment_date: r.2,
                computed_score: r.3,
                phenotype_class: r.4,
                severe: r.5,
                discordant: r.6,
                indeterminate: r.7,
                clinician_score: r.8,
                rule_version: r.9,
                count_autoinflammation_as_autoimmunity: r.10,
            })
            .collect())
    }

    /// Replaces one patient's record if it is still at `expected_version` (optimistic locking):
    /// a concurrent change makes this a [`StoreError::Conflict`] and writes nothing. A verified
    /// or locked record is [`StoreError::Refused`] until it is unlocked. Each changed
    /// field becomes an `update` event of the audit trail, with `actor`'s name and reason, in
    /// the same transaction. Returns the new version.
    pub async fn save_patient(&self, study: &Study, patient: &Patient, expected_version: i64, actor: &Actor) -> Result<i64, StoreError> {
        let study_id = study.id.as_str();
        let pseudonym = patient.pseudonym.as_str();
        let zhu_scores = StoredZhuScore::compute(study, patient);
        let record = EncodedRecord::new(patient.clone());
        let what = format!("patient {pseudonym}");
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let found: Option<(i64, String, String)> =
                sqlx::query_as("SELECT version, record_json, status FROM patient WHERE study_id = $1 AND pseudonym = $2")
                    .bind(study_id)
                    .bind(pseudonym)
                    .fetch_optional(&mut *tx)
                    .await
                    .doing("reading a stored patient")?;
            let stored_json = match found {
                None => return Err(StoreError::NotFound { what }),
                Some((found, _, _)) if found != expected_version => {
                    return Err(StoreError::Conflict { what, expected: expected_version, found });
                }
                Some((_, _, status)) if !records::RecordStatus::parse(&status).is_some_and(records::RecordStatus::is_editable) => {
                    return Err(StoreError::Refused { what, reason: format!("it is {status}: unlock it, giving a reason, to change it") });
                }
                Some((_, stored_json, _)) => stored_json,
            };
            // The version is checked again here, as it was before writers took turns: a save
            // must never overwrite a record it did not read.
            let updated = sqlx::query(
                "UPDATE patient SET center_id = $3, version = version + 1, record_json = $4, record_sha256 = $5, updated_at = CURRENT_TIMESTAMP
                 WHERE study_id = $1 AND pseudonym = $2 AND version = $6",
            )
            .bind(study_id)
            .bind(pseudonym)
            .bind(patient.center.as_str())
            .bind(record.json())
            .bind(record.sha256())
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(|source| refused_or_database(&what, source, "saving a patient"))?
            .rows_affected();
            if updated == 0 {
                let (found,): (i64,) = sqlx::query_as("SELECT version FROM patient WHERE study_id = $1 AND pseudonym = $2")
                    .bind(study_id)
                    .bind(pseudonym)
                    .fetch_one(&mut *tx)
                    .await
                    .doing("reading a patient's version")?;
                return Err(StoreError::Conflict { what, expected: expected_version, found });
            }
            write_zhu_scores!(tx, study_id, pseudonym, &zhu_scores);
            let old = parse_stored_json(pseudonym, &stored_json)?;
            let new: Value = serde_json::from_str(record.json()).expect("patient_to_json writes valid JSON");
            let events: Vec<PendingEvent> = field_changes(Some(&old), Some(&new))
                .into_iter()
                .map(|change| field_event(AuditAction::Update, study_id, pseudonym, change))
                .collect();
            append_events!(tx, backend, actor, &events);
            tx.commit().await.doing("committing a save")?;
            Ok(expected_version + 1)
        })
    }
}

/// The audit record of a patient, e.g. `patient/WAS-IT1-01`.
pub(crate) fn patient_record(pseudonym: &str) -> String {
    format!("patient/{pseudonym}")
}

/// The events of a patient an import replaces: an `import` event with the old and new version
/// and SHA-256, then one `update` event per changed field. `old` and `new` are (version, SHA-256,
/// native JSON).
fn replacement_events(
    study_id: &str,
    pseudonym: &str,
    old: (i64, &str, &str),
    new: (i64, &str, &str),
) -> Result<Vec<PendingEvent>, StoreError> {
    let mut events = vec![PendingEvent {
        action: AuditAction::Import,
        study_id: Some(study_id.to_string()),
        record: patient_record(pseudonym),
        field: None,
        old_value: Some(json!({"version": old.0, "sha256": old.1}).to_string()),
        new_value: Some(json!({"version": new.0, "sha256": new.1}).to_string()),
    }];
    let old_json = parse_stored_json(pseudonym, old.2)?;
    let new_json: Value = serde_json::from_str(new.2).expect("patient_to_json writes valid JSON");
    events.extend(
        field_changes(Some(&old_json), Some(&new_json))
            .into_iter()
            .map(|change| field_event(AuditAction::Update, study_id, pseudonym, change)),
    );
    Ok(events)
}

/// The `create` event of a new patient record: its version (1) and the SHA-256 of its native
/// JSON, not the record itself. The record is its row, and every later change is an event with
/// the old and new value, so the record as created is the current one with those changes undone,
/// and the SHA-256 checks it. A copy of the record here doubled what an import wrote and hashed
/// (BENCHMARKS.md).
pub(crate) fn creation_event(study_id: &str, pseudonym: &str, sha: &str) -> PendingEvent {
    PendingEvent {
        action: AuditAction::Create,
        study_id: Some(study_id.to_string()),
        record: patient_record(pseudonym),
        field: None,
        old_value: None,
        new_value: Some(json!({"version": 1, "sha256": sha}).to_string()),
    }
}

/// How many patients an import encodes, stores and audits at a time: enough to make one
/// `INSERT` and one audit append per batch cheap, few enough to keep memory flat (a record with
/// a kept phenopacket is about 7 KB).
const PATIENTS_PER_BATCH: usize = 500;

/// What an import does with one record.
enum RecordOutcome {
    Unchanged,
    /// Replaced; `version`, `stored_sha` and `stored_json` are those of the replaced record.
    Updated {
        version: i64,
        stored_sha: String,
        stored_json: String,
    },
    Created,
}

/// Splits the records into batches of at most [`PATIENTS_PER_BATCH`], also ending a batch
/// before a pseudonym it already holds, so that a repeated patient sees the first one stored.
fn import_batches(records: &[EncodedRecord]) -> Vec<&[EncodedRecord]> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut in_batch = std::collections::HashSet::new();
    for (index, record) in records.iter().enumerate() {
        let pseudonym = record.patient().pseudonym.as_str();
        if index - start == PATIENTS_PER_BATCH || !in_batch.insert(pseudonym) {
            batches.push(&records[start..index]);
            start = index;
            in_batch.clear();
            in_batch.insert(pseudonym);
        }
    }
    if start < records.len() {
        batches.push(&records[start..]);
    }
    batches
}

/// Encodes the patients of an import, on every core: serializing and hashing records is most
/// of an import's own work. (A streamed import's reader encodes them as it reads.)
fn encode_records(patients: &[Patient]) -> Vec<EncodedRecord> {
    let encode = |patient: &Patient| EncodedRecord::new(patient.clone());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // Below a few dozen records a thread costs more than it saves.
    if threads < 2 || patients.len() < 64 {
        return patients.iter().map(encode).collect();
    }
    let chunk = patients.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let encode = &encode;
        let workers: Vec<_> =
            patients.chunks(chunk).map(|chunk| scope.spawn(move || chunk.iter().map(encode).collect::<Vec<_>>())).collect();
        workers.into_iter().flat_map(|worker| worker.join().expect("encoding a record does not panic")).collect()
    })
}

/// `INSERT` of `rows` new patients at version 1, five parameters per row: study, pseudonym,
/// center, native JSON and its SHA-256. SQLite gets plain `?` placeholders: it looks numbered
/// ones up by a linear search for every bound value, which made binding a batch quadratic.
/// How long a SQLite connection waits for another program's write before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a SQLite pool, waiting, as for any other writer, while another program imports through
/// a rollback journal (`large_writes.rs`): SQLite then refuses at once, without waiting out the
/// busy timeout, to put a new connection in write-ahead-log mode.
async fn open_sqlite_pool(pool: SqlitePoolOptions, options: SqliteConnectOptions) -> Result<SqlitePool, sqlx::Error> {
    let deadline = std::time::Instant::now() + SQLITE_BUSY_TIMEOUT;
    loop {
        match pool.clone().connect_with(options.clone()).await {
            Err(error) if is_sqlite_busy(&error) && std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            opened => return opened,
        }
    }
}

/// SQLITE_BUSY, or one of its extended codes (the primary code is the low byte).
fn is_sqlite_busy(error: &sqlx::Error) -> bool {
    let code = match error {
        sqlx::Error::Database(error) => error.code().and_then(|code| code.parse::<i32>().ok()),
        _ => None,
    };
    code.is_some_and(|code| code & 0xff == 5)
}

fn insert_patients_statement(backend: Backend, rows: usize) -> String {
    let mut sql = String::from("INSERT INTO patient (study_id, pseudonym, center_id, version, record_json, record_sha256) VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        match backend {
            Backend::Sqlite => sql.push_str("(?, ?, ?, 1, ?, ?)"),
            Backend::Postgres => {
                let n = row * 5;
                sql.push_str(&format!("(${}, ${}, ${}, 1, ${}, ${})", n + 1, n + 2, n + 3, n + 4, n + 5));
            }
        }
    }
    sql
}

fn field_event(action: AuditAction, study_id: &str, pseudonym: &str, change: audit::FieldChange) -> PendingEvent {
    PendingEvent {
        action,
        study_id: Some(study_id.to_string()),
        record: patient_record(pseudonym),
        field: Some(change.path),
        old_value: change.old_value,
        new_value: change.new_value,
    }
}

/// A stored patient record as a JSON value, to compare with a new one.
fn parse_stored_json(pseudonym: &str, json: &str) -> Result<Value, StoreError> {
    serde_json::from_str(json).map_err(|error| StoreError::Corrupt { what: format!("patient {pseudonym}"), detail: error.to_string() })
}

pub(crate) fn decode_patient(pseudonym: &str, json: &str) -> Result<Patient, StoreError> {
    parse_patient_json(json)
        .map_err(|problems| StoreError::Corrupt { what: format!("patient {pseudonym}"), detail: join_problems(&problems) })
}

fn join_problems(problems: &[casebook_domain::check::Diagnostic]) -> String {
    problems.iter().map(|problem| format!("{}: {}", problem.path, problem.message)).collect::<Vec<_>>().join("; ")
}

/// A foreign-key violation means the record names a center the study does not have.
pub(crate) fn refused_or_database(what: &str, source: sqlx::Error, doing: &'static str) -> StoreError {
    match &source {
        sqlx::Error::Database(db_error) if db_error.is_foreign_key_violation() => {
            StoreError::Refused { what: what.to_string(), reason: "its center is not one of the study's centers".into() }
        }
        _ => StoreError::Database { doing, source },
    }
}
