//! CSV as spreadsheets read it (RFC 4180: comma separated, lines ended by CRLF, a field quoted
//! when it holds a comma, a quote or a line end), and the findings of a check as such a file.

use casebook_domain::check::Diagnostic;
use casebook_domain::patient::Patient;

use crate::error::Finding;

/// A field, quoted when it needs to be.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// A line of fields, with its CRLF.
pub fn line<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let mut out = fields.into_iter().map(|f| field(f.as_ref())).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// Every finding, one per row in the order given, under a header: `file`, `place` (as printed:
/// `$.path` in a JSON file, `line 3` or a TOML key elsewhere, empty for the file as a whole),
/// `level`, `rule`, `message` and `source` (the label or paper a clinical rule comes from).
pub fn findings_csv(findings: &[Finding]) -> String {
    let mut out = line(["file", "place", "level", "rule", "message", "source"]);
    for finding in findings {
        out.push_str(&diagnostic_line([finding.file.display().to_string()], finding.place(), &finding.diagnostic));
    }
    out
}

/// The findings of stored records, one per row in the order given, under a header: `patient`
/// (the pseudonym), `center`, `place` (`$.path` in the record), then as [`findings_csv`].
pub fn record_findings_csv<'a>(findings: impl IntoIterator<Item = (&'a Patient, &'a Diagnostic)>) -> String {
    let mut out = line(["patient", "center", "place", "level", "rule", "message", "source"]);
    for (patient, diagnostic) in findings {
        let place = if diagnostic.path.is_empty() { String::new() } else { format!("$.{}", diagnostic.path) };
        out.push_str(&diagnostic_line([patient.pseudonym.as_str(), patient.center.as_str()], place, diagnostic));
    }
    out
}

/// A row: where the finding is (`first`, then its place), then its level, rule, message, source,
/// each as [`text_cell`]: a message quotes what a file holds, and may start with it.
fn diagnostic_line<S: AsRef<str>>(first: impl IntoIterator<Item = S>, place: String, d: &Diagnostic) -> String {
    let rest = [place, d.level.to_string(), d.rule.clone(), d.message.clone(), d.source.clone().unwrap_or_default()];
    line(first.into_iter().map(|field| text_cell(field.as_ref())).chain(rest.iter().map(|field| text_cell(field))))
}

/// A text a spreadsheet must show as text: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, which it would read as a formula (`=HYPERLINK(…)` in a term's id), gets a
/// `'` in front, as OWASP advises for CSV files.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use casebook_domain::check::Level;

    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn each_finding_is_a_row_with_its_place_as_printed() {
        let diagnostic = |level, path: &str, rule: &str, message: &str, source: Option<&str>| Diagnostic {
            level,
            path: path.into(),
            rule: rule.into(),
            message: message.into(),
            source: source.map(Into::into),
        };
        let findings = [
            Finding::new(
                Path::new("cases/P1.json"),
                diagnostic(
                    Level::Warning,
                    "phenotypicFeatures[2].type.label",
                    "hpo-label-mismatch",
                    "the label `Fever, high` differs",
                    None,
                ),
            ),
            Finding::new(Path::new("study.toml"), diagnostic(Level::Error, "line 3", "invalid-toml", "expected \"=\"", None)),
            Finding::new(Path::new("cases/P2.json"), diagnostic(Level::Note, "", "dose", "2 mg/kg/day", Some("Kineret label"))),
            Finding::new(
                Path::new("cases/P3.json"),
                diagnostic(Level::Warning, "phenotypicFeatures[1].type", "duplicate-term", "=HYPERLINK(\"x\") is listed again", None),
            ),
        ];
        assert_eq!(
            findings_csv(&findings),
            "file,place,level,rule,message,source\r\n\
             cases/P1.json,$.phenotypicFeatures[2].type.label,warning,hpo-label-mismatch,\"the label `Fever, high` differs\",\r\n\
             study.toml,line 3,error,invalid-toml,\"expected \"\"=\"\"\",\r\n\
             cases/P2.json,,note,dose,2 mg/kg/day,Kineret label\r\n\
             cases/P3.json,$.phenotypicFeatures[1].type,warning,duplicate-term,\"'=HYPERLINK(\"\"x\"\") is listed again\",\r\n"
        );
    }
}
