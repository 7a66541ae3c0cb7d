//! The audit trail: who changed what, when and why, one event per changed field, in a table the
//! database refuses to update or delete from, and chained by SHA-256 so that a change made behind
//! the database's back (a dropped trigger, a file edited by hand) is found by
//! [`Store::verify_audit`].
//!
//! Every event is written in the same transaction as the change it describes, so a change and its
//! events are stored together or not at all.
//!
//! # The chain
//!
//! Events are numbered from 1 with no gaps (`seq`). Each event stores the hash of the one before it
//! (`prev_hash`; 64 zeros for the first) and its own hash:
//!
//! ```text
//! hash = sha256_hex(prev_hash + "\n" + canonical_json)
//! ```
//!
//! where `canonical_json` is a JSON object of the event's fields `action`, `actor`, `at`, `field`,
//! `new_value`, `old_value`, `reason`, `record`, `seq` and `study_id`, keys in that (alphabetical)
//! order, no whitespace, SQL NULL as `null`, `seq` as a number and everything else as a string
//! exactly as stored (values are JSON-encoded text, so they appear as strings holding JSON). `at`
//! is the UTC time as RFC 3339 text: with milliseconds on SQLite (`2026-05-01T09:30:00.123Z`),
//! with microseconds on PostgreSQL. Anyone can recompute the chain from the table with these rules,
//! or from `casebook audit log --json`, which prints each event's fields under these names, in this
//! order, then `prev_hash` and `hash`. Strings are escaped as serde_json writes them (non-ASCII
//! text as it is); in Python the canonical text is `json.dumps(fields, ensure_ascii=False,
//! separators=(",", ":"))` (checked on a trail with accents, quotes and newlines).
//!
//! A chain shows changes, removals and reordering inside it. It cannot show that the newest events
//! were removed, or that someone who can write SHA-256 appended forged ones: for that, keep
//! [`AuditVerification::last_hash`] somewhere else from time to time (a printed report, an
//! e-mail): later, an event with that hash must still be in the table, followed by intact ones.
//!
//! # Writers are serialized
//!
//! To chain an event the writer reads the last one, so two writers must not interleave. On
//! PostgreSQL every audited transaction first takes one transaction-scoped advisory lock
//! (`pg_advisory_xact_lock`); on SQLite it begins with `BEGIN IMMEDIATE`, which takes the
//! database's write lock at once. Either way the second writer waits, then reads the first one's
//! last event. The `seq` primary key is the backstop: two events with one number cannot both be
//! stored.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use crate::error::{Doing, StoreError};
use crate::{Backend, Db, Store, sha256_hex};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who makes a change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// A username, `cli:<operating-system user>` or `system`.
    pub name: String,
    /// Why the change is made, when the user gave a reason (required by the workflow for some
    /// changes, such as unlocking a signed record).
    pub reason: Option<String>,
}

impl Actor {
    /// An actor that gives no reason.
    pub fn new(name: impl Into<String>) -> Actor {
        Actor { name: name.into(), reason: None }
    }

    /// Casebook itself, e.g. loading the demo data.
    pub fn system() -> Actor {
        Actor::new("system")
    }

    /// The same actor, giving `reason`.
    pub fn with_reason(self, reason: impl Into<String>) -> Actor {
        Actor { reason: Some(reason.into()), ..self }
    }
}

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A new record: its version (1) and the SHA-256 of its native JSON.
    Create,
    /// A changed field of an existing record.
    Update,
    /// A removed record.
    Delete,
    /// A record's workflow status changed: marked complete or reopened.
    Status,
    /// A record signed by a center lead.
    Sign,
    /// A verified record locked for analysis.
    Lock,
    /// A locked record unlocked, with a reason.
    Unlock,
    /// A successful login.
    Login,
    /// A failed login.
    LoginFailed,
    /// Data leaving the registry: an export or a report.
    Export,
    /// A record replaced by an import (its version and SHA-256 before and after), followed by
    /// one `update` event per changed field; or a study's configuration imported.
    Import,
    /// A new user.
    UserAdd,
    /// A user's password set; the password and its hash are never written to the trail.
    UserPasswd,
    /// A user disabled.
    UserDisable,
    /// A data query opened on a field of a record.
    QueryOpen,
    /// A data query answered by the record's center.
    QueryAnswer,
    /// A data query closed by the coordinator.
    QueryClose,
    /// An API token issued to a user; the token itself is never written to the trail.
    TokenAdd,
    /// An API token revoked.
    TokenRevoke,
}

