//! One function per subcommand: turn flags into typed requests, call the libraries, print.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use casebook_domain::check::{Diagnostic, Level, check_patient};
use casebook_domain::patient::{Patient, Slug};
use casebook_domain::rules::zhu::{Eczema, ImmunodeficiencyLab, Infections, Thrombocytopenia, ZhuInputs, ZhuSettings, compute_zhu_score};
use casebook_domain::summary::summarize;
use casebook_formats::csv::{findings_csv, record_findings_csv};
use casebook_formats::native::folder::{STUDY_FILE, StudyFolder, read_study_folder_reporting, write_study_folder};
use casebook_formats::output::{self, FolderExport};
use casebook_formats::phenopacket::files::{CONTAINER_NOT_KEPT, PhenopacketInputs, stream_phenopackets, write_phenopackets};
use casebook_formats::{Finding, FormatError};
use casebook_hpo::Hpo;
use casebook_report::freeze::verify;
use casebook_report::{build_report, read_report, write_report};
use casebook_store::audit::{AuditAction, AuditEvent, AuditFilter};
use casebook_store::users::{NewUser, Password, Role, Username};
use casebook_store::{Actor, DatabaseUrl, EncodedRecord, Incoming, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::Outcome;
use crate::cli::{AuditCommand, Cli, Command, DatabaseArgs, HpoCommand, UserCommand, ZhuArgs};

/// Patients a phenopacket import sends to the store at a time, and how many such batches may
/// wait for it: enough for one `INSERT` per batch, little enough to keep memory flat. 64 rather
/// than 256 took a 10,000-file import from 178 to 113 MiB and made it no slower.
const PATIENTS_PER_BATCH: usize = 64;
const BATCHES_IN_FLIGHT: usize = 4;

/// The environment variable a script sets to give `casebook user add|passwd` the password.
const PASSWORD_VARIABLE: &str = "CASEBOOK_PASSWORD";

pub async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Import { path, study: None, center: None, findings_csv, database } if path.join(STUDY_FILE).is_file() => {
            import(&path, findings_csv.as_deref(), &database).await
        }
        Command::Import { path, study, center, findings_csv, database } => {
            import_phenopackets(&path, study.as_deref(), center.as_deref(), findings_csv.as_deref(), &database).await
        }
        Command::Export { study, format, out, replace, database } => export(study.as_deref(), &format, &out, replace, &database).await,
        Command::Validate { path: Some(path), findings_csv, .. } if path.join(STUDY_FILE).is_file() => {
            validate_folder(&path, findings_csv.as_deref())
        }
        Command::Validate { path: Some(path), findings_csv, .. } => validate_phenopackets(&path, findings_csv.as_deref()),
        Command::Validate { path: None, study, findings_csv, database } => {
            validate_stored(study.as_deref(), findings_csv.as_deref(), &database).await
        }
        Command::Report { verify: Some(dir), database, .. } => verify_report(&dir, &database).await,
        Command::Report { study, out: Some(out), database, .. } => report(study.as_deref(), &out, &database).await,
        Command::Report { .. } => bail!("give --out DIR to write a report, or --verify DIR to check one"),
        Command::Studies { database } => list_studies(&database).await,
        Command::Hpo(HpoCommand::Search { text, limit }) => hpo_search(&text, limit),
        Command::Hpo(HpoCommand::Show { id }) => hpo_show(&id),
        Command::Zhu(args) => zhu(&args),
        Command::Audit(AuditCommand::Verify { database }) => audit_verify(&database).await,
        Command::Audit(AuditCommand::Log { record, limit, json, database }) => audit_log(record, limit, json, &database).await,
        Command::User(UserCommand::Add { username, role, center, database }) => {
            user_add(&username, &role, center.as_deref(), &database).await
        }
        Command::User(UserCommand::Passwd { username, database }) => user_passwd(&username, &database).await,
        Command::User(UserCommand::Disable { username, database }) => user_disable(&username, &database).await,
        Command::Serve { listen, database } => serve(listen, &database).await,
        Command::Demo { out, no_serve, listen } => demo(&out, (!no_serve).then_some(listen)).await,
    }
}

