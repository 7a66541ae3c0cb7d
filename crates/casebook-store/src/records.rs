//! Patient records as the web application sees them: read through a [`Scope`] (a center's users
//! see only their center's patients), created one at a time, and moved through the record
//! workflow `draft → complete → verified (signed) → locked`, where an unlock with a reason
//! returns a record to draft.
//!
//! **Access Invariant:** every read here takes a [`Scope`] and filters in SQL, so a patient of
//! another center is "not found", exactly like a pseudonym that does not exist. Which *role* may
//! do what is the web layer's policy; which *records* a user may see is decided here, where the
//! data is read.

use std::fmt;

use casebook_domain::patient::Patient;
use casebook_domain::study::Study;
use serde_json::json;

use crate::audit::{AuditAction, PendingEvent};
use crate::error::{Doing, StoreError};
use crate::users::time_text;
use crate::{Actor, Db, EncodedRecord, Store, StoredZhuScore, creation_event, decode_patient, patient_record, refused_or_database};

/// Whose patients a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every center's patients (coordinators, command-line use on one's own registry).
    AllCenters,
    /// One center's patients (center leads and data entry).
    Center(String),
}

impl Scope {
    /// Whether a patient of `center` is visible in this scope.
    pub fn covers(&self, center: &str) -> bool {
        match self {
            Scope::AllCenters => true,
            Scope::Center(own) => own == center,
        }
    }

    /// The center to filter on in SQL, `None` for every center.
    pub(crate) fn center(&self) -> Option<&str> {
        match self {
            Scope::AllCenters => None,
            Scope::Center(center) => Some(center),
        }
    }
}

/// Where a record is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordStatus {
    /// Being entered; anyone at the center may change it.
    Draft,
    /// Entered and ready for the center lead's review; still editable.
    Complete,
    /// Signed by a center lead; not editable until unlocked.
    Verified,
    /// Frozen for analysis; not editable until unlocked.
    Locked,
}

impl RecordStatus {
    /// Every status, in workflow order.
    pub const ALL: [RecordStatus; 4] = [RecordStatus::Draft, RecordStatus::Complete, RecordStatus::Verified, RecordStatus::Locked];

    /// The status as stored, e.g. `verified`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::Complete => "complete",
            RecordStatus::Verified => "verified",
            RecordStatus::Locked => "locked",
        }
    }

    /// The status stored as `text`.
    pub fn parse(text: &str) -> Option<RecordStatus> {
        RecordStatus::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether the record's data may be changed in this status.
    pub fn is_editable(self) -> bool {
        matches!(self, RecordStatus::Draft | RecordStatus::Complete)
    }
}

impl fmt::Display for RecordStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step of the record workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// draft → complete: entry is finished.
    MarkComplete,
    /// complete → draft: more entry is needed.
    Reopen,
    /// complete → verified: a center lead signs, stating what the signature means. The caller
    /// checks the signer's password first.
    Sign {
        /// What the signer attests, e.g. "I have reviewed this record against the source documents".
        meaning: String,
    },
    /// verified → locked: frozen for analysis.
    Lock,
    /// verified or locked → draft, with the reason given by the actor (required).
    Unlock,
}

impl Transition {
    /// The statuses the step starts from, and the one it leads to.
    pub fn path(&self) -> (&'static [RecordStatus], RecordStatus) {
        use RecordStatus::*;
        match self {
            Transition::MarkComplete => (&[Draft], Complete),
            Transition::Reopen => (&[Complete], Draft),
            Transition::Sign { .. } => (&[Complete], Verified),
            Transition::Lock => (&[Verified], Locked),
            Transition::Unlock => (&[Verified, Locked], Draft),
        }
    }