impl AuditAction {
    /// Every action, in the order listed above.
    pub const ALL: [AuditAction; 19] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Status,
        AuditAction::Sign,
        AuditAction::Lock,
        AuditAction::Unlock,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Export,
        AuditAction::Import,
        AuditAction::UserAdd,
        AuditAction::UserPasswd,
        AuditAction::UserDisable,
        AuditAction::QueryOpen,
        AuditAction::QueryAnswer,
        AuditAction::QueryClose,
        AuditAction::TokenAdd,
        AuditAction::TokenRevoke,
    ];

    /// The action as stored, e.g. `login-failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Status => "status",
            AuditAction::Sign => "sign",
            AuditAction::Lock => "lock",
            AuditAction::Unlock => "unlock",
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login-failed",
            AuditAction::Export => "export",
            AuditAction::Import => "import",
            AuditAction::UserAdd => "user-add",
            AuditAction::UserPasswd => "user-passwd",
            AuditAction::UserDisable => "user-disable",
            AuditAction::QueryOpen => "query-open",
            AuditAction::QueryAnswer => "query-answer",
            AuditAction::QueryClose => "query-close",
            AuditAction::TokenAdd => "token-add",
            AuditAction::TokenRevoke => "token-revoke",
        }
    }

    /// The action stored as `text`, if Casebook knows it.
    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|action| action.as_str() == text)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// The event's number: 1 for the first, one more for each next event.
    pub seq: i64,
    /// When the event was written, by the database clock, as UTC RFC 3339 text.
    pub at: String,
    /// Who made the change: a username, `cli:<operating-system user>` or `system`.
    pub actor: String,
    /// What happened.
    pub action: AuditAction,
    /// The study the record belongs to; `None` for users and other registry-wide records.
    pub study_id: Option<String>,
    /// What the event is about, e.g. `patient/WAS-IT1-01`, `user/alice` or `study/was-anti-il1`.
    pub record: String,
    /// The changed field as a JSON path into the record, e.g. `$.courses[1].dose.value`; `None`
    /// when the event is about the record as a whole.
    pub field: Option<String>,
    /// The value before, JSON-encoded; `None` when there was none (a new field or record).
    pub old_value: Option<String>,
    /// The value after, JSON-encoded; `None` when there is none (a removed field).
    pub new_value: Option<String>,
    /// The reason the actor gave, if any.
    pub reason: Option<String>,
    /// The hash of the event before this one, or [`GENESIS_HASH`].
    pub prev_hash: String,
    /// This event's hash (see the [module documentation](self)).
    pub hash: String,
}

impl AuditEvent {
    /// The hash this event should have, recomputed from its `prev_hash` and fields.
    pub fn expected_hash(&self) -> String {
        chain_hash(&self.prev_hash, &self.fields())
    }

    /// The event as one line of JSON: the fields its hash covers, as the chain writes them (see
    /// the [module documentation](self)), then `prev_hash` and `hash`. Dropping the last two
    /// gives the text the hash was computed from, so a reader can check the chain without
    /// Casebook.
    pub fn json_line(&self) -> String {
        let mut line = Vec::with_capacity(256);
        write_canonical_json(&mut line, &self.fields());
        line.pop(); // the closing brace
        // Hex digits need no escaping.
        line.extend_from_slice(format!(",\"prev_hash\":\"{}\",\"hash\":\"{}\"}}", self.prev_hash, self.hash).as_bytes());
        String::from_utf8(line).expect("JSON written from text is text")
    }

