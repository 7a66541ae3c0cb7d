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

    /// Where in the file: a value of a JSON file by its JSON path (`$.courses[0].start`), a line
    /// or a TOML key as it is; empty for the file as a whole.
    pub fn place(&self) -> String {
        let path = &self.diagnostic.path;
        let is_json_value = !path.starts_with("line ") && self.file.extension().is_some_and(|ext| ext == "json");
        match (path.is_empty(), is_json_value) {
            (true, _) => String::new(),
            (false, true) => format!("$.{path}"),
            (false, false) => path.clone(),
        }
    }
}

impl fmt::Display for Finding {
    /// `patients/P1.json: error at $.courses[0].start: ... [rule]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        let place = self.place();
        let at = if place.is_empty() { "" } else { " at " };
        write!(f, "{}: {}{at}{place}: {} [{}", self.file.display(), d.level, d.message, d.rule)?;
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
