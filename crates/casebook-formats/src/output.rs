//! Putting an export in place whole.
//!
//! An export is written beside its target first (a hidden sibling on the same file system) and
//! then renamed into place, so that a failure halfway leaves the target as it was, and a reader
//! never sees half an export. A folder export never mixes with what the folder held: an earlier
//! export's patient files would otherwise stay beside the new ones, and a patient removed from
//! the registry would come back with the next import of that folder.

use std::fs;
use std::path::{Path, PathBuf};

use crate::FormatError;
use crate::native::folder::{PATIENTS_DIR, STUDY_FILE};

/// What a folder export writes, so that `--replace` only ever replaces a folder holding such an
/// export and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderExport {
    /// `study.toml` and `patients/*.json`.
    StudyFolder,
    /// One `*.json` file per patient.
    Phenopackets,
}

impl FolderExport {
    /// The first of `entries`, the names in `dir`, that this export would not have written (a
    /// name relative to `dir`).
    fn first_foreign_entry(self, dir: &Path, entries: Vec<String>) -> Result<Option<String>, FormatError> {
        let is_json_file = |path: &Path| path.is_file() && path.extension().is_some_and(|ext| ext == "json");
        for name in entries {
            let path = dir.join(&name);
            let expected = match self {
                FolderExport::Phenopackets => is_json_file(&path),
                FolderExport::StudyFolder if name == STUDY_FILE => path.is_file(),
                FolderExport::StudyFolder if name == PATIENTS_DIR && path.is_dir() => {
                    match sorted_entries(&path)?.into_iter().find(|patient| !is_json_file(&path.join(patient))) {
                        Some(other) => return Ok(Some(format!("{PATIENTS_DIR}/{other}"))),
                        None => true,
                    }
                }
                FolderExport::StudyFolder => false,
            };
            if !expected {
                return Ok(Some(name));
            }
        }
        Ok(None)
    }
}