    fn fields(&self) -> EventFields<'_> {
        EventFields {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: self.action.as_str(),
            study_id: self.study_id.as_deref(),
            record: &self.record,
            field: self.field.as_deref(),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

/// Which events [`Store::audit_events`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    record: Option<String>,
    latest: Option<u64>,
}

impl AuditFilter {
    /// Every event.
    pub fn all() -> AuditFilter {
        AuditFilter { record: None, latest: None }
    }

    /// The events about one record, e.g. `patient/WAS-IT1-01`: its history.
    pub fn record(record: impl Into<String>) -> AuditFilter {
        AuditFilter { record: Some(record.into()), latest: None }
    }

    /// Only the newest `count` of the events the filter selects.
    pub fn latest(self, count: u64) -> AuditFilter {
        AuditFilter { latest: Some(count), ..self }
    }
}

/// What [`Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// How many events were checked and found intact, before the first problem if there is one.
    pub events: u64,
    /// The hash of the newest intact event: keep it elsewhere to notice later if newer events
    /// were removed. `None` when there is no intact event.
    pub last_hash: Option<String>,
    /// The first problem, by sequence number; `None` when the chain is intact.
    pub problem: Option<AuditProblem>,
}

impl AuditVerification {
    /// Whether every event is in place and unchanged.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// The first break in the chain. The `Display` text names the event, e.g. "event 17 was changed
/// after it was written".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// An event no longer matches its hash, or the next event no longer names its hash.
    Changed {
        /// The changed event.
        seq: i64,
        /// What the chain can tell about the change.
        part: ChangedPart,
    },
    /// One or more events were removed: their numbers are absent.
    Missing {
        /// The first missing number.
        first: i64,
        /// The last missing number (the same as `first` when one event is missing).
        last: i64,
    },
    /// Two events exchanged places: each still chains to the other's predecessor.
    OutOfOrder {
        /// The lower sequence number.
        first: i64,
        /// The higher sequence number.
        second: i64,
    },
}

/// Which part of a changed event the chain can point at. A hash covers all of an event's fields
/// at once, so when one of them was changed the chain cannot tell which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedPart {
    /// One or more of its fields (who, when, what, the values or the reason).
    Fields,
    /// Its stored `hash` alone: its fields still give the hash the next event names.
    Hash,
    /// Its stored `prev_hash` alone: with the previous event's hash its fields still match.
    PrevHash,
    /// Its fields, and its hash was recomputed to match them; the next event still names the
    /// original hash.
    FieldsAndHash,
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Changed { seq, part } => {
                write!(f, "event {seq} was changed after it was written")?;
                match part {
                    ChangedPart::Fields => Ok(()),
                    ChangedPart::Hash => f.write_str(" (its stored hash was replaced)"),
                    ChangedPart::PrevHash => f.write_str(" (its prev_hash was replaced)"),
                    ChangedPart::FieldsAndHash => {
                        write!(f, " (and its hash recomputed; event {} still names the original)", seq + 1)
                    }
                }
            }
            AuditProblem::Missing { first, last } if first == last => write!(f, "event {first} is missing"),
            AuditProblem::Missing { first, last } => write!(f, "events {first} to {last} are missing"),
            AuditProblem::OutOfOrder { first, second } => write!(f, "events {first} and {second} are out of order"),
        }
    }
}

