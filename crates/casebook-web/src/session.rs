//! Browser sessions kept in the registry (SQLite or PostgreSQL, through the store), so that they
//! survive a restart and a shared server needs nothing else. The cookie holds only the session
//! id; the user is looked up again on every request.

use std::fmt;

use async_trait::async_trait;
use casebook_store::Store;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The registry as a session store.
#[derive(Clone)]
pub struct RegistrySessions {
    store: Store,
}

impl RegistrySessions {
    /// Sessions kept in `store`.
    pub fn new(store: Store) -> RegistrySessions {
        RegistrySessions { store }
    }

    /// Forgets expired sessions every `period`, for as long as the server runs.
    pub async fn delete_expired_every(self, period: std::time::Duration) {
        let mut interval = tokio::time::interval(period);
        loop {
            interval.tick().await;
            // A failure here is harmless: expired sessions are never loaded, only kept longer.
            let _ = self.store.delete_expired_sessions(OffsetDateTime::now_utc().unix_timestamp()).await;
        }
    }
}

impl fmt::Debug for RegistrySessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistrySessions")
    }
}

fn backend(error: impl fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|error| session_store::Error::Encode(error.to_string()))
}

#[async_trait]
impl SessionStore for RegistrySessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // Ids are 128 random bits; a collision is drawn again rather than overwriting a session.
        while !self.store.create_session(&record.id.to_string(), &data, record.expiry_date.unix_timestamp()).await.map_err(backend)? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store.save_session(&record.id.to_string(), &encode(record)?, record.expiry_date.unix_timestamp()).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some((data, expires_at)) = self.store.load_session(&id.to_string(), now).await.map_err(backend)? else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|error| session_store::Error::Decode(error.to_string()))?;
        let expiry_date =
            OffsetDateTime::from_unix_timestamp(expires_at).map_err(|error| session_store::Error::Decode(error.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store.delete_session(&id.to_string()).await.map_err(backend)
    }
}
