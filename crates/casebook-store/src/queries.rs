//! Data queries: a coordinator asks about one field of one record, the record's center answers,
//! the coordinator closes the query (or asks again by opening another). Every step is an audit
//! event, and queries are read through a [`Scope`] like the records they are about.

use std::fmt;

use serde_json::json;

use crate::audit::{AuditAction, PendingEvent};
use crate::error::{Doing, StoreError};
use crate::records::Scope;
use crate::users::time_text;
use crate::{Actor, Db, Store, patient_record};

/// Where a data query stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryStatus {
    /// Asked, waiting for the center.
    Open,
    /// Answered by the center, waiting for the coordinator.
    Answered,
    /// Settled by the coordinator.
    Closed,
}

impl QueryStatus {
    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryStatus::Open => "open",
            QueryStatus::Answered => "answered",
            QueryStatus::Closed => "closed",
        }
    }

    fn parse(text: &str) -> Option<QueryStatus> {
        [QueryStatus::Open, QueryStatus::Answered, QueryStatus::Closed].into_iter().find(|status| status.as_str() == text)
    }
}

impl fmt::Display for QueryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One data query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataQuery {
    /// The query's number, unique in the registry.
    pub id: i64,
    /// The study.
    pub study_id: String,
    /// The record's pseudonym.
    pub pseudonym: String,
    /// The record's center.
    pub center_id: String,
    /// The field asked about, as a JSON path into the record (`$` for the record as a whole).
    pub field: String,
    /// The question.
    pub question: String,
    /// Where the query stands.
    pub status: QueryStatus,
    /// Who asked, and when (UTC RFC 3339 text to the second).
    pub opened_by: String,
    /// When it was asked.
    pub opened_at: String,
    /// The center's answer, once given.
    pub answer: Option<String>,
    /// Who answered.
    pub answered_by: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
}

impl Store {
    /// Opens a query on a field of a record visible in `scope`; returns its number.
    pub async fn open_query(
        &self,
        study_id: &str,
        pseudonym: &str,
        field: &str,
        question: &str,
        scope: &Scope,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let question = required_text("a query", "question", question)?;
        let field = field.trim();
        if !field.starts_with('$') {
            return Err(StoreError::Refused {
                what: "a query".into(),
                reason: format!("`{field}` is not a field path; paths start with `$`, e.g. $.courses[0].dose"),
            });
        }
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let visible: Option<(String,)> =
                sqlx::query_as("SELECT center_id FROM patient WHERE study_id = $1 AND pseudonym = $2 AND ($3 IS NULL OR center_id = $3)")
                    .bind(study_id)
                    .bind(pseudonym)
                    .bind(scope.center())
                    .fetch_optional(&mut *tx)
                    .await
                    .doing("reading a patient")?;
            if visible.is_none() {
                return Err(StoreError::NotFound { what: format!("patient {pseudonym} of study `{study_id}`") });
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO data_query (study_id, pseudonym, field, question, opened_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(study_id)
            .bind(pseudonym)
            .bind(field)
            .bind(question)
            .bind(&actor.name)
            .fetch_one(&mut *tx)
            .await
            .doing("opening a query")?;
            let event = query_event(AuditAction::QueryOpen, study_id, pseudonym, field, None, json!({"query": id, "question": question}));
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a query")?;
            Ok(id)
        })
    }

    /// The center answers an open query (an answered one may be answered again, replacing the
    /// answer; the trail keeps both).
    pub async fn answer_query(&self, study_id: &str, id: i64, answer: &str, scope: &Scope, actor: &Actor) -> Result<(), StoreError> {
        let answer = required_text("an answer", "answer", answer)?;
        self.settle_query(study_id, id, scope, actor, &[QueryStatus::Open, QueryStatus::Answered], QueryStatus::Answered, Some(answer))
            .await
    }