impl Store {
    /// The events `filter` selects, oldest first.
    pub async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
        let at = at_text(self.backend());
        let columns = format!("seq, {at}, actor, action, study_id, record, field, old_value, new_value, reason, prev_hash, hash");
        let limit = filter.latest.map(|count| i64::try_from(count).unwrap_or(i64::MAX)).unwrap_or(i64::MAX);
        // The newest `limit` events, put back in order.
        let rows: Vec<RawEvent> = match &filter.record {
            Some(record) => {
                let sql = format!(
                    "SELECT * FROM (SELECT {columns} FROM audit_event WHERE record = $1 ORDER BY seq DESC LIMIT $2) AS newest ORDER BY seq"
                );
                with_db!(&self.db, |pool| sqlx::query_as(&sql)
                    .bind(record)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
                    .doing("reading the history of a record"))?
            }
            None => {
                let sql = format!("SELECT * FROM (SELECT {columns} FROM audit_event ORDER BY seq DESC LIMIT $1) AS newest ORDER BY seq");
                with_db!(&self.db, |pool| sqlx::query_as(&sql).bind(limit).fetch_all(pool).await.doing("reading the audit trail"))?
            }
        };
        rows.into_iter().map(RawEvent::into_event).collect()
    }

    /// Recomputes the whole chain and reports the first problem by sequence number: a changed
    /// event, a removed one (a gap in the numbers) or two that exchanged places.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        const PAGE: i64 = 5_000;
        let at = at_text(self.backend());
        let sql = format!(
            "SELECT seq, {at}, actor, action, study_id, record, field, old_value, new_value, reason, prev_hash, hash
               FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2"
        );
        let mut intact = Intact { events: 0, last: None };
        // Each event is judged once the next one is known, which tells a replaced hash from
        // replaced fields.
        let mut held: Option<RawEvent> = None;
        let mut after = 0_i64;
        loop {
            let page: Vec<RawEvent> = with_db!(&self.db, |pool| sqlx::query_as(&sql)
                .bind(after)
                .bind(PAGE)
                .fetch_all(pool)
                .await
                .doing("reading the audit trail"))?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for event in page {
                if let Some(current) = held.take() {
                    if let Some(problem) = self.judge(&current, &intact, Some(&event)).await? {
                        return Ok(intact.with_problem(problem));
                    }
                    intact.accept(&current);
                }
                held = Some(event);
            }
        }
        if let Some(current) = held {
            if let Some(problem) = self.judge(&current, &intact, None).await? {
                return Ok(intact.with_problem(problem));
            }
            intact.accept(&current);
        }
        Ok(intact.with_problem_option(None))
    }

    /// Records an event that changes nothing else, such as an export or a login, and returns its
    /// sequence number. `detail` becomes the event's new value, e.g. `{"format": "fhir"}`.
    pub async fn log_event(
        &self,
        actor: &Actor,
        action: AuditAction,
        study_id: Option<&str>,
        record: &str,
        detail: Option<&Value>,
    ) -> Result<i64, StoreError> {
        let event = PendingEvent {
            action,
            study_id: study_id.map(str::to_string),
            record: record.to_string(),
            field: None,
            old_value: None,
            new_value: detail.map(Value::to_string),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let written = append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing an audit event")?;
            Ok(written)
        })
    }

    /// Judges one event, given the intact chain before it and the event after it.
    async fn judge(&self, event: &RawEvent, intact: &Intact, next: Option<&RawEvent>) -> Result<Option<AuditProblem>, StoreError> {
        let expected_seq = intact.last.as_ref().map_or(1, |(seq, _)| seq + 1);
        if event.seq != expected_seq {
            return Ok(Some(AuditProblem::Missing { first: expected_seq, last: event.seq - 1 }));
        }
        let expected_prev = intact.last.as_ref().map_or(GENESIS_HASH, |(_, hash)| hash.as_str());
        let recomputed = chain_hash(&event.prev_hash, &event.fields());
        let fields_match = recomputed == event.hash;
        let linked = event.prev_hash == expected_prev;
        if fields_match && linked {
            return Ok(None);
        }
        if !linked {
            // Another event chaining to the intact predecessor means events exchanged places.
            let successor: Option<(i64,)> = with_db!(&self.db, |pool| sqlx::query_as(
                "SELECT seq FROM audit_event WHERE prev_hash = $1 AND seq <> $2 ORDER BY seq LIMIT 1"
            )
            .bind(expected_prev)
            .bind(event.seq)
            .fetch_optional(pool)
            .await
            .doing("checking the order of the audit trail"))?;
            if let Some((other,)) = successor {
                return Ok(Some(AuditProblem::OutOfOrder { first: event.seq.min(other), second: event.seq.max(other) }));
            }
            if fields_match {
                // This event is as written; its predecessor was changed and given a new hash.
                return Ok(Some(match intact.last {
                    Some((previous, _)) => AuditProblem::Changed { seq: previous, part: ChangedPart::FieldsAndHash },
                    None => AuditProblem::Changed { seq: event.seq, part: ChangedPart::PrevHash },
                }));
            }
            let part = if chain_hash(expected_prev, &event.fields()) == event.hash { ChangedPart::PrevHash } else { ChangedPart::Fields };
            return Ok(Some(AuditProblem::Changed { seq: event.seq, part }));
        }
        let part = if next.is_some_and(|next| next.prev_hash == recomputed) { ChangedPart::Hash } else { ChangedPart::Fields };
        Ok(Some(AuditProblem::Changed { seq: event.seq, part }))
    }
}