/// Who the audit trail names for a change made from the command line: `cli:` and the operating
/// system's user, from `USER`, `LOGNAME` or `USERNAME` (Windows), or else (under cron or a
/// service manager, which may set none) the account that owns this process.
fn cli_actor() -> Actor {
    let from_environment =
        ["USER", "LOGNAME", "USERNAME"].into_iter().filter_map(|name| std::env::var(name).ok()).find(|user| !user.trim().is_empty());
    let user = from_environment.or_else(process_owner).unwrap_or_else(|| "unknown".into());
    Actor::new(format!("cli:{user}"))
}

/// The name of the account this process runs as, from `/etc/passwd`, or `uid N` when it has
/// none there.
#[cfg(target_os = "linux")]
fn process_owner() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let accounts = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = accounts.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

/// Elsewhere the environment is all there is.
#[cfg(not(target_os = "linux"))]
fn process_owner() -> Option<String> {
    None
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&database.database)?;
    Ok(Store::connect(&url).await?)
}

/// The registry for an import, which does one thing at a time: with a single connection, a large
/// import into SQLite can bypass the write-ahead log ([`Store::connect_single`]).
async fn open_for_import(database: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&database.database)?;
    Ok(Store::connect_single(&url).await?)
}

/// A progress bar on a terminal; hidden when output is piped or in CI.
fn progress_bar(message: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0).with_message(message);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} files").expect("the template is valid").progress_chars("=> "));
    bar
}

/// Moves a progress bar to `done` of `total` files.
fn advance(bar: &ProgressBar) -> impl FnMut(usize, usize) + '_ {
    |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

/// Prints findings, errors first. Returns how many errors there were.
fn print_findings(findings: &[Finding]) -> usize {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|finding| finding.diagnostic.level);
    for finding in &sorted {
        eprintln!("{finding}");
    }
    findings.iter().filter(|finding| finding.is_error()).count()
}

/// Writes every finding to `csv` as a row (`--findings-csv`), when asked, and says so.
fn write_findings_csv(csv: Option<&Path>, findings: &[Finding]) -> anyhow::Result<()> {
    write_csv(csv, findings.len(), || findings_csv(findings))
}

/// Puts the `rows` findings `text` gives at `csv` whole ([`output::write_file`]), when asked.
fn write_csv(csv: Option<&Path>, rows: usize, text: impl FnOnce() -> String) -> anyhow::Result<()> {
    let Some(csv) = csv else { return Ok(()) };
    output::write_file(csv, "findings.csv", |target| {
        std::fs::write(target, text()).map_err(|source| FormatError::Io { path: target.to_path_buf(), source })
    })?;
    println!("{rows} finding(s) written to {}", csv.display());
    Ok(())
}

/// [`write_findings_csv`] for a study folder read, refused or not; nothing when the folder could
/// not be read at all (that error is said instead).
fn write_folder_findings_csv(csv: Option<&Path>, read: &Result<StudyFolder, FormatError>) -> anyhow::Result<()> {
    match read {
        Ok(folder) => write_findings_csv(csv, &folder.findings),
        Err(FormatError::Invalid { findings }) => write_findings_csv(csv, findings),
        Err(_) => Ok(()),
    }
}

async fn import(path: &Path, findings_csv: Option<&Path>, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let bar = progress_bar("Checking");
    let read = read_study_folder_reporting(path, &mut advance(&bar));
    bar.finish_and_clear();
    write_folder_findings_csv(findings_csv, &read)?;
    let folder = match read {
        Ok(folder) => folder,
        Err(FormatError::Invalid { findings }) => {
            let errors = print_findings(&findings);
            eprintln!("{errors} error(s) in {}; nothing was imported", path.display());
            return Ok(Outcome::ValidationErrors);
        }
        Err(other) => return Err(other.into()),
    };
    print_findings(&folder.findings);
    let store = open_for_import(database).await?;
    let summary =
        store.import_study(&folder.study, &folder.patients, &cli_actor()).await.with_context(|| format!("importing {}", path.display()))?;
    store.close().await;
    let count = |level| folder.findings.iter().filter(|f| f.diagnostic.level == level).count();
    println!(
        "Imported study {} from {}: {} patients ({} new, {} updated, {} unchanged), {} warning(s), {} note(s)",
        folder.study.id,
        path.display(),
        folder.patients.len(),
        summary.created,
        summary.updated,
        summary.unchanged,
        count(Level::Warning),
        count(Level::Note)
    );
    if let Some(label) = &folder.study.data_label {
        println!("Data: {label}");
    }
    Ok(Outcome::Success)
}