    /// The coordinator closes a query, answered or not.
    pub async fn close_query(&self, study_id: &str, id: i64, scope: &Scope, actor: &Actor) -> Result<(), StoreError> {
        self.settle_query(study_id, id, scope, actor, &[QueryStatus::Open, QueryStatus::Answered], QueryStatus::Closed, None).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn settle_query(
        &self,
        study_id: &str,
        id: i64,
        scope: &Scope,
        actor: &Actor,
        from: &[QueryStatus],
        to: QueryStatus,
        answer: Option<&str>,
    ) -> Result<(), StoreError> {
        let backend = self.backend();
        let what = format!("query {id}");
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let found: Option<(String, String, String)> = sqlx::query_as(
                "SELECT q.pseudonym, q.field, q.status FROM data_query q JOIN patient p ON p.study_id = q.study_id AND p.pseudonym = q.pseudonym
                  WHERE q.study_id = $1 AND q.id = $2 AND ($3 IS NULL OR p.center_id = $3)",
            )
            .bind(study_id)
            .bind(id)
            .bind(scope.center())
            .fetch_optional(&mut *tx)
            .await
            .doing("reading a query")?;
            let (pseudonym, field, status) = found.ok_or_else(|| StoreError::NotFound { what: what.clone() })?;
            let status = QueryStatus::parse(&status).ok_or_else(|| StoreError::Corrupt { what: what.clone(), detail: status.clone() })?;
            if !from.contains(&status) {
                return Err(StoreError::Refused { what, reason: format!("it is {status}") });
            }
            let (sql, action) = match to {
                QueryStatus::Answered => (
                    "UPDATE data_query SET status = 'answered', answer = $2, answered_by = $3, answered_at = CURRENT_TIMESTAMP WHERE id = $1",
                    AuditAction::QueryAnswer,
                ),
                _ => (
                    "UPDATE data_query SET status = 'closed', closed_by = $3, closed_at = CURRENT_TIMESTAMP WHERE id = $1 AND $2 IS NULL",
                    AuditAction::QueryClose,
                ),
            };
            sqlx::query(sql).bind(id).bind(answer).bind(&actor.name).execute(&mut *tx).await.doing("updating a query")?;
            let mut detail = json!({"query": id, "status": to.as_str()});
            if let Some(answer) = answer {
                detail["answer"] = json!(answer);
            }
            let event = query_event(action, study_id, &pseudonym, &field, Some(status), detail);
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a query")?;
            Ok(())
        })
    }

    /// The queries of a study visible in `scope`, newest first; only one record's when
    /// `pseudonym` is given.
    pub async fn queries(&self, study_id: &str, pseudonym: Option<&str>, scope: &Scope) -> Result<Vec<DataQuery>, StoreError> {
        let backend = self.backend();
        let sql = format!(
            "SELECT q.id, q.study_id, q.pseudonym, p.center_id, q.field, q.question, q.status, q.opened_by, {}, q.answer, q.answered_by, q.closed_by
               FROM data_query q JOIN patient p ON p.study_id = q.study_id AND p.pseudonym = q.pseudonym
              WHERE q.study_id = $1 AND ($2 IS NULL OR q.pseudonym = $2) AND ($3 IS NULL OR p.center_id = $3)
              ORDER BY q.id DESC",
            time_text(backend, "q.opened_at")
        );
        type Row = (i64, String, String, String, String, String, String, String, String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Row> = with_db!(&self.db, |pool| sqlx::query_as(&sql)
            .bind(study_id)
            .bind(pseudonym)
            .bind(scope.center())
            .fetch_all(pool)
            .await
            .doing("listing queries"))?;
        rows.into_iter()
            .map(|r| {
                let status =
                    QueryStatus::parse(&r.6).ok_or_else(|| StoreError::Corrupt { what: format!("query {}", r.0), detail: r.6.clone() })?;
                Ok(DataQuery {
                    id: r.0,
                    study_id: r.1,
                    pseudonym: r.2,
                    center_id: r.3,
                    field: r.4,
                    question: r.5,
                    status,
                    opened_by: r.7,
                    opened_at: r.8,
                    answer: r.9,
                    answered_by: r.10,
                    closed_by: r.11,
                })
            })
            .collect()
    }
}

fn required_text<'a>(what: &str, name: &str, text: &'a str) -> Result<&'a str, StoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::Refused { what: what.into(), reason: format!("the {name} is empty") });
    }
    Ok(text)
}

fn query_event(
    action: AuditAction,
    study_id: &str,
    pseudonym: &str,
    field: &str,
    old: Option<QueryStatus>,
    detail: serde_json::Value,
) -> PendingEvent {
    PendingEvent {
        action,
        study_id: Some(study_id.to_string()),
        record: patient_record(pseudonym),
        field: Some(field.to_string()),
        old_value: old.map(|status| json!({"status": status.as_str()}).to_string()),
        new_value: Some(detail.to_string()),
    }
}
