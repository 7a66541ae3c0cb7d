//! The report as data: every statistic with its id, definition, numbers and patients, the
//! tables, and the data freeze. This is what `report.json` holds; the HTML, CSV and SVG files are
//! renderings of it.

use serde::{Deserialize, Serialize};

/// A whole case-series report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub study: StudyInfo,
    pub freeze: Freeze,
    pub methods: Vec<String>,
    pub statistics: Vec<Statistic>,
    pub tables: Vec<Table>,
    /// The results paragraph as parts: plain text and references to statistics.
    pub results_paragraph: Vec<Sentence>,
    pub figures: Vec<FigureInfo>,
}

impl Report {
    /// The statistic with this id.
    pub fn statistic(&self, id: &str) -> Option<&Statistic> {
        self.statistics.iter().find(|statistic| statistic.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StudyInfo {
    pub id: String,
    pub title: String,
    /// Shown wherever the data appear, e.g. that the patients are constructed.
    pub data_label: Option<String>,
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
    pub software_version: String,
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
    pub section: String,
    pub label: String,
    pub definition: String,
    pub kind: StatisticKind,
    /// Count: the count. Proportion: k. Summary: the patients with data.
    pub numerator: usize,
    /// Proportion: N assessed. Summary: the patients the summary is about. Count: the cohort.
    pub denominator: usize,
    /// Proportion: k/N. Summary: the median. Count: the count.
    pub value: Option<f64>,
    pub unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q1: Option<f64>,
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
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub note: Option<String>,
}

/// A table row; `level` indents sub-rows (0 heading, 1 item, 2 sub-item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub level: u8,
    pub cells: Vec<Cell>,
}

/// A cell: its text and, when it shows a statistic, the statistic's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), statistic: None }
    }

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
    pub parts: Vec<SentencePart>,
}

/// Text, a number that links to its statistic, or a term linked to the statistic a shared number
/// ("present in 4 patients each") stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum SentencePart {
    Text { text: String },
    Number { text: String, statistic: String },
    Term { text: String, statistic: String },
}

/// A figure of the report and its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FigureInfo {
    pub id: String,
    pub title: String,
    pub file: String,
    pub caption: String,
    #[serde(skip)]
    pub svg: String,
    /// Text that overlaps other text or is cut off at the figure's edge; empty for a clean figure.
    #[serde(skip)]
    pub layout_problems: Vec<String>,
}