/// The study named, or the only study in the registry.
async fn resolve_study(store: &Store, study: Option<&str>) -> anyhow::Result<String> {
    if let Some(study) = study {
        return Ok(study.to_string());
    }
    let studies = store.studies().await?;
    match studies.as_slice() {
        [only] => Ok(only.id.clone()),
        [] => bail!("the registry holds no study yet; import one with `casebook import FOLDER`"),
        many => bail!(
            "the registry holds several studies; choose one with --study ({})",
            many.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

async fn export(study: Option<&str>, format: &str, out: &Path, replace: bool, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let study_id = resolve_study(&store, study).await?;
    let study = store.load_study(&study_id).await?;
    let patients = store.load_patients(&study_id).await?;
    // Written beside `out` and then put in its place whole (casebook_formats::output).
    match format {
        "phenopackets" => {
            let write = |target: &Path| write_phenopackets(target, &study, &patients, &now_rfc3339(), Hpo::embedded().release()).map(drop);
            if out.extension().is_some_and(|ext| ext == "zip") {
                output::write_file(out, &format!("{study_id}.zip"), write)?;
            } else {
                output::write_folder(out, FolderExport::Phenopackets, replace, write)?;
            }
        }
        "fhir" => {
            let bundle = casebook_fhir::bundle_json(&study, &patients);
            output::write_file(out, &format!("{study_id}-bundle.json"), |target| {
                std::fs::write(target, &bundle).map_err(|source| FormatError::Io { path: target.to_path_buf(), source })
            })?;
        }
        _ => output::write_folder(out, FolderExport::StudyFolder, replace, |target| write_study_folder(target, &study, &patients))?,
    }
    let detail = serde_json::json!({"format": format, "patients": patients.len(), "to": written_to(out)});
    store.log_event(&cli_actor(), AuditAction::Export, Some(&study_id), &format!("study/{study_id}"), Some(&detail)).await?;
    store.close().await;
    println!("Exported study {} to {} ({format}): {} patients", study.id, out.display(), patients.len());
    if let Some(label) = &study.data_label {
        println!("Data: {label}");
    }
    Ok(Outcome::Success)
}

/// Where an export or a report went, as the audit trail records it: the absolute path, so that
/// the record still says where the data went when read from another working folder.
fn written_to(out: &Path) -> String {
    std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf()).display().to_string()
}

/// Up to how many warnings an import of phenopackets prints one by one, rather than counted by rule.
const WARNINGS_SHOWN_WHOLE: usize = 20;

/// Imports phenopackets into a study that is already in the registry.
async fn import_phenopackets(
    path: &Path,
    study: Option<&str>,
    center: Option<&str>,
    findings_csv: Option<&Path>,
    database: &DatabaseArgs,
) -> anyhow::Result<Outcome> {
    // The release takes a core for a few milliseconds to load, and listing a folder of files some
    // more: both go on while the registry opens, and the release while the first files are parsed.
    std::thread::spawn(Hpo::embedded);
    let listing = {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || PhenopacketInputs::list(&path))
    };
    let store = open_for_import(database).await?;
    let study_id = resolve_study(&store, study).await?;
    let study = store.load_study(&study_id).await?;
    // A path that is not there says so before any question about the study's centers.
    let inputs = listing.await.context("listing the phenopackets")??;
    let center = match center {
        Some(center) => Slug::parse("center", center)?,
        None if study.centers.len() == 1 => study.centers[0].id.clone(),
        None => bail!(
            "phenopackets carry no center: choose one of the study's centers with --center ({})",
            study.centers.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    let bar = progress_bar("Reading");
    // Files are read on every core while the store takes the patients read so far, in batches;
    // the store commits only when the reader says it finished without an error.
    let (sender, mut incoming) = tokio::sync::mpsc::channel(BATCHES_IN_FLIGHT);
    let reading = {
        let (study, center, bar) = (study.clone(), center.clone(), bar.clone());
        tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(PATIENTS_PER_BATCH);
            let send_batch = |batch: &mut Vec<EncodedRecord>| sender.blocking_send(Incoming::Records(std::mem::take(batch))).is_ok();
            let read = stream_phenopackets(&inputs, &study, &center, &Hpo::embedded, &mut advance(&bar), &mut |record| {
                batch.push(record);
                batch.len() < PATIENTS_PER_BATCH || send_batch(&mut batch)
            });
            // A failed send means the store gave up; it says why.
            if read.is_ok() && send_batch(&mut batch) {
                let _ = sender.blocking_send(Incoming::Finish);
            }
            read
        })
    };
    let stored = store.import_study_streamed(&study, &mut incoming, &cli_actor()).await;
    // A store that stopped early takes no more: the reader's next send fails and it stops.
    drop(incoming);
    let read = reading.await.context("reading the phenopackets")?;
    bar.finish_and_clear();
    let import = match read {
        Ok(import) => import,
        Err(FormatError::Invalid { findings }) => {
            write_findings_csv(findings_csv, &findings)?;
            let errors = print_findings(&findings);
            eprintln!("{errors} error(s) in {}; nothing was imported", path.display());
            return Ok(Outcome::ValidationErrors);
        }
        Err(other) => return Err(other.into()),
    };
    write_findings_csv(findings_csv, &import.findings)?;
    let summary = stored
        .with_context(|| format!("importing {}", path.display()))?
        .context("the import stopped before every patient was stored; nothing was imported")?;
    store.close().await;
    let warnings = import.findings.iter().filter(|f| f.diagnostic.level == Level::Warning).count();
    println!(
        "Imported {} phenopacket file(s) from {} into study {} at center {center}: {} patients ({} new, {} updated, {} unchanged), {warnings} warning(s)",
        import.files,
        path.display(),
        study.id,
        import.patients,
        summary.created,
        summary.updated,
        summary.unchanged
    );
    // A Family's or Cohort's own fields are the one thing an import leaves behind: said in full.
    for finding in import.findings.iter().filter(|f| f.diagnostic.rule == CONTAINER_NOT_KEPT) {
        println!("Not kept: {}: {}", finding.file.display(), finding.diagnostic.message);
    }
    if !import.kept_verbatim.is_empty() {
        println!(
            "Kept verbatim with {} record(s), because a Casebook record has no place for them (they return on export):",
            import.kept_verbatim.records
        );
        for (place, count) in &import.kept_verbatim.places {
            println!("  {place}: {count}");
        }
    }
    // A few warnings are read one by one; the thousand of a published collection, by rule.
    if (1..=WARNINGS_SHOWN_WHOLE).contains(&warnings) {
        println!("Warnings:");
        // The container's own warning was said in full above.
        for finding in import.findings.iter().filter(|f| f.diagnostic.level == Level::Warning && f.diagnostic.rule != CONTAINER_NOT_KEPT) {
            println!("  {finding}");
        }
    } else if warnings > 0 {
        let mut by_rule: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for finding in import.findings.iter().filter(|f| f.diagnostic.level == Level::Warning) {
            *by_rule.entry(finding.diagnostic.rule.as_str()).or_default() += 1;
        }
        let listed = if findings_csv.is_some() { "each is in the CSV file" } else { "--findings-csv FILE lists each" };
        println!("Warnings by rule ({listed}, with its file and place):");
        for (rule, count) in by_rule {
            println!("  {rule}: {count}");
        }
    }
    Ok(Outcome::Success)
}

/// Checks phenopackets: the schema, then phenopacket-tools' rules against the vendored HPO.
fn validate_phenopackets(path: &Path, findings_csv: Option<&Path>) -> anyhow::Result<Outcome> {
    let bar = progress_bar("Checking");
    let report = casebook_formats::phenopacket::files::validate_phenopackets(path, Hpo::embedded(), &mut advance(&bar))?;
    bar.finish_and_clear();
    write_findings_csv(findings_csv, &report.findings)?;
    print_findings(&report.findings);
    let errors = report.findings.iter().filter(|f| f.is_error()).count();
    println!("{}: {} phenopacket file(s), {errors} error(s), {} warning(s)", path.display(), report.files, report.findings.len() - errors);
    Ok(if errors > 0 { Outcome::ValidationErrors } else { Outcome::Success })
}

/// The current time as an RFC 3339 UTC timestamp, for the `created` field of exports.
fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

fn validate_folder(path: &Path, findings_csv: Option<&Path>) -> anyhow::Result<Outcome> {
    let read = read_study_folder_reporting(path, &mut |_, _| {});
    write_folder_findings_csv(findings_csv, &read)?;
    match read {
        Ok(folder) => {
            print_findings(&folder.findings);
            println!("{}: {} patients, no errors, {} warning(s) or note(s)", path.display(), folder.patients.len(), folder.findings.len());
            Ok(Outcome::Success)
        }
        Err(FormatError::Invalid { findings }) => {
            let errors = print_findings(&findings);
            println!("{}: {errors} error(s)", path.display());
            Ok(Outcome::ValidationErrors)
        }
        Err(other) => Err(other.into()),
    }
}

async fn validate_stored(study: Option<&str>, findings_csv: Option<&Path>, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let study_id = resolve_study(&store, study).await?;
    let study = store.load_study(&study_id).await?;
    let patients = store.load_patients(&study_id).await?;
    store.close().await;
    let findings: Vec<(&Patient, Diagnostic)> = patients
        .iter()
        .flat_map(|patient| check_patient(patient, &study).into_iter().map(move |diagnostic| (patient, diagnostic)))
        .collect();
    for (patient, diagnostic) in &findings {
        eprintln!("{}: {diagnostic}", patient.pseudonym);
    }
    let errors = findings.iter().filter(|(_, diagnostic)| diagnostic.level == Level::Error).count();
    write_csv(findings_csv, findings.len(), || record_findings_csv(findings.iter().map(|(patient, diagnostic)| (*patient, diagnostic))))?;
    println!("study {}: {} patients, {errors} error(s), {} warning(s) or note(s)", study.id, patients.len(), findings.len() - errors);
    Ok(if errors > 0 { Outcome::ValidationErrors } else { Outcome::Success })
}

/// Computes and writes a report; returns the path of report.html.
async fn write_study_report(store: &Store, study_id: &str, out: &Path) -> anyhow::Result<std::path::PathBuf> {
    let study = store.load_study(study_id).await?;
    let patients = store.load_patients(study_id).await?;
    let report = build_report(&study, &patients, Hpo::embedded());
    let written = write_report(out, &report).with_context(|| format!("writing the report to {}", out.display()))?;
    // A figure or table an earlier report had (a lab no longer charted, say) would otherwise sit
    // beside this report's files unnoticed. Left in place: the folder may hold the user's files.
    let mut others = Vec::new();
    for entry in std::fs::read_dir(out).with_context(|| format!("listing {}", out.display()))? {
        let path = entry.with_context(|| format!("listing {}", out.display()))?.path();
        if !written.contains(&path) {
            others.push(path.file_name().unwrap_or_default().to_string_lossy().into_owned());
        }
    }
    if !others.is_empty() {
        others.sort();
        eprintln!("Note: {} also holds files this report did not write (from an earlier report?): {}", out.display(), others.join(", "));
    }
    Ok(out.join("report.html"))
}

async fn report(study: Option<&str>, out: &Path, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let study_id = resolve_study(&store, study).await?;
    let html = write_study_report(&store, &study_id, out).await?;
    let detail = serde_json::json!({"format": "report", "to": written_to(out)});
    store.log_event(&cli_actor(), AuditAction::Export, Some(&study_id), &format!("study/{study_id}"), Some(&detail)).await?;
    store.close().await;
    println!("Report of study {study_id}: {}", html.display());
    println!("Tables as CSV, figures as SVG and every statistic in report.json are in {}", out.display());
    Ok(Outcome::Success)
}

async fn verify_report(dir: &Path, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let saved = read_report(dir).map_err(anyhow::Error::msg)?;
    let store = open(database).await?;
    let study = store.load_study(&saved.study.id).await?;
    let patients = store.load_patients(&saved.study.id).await?;
    store.close().await;
    let recomputed = build_report(&study, &patients, Hpo::embedded());
    let verification = verify(&saved, &recomputed);
    if verification.matches() {
        println!("The report in {} matches the registry: same data, configuration, software and numbers", dir.display());
        Ok(Outcome::Success)
    } else {
        println!("The report in {} no longer matches the registry:", dir.display());
        for difference in &verification.differences {
            println!("  {difference}");
        }
        Ok(Outcome::ValidationErrors)
    }
}

async fn list_studies(database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let studies = store.studies().await?;
    store.close().await;
    if studies.is_empty() {
        println!("The registry holds no study yet; import one with `casebook import FOLDER`");
    }
    for study in studies {
        println!("{:<24} {:>3} centers {:>6} patients  {}", study.id, study.centers, study.patients, study.title);
    }
    Ok(Outcome::Success)
}

fn hpo_search(text: &str, limit: usize) -> anyhow::Result<Outcome> {
    if text.trim().is_empty() {
        bail!("give the words to look for, such as `casebook hpo search recurrent fever`");
    }
    let hpo = Hpo::embedded();
    let hits = hpo.search(text, limit);
    if hits.is_empty() {
        println!("No HPO term matches `{text}`");
    }
    for hit in &hits {
        if hit.matched_text == hit.label {
            println!("{}  {}", hit.id, hit.label);
        } else {
            println!("{}  {}  (matched \"{}\")", hit.id, hit.label, hit.matched_text);
        }
    }
    println!("Human Phenotype Ontology, release {}", hpo.release());
    Ok(Outcome::Success)
}

fn hpo_show(id: &str) -> anyhow::Result<Outcome> {
    let hpo = Hpo::embedded();
    let term = match hpo.lookup(id) {
        casebook_hpo::Lookup::Current(term) => term,
        casebook_hpo::Lookup::AltId { primary } => {
            println!("{id} is an alternative id of {}", primary.curie());
            primary
        }
        casebook_hpo::Lookup::Obsolete { term, replaced_by, .. } => {
            let replacements: Vec<String> = replaced_by.iter().map(|r| r.to_string()).collect();
            println!(
                "{} {} is obsolete; use {}",
                term.curie(),
                term.name(),
                if replacements.is_empty() { "a current term".into() } else { replacements.join(" or ") }
            );
            term
        }
        casebook_hpo::Lookup::Unknown => bail!("`{id}` is not a term of HPO release {}", hpo.release()),
    };
    println!("{}  {}", term.curie(), term.name());
    if let Some(definition) = term.definition() {
        println!("Definition: {definition}");
    }
    for synonym in term.synonyms() {
        match synonym.kind() {
            Some(kind) => println!("Synonym ({}, {kind}): {}", synonym.scope().as_str(), synonym.text()),
            None => println!("Synonym ({}): {}", synonym.scope().as_str(), synonym.text()),
        }
    }
    for parent in term.parents() {
        println!("Parent: {}  {}", parent.curie(), parent.name());
    }
    for child in term.children() {
        println!("Child: {}  {}", child.curie(), child.name());
    }
    println!("Human Phenotype Ontology, release {}", hpo.release());
    Ok(Outcome::Success)
}

fn zhu(args: &ZhuArgs) -> anyhow::Result<Outcome> {
    let inputs = ZhuInputs {
        thrombocytopenia: Thrombocytopenia::parse(&args.thrombocytopenia)?,
        small_platelets: !args.normal_platelet_size,
        congenital_neutropenia: args.congenital_neutropenia,
        eczema: Eczema::parse(&args.eczema)?,
        infections: Infections::parse(&args.infections)?,
        immunodeficiency: ImmunodeficiencyLab::parse(&args.immunodeficiency)?,
        autoimmunity: args.autoimmunity,
        autoinflammation: args.autoinflammation,
        malignancy: args.malignancy,
        age_months: args.age_months,
        predicted_severe_genotype: args.predicted_severe_genotype,
    };
    let settings = ZhuSettings { count_autoinflammation_as_autoimmunity: !args.autoinflammation_is_not_autoimmunity };
    let result = compute_zhu_score(&inputs, &settings);
    println!("Zhu score: {}", result.score);
    println!("Phenotype: {}", result.phenotype_class.label());
    println!("Severe (3 or more): {}", if result.severe { "yes" } else { "no" });
    if result.discordant {
        println!("Discordant: eczema and infection levels differ by two or more; a half score may fit better");
    }
    if result.indeterminate {
        println!("Indeterminate: under 2 years with a predicted-severe genotype; reassess at age 2");
    }
    println!(
        "Rule: {}; autoinflammation counted as autoimmunity: {}",
        result.rule_version,
        if result.counted_autoinflammation_as_autoimmunity { "yes" } else { "no" }
    );
    Ok(Outcome::Success)
}

/// Serves the web application until the process is stopped.
async fn serve(listen: std::net::SocketAddr, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    if store.users().await?.is_empty() {
        eprintln!("No user can log in yet: add one with `casebook user add NAME --role administrator --database {}`", database.database);
    }
    println!("Casebook is serving {} at http://{address}/ (stop with Ctrl-C)", database.database);
    casebook_web::serve(store, listener).await.context("serving")?;
    Ok(Outcome::Success)
}

/// One demo account per role and per center of the study, with fresh passwords.
async fn add_demo_accounts(store: &Store, study: &casebook_domain::study::Study) -> anyhow::Result<Vec<(String, &'static str, Password)>> {
    let mut accounts: Vec<(String, Role, Option<Slug>)> =
        vec![("admin".into(), Role::Administrator, None), ("coordinator".into(), Role::Coordinator, None)];
    for center in &study.centers {
        let name = center.id.as_str().to_lowercase();
        accounts.push((format!("lead.{name}"), Role::CenterLead, Some(center.id.clone())));
        accounts.push((format!("entry.{name}"), Role::DataEntry, Some(center.id.clone())));
    }
    let mut added = Vec::new();
    for (username, role, center) in accounts {
        let password = Password::generate()?;
        store.add_user(&Actor::system(), &NewUser::new(Username::parse(&username)?, role, center)?, &password).await?;
        added.push((username, role.as_str(), password));
    }
    Ok(added)
}

async fn demo(out: &Path, serve_on: Option<std::net::SocketAddr>) -> anyhow::Result<Outcome> {
    let study_dir = out.join("study");
    let database_file = out.join("casebook.db");
    // A fresh registry each time: remove what an earlier demo left, and only that.
    for old in [database_file.clone(), out.join("casebook.db-wal"), out.join("casebook.db-shm")] {
        if old.exists() {
            std::fs::remove_file(&old).with_context(|| format!("removing the old demo registry {}", old.display()))?;
        }
    }
    for old in [study_dir.clone(), out.join("report")] {
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("removing the old demo folder {}", old.display()))?;
        }
    }
    crate::reference_study::write_to(&study_dir).with_context(|| format!("writing the reference study to {}", study_dir.display()))?;
    let folder = match read_study_folder_reporting(&study_dir, &mut |_, _| {}) {
        Ok(folder) => folder,
        Err(FormatError::Invalid { findings }) => {
            print_findings(&findings);
            bail!("the embedded reference study does not pass its own checks");
        }
        Err(other) => return Err(other.into()),
    };
    let url = DatabaseUrl::sqlite_file(&database_file);
    let store = Store::connect(&url).await?;
    // The demo's records and accounts are Casebook's own doing, not a person's.
    store.import_study(&folder.study, &folder.patients, &Actor::system()).await?;
    let study = store.load_study(folder.study.id.as_str()).await?;
    let patients = store.load_patients(folder.study.id.as_str()).await?;
    let html = write_study_report(&store, folder.study.id.as_str(), &out.join("report")).await?;
    println!("{}", summarize(&study, &patients));
    println!("Report: {}", html.display());
    println!("Registry: {}", database_file.display());
    println!("Study files: {}", study_dir.display());
    let Some(listen) = serve_on else {
        store.close().await;
        println!("Next: casebook validate --study {} --database {}", study.id, url);
        return Ok(Outcome::Success);
    };
    let accounts = add_demo_accounts(&store, &study).await?;
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    println!("\nDemo accounts (passwords are new for this demo; the data is constructed, not real patients):");
    for (username, role, password) in &accounts {
        println!("  {username:<16} {role:<14} {}", password.reveal());
    }
    println!("\nOpen http://{address}/ and log in (stop with Ctrl-C)");
    casebook_web::serve(store, listener).await.context("serving")?;
    Ok(Outcome::Success)
}