/// The intact part of the chain so far.
struct Intact {
    events: u64,
    last: Option<(i64, String)>,
}

impl Intact {
    fn accept(&mut self, event: &RawEvent) {
        self.events += 1;
        self.last = Some((event.seq, event.hash.clone()));
    }

    fn with_problem(self, problem: AuditProblem) -> AuditVerification {
        self.with_problem_option(Some(problem))
    }

    fn with_problem_option(self, problem: Option<AuditProblem>) -> AuditVerification {
        AuditVerification { events: self.events, last_hash: self.last.map(|(_, hash)| hash), problem }
    }
}

/// An event as read, before its action is parsed: verification must work on any text.
#[derive(sqlx::FromRow)]
struct RawEvent {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    study_id: Option<String>,
    record: String,
    field: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    reason: Option<String>,
    prev_hash: String,
    hash: String,
}

impl RawEvent {
    fn fields(&self) -> EventFields<'_> {
        EventFields {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            study_id: self.study_id.as_deref(),
            record: &self.record,
            field: self.field.as_deref(),
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
            reason: self.reason.as_deref(),
        }
    }

    fn into_event(self) -> Result<AuditEvent, StoreError> {
        let action = AuditAction::parse(&self.action).ok_or_else(|| StoreError::Corrupt {
            what: format!("audit event {}", self.seq),
            detail: format!("`{}` is not an action Casebook knows", self.action),
        })?;
        Ok(AuditEvent {
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action,
            study_id: self.study_id,
            record: self.record,
            field: self.field,
            old_value: self.old_value,
            new_value: self.new_value,
            reason: self.reason,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// The fields an event's hash covers, borrowed.
struct EventFields<'a> {
    seq: i64,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    study_id: Option<&'a str>,
    record: &'a str,
    field: Option<&'a str>,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
    reason: Option<&'a str>,
}

/// `sha256_hex(prev_hash + "\n" + canonical JSON of the fields)`.
fn chain_hash(prev_hash: &str, fields: &EventFields<'_>) -> String {
    let mut text = Vec::with_capacity(prev_hash.len() + 256);
    text.extend_from_slice(prev_hash.as_bytes());
    text.push(b'\n');
    write_canonical_json(&mut text, fields);
    sha256_hex(&text)
}

/// The canonical JSON of an event's fields: keys in alphabetical order, no whitespace, strings
/// escaped as serde_json escapes them. Written by hand because it runs for every event of every
/// import; the tests compare it with the text a JSON library writes.
fn write_canonical_json(out: &mut Vec<u8>, fields: &EventFields<'_>) {
    let entries: [(&str, Option<&str>); 10] = [
        ("action", Some(fields.action)),
        ("actor", Some(fields.actor)),
        ("at", Some(fields.at)),
        ("field", fields.field),
        ("new_value", fields.new_value),
        ("old_value", fields.old_value),
        ("reason", fields.reason),
        ("record", Some(fields.record)),
        ("seq", None),
        ("study_id", fields.study_id),
    ];
    out.push(b'{');
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        match (key, value) {
            ("seq", _) => out.extend_from_slice(fields.seq.to_string().as_bytes()),
            // Most values need no escaping; the others are escaped by serde_json.
            (_, Some(value)) if !value.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
                out.push(b'"');
                out.extend_from_slice(value.as_bytes());
                out.push(b'"');
            }
            (_, Some(value)) => serde_json::to_writer(&mut *out, value).expect("writing JSON to memory cannot fail"),
            (_, None) => out.extend_from_slice(b"null"),
        }
    }
    out.push(b'}');
}

