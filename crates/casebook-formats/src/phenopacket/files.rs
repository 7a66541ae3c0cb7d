//! Phenopacket files: reading a file, a folder or a zip of them into a study, and writing a
//! study's patients as one phenopacket per patient into a folder or a zip.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use casebook_domain::check::{Diagnostic, Level, check_patient};
use casebook_domain::patient::{Patient, Slug};
use casebook_domain::study::Study;
use casebook_hpo::Hpo;
use casebook_phenopackets::{Document, Member, Message, Phenopacket, PhenopacketsError, validate_document};

use crate::error::{Finding, FormatError};
use crate::native::record::EncodedRecord;
use crate::phenopacket::export::patient_to_phenopacket;
use crate::phenopacket::import::{PHENOPACKET_FORMAT, map_phenopacket, record_fingerprint};

/// What reading phenopackets found, besides the patients.
#[derive(Debug, Clone)]
pub struct PhenopacketImport {
    /// Patients read (each one given to the caller).
    pub patients: usize,
    /// Files read.
    pub files: usize,
    /// Warnings and notes (a run with errors is refused as a whole).
    pub findings: Vec<Finding>,
    /// What the records could not hold, counted over the files.
    pub kept_verbatim: KeptVerbatim,
}

/// The parts of the documents that no record field holds: they stay in each record's kept
/// document and return on export. Counted by place, list positions left out
/// (`$.phenotypicFeatures[].onset`), as a summary of a run of thousands of files needs; each
/// file's own paths come with [`crate::phenopacket::import::map_phenopacket`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptVerbatim {
    /// Records that keep something verbatim.
    pub records: usize,
    /// How many times each place was kept, by place.
    pub places: BTreeMap<String, usize>,
}

impl KeptVerbatim {
    /// Whether every record holds its whole document.
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// Counts one record's kept places (see [`place_of`]).
    fn add(&mut self, places: Vec<String>) {
        if places.is_empty() {
            return;
        }
        self.records += 1;
        for place in places {
            *self.places.entry(place).or_default() += 1;
        }
    }
}

/// `$.phenotypicFeatures[3].onset` → `$.phenotypicFeatures[].onset`: done on the reading
/// threads, so that the thread that puts the files together only counts.
fn place_of(path: &str) -> String {
    let mut place = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => in_index = true,
            ']' => in_index = false,
            _ if in_index => continue,
            _ => {}
        }
        place.push(c);
    }
    place
}

