//! The pseudonymous patient record and every repeatable section of it (clinical.md §8).
//!
//! Each part is built from already-parsed values, so fields are public where any combination
//! of valid parts is a valid record. Relations between parts (an end after its start, a weight
//! before a dose) are checked by [`crate::check`], which reports them as diagnostics rather
//! than refusing to build the record, so an import can list every problem at once.

use std::fmt;

use crate::code::{Code, Curie};
use crate::date::{Age, PartialDate};
use crate::drug::{Dose, Frequency, Route};
use crate::error::DomainError;
use crate::quantity::{BodyWeightKg, NonNegativeNumber, Percent, PositiveNumber};
use crate::rules::zhu::{Eczema, ImmunodeficiencyLab, Infections, Thrombocytopenia, ZhuScore};

/// Declares a keyword enum: variants, their lowercase keys, `ALL`, `key()` and `parse()`.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn parse(text: &str) -> Result<$name, DomainError> {
                crate::drug::parse_key($field, text, $name::ALL, |value| value.key())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

/// A pseudonymous patient identifier such as `WAS-IT1-01`: 2–80 letters, digits, `-` or `_`
/// (long enough for published case ids such as `PMID_28884947_Clinical_presentation`).
///
/// Only pseudonyms are stored; the rule keeps out names (no spaces) and makes accidental
/// record numbers visible by shape (an all-digit pseudonym is refused).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(String);