/// An event about to be written: everything but its number, time, actor and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingEvent {
    pub(crate) action: AuditAction,
    pub(crate) study_id: Option<String>,
    pub(crate) record: String,
    pub(crate) field: Option<String>,
    pub(crate) old_value: Option<String>,
    pub(crate) new_value: Option<String>,
}

/// Numbers, times and chains `pending` after the event `last` (`None` when the trail is empty).
pub(crate) fn chain_events(last: Option<(i64, String)>, at: &str, actor: &Actor, pending: &[PendingEvent]) -> Vec<AuditEvent> {
    let (mut seq, mut prev_hash) = last.unwrap_or_else(|| (0, GENESIS_HASH.to_string()));
    pending
        .iter()
        .map(|event| {
            seq += 1;
            let mut event = AuditEvent {
                seq,
                at: at.to_string(),
                actor: actor.name.clone(),
                action: event.action,
                study_id: event.study_id.clone(),
                record: event.record.clone(),
                field: event.field.clone(),
                old_value: event.old_value.clone(),
                new_value: event.new_value.clone(),
                reason: actor.reason.clone(),
                prev_hash: std::mem::take(&mut prev_hash),
                hash: String::new(),
            };
            event.hash = event.expected_hash();
            prev_hash = event.hash.clone();
            event
        })
        .collect()
}

/// The statement that begins an audited transaction. On SQLite, `BEGIN IMMEDIATE` takes the write
/// lock before the last event is read, and waits for it up to the busy timeout. A plain (deferred)
/// `BEGIN` would let two writers read the same last event and then fail with `SQLITE_BUSY` when
/// the second tries to write, which the busy timeout cannot help; SQLite would never let both
/// commit, but one of them would fail for nothing.
pub(crate) fn begin_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    }
}

/// The statement an audited transaction runs first, if any. On PostgreSQL, at READ COMMITTED,
/// two transactions could read the same last event and both append to it: the second would then
/// fail on the `seq` primary key (the chain cannot fork, but the change would be refused for
/// nothing). A transaction-scoped advisory lock, one constant key for the whole trail, makes the
/// writers take turns; it is released at commit or rollback. It is taken before anything else, so
/// every audited transaction takes its locks in the same order and they cannot deadlock; and at
/// READ COMMITTED each later statement sees what the previous holder committed.
pub(crate) fn lock_statement(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        // The key is "casebook" in ASCII, read as a 64-bit integer.
        Backend::Postgres => Some("SELECT pg_advisory_xact_lock(7161117226003312491)"),
    }
}

/// A query giving the database clock's time as UTC RFC 3339 text, the form `at` is hashed in. It
/// runs after the writers' lock is taken, so times follow the order of the chain (unless the
/// server's clock is set back). On PostgreSQL that is why it is `clock_timestamp()` and not
/// `CURRENT_TIMESTAMP`, the start of a transaction that may then have waited for the lock.
pub(crate) fn now_query(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        Backend::Postgres => "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    }
}

/// The expression that reads `at` back as the text it was hashed as. PostgreSQL stores a
/// `TIMESTAMPTZ`, whose default text form depends on the session's time zone, so it is formatted
/// explicitly.
fn at_text(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "at",
        Backend::Postgres => "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at",
    }
}

/// How many events one `INSERT` writes: at 12 parameters each, far below both backends' limits.
pub(crate) const EVENTS_PER_INSERT: usize = 500;

