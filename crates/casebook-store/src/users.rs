//! Users of the multi-center application: a username, an Argon2id password hash, a role and, for
//! the roles that work at one center, that center. Nothing else about a person is stored: no
//! name, no e-mail address.
//!
//! Passwords are hashed with Argon2id at the `argon2` crate's defaults (19 MiB, 2 passes, 1 lane:
//! the OWASP baseline), on a blocking thread so the async runtime keeps serving. Every change is
//! written to the audit trail, never with the password or its hash as a value.

use std::fmt;
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use casebook_domain::patient::Slug;
use serde_json::json;

use crate::audit::{Actor, AuditAction, PendingEvent};
use crate::error::{Doing, StoreError};
use crate::{Backend, Db, Store};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The most characters a password may have, so that a login form cannot be made to hash
/// megabytes.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages users, centers and studies.
    Administrator,
    /// Reads every center's pseudonymized data, runs reports and exports, raises data queries.
    Coordinator,
    /// Everything at their center, plus verifying and signing records.
    CenterLead,
    /// Creates and edits draft records at their center.
    DataEntry,
}

impl Role {
    /// Every role, in the order listed above.
    pub const ALL: [Role; 4] = [Role::Administrator, Role::Coordinator, Role::CenterLead, Role::DataEntry];

