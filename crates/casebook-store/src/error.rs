//! The one error type of the store crate.

/// Why a registry operation failed. Driver errors are kept as the source for the log; the
/// message says what was being attempted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database URL of an unknown scheme, or a SQLite URL without a file path.
    #[error("the database URL is not usable: {reason}")]
    BadUrl {
        /// What the URL must look like instead.
        reason: String,
    },
    /// The database could not be opened or reached.
    #[error("cannot open the registry at {url}: {source}")]
    Connect {
        /// The URL with its password redacted, so the message is safe to log and show.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A SQLite registry stayed busy with another program's write, such as a large import, for
    /// longer than opening it waits.
    #[error(
        "the registry at {url} is busy: another program (an import, perhaps) has been writing to it for more than {waited_seconds} seconds; try again when it has finished"
    )]
    Busy {
        /// The URL, as in [`StoreError::Connect`].
        url: String,
        /// How long opening waited.
        waited_seconds: u64,
    },
    /// An embedded migration failed, or the database has migrations this binary does not know.
    #[error("cannot bring the registry's tables up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// No study or patient with that id is stored.
    #[error("{what} was not found in the registry")]
    NotFound {
        /// What was looked for, e.g. "study `was-anti-il1`".
        what: String,
    },
    /// Optimistic locking failed: the record changed between reading and saving, and nothing was
    /// written.
    #[error("{what} was changed by someone else since it was read (version {expected} expected, {found} found)")]
    Conflict {
        /// The record, e.g. "patient WAS-IT1-01".
        what: String,
        /// The version the caller read and meant to replace.
        expected: i64,
        /// The version now stored.
        found: i64,
    },
    /// The database refused the record because it breaks a constraint, e.g. a patient whose
    /// center is not one of the study's centers.
    #[error("{what} cannot be stored: {reason}")]
    Refused {
        /// The record, e.g. "patient WAS-IT1-01".
        what: String,
        /// The broken rule, in the clinician's terms.
        reason: String,
    },
    /// A stored record no longer parses, e.g. it was edited outside Casebook.
    #[error("the stored record of {what} cannot be read back: {detail}")]
    Corrupt {
        /// The record, e.g. "study `was-anti-il1`".
        what: String,
        /// Every problem found, as `path: message` joined by `; `.
        detail: String,
    },
    /// A password that breaks the rules: 12 to 1024 characters.
    #[error("the password is refused: {reason}")]
    BadPassword {
        /// The broken rule, e.g. "it has 8 characters; a password needs at least 12".
        reason: String,
    },
    /// Hashing or checking a password failed (not a wrong password, which is no error).
    #[error("cannot hash the password: {detail}")]
    PasswordHashing {
        /// What went wrong.
        detail: String,
    },
    /// Any other driver error.
    #[error("database error while {doing}: {source}")]
    Database {
        /// What was being attempted, e.g. "storing a patient".
        doing: &'static str,
        /// The driver's error, kept for the log.
        source: sqlx::Error,
    },
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