/// An `INSERT` of `rows` events, 12 parameters per event in column order.
///
/// On SQLite the placeholders are anonymous `?`, the one exception to the `$N` rule: sqlx asks
/// SQLite for the name of every parameter, and SQLite finds a name by walking the list of all
/// named parameters, so a statement with thousands of `$N` parameters takes quadratic time
/// (measured: 40 s instead of 4 s to import 1,508 phenopackets in a debug build).
pub(crate) fn insert_statement(backend: Backend, rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO audit_event (seq, at, actor, action, study_id, record, field, old_value, new_value, reason, prev_hash, hash) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        match backend {
            Backend::Sqlite => sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            Backend::Postgres => {
                let n = row * 12;
                let placeholders: Vec<String> = (1..=12)
                    .map(|column| match column {
                        // `at` is bound as text and stored as a TIMESTAMPTZ.
                        2 => format!("CAST(${} AS TIMESTAMPTZ)", n + column),
                        _ => format!("${}", n + column),
                    })
                    .collect();
                sql.push('(');
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
            }
        }
    }
    sql
}

/// One changed leaf of a JSON record: its path, and its value before and after, JSON-encoded
/// (`None` when absent on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldChange {
    pub(crate) path: String,
    pub(crate) old_value: Option<String>,
    pub(crate) new_value: Option<String>,
}

/// The leaves that differ between two versions of a JSON record (`None`: the record did not
/// exist). Leaves are scalars, empty arrays and empty objects; a subtree that appears or
/// disappears gives one change per leaf. Changes come in the order of the new record, then the
/// leaves that were removed, in the order of the old one.
pub(crate) fn field_changes(old: Option<&Value>, new: Option<&Value>) -> Vec<FieldChange> {
    let mut old_leaves = Vec::new();
    let mut new_leaves = Vec::new();
    if let Some(old) = old {
        leaves(old, "$".to_string(), &mut old_leaves);
    }
    if let Some(new) = new {
        leaves(new, "$".to_string(), &mut new_leaves);
    }
    let old_by_path: HashMap<&str, &Value> = old_leaves.iter().map(|(path, value)| (path.as_str(), *value)).collect();
    let new_by_path: HashMap<&str, &Value> = new_leaves.iter().map(|(path, value)| (path.as_str(), *value)).collect();
    let mut changes = Vec::new();
    for (path, new_value) in &new_leaves {
        let old_value = old_by_path.get(path.as_str()).copied();
        if old_value != Some(*new_value) {
            changes.push(FieldChange {
                path: path.clone(),
                old_value: old_value.map(Value::to_string),
                new_value: Some(new_value.to_string()),
            });
        }
    }
    for (path, old_value) in &old_leaves {
        if !new_by_path.contains_key(path.as_str()) {
            changes.push(FieldChange { path: path.clone(), old_value: Some(old_value.to_string()), new_value: None });
        }
    }
    changes
}

fn leaves<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(object) if !object.is_empty() => {
            for (key, child) in object {
                leaves(child, member_path(&path, key), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                leaves(item, format!("{path}[{index}]"), out);
            }
        }
        _ => out.push((path, value)),
    }
}