/// Writes a folder export to `target` through `write`, which is given a fresh empty folder to
/// fill. When `target` is a folder that already holds something, it is refused, unless `replace`
/// is set and it holds only an earlier export of the same kind, which the new one then replaces.
/// On any error `target` is left as it was.
pub fn write_folder(
    target: &Path,
    kind: FolderExport,
    replace: bool,
    write: impl FnOnce(&Path) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let held = match fs::symlink_metadata(target) {
        Ok(metadata) if metadata.is_dir() => sorted_entries(target)?,
        Ok(metadata) if metadata.is_symlink() => return Err(refused(target, "it is a symbolic link; give the folder itself".into())),
        Ok(_) => return Err(refused(target, "it is a file, not a folder".into())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(FormatError::Io { path: target.to_path_buf(), source }),
    };
    if !held.is_empty() && !replace {
        let reason = format!(
            "the folder already holds {} ({}), and an export would mix with it: a patient no longer in the registry \
             would stay there. Export into a new folder, or add --replace to replace an earlier export in it",
            if held.len() == 1 { "1 entry".to_string() } else { format!("{} entries", held.len()) },
            first_names(&held)
        );
        return Err(refused(target, reason));
    }
    if !held.is_empty()
        && let Some(foreign) = kind.first_foreign_entry(target, held)?
    {
        let reason =
            format!("--replace only replaces an earlier export, and the folder also holds `{foreign}`, which an export does not write");
        return Err(refused(target, reason));
    }

    let io = |path: &Path, source| FormatError::Io { path: path.to_path_buf(), source };
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(|source| io(&parent, source))?;
    let staged = sibling(target, "export");
    fs::create_dir(&staged).map_err(|source| io(&staged, source))?;
    // From here on the staged folder goes, whatever happens.
    let placed = write(&staged).and_then(|()| {
        if !target.exists() {
            return fs::rename(&staged, target).map_err(|source| io(target, source));
        }
        // An empty folder or an earlier export: moved aside, and back if the new one cannot take
        // its place.
        let replaced = sibling(target, "replaced");
        fs::rename(target, &replaced).map_err(|source| io(target, source))?;
        if let Err(source) = fs::rename(&staged, target) {
            let _ = fs::rename(&replaced, target);
            return Err(io(target, source));
        }
        fs::remove_dir_all(&replaced).map_err(|source| io(&replaced, source))
    });
    if placed.is_err() {
        let _ = fs::remove_dir_all(&staged);
    }
    placed
}

/// Writes a file export to `target` through `write`, which is given the path of a file to create
/// (with `target`'s extension), and then replaces `target` with it in one step. A folder at
/// `target` is refused, naming `example`, a file name that would do.
pub fn write_file(target: &Path, example: &str, write: impl FnOnce(&Path) -> Result<(), FormatError>) -> Result<(), FormatError> {
    if target.is_dir() {
        let example = target.join(example);
        return Err(refused(target, format!("it is a folder; give the file to write, such as {}", example.display())));
    }
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(|source| FormatError::Io { path: parent.clone(), source })?;
    let staged = sibling(target, "export");
    let placed =
        write(&staged).and_then(|()| fs::rename(&staged, target).map_err(|source| FormatError::Io { path: target.to_path_buf(), source }));
    if placed.is_err() {
        let _ = fs::remove_file(&staged);
    }
    placed
}

fn refused(path: &Path, reason: String) -> FormatError {
    FormatError::OutputRefused { path: path.to_path_buf(), reason }
}

/// The folder `target` goes into: its parent, or the working folder for a bare name.
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A hidden sibling of `target` for this process, ending like `target` (a zip stays a `.zip`).
fn sibling(target: &Path, purpose: &str) -> PathBuf {
    let name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
    parent_of(target).join(format!(".casebook-{purpose}-{}-{name}", std::process::id()))
}

fn sorted_entries(dir: &Path) -> Result<Vec<String>, FormatError> {
    let io = |source| FormatError::Io { path: dir.to_path_buf(), source };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        names.push(entry.map_err(io)?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// `a, b, c` or `a, b, c and 4 more`.
fn first_names(names: &[String]) -> String {
    const SHOWN: usize = 3;
    let shown = names.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
    match names.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{shown} and {more} more"),
        _ => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_two(dir: &Path) -> Result<(), FormatError> {
        fs::write(dir.join("A.json"), "{}\n").unwrap();
        fs::write(dir.join("B.json"), "{}\n").unwrap();
        Ok(())
    }

    fn names(dir: &Path) -> Vec<String> {
        sorted_entries(dir).unwrap()
    }

    /// A folder `name` under `parent` holding `files` (relative paths) with their texts.
    fn folder_with(parent: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let folder = parent.join(name);
        fs::create_dir(&folder).unwrap();
        for (file, text) in files {
            let path = folder.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        folder
    }

    #[test]
    fn a_new_folder_receives_the_export_and_nothing_is_left_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nested/out");
        write_folder(&target, FolderExport::Phenopackets, false, write_two).unwrap();
        assert_eq!(names(&target), ["A.json", "B.json"]);
        assert_eq!(names(&dir.path().join("nested")), ["out"]);
    }

    #[test]
    fn an_empty_folder_receives_the_export() {
        let dir = tempfile::tempdir().unwrap();
        let target = folder_with(dir.path(), "out", &[]);
        write_folder(&target, FolderExport::Phenopackets, false, write_two).unwrap();
        assert_eq!(names(&target), ["A.json", "B.json"]);
    }

    #[test]
    fn a_folder_holding_files_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let target = folder_with(dir.path(), "out", &[("STALE.json", "{}\n")]);
        let error = write_folder(&target, FolderExport::Phenopackets, false, write_two).unwrap_err().to_string();
        assert!(error.contains("already holds 1 entry (STALE.json)"), "{error}");
        assert!(error.contains("--replace"), "{error}");
        assert_eq!(names(&target), ["STALE.json"]);
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn replace_swaps_an_earlier_export_for_the_new_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = folder_with(dir.path(), "out", &[("STALE.json", "{}\n"), ("A.json", "old\n")]);
        write_folder(&target, FolderExport::Phenopackets, true, write_two).unwrap();
        assert_eq!(names(&target), ["A.json", "B.json"]);
        assert_eq!(fs::read_to_string(target.join("A.json")).unwrap(), "{}\n");
        assert_eq!(names(dir.path()), ["out"]);
    }

    #[test]
    fn replace_refuses_a_folder_holding_what_no_export_writes() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(FolderExport, &[&str], &str); 4] = [
            (FolderExport::Phenopackets, &["A.json", "notes.txt"], "notes.txt"),
            (FolderExport::Phenopackets, &["A.json", "sub/B.json"], "sub"),
            (FolderExport::StudyFolder, &["study.toml", "patients/P1.json", "patients/scan.pdf"], "patients/scan.pdf"),
            (FolderExport::StudyFolder, &["study.toml", "patients/P1.json", "README.md"], "README.md"),
        ];
        for (index, (kind, files, foreign)) in cases.into_iter().enumerate() {
            let files: Vec<(&str, &str)> = files.iter().map(|&file| (file, "x")).collect();
            let target = folder_with(dir.path(), &format!("out{index}"), &files);
            let before = names(&target);
            let error = write_folder(&target, kind, true, write_two).unwrap_err().to_string();
            assert!(error.contains(&format!("`{foreign}`")), "{kind:?} {files:?}: {error}");
            assert_eq!(names(&target), before);
        }
        assert_eq!(names(dir.path()), ["out0", "out1", "out2", "out3"]);
    }

    #[test]
    fn replace_accepts_an_earlier_study_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = folder_with(dir.path(), "out", &[("study.toml", "x"), ("patients/OLD.json", "x")]);
        let write = |dir: &Path| {
            fs::create_dir(dir.join("patients")).unwrap();
            fs::write(dir.join("study.toml"), "new").unwrap();
            Ok(())
        };
        write_folder(&target, FolderExport::StudyFolder, true, write).unwrap();
        assert_eq!(names(&target), ["patients", "study.toml"]);
        assert!(names(&target.join("patients")).is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_staging_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = folder_with(dir.path(), "out", &[("A.json", "old\n")]);
        let failing = |staged: &Path| {
            fs::write(staged.join("A.json"), "half").unwrap();
            Err(FormatError::Io { path: staged.join("B.json"), source: std::io::Error::other("disk full") })
        };
        assert!(write_folder(&target, FolderExport::Phenopackets, true, failing).unwrap_err().to_string().contains("disk full"));
        assert_eq!(fs::read_to_string(target.join("A.json")).unwrap(), "old\n");
        assert_eq!(names(dir.path()), ["out"]);

        let file = dir.path().join("bundle.json");
        fs::write(&file, "old").unwrap();
        let failing = |staged: &Path| {
            fs::write(staged, "half").unwrap();
            Err(FormatError::Io { path: staged.to_path_buf(), source: std::io::Error::other("disk full") })
        };
        assert!(write_file(&file, "bundle.json", failing).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(names(dir.path()), ["bundle.json", "out"]);
    }

    #[test]
    fn a_file_export_replaces_the_file_and_refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("was.zip");
        fs::write(&file, "old").unwrap();
        write_file(&file, "was.zip", |staged| {
            assert!(staged.to_string_lossy().ends_with(".zip"), "{}", staged.display());
            fs::write(staged, "new").map_err(|source| FormatError::Io { path: staged.to_path_buf(), source })
        })
        .unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(names(dir.path()), ["was.zip"]);

        let error = write_file(dir.path(), "was-bundle.json", |_| unreachable!("a folder is refused first")).unwrap_err().to_string();
        assert!(error.contains("it is a folder; give the file to write, such as"), "{error}");
        assert!(error.contains("was-bundle.json"), "{error}");
    }
}
