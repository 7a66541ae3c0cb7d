//! Browser sessions of the web application, kept in the registry so that they survive a restart
//! and work the same on SQLite and PostgreSQL. The web layer owns what a session holds (opaque
//! JSON text here) and its id.

use crate::error::{Doing, StoreError};
use crate::{Db, Store};

impl Store {
    /// Stores a new session; `false` when the id is taken (the caller draws another).
    pub async fn create_session(&self, id: &str, data: &str, expires_at: i64) -> Result<bool, StoreError> {
        let inserted = with_db!(&self.db, |pool| sqlx::query(
            "INSERT INTO web_session (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING"
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
        .doing("creating a session"))?;
        Ok(inserted == 1)
    }

    /// Stores a session, replacing what it held.
    pub async fn save_session(&self, id: &str, data: &str, expires_at: i64) -> Result<(), StoreError> {
        with_db!(&self.db, |pool| sqlx::query(
            "INSERT INTO web_session (id, data, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at"
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ())
        .doing("saving a session"))?;
        Ok(())
    }

    /// What a session holds and when it expires, unless it is unknown or expired at `now` (Unix
    /// seconds).
    pub async fn load_session(&self, id: &str, now: i64) -> Result<Option<(String, i64)>, StoreError> {
        let row: Option<(String, i64)> =
            with_db!(&self.db, |pool| sqlx::query_as("SELECT data, expires_at FROM web_session WHERE id = $1 AND expires_at > $2")
                .bind(id)
                .bind(now)
                .fetch_optional(pool)
                .await
                .doing("reading a session"))?;
        Ok(row)
    }

    /// Forgets a session (logout, or a new id at login).
    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        with_db!(&self.db, |pool| sqlx::query("DELETE FROM web_session WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
            .doing("deleting a session"))?;
        Ok(())
    }

    /// Forgets every session expired at `now` (Unix seconds); returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let deleted = with_db!(&self.db, |pool| sqlx::query("DELETE FROM web_session WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
            .doing("deleting expired sessions"))?;
        Ok(deleted)
    }
}
