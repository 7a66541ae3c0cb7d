//! Per-user API tokens for scripts and other programs. A token is drawn from the operating
//! system's random source, shown to its owner once, and kept only as its SHA-256: a stolen
//! database does not give working tokens.

use serde_json::json;

use crate::audit::{AuditAction, PendingEvent};
use crate::error::{Doing, StoreError};
use crate::users::{User, time_text};
use crate::{Actor, Db, Store, sha256_hex};

/// What starts every token, so that a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "cbk_";

/// A token as listed to its owner: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's number.
    pub id: i64,
    /// What the owner called it, e.g. "nightly export".
    pub label: String,
    /// When it was issued, as UTC RFC 3339 text to the second.
    pub created_at: String,
    /// A revoked token no longer works.
    pub revoked: bool,
}

impl Store {
    /// Issues a token to `user`; returns the token, which is not stored and cannot be shown again.
    pub async fn add_api_token(&self, user: &User, label: &str, actor: &Actor) -> Result<String, StoreError> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(StoreError::Refused { what: "an API token".into(), reason: "its label must have 1 to 100 characters".into() });
        }
        let mut random = [0_u8; 32];
        getrandom::fill(&mut random)
            .map_err(|error| StoreError::Refused { what: "an API token".into(), reason: format!("no random numbers: {error}") })?;
        let token = format!("{TOKEN_PREFIX}{}", random.iter().map(|byte| format!("{byte:02x}")).collect::<String>());
        let event = PendingEvent {
            action: AuditAction::TokenAdd,
            study_id: None,
            record: format!("user/{}", user.username),
            field: None,
            old_value: None,
            new_value: Some(json!({"label": label}).to_string()),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            sqlx::query("INSERT INTO api_token (user_id, label, token_sha256) VALUES ($1, $2, $3)")
                .bind(user.id)
                .bind(label)
                .bind(sha256_hex(token.as_bytes()))
                .execute(&mut *tx)
                .await
                .doing("storing an API token")?;
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing an API token")?;
            Ok::<_, StoreError>(())
        })?;
        Ok(token)
    }

    /// The user a token belongs to, unless it is unknown, revoked or its user disabled.
    pub async fn user_for_token(&self, token: &str) -> Result<Option<User>, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let row: Option<(i64,)> =
            with_db!(&self.db, |pool| sqlx::query_as("SELECT t.user_id FROM api_token t WHERE t.token_sha256 = $1 AND t.revoked = FALSE")
                .bind(sha256_hex(token.as_bytes()))
                .fetch_optional(pool)
                .await
                .doing("checking an API token"))?;
        match row {
            Some((user_id,)) => Ok(self.user_by_id(user_id).await?.filter(|user| !user.disabled)),
            None => Ok(None),
        }
    }

    /// The tokens issued to a user, newest first.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = format!(
            "SELECT id, label, {}, revoked FROM api_token WHERE user_id = $1 ORDER BY id DESC",
            time_text(self.backend(), "created_at")
        );
        let rows: Vec<(i64, String, String, bool)> =
            with_db!(&self.db, |pool| sqlx::query_as(&sql).bind(user.id).fetch_all(pool).await.doing("listing API tokens"))?;
        Ok(rows.into_iter().map(|(id, label, created_at, revoked)| TokenInfo { id, label, created_at, revoked }).collect())
    }

    /// Revokes one of `user`'s tokens.
    pub async fn revoke_api_token(&self, user: &User, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let event = PendingEvent {
            action: AuditAction::TokenRevoke,
            study_id: None,
            record: format!("user/{}", user.username),
            field: None,
            old_value: None,
            new_value: Some(json!({"token": id}).to_string()),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let revoked = sqlx::query("UPDATE api_token SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND revoked = FALSE")
                .bind(id)
                .bind(user.id)
                .execute(&mut *tx)
                .await
                .doing("revoking an API token")?;
            if revoked.rows_affected() == 0 {
                return Err(StoreError::NotFound { what: format!("API token {id}") });
            }
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a revoked token")?;
            Ok(())
        })
    }
}