/// Reads the listed phenopackets (one file, every `.json` file under a folder, or every `.json`
/// entry of a zip) as patients of `center` in `study`, giving each patient, serialized as the
/// registry stores it, to `deliver` as soon as it and every file before it are read, in file
/// order, so that a caller can store patients while later files are still being read. All or
/// nothing: any file with an error refuses the run, and the error lists every problem of every
/// file; once a file has an error no more patients are delivered, but every file is still read.
/// When `deliver` answers `false` (its receiver gave up), reading stops.
///
/// Files are read, parsed, checked and mapped on every core; duplicates and findings come out as
/// a one-by-one reading gives them.
///
/// `hpo` gives the release the files are checked against. It is first called on a reading
/// thread once a file has been parsed, so that the release can still be loading (the first
/// [`Hpo::embedded`]) while the first files are parsed.
pub fn stream_phenopackets<'h>(
    inputs: &PhenopacketInputs,
    study: &Study,
    center: &Slug,
    hpo: &(dyn Fn() -> &'h Hpo + Sync),
    progress: &mut dyn FnMut(usize, usize),
    deliver: &mut dyn FnMut(EncodedRecord) -> bool,
) -> Result<PhenopacketImport, FormatError> {
    if study.center(center).is_none() {
        return Err(FormatError::NotAStudyFolder {
            path: inputs.path.clone(),
            reason: format!("center `{center}` is not one of the study's centers"),
        });
    }
    let inputs = &inputs.inputs;
    let mut import = PhenopacketImport { patients: 0, files: inputs.len(), findings: Vec::new(), kept_verbatim: KeptVerbatim::default() };
    let mut seen = HashSet::new();
    let mut unreadable = None;
    let mut refused = false;
    on_every_core(
        inputs.len(),
        progress,
        |index| read_phenopacket(inputs, index, study, center, hpo),
        |index, file| {
            let name = inputs.name(index);
            let file = match file {
                Ok(file) => file,
                Err(error) => {
                    unreadable = Some(error);
                    return false;
                }
            };
            let first_new = import.findings.len();
            import.findings.extend(file.findings);
            let mut records = Vec::with_capacity(file.mapped.len());
            for mapped in file.mapped {
                match mapped {
                    Ok(mapped) => {
                        let pseudonym = &mapped.record.patient().pseudonym;
                        if !seen.insert(pseudonym.clone()) {
                            let message = format!("patient {pseudonym} is in more than one phenopacket");
                            let id = format!("{}id", mapped.place);
                            import.findings.push(finding(name, Level::Error, &id, "duplicate-pseudonym", message));
                        }
                        import.findings.extend(mapped.diagnostics.into_iter().map(|diagnostic| Finding::new(name, diagnostic)));
                        import.kept_verbatim.add(mapped.kept_places);
                        import.patients += 1;
                        records.push(mapped.record);
                    }
                    Err(problems) => import.findings.extend(problems.into_iter().map(|d| Finding::new(name, d))),
                }
            }
            refused = refused || import.findings[first_new..].iter().any(Finding::is_error);
            refused || records.into_iter().all(&mut *deliver)
        },
    );
    if let Some(error) = unreadable {
        return Err(error);
    }
    if import.findings.iter().any(Finding::is_error) {
        return Err(FormatError::Invalid { findings: import.findings });
    }
    Ok(import)
}

/// The rule of the warning that a Family's or Cohort's own fields (its id, pedigree,
/// description...) are not kept: only its phenopackets become records.
pub const CONTAINER_NOT_KEPT: &str = "container-not-kept";

/// What reading one file gave, before the files are put together.
struct PhenopacketFile {
    /// Schema errors, or the warnings of the phenopacket-tools rules and of the mapping.
    findings: Vec<Finding>,
    /// Each phenopacket of the file mapped to a patient, or why it could not be; none when the
    /// file did not parse.
    mapped: Vec<Result<MappedFile, Vec<Diagnostic>>>,
}

/// A mapped patient with the diagnostics of Casebook's rules and of the mapping.
struct MappedFile {
    /// Where its phenopacket is in the file, as a prefix of paths: empty, `members[2].`...
    place: String,
    record: EncodedRecord,
    diagnostics: Vec<Diagnostic>,
    kept_places: Vec<String>,
}

/// Reads, parses, checks and maps input `index`: everything about one file that does not depend
/// on the others. A Family's proband and relatives, or a Cohort's members, are each a patient.
fn read_phenopacket<'h>(
    inputs: &Inputs,
    index: usize,
    study: &Study,
    center: &Slug,
    hpo: &(dyn Fn() -> &'h Hpo + Sync),
) -> Result<PhenopacketFile, FormatError> {
    let name = inputs.name(index);
    let document = match inputs.with_text(index, Document::from_json)? {
        Ok(document) => document,
        Err(error) => return Ok(PhenopacketFile { findings: unparsed(name, error), mapped: Vec::new() }),
    };
    // The schema's further rules (labels, prefixes, obsolete terms) are reported, not enforced:
    // published phenopackets predate the HPO release Casebook ships.
    let mut findings: Vec<Finding> = validate_document(&document, hpo())
        .into_iter()
        .map(|issue| finding(name, Level::Warning, &issue.path, issue.rule.id(), issue.message))
        .collect();
    let members = document.members();
    if let Some(message) = container_not_kept(&document, &members) {
        findings.push(finding(name, Level::Warning, "", CONTAINER_NOT_KEPT, message));
    }
    let mapped = members
        .iter()
        .map(|member| {
            // A member's own diagnostics name their place in the file.
            let place = member.path.strip_prefix("$.").map(|path| format!("{path}.")).unwrap_or_default();
            let in_file = |mut diagnostic: Diagnostic| {
                diagnostic.path.insert_str(0, &place);
                diagnostic
            };
            let mut mapped = map_phenopacket(&member.standalone(), study, center)
                .map_err(|problems| problems.into_iter().map(in_file).collect::<Vec<_>>())?;
            let warnings = std::mem::take(&mut mapped.warnings);
            let checked = check_patient(mapped.record.patient(), study).into_iter().map(|diagnostic| mapped.finding_in_file(diagnostic));
            let diagnostics = checked.chain(warnings).map(in_file).collect();
            Ok(MappedFile {
                place,
                record: mapped.record,
                diagnostics,
                kept_places: mapped.kept_verbatim.iter().map(|path| place_of(path)).collect(),
            })
        })
        .collect();
    Ok(PhenopacketFile { findings, mapped })
}

