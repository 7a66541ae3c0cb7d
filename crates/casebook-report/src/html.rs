//! The report as one self-contained HTML file: inline CSS and SVG, no external request, readable
//! on screen and clean when printed to PDF.

use std::fmt::Write;

use crate::model::{Report, SentencePart, Table};

/// The most patients named per statistic in the page; report.json names them all.
const PATIENTS_SHOWN: usize = 25;
/// The most rows of the per-patient listing in the page; its CSV has them all.
const LISTING_ROWS_SHOWN: usize = 200;

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
.data-label { background: #fff4d6; border: 1px solid #e0b84a; padding: .4rem .6rem; font-weight: bold; }
.meta, .note, figcaption, footer { color: var(--muted); font-size: .9rem; }
nav ol { columns: 2; font-size: .95rem; }
a { color: var(--accent); }
a.number { font-weight: bold; text-decoration: none; border-bottom: 1px dotted var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: bold; margin-bottom: .3rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
tr.level-0 td:first-child { font-weight: bold; }
tr.level-1 td:first-child { padding-left: 1.5rem; }
tr.level-2 td:first-child { padding-left: 3rem; }
td.value { white-space: nowrap; }
figure { margin: 1rem 0 2rem; }
figure svg { max-width: 100%; height: auto; }
table.statistics td { font-size: .82rem; }
:target { background: #fff4d6; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  a, a.number { color: inherit; border: 0; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn anchor(statistic_id: &str) -> String {
    format!("stat-{}", statistic_id.replace([':', ' '], "_"))
}

fn table_html(out: &mut String, table: &Table, max_rows: usize) {
    let _ = writeln!(out, "<section id=\"{}\"><h2>{}</h2><table>", escape(&table.id), escape(&table.title));
    out.push_str("<thead><tr>");
    for column in &table.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(column));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in table.rows.iter().take(max_rows) {
        let _ = write!(out, "<tr class=\"level-{}\">", row.level);
        for (i, cell) in row.cells.iter().enumerate() {
            let class = if i > 0 && cell.statistic.is_some() { " class=\"value\"" } else { "" };
            match &cell.statistic {
                Some(id) => {
                    let _ = write!(out, "<td{class}><a href=\"#{}\">{}</a></td>", anchor(id), escape(&cell.text));
                }
                None => {
                    let _ = write!(out, "<td{class}>{}</td>", escape(&cell.text));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>");
    if table.rows.len() > max_rows {
        let _ = write!(
            out,
            "<p class=\"note\">The first {max_rows} of {} rows are shown; {}.csv has them all.</p>",
            table.rows.len(),
            escape(&table.id)
        );
    }
    if let Some(note) = &table.note {
        let _ = write!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    out.push_str("</section>\n");
}

fn named_patients(patients: &[String]) -> String {
    if patients.len() <= PATIENTS_SHOWN {
        return patients.join(", ");
    }
    format!("{}, … and {} more (all in report.json)", patients[..PATIENTS_SHOWN].join(", "), patients.len() - PATIENTS_SHOWN)
}

/// Renders the whole report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = escape(&report.study.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = write!(out, "<header><h1>{title}</h1>");
    if let Some(label) = &report.study.data_label {
        let _ = write!(out, "<p class=\"data-label\" role=\"note\">Data: {}</p>", escape(label));
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} patients. Casebook {}; HPO release {}. Data SHA-256 <code>{}</code>; configuration SHA-256 <code>{}</code>.</p></header>",
        report.study.patients,
        escape(&report.freeze.software_version),
        escape(&report.freeze.hpo_release),
        &report.freeze.data_sha256[..16],
        &report.freeze.config_sha256[..16]
    );
    out.push_str("<nav aria-label=\"Contents\"><ol><li><a href=\"#results\">Results</a></li>");
    for table in &report.tables {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", escape(&table.id), escape(&table.title));
    }
    for figure in &report.figures {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", escape(&figure.id), escape(&figure.title));
    }
    out.push_str("<li><a href=\"#statistics\">All statistics</a></li><li><a href=\"#methods\">Methods</a></li></ol></nav>\n");

    out.push_str("<main>\n<section id=\"results\"><h2>Results</h2>");
    let mut section = None;
    for sentence in &report.results_paragraph {
        if section != Some(&sentence.section) {
            if section.is_some() {
                out.push_str("</p>");
            }
            out.push_str("<p>");
            section = Some(&sentence.section);
        }
        for part in &sentence.parts {
            match part {
                SentencePart::Text { text } => out.push_str(&escape(text)),
                SentencePart::Number { text, statistic } | SentencePart::Term { text, statistic } => {
                    let class = if matches!(part, SentencePart::Number { .. }) { "number" } else { "term" };
                    let _ = write!(out, "<a class=\"{class}\" href=\"#{}\">{}</a>", anchor(statistic), escape(text));
                }
            }
        }
        out.push(' ');
    }
    if section.is_some() {
        out.push_str("</p>");
    }
    out.push_str("<p class=\"note\">Each number links to its statistic, its definition and the patients it counts.</p></section>\n");

    for table in &report.tables {
        let max_rows = if table.id == "listing" { LISTING_ROWS_SHOWN } else { usize::MAX };
        table_html(&mut out, table, max_rows);
    }
    for figure in &report.figures {
        let _ = writeln!(
            out,
            "<section id=\"{}\"><h2>{}</h2><figure>{}<figcaption>{}</figcaption></figure></section>",
            escape(&figure.id),
            escape(&figure.title),
            figure.svg,
            escape(&figure.caption)
        );
    }

    out.push_str("<section id=\"statistics\"><h2>All statistics</h2><table class=\"statistics\"><thead><tr><th scope=\"col\">Statistic</th><th scope=\"col\">Value</th><th scope=\"col\">Definition</th><th scope=\"col\">Patients</th></tr></thead><tbody>\n");
    for statistic in &report.statistics {
        let interval = statistic.ci95.map_or(String::new(), |(low, high)| format!(" [95 % CI {:.0}–{:.0} %]", low * 100.0, high * 100.0));
        let _ = writeln!(
            out,
            "<tr id=\"{}\"><td><code>{}</code><br>{}</td><td class=\"value\">{}{}</td><td>{}</td><td>{}</td></tr>",
            anchor(&statistic.id),
            escape(&statistic.id),
            escape(&statistic.label),
            escape(&statistic.display),
            interval,
            escape(&statistic.definition),
            escape(&named_patients(&statistic.patients))
        );
    }
    out.push_str("</tbody></table></section>\n</main>\n<footer id=\"methods\"><h2>Methods</h2><ul>");
    for line in &report.methods {
        let _ = write!(out, "<li>{}</li>", escape(line));
    }
    out.push_str("</ul></footer>\n</body>\n</html>\n");
    out
}
