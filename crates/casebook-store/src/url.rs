//! Where the registry lives: a SQLite file or a PostgreSQL server.

use std::fmt;

use crate::error::StoreError;

/// The default registry: a SQLite file in the current folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://casebook.db";

/// A database URL whose password never appears in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file, the default.
    Sqlite,
    /// A PostgreSQL server, shared by the centers of a multi-center study.
    Postgres,
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` and `postgres://` or
    /// `postgresql://` URLs.
    pub fn parse(text: &str) -> Result<DatabaseUrl, StoreError> {
        let backend = if text.starts_with("sqlite:") {
            Backend::Sqlite
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl { reason: "it must start with sqlite:// (a file) or postgres:// (a server)".into() });
        };
        if backend == Backend::Sqlite && text.trim_start_matches("sqlite:").trim_start_matches("//").is_empty() {
            return Err(StoreError::BadUrl { reason: "a sqlite:// URL needs a file path, e.g. sqlite://casebook.db".into() });
        }
        Ok(DatabaseUrl { url: text.to_string(), backend })
    }

    /// A SQLite file at `path`.
    pub fn sqlite_file(path: &std::path::Path) -> DatabaseUrl {
        DatabaseUrl { url: format!("sqlite://{}", path.display()), backend: Backend::Sqlite }
    }

    /// The engine the URL points at, decided by its scheme.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full URL, password included: only for handing to the driver.
    pub(crate) fn expose(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else { return self.url.clone() };
        match rest.split_once('@') {
            Some((credentials, host)) => match credentials.split_once(':') {
                Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
                None => self.url.clone(),
            },
            None => self.url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://casebook:s3cret@db.example:5432/registry").unwrap();
        assert_eq!(url.to_string(), "postgres://casebook:***@db.example:5432/registry");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.backend(), Backend::Postgres);
    }

    #[test]
    fn only_sqlite_and_postgres_urls_are_accepted() {
        assert_eq!(DatabaseUrl::parse("sqlite://casebook.db").unwrap().backend(), Backend::Sqlite);
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse("casebook.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