/// `$.name` for a key that is an identifier, `$["odd key"]` otherwise.
fn member_path(path: &str, key: &str) -> String {
    let identifier = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier { format!("{path}.{key}") } else { format!("{path}[{}]", Value::String(key.to_string())) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(path: &str, old: Option<&str>, new: Option<&str>) -> FieldChange {
        FieldChange { path: path.into(), old_value: old.map(str::to_string), new_value: new.map(str::to_string) }
    }

    #[test]
    fn field_changes_name_each_changed_leaf_by_its_json_path() {
        let old = json!({"pseudonym": "P-01", "courses": [{"dose": {"value": 30.0, "unit": "mg"}}, {"dose": {"value": 2.0}}], "tags": []});
        let new = json!({"pseudonym": "P-01", "courses": [{"dose": {"value": 30.0, "unit": "mg"}}, {"dose": {"value": 2.5}}], "tags": ["x"], "odd key": true});
        assert_eq!(
            field_changes(Some(&old), Some(&new)),
            vec![
                change("$.courses[1].dose.value", Some("2.0"), Some("2.5")),
                change("$.tags[0]", None, Some("\"x\"")),
                change("$[\"odd key\"]", None, Some("true")),
                change("$.tags", Some("[]"), None),
            ]
        );
    }

    #[test]
    fn a_new_record_is_one_change_per_leaf_and_an_unchanged_one_none() {
        let record = json!({"a": 1, "b": {"c": null, "d": {}}});
        assert_eq!(
            field_changes(None, Some(&record)),
            vec![change("$.a", None, Some("1")), change("$.b.c", None, Some("null")), change("$.b.d", None, Some("{}"))]
        );
        assert!(field_changes(Some(&record), Some(&record)).is_empty());
    }

    #[test]
    fn events_chain_from_the_genesis_hash_and_from_the_last_event() {
        let pending = PendingEvent {
            action: AuditAction::Export,
            study_id: Some("s".into()),
            record: "study/s".into(),
            field: None,
            old_value: None,
            new_value: Some("{\"format\":\"native\"}".into()),
        };
        let actor = Actor::new("cli:tester").with_reason("check");
        let events = chain_events(None, "2026-01-01T00:00:00.000Z", &actor, &[pending.clone(), pending.clone()]);
        assert_eq!((events[0].seq, events[0].prev_hash.as_str()), (1, GENESIS_HASH));
        assert_eq!((events[1].seq, events[1].prev_hash.as_str()), (2, events[0].hash.as_str()));
        assert_eq!(events[0].reason.as_deref(), Some("check"));
        // The documented formula, written out by hand.
        let canonical = r#"{"action":"export","actor":"cli:tester","at":"2026-01-01T00:00:00.000Z","field":null,"new_value":"{\"format\":\"native\"}","old_value":null,"reason":"check","record":"study/s","seq":1,"study_id":"s"}"#;
        assert_eq!(events[0].hash, sha256_hex(format!("{GENESIS_HASH}\n{canonical}").as_bytes()));

        let more = chain_events(Some((2, events[1].hash.clone())), "2026-01-01T00:00:01.000Z", &actor, &[pending]);
        assert_eq!((more[0].seq, more[0].prev_hash.as_str()), (3, events[1].hash.as_str()));
    }

    #[test]
    fn the_canonical_json_is_what_a_json_library_writes_with_sorted_keys() {
        let fields = EventFields {
            seq: 42,
            at: "2026-01-01T00:00:00.000Z",
            actor: "lead \"quoted\" \u{e9}\n",
            action: "update",
            study_id: None,
            record: "patient/P-01",
            field: Some("$[\"odd key\"]"),
            old_value: Some("30.0"),
            new_value: Some("\"\\u0001\""),
            reason: Some("tab\there"),
        };
        let mut written = Vec::new();
        write_canonical_json(&mut written, &fields);
        let text = |value: Option<&str>| value.map_or(Value::Null, |value| Value::String(value.to_string()));
        let expected: std::collections::BTreeMap<&str, Value> = [
            ("seq", Value::from(42)),
            ("at", text(Some(fields.at))),
            ("actor", text(Some(fields.actor))),
            ("action", text(Some(fields.action))),
            ("study_id", Value::Null),
            ("record", text(Some(fields.record))),
            ("field", text(fields.field)),
            ("old_value", text(fields.old_value)),
            ("new_value", text(fields.new_value)),
            ("reason", text(fields.reason)),
        ]
        .into_iter()
        .collect();
        assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&expected).unwrap());
    }

    #[test]
    fn problems_name_the_event() {
        let cases = [
            (AuditProblem::Changed { seq: 17, part: ChangedPart::Fields }, "event 17 was changed after it was written"),
            (AuditProblem::Missing { first: 12, last: 12 }, "event 12 is missing"),
            (AuditProblem::Missing { first: 12, last: 14 }, "events 12 to 14 are missing"),
            (AuditProblem::OutOfOrder { first: 30, second: 31 }, "events 30 and 31 are out of order"),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.to_string(), text);
        }
    }

    #[test]
    fn every_action_reads_back_as_itself() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("rename"), None);
    }
}