async fn audit_verify(database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    let verification = store.verify_audit().await?;
    store.close().await;
    match &verification.problem {
        None => {
            match &verification.last_hash {
                Some(hash) => println!("{} events, chain intact; last hash {hash}", verification.events),
                None => println!("0 events, chain intact"),
            }
            Ok(Outcome::Success)
        }
        Some(problem) => {
            println!("Audit trail broken: {problem}; the {} events before it are intact", verification.events);
            Ok(Outcome::ValidationErrors)
        }
    }
}

async fn audit_log(record: Option<String>, limit: Option<u64>, json: bool, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let mut filter = match record {
        Some(record) => AuditFilter::record(record),
        None => AuditFilter::all(),
    };
    if let Some(limit) = limit {
        filter = filter.latest(limit);
    }
    let store = open(database).await?;
    let events = store.audit_events(&filter).await?;
    store.close().await;
    if json {
        for event in &events {
            println!("{}", event.json_line());
        }
        return Ok(Outcome::Success);
    }
    if events.is_empty() {
        println!("No audit events");
        return Ok(Outcome::Success);
    }
    print!("{}", audit_table(&events));
    Ok(Outcome::Success)
}

/// Events as a table with one line each; long values are cut short with `…`.
fn audit_table(events: &[AuditEvent]) -> String {
    const HEADER: [&str; 8] = ["SEQ", "AT", "ACTOR", "ACTION", "RECORD", "FIELD", "CHANGE", "REASON"];
    const MAX_WIDTH: [usize; 8] = [10, 30, 24, 14, 32, 40, 60, 40];
    let value = |value: &Option<String>| value.as_deref().unwrap_or("-").to_string();
    let rows: Vec<[String; 8]> = events
        .iter()
        .map(|event| {
            [
                event.seq.to_string(),
                event.at.clone(),
                event.actor.clone(),
                event.action.to_string(),
                event.record.clone(),
                event.field.clone().unwrap_or_else(|| "-".into()),
                format!("{} -> {}", value(&event.old_value), value(&event.new_value)),
                event.reason.clone().unwrap_or_default(),
            ]
            .map(|cell| cell.replace(['\n', '\r', '\t'], " "))
        })
        .collect();
    let mut widths = HEADER.map(|title| title.chars().count());
    for row in &rows {
        for (column, cell) in row.iter().enumerate() {
            widths[column] = widths[column].max(cell.chars().count().min(MAX_WIDTH[column]));
        }
    }
    let mut table = String::new();
    let header = HEADER.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().enumerate().map(|(column, cell)| pad(&shorten(cell, widths[column]), widths[column])).collect();
        table.push_str(cells.join("  ").trim_end());
        table.push('\n');
    }
    table
}