/// What of a Family or Cohort no record keeps, for people; `None` when nothing is lost.
fn container_not_kept(document: &Document, members: &[Member<'_>]) -> Option<String> {
    let kind = document.kind().name();
    let fields = document.container_fields();
    // The container's metaData goes with each phenopacket that has none ([`Member::standalone`]).
    let without_meta_data = members.iter().filter(|member| member.phenopacket.meta_data.is_none()).count();
    let not_kept: Vec<String> =
        fields.iter().filter(|&&field| field != "metaData" || without_meta_data == 0).map(|field| format!("`{field}`")).collect();
    if not_kept.is_empty() {
        return None;
    }
    let verb = if not_kept.len() == 1 { "is" } else { "are" };
    let mut message = format!(
        "a {kind} of {} phenopacket(s), each imported as a patient with its own document; the {kind}'s own {} {verb} not kept, as a Casebook record holds one individual",
        members.len(),
        not_kept.join(", ")
    );
    if fields.contains(&"metaData") && without_meta_data > 0 {
        message.push_str(&format!("; its `metaData` is kept with the {without_meta_data} phenopacket(s) that had none of their own"));
    }
    Some(message)
}

/// A finding of a file at a JSON path (`$.` left out, as Casebook's findings write paths).
fn finding(name: &Path, level: Level, path: &str, rule: &str, message: String) -> Finding {
    Finding::new(name, Diagnostic { level, path: path.trim_start_matches("$.").to_string(), rule: rule.into(), message, source: None })
}

/// The errors of a file that is not a schema-valid document: each with its path, or the JSON
/// syntax error.
fn unparsed(name: &Path, error: PhenopacketsError) -> Vec<Finding> {
    match error {
        PhenopacketsError::Invalid { errors } => {
            errors.iter().map(|e| finding(name, Level::Error, &e.path, "invalid-phenopacket", e.reason.to_string())).collect()
        }
        other => vec![finding(name, Level::Error, "", "invalid-json", other.to_string())],
    }
}

/// How many inputs a thread takes at a time: few enough to share the work evenly, enough that
/// handing the results over costs little. Each take wakes the thread that puts the files
/// together; 32 rather than 8 cut an import's context switches by a third.
const INPUTS_PER_TAKE: usize = 32;

/// How many finished takes may wait for the caller before the threads pause: the bound on
/// memory when the caller is slower than the reading (storing, say).
const TAKES_IN_FLIGHT: usize = 8;

/// Runs `work` on `0..count` on every core and gives each result to `deliver`, on this thread, in
/// index order, as soon as it and those before it are done. `progress` is called from this thread
/// only, with the number delivered so far and `count`. When `deliver` answers `false` no more
/// work is started.
fn on_every_core<T: Send>(
    count: usize,
    progress: &mut dyn FnMut(usize, usize),
    work: impl Fn(usize) -> T + Sync,
    mut deliver: impl FnMut(usize, T) -> bool,
) {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(count.div_ceil(INPUTS_PER_TAKE)).max(1);
    // Results go to this thread a take at a time: one send per result made the threads wait on
    // each other's wake-ups.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<(usize, T)>>(TAKES_IN_FLIGHT);
    progress(0, count);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            // Each thread takes the next few inputs until none are left or the caller has gone.
            scope.spawn(move || {
                loop {
                    let start = next.fetch_add(INPUTS_PER_TAKE, Ordering::Relaxed);
                    if start >= count {
                        return;
                    }
                    let take = (start..count.min(start + INPUTS_PER_TAKE)).map(|index| (index, work(index))).collect();
                    if sender.send(take).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        // Results arrive in any order; the early ones wait here for those before them.
        let mut waiting = std::collections::BTreeMap::new();
        let mut delivered = 0;
        'results: for take in receiver.iter() {
            waiting.extend(take);
            while let Some(result) = waiting.remove(&delivered) {
                if !deliver(delivered, result) {
                    break 'results;
                }
                delivered += 1;
            }
            progress(delivered, count);
        }
        // Dropping the receiver makes the threads' next send fail, so they stop.
        drop(receiver);
    });
}

/// The phenopackets a path holds, listed ([`PhenopacketInputs::list`]) before they are read by
/// [`stream_phenopackets`], so that a caller can list them while it does something else (an
/// import opens the registry meanwhile).
pub struct PhenopacketInputs {
    path: PathBuf,
    inputs: Inputs,
}

impl PhenopacketInputs {
    /// The file, the `.json` files under a folder (sorted by path), or the `.json` entries of a
    /// zip (read up front, in one pass). Files are read later, as they are worked on.
    pub fn list(path: &Path) -> Result<PhenopacketInputs, FormatError> {
        Ok(PhenopacketInputs { path: path.to_path_buf(), inputs: Inputs::of(path)? })
    }
}

/// The inputs of a run: the file, the `.json` files under a folder (sorted), or the `.json`
/// entries of a zip (named `archive.zip/entry.json`). Files are read when they are worked on, so
/// that a folder is never in memory all at once; a zip's entries are read up front, in one pass.
enum Inputs {
    Files(Vec<PathBuf>),
    Texts(Vec<(PathBuf, String)>),
}

impl Inputs {
    fn of(path: &Path) -> Result<Inputs, FormatError> {
        let io = |source| FormatError::Io { path: path.to_path_buf(), source };
        // Up front, so that a mistyped path is the first thing said, not an error when it is read.
        if std::fs::metadata(path).map_err(io)?.is_dir() {
            let mut files = Vec::new();
            json_files_under(path, &mut files).map_err(io)?;
            return Ok(Inputs::Files(files));
        }
        if path.extension().is_some_and(|ext| ext == "zip") {
            let file = std::fs::File::open(path).map_err(io)?;
            let mut archive =
                zip::ZipArchive::new(file).map_err(|e| FormatError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
            let mut inputs = Vec::new();
            for index in 0..archive.len() {
                let entry =
                    archive.by_index(index).map_err(|e| FormatError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
                let name = entry.name().map(|name| name.to_string()).unwrap_or_default();
                if entry.is_file() && name.ends_with(".json") {
                    let entry_path = path.join(name);
                    let text = zip_entry_text(entry).map_err(|source| FormatError::Io { path: entry_path.clone(), source })?;
                    inputs.push((entry_path, text));
                }
            }
            inputs.sort_by(|a, b| a.0.cmp(&b.0));
            return Ok(Inputs::Texts(inputs));
        }
        Ok(Inputs::Files(vec![path.to_path_buf()]))
    }

    fn len(&self) -> usize {
        match self {
            Inputs::Files(files) => files.len(),
            Inputs::Texts(texts) => texts.len(),
        }
    }

    fn name(&self, index: usize) -> &Path {
        match self {
            Inputs::Files(files) => &files[index],
            Inputs::Texts(texts) => &texts[index].0,
        }
    }

    /// Runs `f` on the text of input `index`. A file is read into a buffer its thread keeps from
    /// file to file, through `Take`, whose `read_to_end` asks the file for no size: an allocation
    /// and a `statx` less for every file (`std::fs::read_to_string` makes both).
    fn with_text<R>(&self, index: usize, f: impl FnOnce(&str) -> R) -> Result<R, FormatError> {
        thread_local! {
            static FILE_TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let path = match self {
            Inputs::Files(files) => &files[index],
            Inputs::Texts(texts) => return Ok(f(&texts[index].1)),
        };
        let io = |source| FormatError::Io { path: path.clone(), source };
        FILE_TEXT.with_borrow_mut(|buffer| {
            buffer.clear();
            std::fs::File::open(path).and_then(|file| file.take(u64::MAX).read_to_end(buffer)).map_err(io)?;
            let text = std::str::from_utf8(buffer).map_err(|error| io(not_utf8(buffer, error)))?;
            Ok(f(text))
        })
    }
}

/// The most a zip entry may hold once uncompressed: a thousand times the largest file of the
/// phenopacket-store, room for a Cohort of thousands. A zip says how large its entries are, but a
/// crafted one may unpack gigabytes from a few kilobytes, and the entries of a zip are held in
/// memory: past this, the reading stops.
pub const LARGEST_ZIP_ENTRY_BYTES: u64 = 64 << 20;

/// The text of a zip entry, read to at most [`LARGEST_ZIP_ENTRY_BYTES`].
fn zip_entry_text(entry: impl Read) -> Result<String, std::io::Error> {
    let mut bytes = Vec::new();
    entry.take(LARGEST_ZIP_ENTRY_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > LARGEST_ZIP_ENTRY_BYTES {
        let message = format!(
            "it unpacks to more than {} MiB, far more than any phenopacket; it was not read (a damaged or crafted zip?)",
            LARGEST_ZIP_ENTRY_BYTES >> 20
        );
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
    }
    String::from_utf8(bytes).map_err(|error| not_utf8(error.as_bytes(), error.utf8_error()))
}

/// Why a file's bytes are not text, for people: where the first wrong byte is (its line) and
/// what it is, since files saved by other programs as Latin-1 or Windows-1252 are the usual case.
fn not_utf8(bytes: &[u8], error: std::str::Utf8Error) -> std::io::Error {
    let at = error.valid_up_to();
    let line = 1 + bytes[..at].iter().filter(|&&byte| byte == b'\n').count();
    let message = format!(
        "it is not UTF-8 text: line {line} has the byte {:#04X}, which UTF-8 does not allow there (was it saved as Latin-1 or Windows-1252?)",
        bytes[at]
    );
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

/// Appends the `.json` files under `dir` in the order of their paths: each folder's entries
/// sorted by name, a subfolder's files where its name falls. That is the order sorting the whole
/// paths gives, without comparing them component by component, which for 100,000 files took
/// 70 ms on one core before the first file was read.
fn json_files_under(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    // Each name taken once: `Path::file_name` in the comparison parsed the path every time.
    let mut entries = std::fs::read_dir(dir)?.map(|entry| entry.map(|entry| (entry.file_name(), entry))).collect::<Result<Vec<_>, _>>()?;
    entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    for (_, entry) in entries {
        let entry_path = entry.path();
        // The entry's own type, known from the listing; a link is followed, as by `is_dir`.
        let file_type = entry.file_type()?;
        let is_dir = if file_type.is_symlink() { entry_path.is_dir() } else { file_type.is_dir() };
        if is_dir {
            json_files_under(&entry_path, files)?;
        } else if entry_path.extension().is_some_and(|ext| ext == "json") {
            files.push(entry_path);
        }
    }
    Ok(())
}

/// The phenopacket of one patient: the document it was imported from while the record is
/// unchanged, otherwise the record written as a phenopacket.
pub fn phenopacket_text(study: &Study, patient: &Patient, created: &str, hpo_release: &str) -> String {
    if let Some(source) = &patient.source_document
        && source.format == PHENOPACKET_FORMAT
        && source.record_fingerprint == record_fingerprint(patient)
        && let Ok(original) = Phenopacket::from_json(&source.content)
    {
        return original.to_json();
    }
    let value = patient_to_phenopacket(study, patient, created, hpo_release);
    Phenopacket::from_json_value(&value).expect("Casebook writes phenopackets that follow the schema").to_json()
}

/// Writes one phenopacket per patient, `<pseudonym>.json`, into a folder, or into a zip when
/// `target` ends in `.zip`. Returns the number of files.
pub fn write_phenopackets(
    target: &Path,
    study: &Study,
    patients: &[Patient],
    created: &str,
    hpo_release: &str,
) -> Result<usize, FormatError> {
    let io = |source| FormatError::Io { path: target.to_path_buf(), source };
    if target.extension().is_some_and(|ext| ext == "zip") {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = std::fs::File::create(target).map_err(io)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for patient in patients {
            zip.start_file(format!("{}.json", patient.pseudonym), options).map_err(|e| io(std::io::Error::other(e)))?;
            let mut text = phenopacket_text(study, patient, created, hpo_release);
            text.push('\n');
            zip.write_all(text.as_bytes()).map_err(io)?;
        }
        zip.finish().map_err(|e| io(std::io::Error::other(e)))?;
    } else {
        std::fs::create_dir_all(target).map_err(io)?;
        for patient in patients {
            let mut text = phenopacket_text(study, patient, created, hpo_release);
            text.push('\n');
            let path = target.join(format!("{}.json", patient.pseudonym));
            std::fs::write(&path, text).map_err(|source| FormatError::Io { path, source })?;
        }
    }
    Ok(patients.len())
}

/// What checking phenopackets found.
#[derive(Debug, Clone)]
pub struct PhenopacketCheck {
    /// Files read.
    pub files: usize,
    /// Schema errors and phenopacket-tools rule violations, by file.
    pub findings: Vec<Finding>,
}

/// Checks every phenopacket of a file, folder or zip: the schema's JSON mapping, then the
/// phenopacket-tools rules against the vendored HPO (errors and warnings as the rules define).
/// Files are checked on every core; findings come out in file order. `progress` is called with
/// the number of files checked so far and their total.
pub fn validate_phenopackets(path: &Path, hpo: &Hpo, progress: &mut dyn FnMut(usize, usize)) -> Result<PhenopacketCheck, FormatError> {
    let inputs = Inputs::of(path)?;
    let mut findings = Vec::new();
    let mut unreadable = None;
    on_every_core(
        inputs.len(),
        progress,
        |index| check_phenopacket_file(&inputs, index, hpo),
        |_, checked| match checked {
            Ok(file_findings) => {
                findings.extend(file_findings);
                true
            }
            Err(error) => {
                unreadable = Some(error);
                false
            }
        },
    );
    match unreadable {
        Some(error) => Err(error),
        None => Ok(PhenopacketCheck { files: inputs.len(), findings }),
    }
}

/// The findings of input `index`: its schema errors, or the rules' errors and warnings for each
/// phenopacket it holds, at their paths in the file.
fn check_phenopacket_file(inputs: &Inputs, index: usize, hpo: &Hpo) -> Result<Vec<Finding>, FormatError> {
    let name = inputs.name(index);
    Ok(match inputs.with_text(index, Document::from_json)? {
        Ok(document) => validate_document(&document, hpo)
            .into_iter()
            .map(|issue| {
                let level = match issue.level {
                    casebook_phenopackets::Level::Error => Level::Error,
                    casebook_phenopackets::Level::Warning => Level::Warning,
                };
                finding(name, level, &issue.path, issue.rule.id(), issue.message)
            })
            .collect(),
        Err(error) => unparsed(name, error),
    })
}
