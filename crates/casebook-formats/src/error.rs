//! The one error type of the formats crate, and findings that name their file.

use std::fmt;
use std::path::{Path, PathBuf};

use casebook_domain::check::{Diagnostic, Level};

/// A diagnostic in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub file: PathBuf,
    pub diagnostic: Diagnostic,
}

impl Finding {
    pub fn new(file: &Path, diagnostic: Diagnostic) -> Finding {
        Finding { file: file.to_path_buf(), diagnostic }
    }

    pub fn is_error(&self) -> bool {
        self.diagnostic.level == Level::Error
    }
}

impl fmt::Display for Finding {
    /// `patients/P1.json: error at $.courses[0].start: ... [rule]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        // JSON values are named by their JSON path; lines and TOML keys as they are.
        let is_json_value = !d.path.starts_with("line ") && self.file.extension().is_some_and(|ext| ext == "json");
        let place = match (d.path.is_empty(), is_json_value) {
            (true, _) => String::new(),
            (false, true) => format!(" at $.{}", d.path),
            (false, false) => format!(" at {}", d.path),
        };
        write!(f, "{}: {}{}: {} [{}", self.file.display(), d.level, place, d.message, d.rule)?;
        if let Some(source) = &d.source {
            write!(f, "; {source}")?;
        }
        f.write_str("]")
    }
}

/// Why a file or folder could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot read or write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{} is not a study folder: {reason}", path.display())]
    NotAStudyFolder { path: PathBuf, reason: String },
    #[error("{} problem(s) found; nothing was imported", findings.iter().filter(|f| f.is_error()).count())]
    Invalid { findings: Vec<Finding> },
    /// An export's target cannot take it as it is; nothing was written.
    #[error("cannot export to {}: {reason}", path.display())]
    OutputRefused { path: PathBuf, reason: String },
}
