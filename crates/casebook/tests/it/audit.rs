//! `casebook audit` and `casebook user`: the audit trail found broken after a row was changed
//! directly in the database file, the trail as a table, and users managed from scripts.

use std::path::Path;
use std::process::{Command, Output};

use sha2::{Digest, Sha256};
use sqlx::Connection;

use crate::{reference_study, stderr, stdout};

/// Runs `casebook` as the operating-system user `tester`, with `password` in CASEBOOK_PASSWORD
/// when given and no password or database from the environment otherwise.
fn casebook_as_tester(args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_casebook"));
    command.args(args).env_remove("CASEBOOK_DATABASE").env_remove("CASEBOOK_PASSWORD").env("USER", "tester");
    if let Some(password) = password {
        command.env("CASEBOOK_PASSWORD", password);
    }
    command.output().expect("the casebook binary runs")
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("registry.db").display())
}

/// A registry holding the reference study, and so a trail of eight events: the study's import
/// and the creation of each of its seven patients.
fn imported_registry(dir: &Path) -> String {
    let url = database_url(dir);
    let output = casebook_as_tester(&["import", reference_study().to_str().unwrap(), "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));
    url
}

/// Runs SQL on the registry file directly, as someone with access to the file would, past
/// Casebook.
async fn edit_the_file(dir: &Path, statements: &[&str]) {
    let mut connection = sqlx::SqliteConnection::connect(&database_url(dir)).await.expect("the registry file opens");
    for statement in statements {
        sqlx::query(statement).execute(&mut connection).await.unwrap_or_else(|error| panic!("`{statement}`: {error}"));
    }
    connection.close().await.unwrap();
}

/// What an attacker does first: the triggers that make the table append-only are in the file too.
const DROP_THE_GUARD: [&str; 2] = ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"];

#[tokio::test]
async fn audit_verify_names_an_event_changed_directly_in_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = imported_registry(dir.path());
    let output = casebook_as_tester(&["audit", "verify", "--database", &url], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let intact = stdout(&output);
    assert!(intact.contains(" events, chain intact; last hash "), "{intact}");

    // Without dropping the triggers, the database itself refuses.
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let refused = sqlx::query("UPDATE audit_event SET new_value = '\"2.5\"' WHERE seq = 5").execute(&mut connection).await.unwrap_err();
    assert!(refused.to_string().contains("audit_event is append-only"), "{refused}");
    connection.close().await.unwrap();

    let mut statements = DROP_THE_GUARD.to_vec();
    statements.push("UPDATE audit_event SET new_value = '\"2.5\"' WHERE seq = 5");
    edit_the_file(dir.path(), &statements).await;
    let output = casebook_as_tester(&["audit", "verify", "--database", &url], None);
    assert_eq!(output.status.code(), Some(1), "{}{}", stdout(&output), stderr(&output));
    assert_eq!(stdout(&output), "Audit trail broken: event 5 was changed after it was written; the 4 events before it are intact\n");
}

#[tokio::test]
async fn audit_verify_names_removed_and_reordered_events() {
    let cases: &[(&str, &[&str], &str)] = &[
        ("a deleted row", &["DELETE FROM audit_event WHERE seq = 4"], "event 4 is missing"),
        (
            "two rows that changed places",
            &[
                "UPDATE audit_event SET seq = 1000000 WHERE seq = 5",
                "UPDATE audit_event SET seq = 5 WHERE seq = 6",
                "UPDATE audit_event SET seq = 6 WHERE seq = 1000000",
            ],
            "events 5 and 6 are out of order",
        ),
    ];
    for (case, tampering, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let url = imported_registry(dir.path());
        let statements: Vec<&str> = DROP_THE_GUARD.iter().chain(tampering.iter()).copied().collect();
        edit_the_file(dir.path(), &statements).await;
        let output = casebook_as_tester(&["audit", "verify", "--database", &url], None);
        assert_eq!(output.status.code(), Some(1), "{case}: {}{}", stdout(&output), stderr(&output));
        assert!(stdout(&output).contains(message), "{case}: {}", stdout(&output));
    }
}

#[test]
fn audit_log_shows_the_history_of_a_record_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let url = imported_registry(dir.path());
    let output = casebook_as_tester(&["audit", "log", "--record", "patient/WAS-IT1-01", "--limit", "1", "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the latest event:\n{table}");
    assert!(lines[0].starts_with("SEQ") && lines[0].contains("FIELD") && lines[0].contains("CHANGE"), "{table}");
    assert!(
        lines[1].contains("cli:tester")
            && lines[1].contains("create")
            && lines[1].contains("patient/WAS-IT1-01")
            && lines[1].contains(" - -> {"),
        "{}",
        lines[1]
    );

    let output = casebook_as_tester(&["audit", "log", "--record", "patient/NOBODY", "--database", &url], None);
    assert_eq!(stdout(&output), "No audit events\n");
}

#[test]
fn exports_and_reports_are_recorded_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let url = imported_registry(dir.path());
    let exported = dir.path().join("exported");
    let output = casebook_as_tester(&["export", "--format", "fhir", "--out", exported.to_str().unwrap(), "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = dir.path().join("report");
    let output = casebook_as_tester(&["report", "--out", report.to_str().unwrap(), "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));

    let output = casebook_as_tester(&["audit", "log", "--record", "study/was-anti-il1", "--database", &url], None);
    let table = stdout(&output);
    let exports: Vec<&str> = table.lines().filter(|line| line.contains("  export  ")).collect();
    assert_eq!(exports.len(), 2, "{table}");
    assert!(exports[0].contains(r#"{"format":"fhir","patients":7,"#), "{table}");
    assert!(exports[1].contains(r#"{"format":"report","#), "{table}");
    // The table cuts long values short; `--json` gives them whole, with the hashes, and the
    // chain recomputes from it by the rule `casebook_store::audit` documents, done again here.
    let output = casebook_as_tester(&["audit", "log", "--json", "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let events: Vec<serde_json::Value> = stdout(&output).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let about_the_study = events.iter().filter(|event| event["record"] == "study/was-anti-il1").count();
    assert_eq!(about_the_study, table.lines().count() - 1, "the JSON and the table (less its header) list the same events");
    let mut previous = "0".repeat(64);
    for event in &events {
        let fields = ["action", "actor", "at", "field", "new_value", "old_value", "reason", "record", "seq", "study_id"];
        let canonical = fields.iter().map(|field| format!("{}:{}", serde_json::json!(field), event[field])).collect::<Vec<_>>().join(",");
        let hash: String = Sha256::digest(format!("{previous}\n{{{canonical}}}")).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(event["prev_hash"], previous.as_str(), "{event}");
        assert_eq!(event["hash"], hash.as_str(), "{event}");
        previous = hash;
    }
    let exports: Vec<&serde_json::Value> = events.iter().filter(|event| event["action"] == "export").collect();
    let to = |path: &Path| path.canonicalize().unwrap().display().to_string();
    let detail = |event: &serde_json::Value| serde_json::from_str::<serde_json::Value>(event["new_value"].as_str().unwrap()).unwrap();
    assert_eq!(detail(exports[0]), serde_json::json!({"format": "fhir", "patients": 7, "to": to(&exported)}));
    assert_eq!(detail(exports[1]), serde_json::json!({"format": "report", "to": to(&report)}));
    let output = casebook_as_tester(&["audit", "verify", "--database", &url], None);
    assert!(output.status.success(), "{}", stdout(&output));
}

#[tokio::test]
async fn users_are_managed_from_scripts_and_their_passwords_never_reach_the_trail() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let first = "correct horse battery";
    let second = "staple in the registry";

    let output =
        casebook_as_tester(&["user", "add", "lead.it1", "--role", "center-lead", "--center", "IT1", "--database", &url], Some(first));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Added user lead.it1 (center-lead at center IT1)\n");
    let output = casebook_as_tester(&["user", "passwd", "lead.it1", "--database", &url], Some(second));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = casebook_as_tester(&["user", "disable", "lead.it1", "--database", &url], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "User lead.it1 is disabled\n");

    let refusals: &[(&str, &[&str], Option<&str>, &str)] = &[
        (
            "a short password",
            &["user", "add", "admin", "--role", "administrator"],
            Some("eleven char"),
            "the password is refused: it has 11 characters; a password needs at least 12",
        ),
        (
            "no password and no terminal",
            &["user", "add", "admin", "--role", "administrator"],
            None,
            "no password given: set CASEBOOK_PASSWORD, or run on a terminal to be asked for one",
        ),
        (
            "a taken username",
            &["user", "add", "lead.it1", "--role", "center-lead", "--center", "IT2"],
            Some(first),
            "the username is taken",
        ),
        ("a lead without a center", &["user", "add", "lead.it9", "--role", "center-lead"], Some(first), "works at one center"),
        ("an unknown role", &["user", "add", "boss", "--role", "owner"], Some(first), "invalid value 'owner'"),
        ("an unknown user", &["user", "passwd", "ghost"], Some(first), "there is no user `ghost`"),
    ];
    for (case, args, password, message) in refusals {
        let mut args = args.to_vec();
        args.extend(["--database", &url]);
        let output = casebook_as_tester(&args, *password);
        assert_eq!(output.status.code(), Some(2), "{case}: {}", stdout(&output));
        assert!(stderr(&output).contains(message), "{case}: {}", stderr(&output));
    }

    let output = casebook_as_tester(&["audit", "log", "--database", &url], None);
    let table = stdout(&output);
    let actions: Vec<&str> = table.lines().skip(1).map(|line| line.split_whitespace().nth(3).unwrap()).collect();
    assert_eq!(actions, ["user-add", "user-passwd", "user-disable"], "{table}");
    assert!(table.contains("cli:tester"), "{table}");
    assert!(table.contains(r#"$.password  - -> "(changed)""#), "{table}");

    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (hash, disabled): (String, bool) = sqlx::query_as("SELECT password_hash, disabled FROM app_user WHERE username = 'lead.it1'")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    let (trail,): (String,) =
        sqlx::query_as("SELECT group_concat(COALESCE(old_value, '') || ' ' || COALESCE(new_value, ''), ' ') FROM audit_event")
            .fetch_one(&mut connection)
            .await
            .unwrap();
    connection.close().await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(disabled);
    for secret in [first, second, "$argon2", hash.as_str()] {
        assert!(!trail.contains(secret), "`{secret}` is in the audit trail: {trail}");
    }
}

#[test]
fn audit_and_user_help_show_examples() {
    for command in [&["audit", "verify"][..], &["audit", "log"], &["user", "add"], &["user", "passwd"], &["user", "disable"]] {
        let mut args = command.to_vec();
        args.push("--help");
        let output = casebook_as_tester(&args, None);
        assert!(output.status.success(), "{command:?}");
        assert!(stdout(&output).contains("Example"), "`casebook {} --help` has no example: {}", command.join(" "), stdout(&output));
    }
}

// Linux only: elsewhere Casebook asks the environment alone.
#[cfg(target_os = "linux")]
#[test]
fn without_a_user_in_the_environment_the_trail_names_the_account_that_ran_the_command() {
    // As under cron or a service manager, which may set neither USER nor LOGNAME.
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["import", reference_study().to_str().unwrap(), "--database", &url])
        .env_remove("CASEBOOK_DATABASE")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let account = Command::new("id").arg("-un").output().unwrap();
    let account = String::from_utf8(account.stdout).unwrap();

    let output = casebook_as_tester(&["audit", "log", "--json", "--limit", "1", "--database", &url], None);
    let event: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(event["actor"], format!("cli:{}", account.trim()), "{event}");
}