impl Pseudonym {
    pub fn parse(text: &str) -> Result<Pseudonym, DomainError> {
        let invalid = |reason: &str| DomainError::InvalidText { field: "pseudonym", reason: format!("`{text}` {reason}") };
        if !(2..=80).contains(&text.len()) {
            return Err(invalid("must be 2 to 80 characters long"));
        }
        if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(invalid("may contain only letters, digits, `-` and `_`"));
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("is all digits and may be a hospital record number; use a study pseudonym such as WAS-IT1-01"));
        }
        Ok(Pseudonym(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short identifier for a center, study or a record inside a patient (`IT-FLO`, `T1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &'static str, text: &str) -> Result<Slug, DomainError> {
        let ok = (1..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Slug(text.to_string()))
        } else {
            Err(DomainError::InvalidText { field, reason: format!("`{text}` must be 1 to 40 letters, digits, `-` or `_`") })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

keyword_enum!(Sex, "sex" { Male => "male", Female => "female", Unknown => "unknown" });
keyword_enum!(VitalStatus, "vital status" { Alive => "alive", Deceased => "deceased", LostToFollowUp => "lost-to-follow-up" });
keyword_enum!(
    /// Where a record's facts come from.
    Source, "source" {
        Chart => "chart",
        Publication => "publication",
        /// Constructed to match published aggregates; not a real patient.
        Constructed => "constructed",
    }
);

/// One pseudonymous patient and everything recorded about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    pub pseudonym: Pseudonym,
    pub center: Slug,
    pub source: Source,
    pub sex: Sex,
    /// Year and month of birth; unknown for cases taken from publications that give only ages.
    pub birth: Option<PartialDate>,
    pub family_history: Option<bool>,
    pub consanguinity: Option<bool>,
    pub vital_status: VitalStatus,
    pub last_follow_up: Option<PartialDate>,
    pub cause_of_death: Option<String>,
    pub symptom_onset: Option<PartialDate>,
    pub diagnoses: Vec<Diagnosis>,
    pub variants: Vec<Variant>,
    pub wasp_expression: Option<WaspExpression>,
    pub features: Vec<PhenotypicFeature>,
    pub labs: Vec<LabMeasurement>,
    pub weights: Vec<WeightRecord>,
    pub courses: Vec<TreatmentCourse>,
    pub definitive_therapies: Vec<DefinitiveTherapy>,
    pub engraftment: Vec<EngraftmentMeasurement>,
    pub zhu_assessments: Vec<ZhuAssessment>,
    pub notes: Option<String>,
    /// The document this record was imported from, kept verbatim when it holds more than the
    /// record can (a phenopacket's variant descriptors, for instance), so that exporting the
    /// unchanged record gives that document back.
    pub source_document: Option<SourceDocument>,
}

/// A document a patient record was imported from.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDocument {
    /// The format, e.g. `phenopacket-v2`.
    pub format: String,
    /// The document in its canonical text form.
    pub content: String,
    /// A fingerprint of the record as imported; the document is current while the record still
    /// has it.
    pub record_fingerprint: String,
}

impl Patient {
    /// The age at a date, derived from the birth date (never typed).
    pub fn age_at(&self, date: &PartialDate) -> Option<Age> {
        Age::between(self.birth.as_ref()?, date)
    }

    /// The latest recorded definitive therapy that is certainly before `date`.
    pub fn definitive_therapy_before(&self, date: &PartialDate) -> Option<&DefinitiveTherapy> {
        self.definitive_therapies
            .iter()
            .filter(|therapy| therapy.date.definitely_cmp(date) == Some(std::cmp::Ordering::Less))
            .max_by_key(|therapy| therapy.date.sort_key())
    }
}

/// A diagnosis coded in MONDO (OMIM and Orphanet cross-references allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub code: Code,
    pub date: Option<PartialDate>,
}

keyword_enum!(VariantClass, "variant class" {
    Missense => "missense",
    Nonsense => "nonsense",
    Frameshift => "frameshift",
    Splice => "splice",
    Deletion => "deletion",
    InversionOrComplex => "inversion-complex",
    Other => "other",
});

keyword_enum!(
    /// WASP protein expression by flow cytometry or Western blot (Imai 2004).
    WaspExpression, "WASP expression" { Normal => "normal", Reduced => "reduced", Absent => "absent", NotDone => "not-done" }
);

keyword_enum!(Zygosity, "zygosity" { Hemizygous => "hemizygous", Heterozygous => "heterozygous", Homozygous => "homozygous" });

/// A reference transcript such as `NM_000377.3` (RefSeq) or `ENST00000376701.5` (Ensembl).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transcript(String);

impl Transcript {
    pub fn parse(text: &str) -> Result<Transcript, DomainError> {
        let invalid = || DomainError::InvalidCode {
            system: "transcript",
            value: text.to_string(),
            expected: "a versioned RefSeq or Ensembl transcript such as NM_000377.3",
        };
        let (accession, version) = text.split_once('.').ok_or_else(invalid)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let accession_ok = ["NM_", "NR_", "XM_", "ENST"].iter().any(|prefix| accession.strip_prefix(prefix).is_some_and(digits));
        if accession_ok && digits(version) { Ok(Transcript(text.to_string())) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An HGVS description checked for its outline: `c.` or `p.` followed by a position and an edit.
///
/// This is a syntax check of the common forms (substitution, deletion, duplication, insertion,
/// delins, inversion, protein changes), not a full HGVS grammar; it catches swapped fields and
/// free text typed into the variant field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hgvs(String);

impl Hgvs {
    /// Parses a coding DNA description such as `c.223G>A`, `c.1305_1306del` or `c.559+5G>A`.
    pub fn parse_coding(text: &str) -> Result<Hgvs, DomainError> {
        let invalid = || DomainError::InvalidCode {
            system: "HGVS c.",
            value: text.to_string(),
            expected: "a coding DNA change such as c.223G>A, c.1305del or c.559+5G>A",
        };
        let body = text.strip_prefix("c.").ok_or_else(invalid)?;
        let edit_start = body.find(|c: char| c.is_ascii_alphabetic() && !matches!(c, '_')).ok_or_else(invalid)?;
        let (position, edit) = body.split_at(edit_start);
        let position_ok = !position.is_empty()
            && position.chars().all(|c| c.is_ascii_digit() || matches!(c, '_' | '+' | '-' | '*'))
            && position.chars().next().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '*'));
        let is_bases = |s: &str| !s.is_empty() && s.bytes().all(|b| matches!(b, b'A' | b'C' | b'G' | b'T'));
        let edit_ok = match edit {
            "del" | "dup" | "inv" => true,
            _ if edit.starts_with("delins") => is_bases(&edit[6..]),
            _ if edit.starts_with("del") => is_bases(&edit[3..]),
            _ if edit.starts_with("dup") => is_bases(&edit[3..]),
            _ if edit.starts_with("ins") => is_bases(&edit[3..]),
            _ => edit.split_once('>').is_some_and(|(from, to)| is_bases(from) && is_bases(to) && from.len() == 1 && to.len() == 1),
        };
        if position_ok && edit_ok { Ok(Hgvs(text.to_string())) } else { Err(invalid()) }
    }

    /// Parses a protein description such as `p.(Arg86Cys)`, `p.Arg211*`, `p.Gly13fs` or `p.?`.
    pub fn parse_protein(text: &str) -> Result<Hgvs, DomainError> {
        let invalid = || DomainError::InvalidCode {
            system: "HGVS p.",
            value: text.to_string(),
            expected: "a protein change such as p.(Arg86Cys), p.Arg211Ter or p.?",
        };
        let body = text.strip_prefix("p.").ok_or_else(invalid)?;
        let body = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).unwrap_or(body);
        let starts_with_residue =
            body.len() >= 4 && body.as_bytes()[0].is_ascii_uppercase() && body[1..3].bytes().all(|b| b.is_ascii_lowercase());
        let ok = matches!(body, "?" | "0" | "=") || (starts_with_residue && body[3..].starts_with(|c: char| c.is_ascii_digit()));
        if ok { Ok(Hgvs(text.to_string())) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A genetic variant in a gene, on a stated transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The gene, coded in HGNC (`HGNC:12731` WAS).
    pub gene: Code,
    pub transcript: Transcript,
    pub hgvs_c: Hgvs,
    pub hgvs_p: Option<Hgvs>,
    pub class: VariantClass,
    pub zygosity: Zygosity,
}

keyword_enum!(Severity, "severity" { Mild => "mild", Moderate => "moderate", Severe => "severe", Profound => "profound" });
keyword_enum!(TemporalPattern, "temporal pattern" { Recurrent => "recurrent", Migratory => "migratory", Chronic => "chronic", Episodic => "episodic" });
keyword_enum!(
    /// The mechanism a manifestation is attributed to (Blood 2024 commentary split).
    MechanismClass, "mechanism class" {
        Autoinflammatory => "autoinflammatory",
        Autoimmune => "autoimmune",
        Infectious => "infectious",
        Atopic => "atopic",
        Other => "other",
    }
);

impl Severity {
    /// The HPO severity modifier term for this severity.
    pub fn hpo_id(self) -> &'static str {
        match self {
            Severity::Mild => "HP:0012825",
            Severity::Moderate => "HP:0012826",
            Severity::Severe => "HP:0012828",
            Severity::Profound => "HP:0012829",
        }
    }
}

impl TemporalPattern {
    /// The HPO temporal modifier term for this pattern.
    pub fn hpo_id(self) -> &'static str {
        match self {
            TemporalPattern::Recurrent => "HP:0031796",
            TemporalPattern::Migratory => "HP:0025279",
            TemporalPattern::Chronic => "HP:0011010",
            TemporalPattern::Episodic => "HP:0025303",
        }
    }
}

/// When something started or ended: a partial date, or an age when only that was reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimePoint {
    Date(PartialDate),
    Age(Age),
}

/// An HPO-coded phenotypic feature, observed or explicitly excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct PhenotypicFeature {
    /// The HPO term (`HP:` identifier and label).
    pub term: Code,
    /// True for an explicit negative ("no IBD"): assessed and absent.
    pub excluded: bool,
    pub onset: Option<TimePoint>,
    pub resolution: Option<TimePoint>,
    pub severity: Option<Severity>,
    pub temporal: Vec<TemporalPattern>,
    pub mechanism: Option<MechanismClass>,
    pub biopsy_proven: Option<bool>,
    pub note: Option<String>,
}

/// A laboratory analyte with a canonical unit and the units it may be entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Analyte {
    Crp,
    Esr,
    Saa,
    Platelets,
    Mpv,
    Anc,
    Hemoglobin,
    Ferritin,
    Il18,
    Ige,
    Iga,
    Igm,
    Igg,
    CreatinineClearance,
}

impl Analyte {
    pub const ALL: &'static [Analyte] = &[
        Analyte::Crp,
        Analyte::Esr,
        Analyte::Saa,
        Analyte::Platelets,
        Analyte::Mpv,
        Analyte::Anc,
        Analyte::Hemoglobin,
        Analyte::Ferritin,
        Analyte::Il18,
        Analyte::Ige,
        Analyte::Iga,
        Analyte::Igm,
        Analyte::Igg,
        Analyte::CreatinineClearance,
    ];

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    pub fn label(self) -> &'static str {
        self.spec().label
    }

    pub fn canonical_unit(self) -> &'static str {
        self.spec().units[0].0
    }

    pub fn parse(text: &str) -> Result<Analyte, DomainError> {
        crate::drug::parse_key("analyte", text, Analyte::ALL, |a| a.key())
    }

    /// Converts a value in `unit` to the canonical unit; the plausible range (clinical.md §8.5)
    /// is checked on the converted value, and values outside it are refused.
    pub fn to_canonical(self, value: f64, unit: &str) -> Result<f64, DomainError> {
        let spec = self.spec();
        let factor =
            spec.units.iter().find(|(name, _)| *name == unit).map(|(_, factor)| *factor).ok_or_else(|| DomainError::IncompatibleUnit {
                quantity: spec.label.to_string(),
                unit: unit.to_string(),
                expected: spec.units.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", "),
            })?;
        let canonical = value * factor;
        crate::quantity::check_range(spec.label, canonical, spec.plausible.0, spec.plausible.1, spec.units[0].0)?;
        Ok(canonical)
    }

    fn spec(self) -> AnalyteSpec {
        // Canonical unit first; each other unit with the factor that converts it to canonical.
        // Plausible ranges from clinical.md §8.5; analytes without one there get a wide range.
        let (key, label, units, plausible): (&str, &str, &'static [(&str, f64)], (f64, f64)) = match self {
            Analyte::Crp => ("crp", "C-reactive protein", &[("mg/L", 1.0), ("mg/dL", 10.0)], (0.0, 500.0)),
            Analyte::Esr => ("esr", "erythrocyte sedimentation rate", &[("mm/h", 1.0)], (0.0, 150.0)),
            Analyte::Saa => ("saa", "serum amyloid A", &[("mg/L", 1.0), ("mg/dL", 10.0)], (0.0, 3000.0)),
            Analyte::Platelets => ("platelets", "platelet count", &[("10^9/L", 1.0), ("10^3/uL", 1.0), ("/mm3", 0.001)], (0.0, 1500.0)),
            Analyte::Mpv => ("mpv", "mean platelet volume", &[("fL", 1.0)], (3.0, 15.0)),
            Analyte::Anc => ("anc", "absolute neutrophil count", &[("10^9/L", 1.0), ("10^3/uL", 1.0), ("/mm3", 0.001)], (0.0, 50.0)),
            Analyte::Hemoglobin => ("hemoglobin", "haemoglobin", &[("g/L", 1.0), ("g/dL", 10.0)], (30.0, 220.0)),
            Analyte::Ferritin => ("ferritin", "ferritin", &[("ug/L", 1.0), ("ng/mL", 1.0)], (0.0, 100_000.0)),
            Analyte::Il18 => ("il18", "interleukin-18", &[("pg/mL", 1.0), ("ng/mL", 1000.0)], (0.0, 1_000_000.0)),
            Analyte::Ige => ("ige", "immunoglobulin E", &[("kU/L", 1.0), ("IU/mL", 1.0)], (0.0, 100_000.0)),
            Analyte::Iga => ("iga", "immunoglobulin A", &[("g/L", 1.0), ("mg/dL", 0.01)], (0.0, 50.0)),
            Analyte::Igm => ("igm", "immunoglobulin M", &[("g/L", 1.0), ("mg/dL", 0.01)], (0.0, 50.0)),
            Analyte::Igg => ("igg", "immunoglobulin G", &[("g/L", 1.0), ("mg/dL", 0.01)], (0.0, 100.0)),
            Analyte::CreatinineClearance => ("creatinine-clearance", "creatinine clearance", &[("mL/min", 1.0)], (0.0, 300.0)),
        };
        AnalyteSpec { key, label, units, plausible }
    }
}

struct AnalyteSpec {
    key: &'static str,
    label: &'static str,
    units: &'static [(&'static str, f64)],
    plausible: (f64, f64),
}

/// A laboratory value as entered, with its canonical conversion.
#[derive(Debug, Clone, PartialEq)]
pub struct LabMeasurement {
    pub date: PartialDate,
    pub analyte: Analyte,
    value: f64,
    unit: String,
    canonical_value: f64,
}

impl LabMeasurement {
    /// A measurement in any accepted unit; refused when the unit does not fit the analyte or
    /// the value is outside the plausible range.
    pub fn new(date: PartialDate, analyte: Analyte, value: f64, unit: &str) -> Result<LabMeasurement, DomainError> {
        let canonical_value = analyte.to_canonical(value, unit)?;
        Ok(LabMeasurement { date, analyte, value, unit: unit.to_string(), canonical_value })
    }

    /// The value as entered.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The unit as entered.
    pub fn unit(&self) -> &str {
        &self.unit
    }

    /// The value in [`Analyte::canonical_unit`].
    pub fn canonical_value(&self) -> f64 {
        self.canonical_value
    }
}

/// A body weight on a date, the basis of every mg/kg figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightRecord {
    pub date: PartialDate,
    pub weight: BodyWeightKg,
}

keyword_enum!(
    /// When a treatment course sits relative to definitive therapy.
    TreatmentPhase, "treatment phase" {
        BeforeDefinitiveTherapy => "before-definitive-therapy",
        AfterGeneTherapy => "after-gene-therapy",
        AfterHsct => "after-hsct",
        NoDefinitiveTherapy => "no-definitive-therapy",
    }
);

keyword_enum!(
    /// Response grade, study-defined (clinical.md §5.2).
    ResponseGrade, "response grade" {
        Complete => "complete",
        VeryGood => "very-good",
        Good => "good",
        Partial => "partial",
        None => "none",
        NotEvaluable => "not-evaluable",
    }
);

keyword_enum!(TerminationReason, "termination reason" {
    NoLongerNeeded => "no-longer-needed",
    Switched => "switched",
    AdverseEvent => "adverse-event",
    Inefficacy => "inefficacy",
    DefinitiveTherapy => "definitive-therapy",
    Other => "other",
});

/// A graded response to a course, as assessed on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub grade: ResponseGrade,
    pub date: Option<PartialDate>,
    pub note: Option<String>,
}

/// A course of one drug: what, how much, when, why and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentCourse {
    /// Unique within the patient (`T1`), so that other records can refer to the course.
    pub id: Slug,
    /// A key of the study's drug catalogue.
    pub drug: String,
    pub route: Option<Route>,
    pub dose: Option<Dose>,
    pub frequency: Option<Frequency>,
    pub start: PartialDate,
    pub end: Option<PartialDate>,
    pub ongoing: bool,
    pub phase: TreatmentPhase,
    /// HPO ids of the manifestations the course targets.
    pub targets: Vec<Curie>,
    pub response: Option<Response>,
    pub steroids_discontinued: Option<PartialDate>,
    pub termination: Option<TerminationReason>,
    /// The course this one was switched to, when `termination` is `switched`.
    pub switched_to: Option<Slug>,
    /// `None`: adverse events were not assessed. `Some(vec![])`: assessed, none occurred.
    pub adverse_events: Option<Vec<AdverseEvent>>,
}

/// CTCAE v5.0 grade, 1 (mild) to 5 (death related to the adverse event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CtcaeGrade(u8);

impl CtcaeGrade {
    pub fn new(grade: i64) -> Result<CtcaeGrade, DomainError> {
        if (1..=5).contains(&grade) {
            Ok(CtcaeGrade(grade as u8))
        } else {
            Err(DomainError::OutOfRange { quantity: "CTCAE grade", value: grade as f64, min: 1.0, max: 5.0, unit: "" })
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// The NCIT concept for the grade (clinical.md §3.6, verified).
    pub fn ncit_id(self) -> &'static str {
        ["NCIT:C41338", "NCIT:C41339", "NCIT:C41340", "NCIT:C41337", "NCIT:C48275"][self.0 as usize - 1]
    }
}

keyword_enum!(Attribution, "attribution" { Unrelated => "unrelated", Unlikely => "unlikely", Possible => "possible", Probable => "probable", Definite => "definite" });
keyword_enum!(ActionTaken, "action taken" { None => "none", DoseReduced => "dose-reduced", Interrupted => "interrupted", Discontinued => "discontinued" });
keyword_enum!(AdverseEventOutcome, "outcome" { Resolved => "resolved", Resolving => "resolving", NotResolved => "not-resolved", ResolvedWithSequelae => "resolved-with-sequelae", Fatal => "fatal" });

/// An adverse event during a course, graded by CTCAE v5.0.
#[derive(Debug, Clone, PartialEq)]
pub struct AdverseEvent {
    pub term: String,
    pub grade: CtcaeGrade,
    pub serious: bool,
    pub attribution: Option<Attribution>,
    pub action: Option<ActionTaken>,
    pub onset: Option<PartialDate>,
    pub outcome: Option<AdverseEventOutcome>,
}

keyword_enum!(DonorType, "donor type" {
    MatchedSibling => "msd",
    MatchedFamily => "mfd",
    MatchedUnrelated => "mud",
    MismatchedUnrelated => "mmud",
    Haploidentical => "haplo",
    CordBlood => "ucb",
});
keyword_enum!(StemCellSource, "stem cell source" { BoneMarrow => "bm", PeripheralBlood => "pbsc", CordBlood => "cb" });

/// Gene therapy or allogeneic HSCT, the definitive treatment of WAS.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitiveTherapy {
    pub id: Slug,
    pub date: PartialDate,
    pub conditioning: Option<String>,
    pub kind: DefinitiveTherapyKind,
}

/// What is recorded for each kind of definitive therapy.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitiveTherapyKind {
    GeneTherapy {
        vector: Option<String>,
        product_vcn: Option<PositiveNumber>,
        cd34_per_kg_millions: Option<PositiveNumber>,
        trial_id: Option<String>,
    },
    Hsct {
        donor: Option<DonorType>,
        hla_match: Option<String>,
        source: Option<StemCellSource>,
        acute_gvhd_grade: Option<u8>,
        chronic_gvhd: Option<bool>,
    },
}

impl DefinitiveTherapyKind {
    pub fn is_gene_therapy(&self) -> bool {
        matches!(self, DefinitiveTherapyKind::GeneTherapy { .. })
    }

    /// The MAxO code of the procedure (clinical.md §3.5).
    pub fn maxo(&self) -> (&'static str, &'static str) {
        match self {
            DefinitiveTherapyKind::GeneTherapy { .. } => ("MAXO:0001001", "gene therapy"),
            DefinitiveTherapyKind::Hsct { .. } => ("MAXO:0001479", "allogeneic hematopoietic stem cell transplantation"),
        }
    }
}

keyword_enum!(Lineage, "lineage" {
    MyeloidCd15 => "myeloid-cd15",
    MyeloidCd33 => "myeloid-cd33",
    MonocyteCd14 => "monocyte-cd14",
    TCd3 => "t-cd3",
    BCd19 => "b-cd19",
    NkCd56 => "nk-cd56",
    WholeBlood => "whole-blood",
    Pbmc => "pbmc",
    Cfu => "cfu",
});

impl Lineage {
    /// Myeloid lineages, whose donor share decides persistent inflammation after HSCT.
    pub fn is_myeloid(self) -> bool {
        matches!(self, Lineage::MyeloidCd15 | Lineage::MyeloidCd33 | Lineage::MonocyteCd14)
    }
}

keyword_enum!(EngraftmentMethod, "method" { StrPcr => "str-pcr", XyFish => "xy-fish", Qpcr => "qpcr", Ddpcr => "ddpcr", Flow => "flow", Other => "other" });
keyword_enum!(SampleType, "sample" { PeripheralBlood => "pb", BoneMarrow => "bm" });

/// Chimerism (after HSCT) or gene marking (after gene therapy) in one lineage on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct EngraftmentMeasurement {
    /// The definitive therapy this measurement follows.
    pub therapy: Slug,
    pub date: PartialDate,
    pub lineage: Lineage,
    pub sample: Option<SampleType>,
    pub method: Option<EngraftmentMethod>,
    pub percent_donor: Option<Percent>,
    pub vcn_per_cell: Option<NonNegativeNumber>,
    pub wasp_positive: Option<Percent>,
}

/// A Zhu score assessment: the clinical inputs on a date and, if reported, the clinician's score.
#[derive(Debug, Clone, PartialEq)]
pub struct ZhuAssessment {
    pub date: PartialDate,
    pub thrombocytopenia: Thrombocytopenia,
    pub small_platelets: bool,
    pub congenital_neutropenia: bool,
    pub eczema: Eczema,
    pub infections: Infections,
    pub immunodeficiency: ImmunodeficiencyLab,
    pub autoimmunity: bool,
    pub autoinflammation: bool,
    pub malignancy: bool,
    pub predicted_severe_genotype: bool,
    pub clinician_score: Option<ZhuScore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_refuse_names_and_record_numbers() {
        assert!(Pseudonym::parse("WAS-IT1-01").is_ok());
        let too_long = "P".repeat(81);
        for bad in ["Mario Rossi", "1234567", "x", "WAS/01", too_long.as_str()] {
            assert!(Pseudonym::parse(bad).is_err(), "`{bad}` must be refused");
        }
    }

    #[test]
    fn hgvs_outlines_are_checked() {
        for good in [
            "c.223G>A",
            "c.1305del",
            "c.1305_1306del",
            "c.559+5G>A",
            "c.-3C>T",
            "c.37dupC",
            "c.100_101insA",
            "c.290delinsAA",
            "c.1453_1454inv",
        ] {
            assert!(Hgvs::parse_coding(good).is_ok(), "`{good}` must parse");
        }
        for bad in ["223G>A", "c.G223A", "c.223G>", "c.223GG>A", "p.Arg86Cys", "c.", "c.223X>A"] {
            assert!(Hgvs::parse_coding(bad).is_err(), "`{bad}` must be refused");
        }
        for good in ["p.(Arg86Cys)", "p.Arg211Ter", "p.Arg211*", "p.Gly13fs", "p.?", "p.0"] {
            assert!(Hgvs::parse_protein(good).is_ok(), "`{good}` must parse");
        }
        for bad in ["p.R86C", "Arg86Cys", "c.223G>A"] {
            assert!(Hgvs::parse_protein(bad).is_err(), "`{bad}` must be refused");
        }
    }

    #[test]
    fn transcripts_must_be_versioned() {
        assert!(Transcript::parse("NM_000377.3").is_ok());
        assert!(Transcript::parse("ENST00000376701.5").is_ok());
        assert!(Transcript::parse("NM_000377").is_err());
        assert!(Transcript::parse("WAS").is_err());
    }

    #[test]
    fn lab_units_convert_to_canonical() {
        let date = PartialDate::parse("2020-01").unwrap();
        let cases = [
            (Analyte::Crp, 8.5, "mg/dL", 85.0),
            (Analyte::Crp, 85.0, "mg/L", 85.0),
            (Analyte::Hemoglobin, 11.0, "g/dL", 110.0),
            (Analyte::Platelets, 25_000.0, "/mm3", 25.0),
            (Analyte::Igg, 800.0, "mg/dL", 8.0),
        ];
        for (analyte, value, unit, expected) in cases {
            let lab = LabMeasurement::new(date, analyte, value, unit).unwrap();
            assert!((lab.canonical_value() - expected).abs() < 1e-9, "{analyte:?} {value} {unit} gave {}", lab.canonical_value());
            assert_eq!(lab.value(), value);
            assert_eq!(lab.unit(), unit);
        }
    }

    #[test]
    fn lab_values_with_the_wrong_unit_or_outside_the_plausible_range_are_refused() {
        let date = PartialDate::parse("2020-01").unwrap();
        let message = LabMeasurement::new(date, Analyte::Crp, 5.0, "g/L").unwrap_err().to_string();
        assert!(message.contains("mg/L, mg/dL"), "{message}");
        assert!(LabMeasurement::new(date, Analyte::Crp, 60.0, "mg/dL").is_err(), "600 mg/L is above 500");
        assert!(LabMeasurement::new(date, Analyte::Mpv, 2.0, "fL").is_err());
    }

    #[test]
    fn every_analyte_key_round_trips() {
        for analyte in Analyte::ALL {
            assert_eq!(Analyte::parse(analyte.key()).unwrap(), *analyte);
        }
    }

    #[test]
    fn ctcae_grades_are_1_to_5_with_ncit_codes() {
        assert!(CtcaeGrade::new(0).is_err());
        assert!(CtcaeGrade::new(6).is_err());
        assert_eq!(CtcaeGrade::new(1).unwrap().ncit_id(), "NCIT:C41338");
        assert_eq!(CtcaeGrade::new(5).unwrap().ncit_id(), "NCIT:C48275");
    }

    #[test]
    fn keyword_enums_list_what_they_accept() {
        let message = ResponseGrade::parse("excellent").unwrap_err().to_string();
        assert!(message.contains("complete, very-good"), "{message}");
        assert_eq!(TreatmentPhase::parse("after-hsct").unwrap(), TreatmentPhase::AfterHsct);
    }
}
