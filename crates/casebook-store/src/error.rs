//! The one error type of the store crate.

/// Why a registry operation failed. Driver errors are kept as the source for the log; the
/// message says what was being attempted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database URL is not usable: {reason}")]
    BadUrl { reason: String },
    #[error("cannot open the registry at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot bring the registry's tables up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{what} was not found in the registry")]
    NotFound { what: String },
    #[error("{what} was changed by someone else since it was read (version {expected} expected, {found} found)")]
    Conflict { what: String, expected: i64, found: i64 },
    #[error("{what} cannot be stored: {reason}")]
    Refused { what: String, reason: String },
    #[error("the stored record of {what} cannot be read back: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("database error while {doing}: {source}")]
    Database { doing: &'static str, source: sqlx::Error },
}

/// Adds what was being attempted to a driver error.
pub(crate) trait Doing<T> {
    fn doing(self, doing: &'static str) -> Result<T, StoreError>;
}

impl<T> Doing<T> for Result<T, sqlx::Error> {
    fn doing(self, doing: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Database { doing, source })
    }
}