    /// The role as stored and typed, e.g. `center-lead`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Coordinator => "coordinator",
            Role::CenterLead => "center-lead",
            Role::DataEntry => "data-entry",
        }
    }

    /// The role written as `text`, if there is one.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether users of this role work at one center (center leads and data entry).
    pub fn works_at_one_center(self) -> bool {
        matches!(self, Role::CenterLead | Role::DataEntry)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A username: 2 to 64 lowercase letters, digits, `.`, `-` or `_`. Lowercase only, so that two
/// accounts cannot differ by case alone; no `@`, so that an e-mail address cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Checks `text` against the rules above.
    pub fn parse(text: &str) -> Result<Username, StoreError> {
        let ok = (2..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
        if ok {
            Ok(Username(text.to_string()))
        } else {
            Err(StoreError::Refused {
                what: format!("user `{text}`"),
                reason: "a username is 2 to 64 lowercase letters, digits, dots, hyphens or underscores".into(),
            })
        }
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the rules: 12 to 1024 characters. Its `Debug` output hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks `text` against the rules, and says which one it breaks.
    pub fn parse(text: &str) -> Result<Password, StoreError> {
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(StoreError::BadPassword {
                reason: format!("it has {chars} characters; a password needs at least {MIN_PASSWORD_CHARS}"),
            });
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(StoreError::BadPassword {
                reason: format!("it has {chars} characters; a password may have at most {MAX_PASSWORD_CHARS}"),
            });
        }
        Ok(Password(text.to_string()))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A user about to be added: the role and the center agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    username: Username,
    role: Role,
    center_id: Option<Slug>,
}

impl NewUser {
    /// A user of `role`; `center_id` is required for center leads and data entry, and refused for
    /// administrators and coordinators, who work across centers.
    pub fn new(username: Username, role: Role, center_id: Option<Slug>) -> Result<NewUser, StoreError> {
        match (role.works_at_one_center(), &center_id) {
            (true, None) => Err(StoreError::Refused {
                what: format!("user `{username}`"),
                reason: format!("a {role} works at one center, which must be given"),
            }),
            (false, Some(center)) => Err(StoreError::Refused {
                what: format!("user `{username}`"),
                reason: format!("a {role} works across centers, so the center {center} does not apply"),
            }),
            _ => Ok(NewUser { username, role, center_id }),
        }
    }

    /// The username.
    pub fn username(&self) -> &Username {
        &self.username
    }
}

impl Password {
    /// A random password of four groups of four lowercase letters and digits, e.g.
    /// `k3vq-8mzt-x2pa-r7cd` (about 79 bits), for demo accounts and first logins.
    pub fn generate() -> Result<Password, StoreError> {
        // Letters and digits without look-alikes (i, l, o, 0, 1).
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
        let mut random = [0_u8; 16];
        getrandom::fill(&mut random).map_err(|error| StoreError::PasswordHashing { detail: format!("no random numbers: {error}") })?;
        let mut text = String::with_capacity(19);
        for (index, byte) in random.iter().enumerate() {
            if index > 0 && index % 4 == 0 {
                text.push('-');
            }
            text.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
        }
        Ok(Password(text))
    }

    /// The password itself, to show once to the person it is for.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

/// A stored user, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The database id.
    pub id: i64,
    /// The username.
    pub username: String,
    /// What the user may do.
    pub role: Role,
    /// The center of a center lead or data-entry user.
    pub center_id: Option<String>,
    /// A disabled user cannot log in; the account and its history are kept.
    pub disabled: bool,
    /// Failed logins since the last successful one.
    pub failed_logins: i64,
    /// Until when logins are refused after too many failures, as UTC RFC 3339 text.
    pub locked_until: Option<String>,
    /// When the user was added, as UTC RFC 3339 text.
    pub created_at: String,
    /// A fingerprint of the current password hash: a session remembers it, so that setting a
    /// new password ends every session opened with the old one.
    pub password_fingerprint: String,
}

/// How many failed logins in a row lock an account.
pub const LOGIN_ATTEMPTS_BEFORE_LOCKOUT: i64 = 5;

/// How long a locked account stays locked, in minutes.
pub const LOCKOUT_MINUTES: i64 = 15;

/// What a login attempt came to. Every attempt is an audit event (`login` or `login-failed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The password was right and the account usable.
    LoggedIn(User),
    /// Unknown user or wrong password (the two are not told apart).
    WrongPassword,
    /// Too many failed attempts: logins are refused until the given UTC time.
    Locked {
        /// UTC RFC 3339 text to the second.
        until: String,
    },
    /// The account is disabled.
    Disabled,
}

impl Store {
    /// Adds a user with `password`, and writes a `user-add` event (without the password).
    pub async fn add_user(&self, actor: &Actor, user: &NewUser, password: &Password) -> Result<User, StoreError> {
        let hash = hash_password(password).await?;
        let username = user.username.as_str();
        let record = user_record(username);
        let event = PendingEvent {
            action: AuditAction::UserAdd,
            study_id: None,
            record: record.clone(),
            field: None,
            old_value: None,
            new_value: Some(json!({"role": user.role.as_str(), "center": user.center_id.as_ref().map(Slug::as_str)}).to_string()),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await
                .doing("looking up a user")?;
            if taken.is_some() {
                return Err(StoreError::Refused { what: format!("user `{username}`"), reason: "the username is taken".into() });
            }
            sqlx::query("INSERT INTO app_user (username, password_hash, role, center_id) VALUES ($1, $2, $3, $4)")
                .bind(username)
                .bind(&hash)
                .bind(user.role.as_str())
                .bind(user.center_id.as_ref().map(Slug::as_str))
                .execute(&mut *tx)
                .await
                .map_err(|source| match &source {
                    sqlx::Error::Database(error) if error.is_unique_violation() => {
                        StoreError::Refused { what: format!("user `{username}`"), reason: "the username is taken".into() }
                    }
                    _ => StoreError::Database { doing: "adding a user", source },
                })?;
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a new user")?;
            Ok::<_, StoreError>(())
        })?;
        self.find_user(username).await?.ok_or_else(|| StoreError::NotFound { what: record })
    }

    /// Replaces a user's password, and writes a `user-passwd` event whose new value is
    /// `"(changed)"`.
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &Password) -> Result<(), StoreError> {
        let hash = hash_password(password).await?;
        let event = PendingEvent {
            action: AuditAction::UserPasswd,
            study_id: None,
            record: user_record(username),
            field: Some("$.password".into()),
            old_value: None,
            new_value: Some(json!("(changed)").to_string()),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let updated = sqlx::query("UPDATE app_user SET password_hash = $2 WHERE username = $1")
                .bind(username)
                .bind(&hash)
                .execute(&mut *tx)
                .await
                .doing("setting a password")?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::NotFound { what: format!("user `{username}`") });
            }
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a new password")?;
            Ok(())
        })
    }

    /// Disables a user, who can then no longer log in; the account and its history are kept.
    /// Writes a `user-disable` event, unless the user was disabled already.
    pub async fn disable_user(&self, actor: &Actor, username: &str) -> Result<(), StoreError> {
        let event = PendingEvent {
            action: AuditAction::UserDisable,
            study_id: None,
            record: user_record(username),
            field: Some("$.disabled".into()),
            old_value: Some("false".into()),
            new_value: Some("true".into()),
        };
        let backend = self.backend();
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            let found: Option<(bool,)> = sqlx::query_as("SELECT disabled FROM app_user WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await
                .doing("looking up a user")?;
            match found {
                None => return Err(StoreError::NotFound { what: format!("user `{username}`") }),
                Some((true,)) => return Ok(()),
                Some((false,)) => {}
            }
            sqlx::query("UPDATE app_user SET disabled = $2 WHERE username = $1")
                .bind(username)
                .bind(true)
                .execute(&mut *tx)
                .await
                .doing("disabling a user")?;
            append_events!(tx, backend, actor, std::slice::from_ref(&event));
            tx.commit().await.doing("committing a disabled user")?;
            Ok(())
        })
    }

    /// The user with this username, if there is one.
    pub async fn find_user(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(self.find_user_and_hash(username).await?.map(|(user, _)| user))
    }

    /// The user, when `password` is theirs; `None` for an unknown user or a wrong password. A
    /// disabled or locked user is returned too: the caller decides. Nothing is recorded here;
    /// the login flow writes `login` and `login-failed` events with [`Store::log_event`].
    pub async fn verify_password(&self, username: &str, password: &str) -> Result<Option<User>, StoreError> {
        let found = self.find_user_and_hash(username).await?;
        // An unknown user costs a hash too, so that the time taken does not tell which
        // usernames exist.
        let hash = match &found {
            Some((_, hash)) => hash.clone(),
            None => unknown_user_hash().await?,
        };
        let password = password.to_string();
        let outcome = tokio::task::spawn_blocking(move || Argon2::default().verify_password(password.as_bytes(), hash.as_str()))
            .await
            .map_err(|error| StoreError::PasswordHashing { detail: error.to_string() })?;
        match (found, outcome) {
            (Some((user, _)), Ok(())) => Ok(Some(user)),
            (_, Ok(())) | (_, Err(argon2::password_hash::Error::PasswordInvalid)) => Ok(None),
            (_, Err(error)) => {
                Err(StoreError::Corrupt { what: format!("the password hash of user `{username}`"), detail: error.to_string() })
            }
        }
    }

    /// Checks a login attempt and records it: a success resets the count of failures; the
    /// [`LOGIN_ATTEMPTS_BEFORE_LOCKOUT`]th failure in a row locks the account for
    /// [`LOCKOUT_MINUTES`]. `client` (e.g. the peer address) goes into the audit event.
    pub async fn log_in(&self, username: &str, password: &str, client: &str) -> Result<LoginOutcome, StoreError> {
        let checked = self.verify_password(username, password).await?;
        let known = match &checked {
            Some(user) => Some(user.clone()),
            None => self.find_user(username).await?,
        };
        let backend = self.backend();
        let locked_until = match &known {
            Some(user) => self.current_lock(user.id).await?,
            None => None,
        };
        let outcome = match (&known, checked, locked_until) {
            (Some(user), _, _) if user.disabled => LoginOutcome::Disabled,
            (Some(_), _, Some(until)) => LoginOutcome::Locked { until },
            (_, Some(user), None) => LoginOutcome::LoggedIn(user),
            _ => LoginOutcome::WrongPassword,
        };
        let (action, detail) = match &outcome {
            LoginOutcome::LoggedIn(_) => (AuditAction::Login, json!({"client": client})),
            LoginOutcome::WrongPassword => (AuditAction::LoginFailed, json!({"client": client, "reason": "wrong username or password"})),
            LoginOutcome::Locked { until } => (AuditAction::LoginFailed, json!({"client": client, "reason": "locked", "until": until})),
            LoginOutcome::Disabled => (AuditAction::LoginFailed, json!({"client": client, "reason": "disabled"})),
        };
        let event = PendingEvent {
            action,
            study_id: None,
            record: user_record(username),
            field: None,
            old_value: None,
            new_value: Some(detail.to_string()),
        };
        let lock_expression = match backend {
            Backend::Sqlite => format!("datetime('now', '+{LOCKOUT_MINUTES} minutes')"),
            Backend::Postgres => format!("CURRENT_TIMESTAMP + INTERVAL '{LOCKOUT_MINUTES} minutes'"),
        };
        let user_id = known.as_ref().map(|user| user.id);
        let wrong_password = outcome == LoginOutcome::WrongPassword;
        let logged_in = matches!(outcome, LoginOutcome::LoggedIn(_));
        with_db!(&self.db, |pool| {
            let mut tx = begin_audited!(pool, backend);
            if let (Some(id), true) = (user_id, wrong_password) {
                let sql = format!(
                    "UPDATE app_user SET failed_logins = failed_logins + 1,
                            locked_until = CASE WHEN failed_logins + 1 >= $2 THEN {lock_expression} ELSE locked_until END
                      WHERE id = $1"
                );
                sqlx::query(&sql).bind(id).bind(LOGIN_ATTEMPTS_BEFORE_LOCKOUT).execute(&mut *tx).await.doing("counting a failed login")?;
            }
            if let (Some(id), true) = (user_id, logged_in) {
                sqlx::query("UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .doing("recording a login")?;
            }
            append_events!(tx, backend, &Actor::new(username), std::slice::from_ref(&event));
            tx.commit().await.doing("committing a login")?;
            Ok::<_, StoreError>(())
        })?;
        Ok(outcome)
    }

    /// Until when the user's logins are refused, if they are now.
    async fn current_lock(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        let sql = format!(
            "SELECT {} FROM app_user WHERE id = $1 AND locked_until > CURRENT_TIMESTAMP",
            time_text(self.backend(), "locked_until")
        );
        let row: Option<(String,)> =
            with_db!(&self.db, |pool| sqlx::query_as(&sql).bind(user_id).fetch_optional(pool).await.doing("reading a lockout"))?;
        Ok(row.map(|(until,)| until))
    }

    /// Every user, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("{} ORDER BY username", user_select(self.backend()));
        let rows: Vec<UserRow> = with_db!(&self.db, |pool| sqlx::query_as(&sql).fetch_all(pool).await.doing("listing users"))?;
        rows.into_iter().map(|row| user_from_row(row).map(|(user, _)| user)).collect()
    }

    /// The user with this database id, if there is one. Every request of a logged-in user asks
    /// this, so it is one query.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let sql = format!("{} WHERE id = $1", user_select(self.backend()));
        let row: Option<UserRow> =
            with_db!(&self.db, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await.doing("looking up a user"))?;
        Ok(row.map(user_from_row).transpose()?.map(|(user, _)| user))
    }

    async fn find_user_and_hash(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let sql = format!("{} WHERE username = $1", user_select(self.backend()));
        let row: Option<UserRow> =
            with_db!(&self.db, |pool| sqlx::query_as(&sql).bind(username).fetch_optional(pool).await.doing("looking up a user"))?;
        row.map(user_from_row).transpose()
    }
}