    /// The step in a few words, for messages: "mark complete", "sign", ...
    pub fn describe(&self) -> &'static str {
        match self {
            Transition::MarkComplete => "mark complete",
            Transition::Reopen => "reopen",
            Transition::Sign { .. } => "sign",
            Transition::Lock => "lock",
            Transition::Unlock => "unlock",
        }
    }

    fn action(&self) -> AuditAction {
        match self {
            Transition::MarkComplete | Transition::Reopen => AuditAction::Status,
            Transition::Sign { .. } => AuditAction::Sign,
            Transition::Lock => AuditAction::Lock,
            Transition::Unlock => AuditAction::Unlock,
        }
    }
}

/// A center lead's signature on a verified record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The signer's username.
    pub signed_by: String,
    /// When, as UTC RFC 3339 text to the second.
    pub signed_at: String,
    /// What the signer attested.
    pub meaning: String,
}

/// One stored record with its workflow state.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPatient {
    /// The record.
    pub patient: Patient,
    /// Its version, for optimistic locking.
    pub version: i64,
    /// Where it is in the workflow.
    pub status: RecordStatus,
    /// The signature, while the record is verified or locked.
    pub signature: Option<Signature>,
}

/// One line of a patient list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientListing {
    /// The pseudonym.
    pub pseudonym: String,
    /// The patient's center.
    pub center_id: String,
    /// The record's version.
    pub version: i64,
    /// Where the record is in its workflow.
    pub status: RecordStatus,
    /// When the record last changed, as UTC RFC 3339 text to the second.
    pub updated_at: String,
    /// Data queries on the record that are open or answered but not closed.
    pub unresolved_queries: i64,
}

impl Store {
    /// The patients of a study visible in `scope`, by pseudonym, with their workflow state.
    pub async fn patient_listings(&self, study_id: &str, scope: &Scope) -> Result<Vec<PatientListing>, StoreError> {
        let sql = format!(
            "SELECT p.pseudonym, p.center_id, p.version, p.status, {},
                    (SELECT COUNT(*) FROM data_query q WHERE q.study_id = p.study_id AND q.pseudonym = p.pseudonym AND q.status <> 'closed')
               FROM patient p WHERE p.study_id = $1 AND ($2 IS NULL OR p.center_id = $2) ORDER BY p.pseudonym",
            time_text(self.backend(), "p.updated_at")
        );
        let rows: Vec<(String, String, i64, String, String, i64)> = with_db!(&self.db, |pool| sqlx::query_as(&sql)
            .bind(study_id)
            .bind(scope.center())
            .fetch_all(pool)
            .await
            .doing("listing patients"))?;
        rows.into_iter()
            .map(|(pseudonym, center_id, version, status, updated_at, unresolved_queries)| {
                Ok(PatientListing {
                    status: parse_status(&pseudonym, &status)?,
                    pseudonym,
                    center_id,
                    version,
                    updated_at,
                    unresolved_queries,
                })
            })
            .collect()
    }

    /// Every patient of a study visible in `scope`, by pseudonym: what reports and exports read.
    pub async fn patients_in(&self, study_id: &str, scope: &Scope) -> Result<Vec<Patient>, StoreError> {
        let rows: Vec<(String, String)> = with_db!(&self.db, |pool| sqlx::query_as(
            "SELECT pseudonym, record_json FROM patient WHERE study_id = $1 AND ($2 IS NULL OR center_id = $2) ORDER BY pseudonym"
        )
        .bind(study_id)
        .bind(scope.center())
        .fetch_all(pool)
        .await
        .doing("reading patients"))?;
        rows.iter().map(|(pseudonym, json)| decode_patient(pseudonym, json)).collect()
    }

