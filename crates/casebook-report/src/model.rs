//! The report as data: every statistic with its id, definition, numbers and patients, the
//! tables, and the data freeze. This is what `report.json` holds; the HTML, CSV and SVG files are
//! renderings of it.

use serde::{Deserialize, Serialize};

/// A whole case-series report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Which study the report covers, and how many patients.
    pub study: StudyInfo,
    /// What the report was computed from, so that it can be verified later.
    pub freeze: Freeze,
    /// The methods footer, one sentence per convention (proportions, intervals, ontology, rules).
    pub methods: Vec<String>,
    /// Every number of the report, in the order computed; tables and the paragraph refer to them by id.
    pub statistics: Vec<Statistic>,
    /// Table 1, manifestations, treatments, definitive therapy and the per-patient listing, in that order.
    pub tables: Vec<Table>,
    /// The results paragraph as parts: plain text and references to statistics.
    pub results_paragraph: Vec<Sentence>,
    /// The swimmer plot, the phenotype grid and the trajectories.
    pub figures: Vec<FigureInfo>,
}

impl Report {
    /// The statistic with this id.
    pub fn statistic(&self, id: &str) -> Option<&Statistic> {
        self.statistics.iter().find(|statistic| statistic.id == id)
    }
}

/// The study a report covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyInfo {
    /// The study's id, e.g. `was-anti-il1`.
    pub id: String,
    /// The study's title.
    pub title: String,
    /// Shown wherever the data appear, e.g. that the patients are constructed.
    pub data_label: Option<String>,
    /// The number of patients the report was computed from.
    pub patients: usize,
}

/// What the report was computed from, so that it can be checked later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Freeze {
    /// SHA-256 over every patient record in its canonical form, in pseudonym order.
    pub data_sha256: String,
    /// SHA-256 of the study configuration in its canonical form.
    pub config_sha256: String,
    /// The Casebook version that computed the report.
    pub software_version: String,
    /// The HPO release used for labels and is-a propagation, e.g. `2025-01-16`.
    pub hpo_release: String,
}

/// How a statistic is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatisticKind {
    /// A number of patients or items.
    Count,
    /// k of N, with N the patients assessed for the item.
    Proportion,
    /// Median and range (and quartiles) of a value over the patients with data.
    Summary,
}

/// One number of the report and everything needed to trace it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistic {
    /// Stable id, e.g. `manifestation.group.inflammatory-joint`.
    pub id: String,
    /// The report section: `cohort`, `manifestations`, `treatments` or `definitive-therapy`.
    pub section: String,
    /// A short name for tables and the statistics list.
    pub label: String,
    /// What exactly is counted, and over whom, in words.
    pub definition: String,
    /// How to read the numbers.
    pub kind: StatisticKind,
    /// Count: the count. Proportion: k. Summary: the patients with data.
    pub numerator: usize,
    /// Proportion: N assessed. Summary: the patients the summary is about. Count: the cohort.
    pub denominator: usize,
    /// Proportion: k/N. Summary: the median. Count: the count.
    pub value: Option<f64>,
    /// The unit of the value and of the range, e.g. `patients`, `months`, `mg/kg/day`.
    pub unit: String,
    /// Proportion: the Wilson 95 % interval, as proportions; `None` otherwise or when N is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<(f64, f64)>,
    /// Summary: the smallest value; `None` for other kinds or without data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Summary: the largest value; `None` for other kinds or without data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Summary: the first quartile (Hyndman and Fan definition 7); `None` for other kinds or without data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q1: Option<f64>,
    /// Summary: the third quartile (Hyndman and Fan definition 7); `None` for other kinds or without data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q3: Option<f64>,
    /// The text shown in tables, e.g. "5/7 (71 %)" or "3.0 (2.0–5.0)".
    pub display: String,
    /// The pseudonyms counted (proportion: the k patients; summary: the patients with data).
    pub patients: Vec<String>,
}

/// A table: a title, column names and rows of cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    /// Stable id, also the name of the table's CSV file (`table-1.csv`).
    pub id: String,
    /// The title as printed, e.g. "Table 1. Characteristics of the patients".
    pub title: String,
    /// The column headings.
    pub columns: Vec<String>,
    /// The rows in display order.
    pub rows: Vec<Row>,
    /// A footnote printed under the table; `None` when there is none.
    pub note: Option<String>,
}

/// A table row; `level` indents sub-rows (0 heading, 1 item, 2 sub-item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// 0 for a heading, 1 for an item, 2 for a sub-item.
    pub level: u8,
    /// One cell per column.
    pub cells: Vec<Cell>,
}

/// A cell: its text and, when it shows a statistic, the statistic's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// The text as shown.
    pub text: String,
    /// The id of the statistic the cell shows; `None` for plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
}

impl Cell {
    /// A cell of plain text.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), statistic: None }
    }

    /// A cell that shows a statistic's display text and links to it.
    pub fn of(statistic: &Statistic) -> Cell {
        Cell { text: statistic.display.clone(), statistic: Some(statistic.id.clone()) }
    }
}

/// A sentence of the results paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sentence {
    /// The report section the sentence belongs to; consecutive sentences of one section form a
    /// paragraph.
    pub section: String,
    /// The sentence's text and numbers, in reading order.
    pub parts: Vec<SentencePart>,
}

/// Text, a number that links to its statistic, or a term linked to the statistic a shared number
/// ("present in 4 patients each") stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum SentencePart {
    /// Plain text.
    Text {
        /// The text, spaces and punctuation included.
        text: String,
    },
    /// A number as the sentence writes it, linked to the statistic it comes from.
    Number {
        /// The number as written in the sentence.
        text: String,
        /// The id of the statistic.
        statistic: String,
    },
    /// A term whose number is shared with other terms, linked to its own statistic.
    Term {
        /// The term as written in the sentence.
        text: String,
        /// The id of the statistic the term stands for.
        statistic: String,
    },
}

/// A figure of the report and its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureInfo {
    /// Stable id, e.g. `figure-swimmer`.
    pub id: String,
    /// The title shown above the figure.
    pub title: String,
    /// The SVG file's name in the report folder, e.g. `figure-1-swimmer.svg`.
    pub file: String,
    /// What the marks of the figure mean.
    pub caption: String,
    /// The SVG document; left out of `report.json`, which names the file instead.
    #[serde(skip)]
    pub svg: String,
    /// Text that overlaps other text or is cut off at the figure's edge; empty for a clean figure.
    #[serde(skip)]
    pub layout_problems: Vec<String>,
}