/// A user's row as [`user_select`] reads it: the user's columns, then the password hash.
type UserRow = (i64, String, String, Option<String>, bool, i64, Option<String>, String, String);

/// The `SELECT` of user rows, without its `WHERE` or `ORDER BY`.
fn user_select(backend: Backend) -> String {
    format!(
        "SELECT id, username, role, center_id, disabled, failed_logins, {}, {}, password_hash FROM app_user",
        time_text(backend, "locked_until"),
        time_text(backend, "created_at"),
    )
}

/// A user and their password hash from a row.
fn user_from_row(row: UserRow) -> Result<(User, String), StoreError> {
    let (id, username, role, center_id, disabled, failed_logins, locked_until, created_at, hash) = row;
    let role = Role::parse(&role)
        .ok_or_else(|| StoreError::Corrupt { what: format!("user `{username}`"), detail: format!("`{role}` is not a role") })?;
    let password_fingerprint = crate::sha256_hex(hash.as_bytes())[..16].to_string();
    Ok((User { id, username, role, center_id, disabled, failed_logins, locked_until, created_at, password_fingerprint }, hash))
}

/// The audit record of a user, e.g. `user/alice`.
fn user_record(username: &str) -> String {
    format!("user/{username}")
}

/// A time column as UTC RFC 3339 text to the second, on either backend.
pub(crate) fn time_text(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {column})"),
        Backend::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"),
    }
}

