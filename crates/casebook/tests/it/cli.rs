//! Help, the Zhu calculator, validation and the demo.

use crate::{casebook, csv_rows, reference_study, registry_with_reference_study, stderr, stdout};

#[test]
fn help_shows_examples_for_every_command() {
    let output = casebook(&["--help"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("Examples:"), "{}", stdout(&output));
    for command in ["import", "export", "validate", "zhu", "demo", "report"] {
        let output = casebook(&[command, "--help"]);
        assert!(stdout(&output).contains("Example"), "`casebook {command} --help` has no example: {}", stdout(&output));
    }
}

#[test]
fn zhu_scores_a_profile_from_flags() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--eczema", "persistent", "--infections", "recurrent"], "Zhu score: 3\n", "Severe (3 or more): yes"),
        (
            &["--eczema", "difficult-to-control", "--infections", "recurrent", "--autoinflammation"],
            "Zhu score: 5A\n",
            "autoinflammation counted as autoimmunity: yes",
        ),
        (
            &[
                "--eczema",
                "difficult-to-control",
                "--infections",
                "recurrent",
                "--autoinflammation",
                "--autoinflammation-is-not-autoimmunity",
            ],
            "Zhu score: 4\n",
            "autoinflammation counted as autoimmunity: no",
        ),
        (&["--thrombocytopenia", "intermittent"], "Zhu score: <1\n", "Severe (3 or more): no"),
        (&["--eczema", "difficult-to-control"], "Zhu score: 4\n", "Discordant"),
    ];
    for (flags, score_line, other_line) in cases {
        let mut args = vec!["zhu"];
        args.extend_from_slice(flags);
        let output = casebook(&args);
        assert!(output.status.success(), "{flags:?}: {}", stderr(&output));
        let text = stdout(&output);
        assert!(text.starts_with(score_line), "{flags:?}: {text}");
        assert!(text.contains(other_line), "{flags:?}: {text}");
    }
}