    /// One patient with its workflow state; [`StoreError::NotFound`] when there is none, or when
    /// it belongs to a center outside `scope` (the two cannot be told apart).
    pub async fn patient_in(&self, study_id: &str, pseudonym: &str, scope: &Scope) -> Result<StoredPatient, StoreError> {
        let backend = self.backend();
        let sql = format!(
            "SELECT record_json, version, status, signed_by, {}, signature_meaning
               FROM patient WHERE study_id = $1 AND pseudonym = $2 AND ($3 IS NULL OR center_id = $3)",
            time_text(backend, "signed_at")
        );
        type Row = (String, i64, String, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = with_db!(&self.db, |pool| sqlx::query_as(&sql)
            .bind(study_id)
            .bind(pseudonym)
            .bind(scope.center())
            .fetch_optional(pool)
            .await
            .doing("reading a patient"))?;
        let (json, version, status, signed_by, signed_at, meaning) = row.ok_or_else(|| not_found(study_id, pseudonym))?;
        let signature = match (signed_by, signed_at, meaning) {
            (Some(signed_by), Some(signed_at), Some(meaning)) => Some(Signature { signed_by, signed_at, meaning }),
            _ => None,
        };
        Ok(StoredPatient { patient: decode_patient(pseudonym, &json)?, version, status: parse_status(pseudonym, &status)?, signature })
    }

    /// Stores a new patient as a draft at version 1, with its `create` event.
    /// A pseudonym already taken in the study is refused, whichever center has it.
    pub async fn create_patient(&self, study: &Study, patient: &Patient, actor: &Actor) -> Result<(), StoreError> {
        let study_id = study.id.as_str();
        let pseudonym = patient.pseudonym.as_str();
        let record = EncodedRecord::new(patient.clone());
        let zhu_scores = StoredZhuScore::compute(study, patient);
        let what = format!("patient {pseudonym}");
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let taken: Option<(i64,)> = sqlx::query_as("SELECT version FROM patient WHERE study_id = $1 AND pseudonym = $2")
                .bind(study_id)
                .bind(pseudonym)
                .fetch_optional(&mut *tx)
                .await
                .doing("checking a pseudonym")?;
            if taken.is_some() {
                return Err(StoreError::Refused { what, reason: "the pseudonym is already used in this study".into() });
            }
            sqlx::query(
                "INSERT INTO patient (study_id, pseudonym, center_id, version, record_json, record_sha256) VALUES ($1, $2, $3, 1, $4, $5)",
            )
            .bind(study_id)
            .bind(pseudonym)
            .bind(patient.center.as_str())
            .bind(record.json())
            .bind(record.sha256())
            .execute(&mut *tx)
            .await
            .map_err(|source| refused_or_database(&what, source, "storing a patient"))?;
            write_zhu_scores!(tx, study_id, pseudonym, &zhu_scores);
            append_events!(tx, backend, actor, &[creation_event(study_id, pseudonym, record.sha256())]);
            tx.commit().await.doing("committing a new patient")?;
            Ok(())
        })
    }

    /// Deletes a record that is not signed (draft or complete) and still at `expected_version`,
    /// with its Zhu scores and data queries. Needs a reason from `actor`; the `delete` event keeps
    /// the whole record as its old value, so the trail still shows what was removed.
    pub async fn delete_patient(
        &self,
        study_id: &str,
        pseudonym: &str,
        expected_version: i64,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let what = format!("patient {pseudonym}");
        if actor.reason.as_deref().is_none_or(|reason| reason.trim().is_empty()) {
            return Err(StoreError::Refused { what, reason: "a deletion needs a reason".into() });
        }
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let found: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT version, status, record_json FROM patient WHERE study_id = $1 AND pseudonym = $2 AND ($3 IS NULL OR center_id = $3)",
            )
            .bind(study_id)
            .bind(pseudonym)
            .bind(scope.center())
            .fetch_optional(&mut *tx)
            .await
            .doing("reading a patient")?;
            let (version, status, record_json) = found.ok_or_else(|| not_found(study_id, pseudonym))?;
            if version != expected_version {
                return Err(StoreError::Conflict { what, expected: expected_version, found: version });
            }
            if !parse_status(pseudonym, &status)?.is_editable() {
                return Err(StoreError::Refused { what, reason: format!("it is {status}: unlock it, giving a reason, to delete it") });
            }
            for table in ["zhu_score", "data_query", "patient"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE study_id = $1 AND pseudonym = $2"))
                    .bind(study_id)
                    .bind(pseudonym)
                    .execute(&mut *tx)
                    .await
                    .doing("deleting a patient")?;
            }
            let event = PendingEvent {
                action: AuditAction::Delete,
                study_id: Some(study_id.to_string()),
                record: patient_record(pseudonym),
                field: None,
                old_value: Some(record_json),
                new_value: None,
            };
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a deletion")?;
            Ok(())
        })
    }

    /// Takes one workflow step on a record that is still at `expected_version` and visible in
    /// `scope`, raising its version (so that a form opened before the step can no longer save
    /// over it). Writes one event: `status`, `sign`, `lock` or `unlock`, with the old and new
    /// status. An unlock needs a reason from `actor`. Returns the new version.
    pub async fn transition(
        &self,
        study_id: &str,
        pseudonym: &str,
        expected_version: i64,
        step: &Transition,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let what = format!("patient {pseudonym}");
        if *step == Transition::Unlock && actor.reason.as_deref().is_none_or(|reason| reason.trim().is_empty()) {
            return Err(StoreError::Refused { what, reason: "an unlock needs a reason".into() });
        }
        let (from, to) = step.path();
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let found: Option<(i64, String)> = sqlx::query_as(
                "SELECT version, status FROM patient WHERE study_id = $1 AND pseudonym = $2 AND ($3 IS NULL OR center_id = $3)",
            )
            .bind(study_id)
            .bind(pseudonym)
            .bind(scope.center())
            .fetch_optional(&mut *tx)
            .await
            .doing("reading a patient's status")?;
            let (version, status) = found.ok_or_else(|| not_found(study_id, pseudonym))?;
            if version != expected_version {
                return Err(StoreError::Conflict { what, expected: expected_version, found: version });
            }
            let status = parse_status(pseudonym, &status)?;
            if !from.contains(&status) {
                return Err(StoreError::Refused { what, reason: format!("a {status} record cannot be asked to {}", step.describe()) });
            }
            let signing = match step {
                Transition::Sign { meaning } => Some((actor.name.as_str(), meaning.as_str())),
                _ => None,
            };
            let signed_at = if signing.is_some() { "CURRENT_TIMESTAMP" } else { "NULL" };
            // Signature columns follow the step: set by a signature, kept by a lock, cleared
            // by an unlock or any other step.
            let sql = if *step == Transition::Lock {
                "UPDATE patient SET status = $3, version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE study_id = $1 AND pseudonym = $2"
                    .to_string()
            } else {
                format!(
                    "UPDATE patient SET status = $3, version = version + 1, updated_at = CURRENT_TIMESTAMP,
                            signed_by = $4, signed_at = {signed_at}, signature_meaning = $5
                      WHERE study_id = $1 AND pseudonym = $2"
                )
            };
            let mut update = sqlx::query(&sql).bind(study_id).bind(pseudonym).bind(to.as_str());
            if *step != Transition::Lock {
                update = update.bind(signing.map(|(signer, _)| signer)).bind(signing.map(|(_, meaning)| meaning));
            }
            update.execute(&mut *tx).await.doing("changing a patient's status")?;
            let mut new_value = json!({"status": to.as_str(), "version": version + 1});
            if let Some((_, meaning)) = signing {
                new_value["meaning"] = json!(meaning);
            }
            let event = PendingEvent {
                action: step.action(),
                study_id: Some(study_id.to_string()),
                record: patient_record(pseudonym),
                field: Some("status".into()),
                old_value: Some(json!({"status": status.as_str(), "version": version}).to_string()),
                new_value: Some(new_value.to_string()),
            };
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a status change")?;
            Ok(version + 1)
        })
    }
}

fn not_found(study_id: &str, pseudonym: &str) -> StoreError {
    StoreError::NotFound { what: format!("patient {pseudonym} of study `{study_id}`") }
}

fn parse_status(pseudonym: &str, status: &str) -> Result<RecordStatus, StoreError> {
    RecordStatus::parse(status)
        .ok_or_else(|| StoreError::Corrupt { what: format!("patient {pseudonym}"), detail: format!("`{status}` is not a record status") })
}
