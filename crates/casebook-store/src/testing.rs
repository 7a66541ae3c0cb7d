//! Fresh, migrated registries for tests, on SQLite and on PostgreSQL.
//!
//! Every store test runs once per backend. The SQLite half uses a new file in a temporary
//! folder. The PostgreSQL half runs when `CASEBOOK_TEST_DATABASE_URL` names a server (for
//! example `postgres://postgres@127.0.0.1:5432/postgres`): each test gets its own new database
//! there, dropped when the test ends. CI always sets the variable, and a set but unreachable
//! server fails the test instead of skipping it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use casebook_domain::study::Study;
use casebook_formats::native::folder::parse_study_toml;

use crate::url::DatabaseUrl;
use crate::{Backend, Store};

/// A small constructed study with two centers, `A` (Italy) and `B` (UK), shared by the store's
/// and the web application's tests.
pub fn small_study() -> Study {
    parse_study_toml(
        r#"
id = "small"
title = "A small test study"
data_label = "constructed test data"

[[centers]]
id = "A"
name = "Center A"
country = "IT"

[[centers]]
id = "B"
name = "Center B"
country = "GB"
"#,
    )
    .expect("the fixture study is valid")
}

/// The environment variable that switches on the PostgreSQL half of the tests.
pub const TEST_DATABASE_URL_VARIABLE: &str = "CASEBOOK_TEST_DATABASE_URL";

/// A throwaway registry. Call [`TestDb::finish`] at the end of a test to remove it.
pub struct TestDb {
    /// The URL of the throwaway registry, for code under test that opens its own connection.
    pub url: DatabaseUrl,
    /// An open, migrated store on that registry.
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(tempfile::TempDir),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDb {
    /// A new SQLite registry file in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let folder = tempfile::tempdir().expect("a temporary folder can be created");
        let url = DatabaseUrl::sqlite_file(&folder.path().join("registry.db"));
        let store = Store::connect(&url).await.expect("a new SQLite registry opens");
        TestDb { url, store, cleanup: Cleanup::Folder(folder) }
    }

    /// A new PostgreSQL database on the server named by `CASEBOOK_TEST_DATABASE_URL`, or `None`
    /// when the variable is not set. Panics when the server cannot be reached.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var(TEST_DATABASE_URL_VARIABLE).ok()?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("casebook_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos);
        run_admin(&admin_url, &format!("CREATE DATABASE {name}")).await;
        let url = DatabaseUrl::parse(&replace_database(&admin_url, &name)).expect("the test database URL is a PostgreSQL URL");
        let store = Store::connect(&url).await.unwrap_or_else(|error| panic!("cannot open the test database {name}: {error}"));
        Some(TestDb { url, store, cleanup: Cleanup::PostgresDatabase { admin_url, name } })
    }

    /// A test database of the given backend; `None` only for PostgreSQL when it is not configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite().await),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// The SQLite file, for tests that inspect it byte by byte.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.cleanup {
            Cleanup::Folder(folder) => Some(folder.path().join("registry.db")),
            Cleanup::PostgresDatabase { .. } => None,
        }
    }

    /// The temporary folder of a SQLite registry.
    pub fn folder(&self) -> Option<&Path> {
        match &self.cleanup {
            Cleanup::Folder(folder) => Some(folder.path()),
            Cleanup::PostgresDatabase { .. } => None,
        }
    }

    /// Runs `statements` in order on a connection of their own, past the store, and stops at the
    /// first error: for tests that play someone with direct access to the database.
    pub async fn execute_directly(&self, statements: &[&str]) -> Result<(), sqlx::Error> {
        use sqlx::Connection;
        match self.url.backend() {
            Backend::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(self.url.expose()).await?;
                for statement in statements {
                    sqlx::query(statement).execute(&mut connection).await?;
                }
                connection.close().await
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(self.url.expose()).await?;
                for statement in statements {
                    sqlx::query(statement).execute(&mut connection).await?;
                }
                connection.close().await
            }
        }
    }

    /// The first column of every row `query` returns, as text, read past the store.
    pub async fn fetch_directly(&self, query: &str) -> Result<Vec<String>, sqlx::Error> {
        use sqlx::Connection;
        match self.url.backend() {
            Backend::Sqlite => {
                let mut connection = sqlx::SqliteConnection::connect(self.url.expose()).await?;
                let rows: Vec<(String,)> = sqlx::query_as(query).fetch_all(&mut connection).await?;
                connection.close().await?;
                Ok(rows.into_iter().map(|(text,)| text).collect())
            }
            Backend::Postgres => {
                let mut connection = sqlx::PgConnection::connect(self.url.expose()).await?;
                let rows: Vec<(String,)> = sqlx::query_as(query).fetch_all(&mut connection).await?;
                connection.close().await?;
                Ok(rows.into_iter().map(|(text,)| text).collect())
            }
        }
    }

    /// Closes the store and removes the database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Folder(folder) => drop(folder),
            Cleanup::PostgresDatabase { admin_url, name } => {
                run_admin(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
            }
        }
    }
}

/// Says once per test why the PostgreSQL half did not run, so a local run is not mistaken for a
/// full one.
pub fn postgres_not_configured(test: &str) {
    eprintln!("{test}: PostgreSQL half not run: set {TEST_DATABASE_URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/postgres to run it");
}

async fn run_admin(admin_url: &str, statement: &str) {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|error| panic!("{TEST_DATABASE_URL_VARIABLE} is set but PostgreSQL cannot be reached there: {error}"));
    sqlx::query(statement).execute(&mut connection).await.unwrap_or_else(|error| panic!("`{statement}` failed: {error}"));
    let _ = connection.close().await;
}

/// Replaces the database name (the last path segment) of a PostgreSQL URL.
fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_and_path = &base[scheme_end..];
    let host = host_and_path.split('/').next().unwrap_or(host_and_path);
    let mut result = format!("{}{}/{}", &base[..scheme_end], host, database);
    if let Some(query) = query {
        result.push('?');
        result.push_str(query);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"), "postgres://postgres@127.0.0.1:5432/t1");
        assert_eq!(replace_database("postgres://u:p@h/db?sslmode=disable", "t2"), "postgres://u:p@h/t2?sslmode=disable");
        assert_eq!(replace_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
