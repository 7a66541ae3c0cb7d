//! What each backend does around a transaction that may write hundreds of megabytes: an import.
//!
//! A SQLite registry runs with a write-ahead log, so that readers (the web application) go on
//! while someone writes. But an import is one transaction, and in a write-ahead log a large one
//! is written twice: into the log, then, when the last connection closes, copied into the file,
//! after which the log is deleted. For 100,000 phenopackets (a 760 MB registry) the copy, its
//! `fsync` and the deletion took two of six and a half seconds, all after the commit and on one
//! core. SQLite's own advice is a rollback journal for transactions larger than a few dozen
//! megabytes (<https://sqlite.org/wal.html>, "WAL does not work well for very large
//! transactions"): pages then go straight into the file, and the journal holds only the earlier
//! content of the pages the import changes.
//!
//! Only a store opened with [`crate::Store::connect_single`] tries it: a server's store keeps
//! its connections in the log, where readers are never blocked. And SQLite leaves
//! write-ahead-log mode only when no other connection has the file open (it answers "database is
//! locked" at once); the import then runs in the log as before, since the others may be readers
//! it must not block. Either way the import is one transaction, and just as durable. After it,
//! committed or not, the connection returns to the log; should that fail, the connection is
//! closed, and every connection opened later sets the log again ([`crate::Store::connect`]).
//! A program that opens the registry during such an import waits for it, as for any writer, up
//! to the busy timeout of ten seconds (SQLite itself would refuse at once to set the log; see
//! `open_sqlite_pool`), and is then told the registry is busy ([`crate::StoreError::Busy`]).
//! A server's store never meets such an import: it always holds the file open, so an import
//! beside it stays in the log.

use std::path::PathBuf;

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

/// Prepares a connection for a large transaction, and undoes that after it.
pub(crate) trait LargeWrites {
    /// Prepares the connection; says whether [`LargeWrites::after_large_write`] has anything to
    /// undo.
    async fn before_large_write(&mut self) -> bool;
    /// Undoes what [`LargeWrites::before_large_write`] did.
    async fn after_large_write(&mut self);
    /// The file a prepared large write puts its pages into as it goes, to be written out to
    /// disk while it does ([`crate::writeback`]); `None` when there is none.
    async fn written_file(&mut self) -> Option<PathBuf>;
}

impl LargeWrites for PoolConnection<Sqlite> {
    async fn before_large_write(&mut self) -> bool {
        // SQLite answers with the mode in effect after the statement.
        let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE").fetch_one(&mut **self).await;
        mode.is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"))
    }

    async fn after_large_write(&mut self) {
        let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = WAL").fetch_one(&mut **self).await;
        if !mode.is_ok_and(|mode| mode.eq_ignore_ascii_case("wal")) {
            // Not back in the pool in another mode than its siblings.
            self.close_on_drop();
        }
    }

    async fn written_file(&mut self) -> Option<PathBuf> {
        // The main database's file; empty for a database in memory.
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").fetch_one(&mut **self).await.ok()?;
        (!file.is_empty()).then(|| PathBuf::from(file))
    }
}

/// PostgreSQL has no such choice to make: its write-ahead log is written once either way.
impl LargeWrites for PoolConnection<Postgres> {
    async fn before_large_write(&mut self) -> bool {
        false
    }

    async fn after_large_write(&mut self) {}

    async fn written_file(&mut self) -> Option<PathBuf> {
        None
    }
}