/// `text` cut to `width` characters, ending in `…` when it was longer.
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut short: String = text.chars().take(width.saturating_sub(1)).collect();
    short.push('…');
    short
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.chars().count())))
}

async fn user_add(username: &str, role: &str, center: Option<&str>, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let role = Role::parse(role).with_context(|| format!("`{role}` is not a role"))?;
    let center = center.map(|center| Slug::parse("center", center)).transpose()?;
    let new_user = NewUser::new(Username::parse(username)?, role, center)?;
    let password = new_password(username)?;
    let store = open(database).await?;
    let user = store.add_user(&cli_actor(), &new_user, &password).await?;
    store.close().await;
    match &user.center_id {
        Some(center) => println!("Added user {} ({} at center {center})", user.username, user.role),
        None => println!("Added user {} ({})", user.username, user.role),
    }
    Ok(Outcome::Success)
}

async fn user_passwd(username: &str, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    // Asking for a password for a user who does not exist would waste the typing.
    if store.find_user(username).await?.is_none() {
        bail!("there is no user `{username}`");
    }
    let password = new_password(username)?;
    store.set_password(&cli_actor(), username, &password).await?;
    store.close().await;
    println!("Set the password of user {username}");
    Ok(Outcome::Success)
}

async fn user_disable(username: &str, database: &DatabaseArgs) -> anyhow::Result<Outcome> {
    let store = open(database).await?;
    store.disable_user(&cli_actor(), username).await?;
    store.close().await;
    println!("User {username} is disabled");
    Ok(Outcome::Success)
}

/// The new password of `username`: CASEBOOK_PASSWORD when set (for scripts), or typed twice on
/// the terminal without echo.
fn new_password(username: &str) -> anyhow::Result<Password> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(Password::parse(&password)?);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password given: set {PASSWORD_VARIABLE}, or run on a terminal to be asked for one");
    }
    let first = rpassword::prompt_password(format!("New password for {username} (at least 12 characters): "))
        .context("reading the password from the terminal")?;
    let password = Password::parse(&first)?;
    let second = rpassword::prompt_password("Type it again: ").context("reading the password from the terminal")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(password)
}