#[test]
fn zhu_refuses_an_unknown_level_and_lists_the_known_ones() {
    let output = casebook(&["zhu", "--eczema", "terrible"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("none, mild, persistent, difficult-to-control"), "{}", stderr(&output));
}

#[test]
fn the_reference_study_validates_without_errors() {
    let output = casebook(&["validate", reference_study().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("7 patients, no errors"), "{}", stdout(&output));
    assert!(!stderr(&output).contains("error"), "{}", stderr(&output));
}

#[test]
fn a_study_folder_import_and_the_stored_study_write_their_findings_to_a_csv_file_a_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    let csv = dir.path().join("checks/findings.csv");
    let output = casebook(&["import", reference_study().to_str().unwrap(), "--findings-csv", csv.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    let notes: usize = said.split(" note(s)").next().and_then(|start| start.rsplit(' ').next()).unwrap().parse().unwrap();
    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows.len() - 1, notes, "a row for each note of the summary: {said}");
    assert!(notes > 0, "{said}");
    for row in &rows[1..] {
        assert_eq!(row[2], "note", "{row:?}");
        assert!(std::path::Path::new(&row[0]).starts_with(reference_study().join("patients")), "{row:?}");
        assert!(row[1].starts_with("$."), "{row:?}");
        assert!(!row[5].is_empty(), "each rule's source: {row:?}");
    }

    // The stored study gives the same findings, by patient and center.
    let stored_csv = dir.path().join("stored.csv");
    let output = casebook(&["validate", "--study", "was-anti-il1", "--findings-csv", stored_csv.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stored = csv_rows(&std::fs::read_to_string(&stored_csv).unwrap());
    assert_eq!(stored[0], ["patient", "center", "place", "level", "rule", "message", "source"]);
    let key = |patient: &str, place: &str, rule: &str| format!("{patient} {place} {rule}");
    let mut from_files: Vec<String> =
        rows[1..].iter().map(|row| key(std::path::Path::new(&row[0]).file_stem().unwrap().to_str().unwrap(), &row[1], &row[3])).collect();
    let mut from_registry: Vec<String> = stored[1..].iter().map(|row| key(&row[0], &row[2], &row[4])).collect();
    from_files.sort();
    from_registry.sort();
    assert_eq!(from_registry, from_files);
    for row in &stored[1..] {
        let center = row[0].strip_prefix("WAS-").and_then(|rest| rest.split('-').next()).unwrap();
        assert_eq!(row[1], center, "the patient's center: {row:?}");
    }
}

#[test]
fn demo_builds_a_registry_and_prints_the_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    for run in 0..2 {
        let output = casebook(&["demo", "--out", out.to_str().unwrap(), "--no-serve"]);
        assert!(output.status.success(), "run {run}: {}", stderr(&output));
        let text = stdout(&output);
        for expected in [
            "constructed to match the published aggregate figures; not real patient data",
            "7 patients from 4 centers (GB, IT)",
            "Severe Zhu score (3 or more): 7/7",
            "gene therapy 5, HSCT 2",
            "anakinra: 7/7 patients, started at 2 months to 34 years, 2 to 5 mg/kg/day",
            "canakinumab: 2/7 patients",
        ] {
            assert!(text.contains(expected), "run {run}: `{expected}` missing from:\n{text}");
        }
        assert!(out.join("casebook.db").is_file());
        assert!(text.contains("Report: "), "run {run}: the demo prints where its report is");
        assert!(out.join("report/report.html").is_file());
    }
}

/// Sends one HTTP/1.1 request to a local server and returns the response's status line and
/// headers.
fn http(address: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn demo_serves_the_study_and_prints_one_account_per_role_and_center() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["demo", "--out", dir.path().join("demo").to_str().unwrap(), "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut accounts = Vec::new();
    let address = loop {
        let line = lines.next().expect("the demo prints its address").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() == 3 && ["administrator", "coordinator", "center-lead", "data-entry"].contains(&words[1]) {
            accounts.push((words[0].to_string(), words[2].to_string()));
        }
        if let Some(rest) = line.strip_prefix("Open http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let names: Vec<&str> = accounts.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["admin", "coordinator", "lead.it1", "entry.it1", "lead.it2", "entry.it2", "lead.it3", "entry.it3", "lead.gb1", "entry.gb1"]
    );

    let page = http(&address, "GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let (_, password) = accounts.iter().find(|(name, _)| name == "coordinator").unwrap();
    let form = format!("username=coordinator&password={password}");
    let login = http(
        &address,
        &format!(
            "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(login.starts_with("HTTP/1.1 303"), "the printed password logs in: {login}");
    assert!(login.to_lowercase().contains("set-cookie: casebook_session="), "{login}");
}

#[test]
fn hpo_search_ranks_the_best_term_first_and_shows_the_release() {
    let output = casebook(&["hpo", "search", "eczema", "--limit", "3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("HP:0000964  Eczematoid dermatitis"), "{text}");
    assert_eq!(text.lines().count(), 4, "three terms and the release line: {text}");
    assert!(text.ends_with("Human Phenotype Ontology, release 2025-01-16\n"), "{text}");
}

#[test]
fn hpo_show_gives_the_term_and_the_replacement_of_an_obsolete_id() {
    let output = casebook(&["hpo", "show", "HP:0033399"]);
    let text = stdout(&output);
    assert!(text.starts_with("HP:0033399  Persistent fever"), "{text}");
    assert!(text.contains("Parent: HP:0001945  Fever"), "{text}");
    // A synonym's type by the name the release gives it.
    let text = stdout(&casebook(&["hpo", "show", "HP:0000225"]));
    assert!(
        text.contains("Synonym (EXACT, layperson term): Bleeding gums\nSynonym (EXACT, UK spelling): Gingival haemorrhage\n"),
        "{text}"
    );
    assert!(text.contains("Synonym (EXACT): Gingivorrhagia\n"), "{text}");
    let output = casebook(&["hpo", "show", "HP:0000976"]);
    assert!(stdout(&output).contains("is obsolete; use HP:0000964"), "{}", stdout(&output));
    let output = casebook(&["hpo", "show", "HP:9999999"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not a term of HPO release 2025-01-16"), "{}", stderr(&output));
}

#[test]
fn hpo_search_without_words_says_what_to_give() {
    let output = casebook(&["hpo", "search", "  "]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("give the words to look for, such as `casebook hpo search recurrent fever`"), "{}", stderr(&output));
}

#[test]
fn a_mistyped_path_is_named_before_anything_else() {
    // The reference study has four centers: a question about them would come first if the path
    // were only read after the study was looked at.
    let (dir, url) = registry_with_reference_study();
    let missing = dir.path().join("cases.json");
    for command in [&["import", missing.to_str().unwrap(), "--database", &url][..], &["validate", missing.to_str().unwrap()]] {
        let output = casebook(command);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {}", stdout(&output));
        let expected = format!("casebook: cannot read or write {}: No such file or directory", missing.display());
        assert!(stderr(&output).starts_with(&expected), "{command:?}: {}", stderr(&output));
    }
}

#[test]
fn an_error_says_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let output = casebook(&["validate", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.starts_with(&format!("casebook: cannot read or write {}: ", missing.display())), "{message}");
    assert_eq!(message.matches("(os error 2)").count(), 1, "{message}");

    let latin1 = dir.path().join("latin1.json");
    std::fs::write(&latin1, b"{\n  \"id\": \"caf\xe9\"\n}\n").unwrap();
    let output = casebook(&["validate", latin1.to_str().unwrap()]);
    let message = stderr(&output);
    assert_eq!(
        message.trim_end(),
        format!(
            "casebook: cannot read or write {}: it is not UTF-8 text: line 2 has the byte 0xE9, which UTF-8 does not allow there (was it saved as Latin-1 or Windows-1252?)",
            latin1.display()
        )
    );
}

#[test]
fn output_into_a_pipe_that_closes_early_ends_quietly() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["hpo", "search", "a", "--limit", "5000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("HP:"), "{first}");
    // The reader is gone (like `| head -1`); the rest of the output has nowhere to go.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
