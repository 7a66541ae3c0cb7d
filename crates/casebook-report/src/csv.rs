//! Tables and statistics as CSV (RFC 4180: comma separated, fields quoted when needed).

use casebook_formats::csv::line;

use crate::model::{Report, Table};

/// A table as CSV: a `level` column for indentation, then the table's columns.
pub fn table_csv(table: &Table) -> String {
    let mut out = line(std::iter::once("level".to_string()).chain(table.columns.iter().cloned()));
    for row in &table.rows {
        out.push_str(&line(std::iter::once(row.level.to_string()).chain(row.cells.iter().map(|c| c.text.clone()))));
    }
    out
}

/// Every statistic, one per row, with its patients separated by spaces.
pub fn statistics_csv(report: &Report) -> String {
    let header = [
        "id",
        "section",
        "label",
        "kind",
        "numerator",
        "denominator",
        "value",
        "unit",
        "ci95_low",
        "ci95_high",
        "min",
        "max",
        "display",
        "definition",
        "patients",
    ];
    let mut out = line(header.map(String::from));
    let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for s in &report.statistics {
        out.push_str(&line([
            s.id.clone(),
            s.section.clone(),
            s.label.clone(),
            format!("{:?}", s.kind).to_lowercase(),
            s.numerator.to_string(),
            s.denominator.to_string(),
            number(s.value),
            s.unit.clone(),
            number(s.ci95.map(|c| c.0)),
            number(s.ci95.map(|c| c.1)),
            number(s.min),
            number(s.max),
            s.display.clone(),
            s.definition.clone(),
            patients_field(&s.patients),
        ]));
    }
    out
}

/// Spreadsheets hold at most 32,767 characters in a cell; longer lists point to report.json.
fn patients_field(patients: &[String]) -> String {
    let joined = patients.join(" ");
    if joined.len() <= 32_000 { joined } else { format!("({} patients; all named in report.json)", patients.len()) }
}