/// The Argon2id PHC string of a password, computed on a blocking thread.
async fn hash_password(password: &Password) -> Result<String, StoreError> {
    let password = password.0.clone();
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|hash| hash.to_string()))
        .await
        .map_err(|error| StoreError::PasswordHashing { detail: error.to_string() })?
        .map_err(|error| StoreError::PasswordHashing { detail: error.to_string() })
}

/// A hash of a random password, made once, that unknown users are checked against.
async fn unknown_user_hash() -> Result<String, StoreError> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let random = format!("{:?}{:?}", std::time::SystemTime::now(), std::thread::current().id());
    let hash = hash_password(&Password(crate::sha256_hex(random.as_bytes()))).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercase_words_without_at_signs() {
        for good in ["alice", "lead.it1", "data-entry_2", "ab"] {
            assert!(Username::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "a", "Alice", "alice@example.org", "a b", &"x".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_12_to_1024_characters_and_never_print() {
        let error = Password::parse("short").unwrap_err();
        assert_eq!(error.to_string(), "the password is refused: it has 5 characters; a password needs at least 12");
        assert!(Password::parse(&"x".repeat(1025)).is_err());
        // Characters, not bytes: twelve accented letters are enough.
        let password = Password::parse(&"é".repeat(12)).unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
    }

    #[test]
    fn the_center_goes_with_the_role() {
        let center = || Some(Slug::parse("center", "IT1").unwrap());
        let name = || Username::parse("someone").unwrap();
        assert!(NewUser::new(name(), Role::CenterLead, center()).is_ok());
        assert!(NewUser::new(name(), Role::Administrator, None).is_ok());
        assert!(NewUser::new(name(), Role::DataEntry, None).is_err());
        assert!(NewUser::new(name(), Role::Coordinator, center()).is_err());
        assert_eq!(Role::parse("center-lead"), Some(Role::CenterLead));
        assert_eq!(Role::parse("boss"), None);
    }
}
