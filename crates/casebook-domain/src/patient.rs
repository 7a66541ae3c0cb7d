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
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable keyword stored and exchanged for this value.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// Parses a keyword produced by `key`; the error lists every accepted keyword.
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
    /// Parses a pseudonym by the rule above; the error suggests a study pseudonym.
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

    /// The pseudonym as text.
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
    /// Parses 1–40 letters, digits, `-` or `_`; `field` names the identifier in the error.
    pub fn parse(field: &'static str, text: &str) -> Result<Slug, DomainError> {
        let ok = (1..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Slug(text.to_string()))
        } else {
            Err(DomainError::InvalidText { field, reason: format!("`{text}` must be 1 to 40 letters, digits, `-` or `_`") })
        }
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

keyword_enum!(
    /// Sex as recorded. WAS is X-linked, so nearly every patient is male (clinical.md §8.1).
    Sex, "sex" {
        /// Male; an affected male is hemizygous for the WAS variant.
        Male => "male",
        /// Female; unusual in an X-linked disease, so worth a second look.
        Female => "female",
        /// Not recorded.
        Unknown => "unknown",
    }
);
keyword_enum!(
    /// Vital status at the last follow-up (ESID Level 1 "current status").
    VitalStatus, "vital status" {
        /// Alive at the last follow-up.
        Alive => "alive",
        /// Deceased; the only status that allows a cause of death.
        Deceased => "deceased",
        /// No longer followed; the last follow-up is the last contact.
        LostToFollowUp => "lost-to-follow-up",
        /// Not recorded.
        Unknown => "unknown",
    }
);
keyword_enum!(
    /// Where a record's facts come from.
    Source, "source" {
        /// The patient's chart at a study center.
        Chart => "chart",
        /// A published case report or series.
        Publication => "publication",
        /// Constructed to match published aggregates; not a real patient.
        Constructed => "constructed",
    }
);

/// One pseudonymous patient and everything recorded about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    /// The study pseudonym; the only identifier of the patient the registry holds.
    pub pseudonym: Pseudonym,
    /// The id of the patient's center, which must be one of the study's centers.
    pub center: Slug,
    /// Where the facts come from.
    pub source: Source,
    /// Sex as recorded.
    pub sex: Sex,
    /// Year and month of birth; unknown for cases taken from publications that give only ages.
    pub birth: Option<PartialDate>,
    /// Whether relatives have the same disease; `None` when not recorded.
    pub family_history: Option<bool>,
    /// Whether the parents are related; `None` when not recorded.
    pub consanguinity: Option<bool>,
    /// Vital status at the last follow-up.
    pub vital_status: VitalStatus,
    /// The last follow-up: a date, or the age when a publication gives only that; no other date
    /// of the record may be later. `None` when not recorded.
    pub last_follow_up: Option<TimePoint>,
    /// Free-text cause of death; only allowed when the patient is deceased.
    pub cause_of_death: Option<String>,
    /// When the first disease-related symptom appeared: a date, or the age when a publication
    /// gives only that; `None` when not known.
    pub symptom_onset: Option<TimePoint>,
    /// Diagnoses, coded in MONDO, OMIM or Orphanet.
    pub diagnoses: Vec<Diagnosis>,
    /// Disease-causing variants; empty when none is recorded.
    pub variants: Vec<Variant>,
    /// WASP protein expression; `None` when not recorded.
    pub wasp_expression: Option<WaspExpression>,
    /// HPO-coded phenotypic features, observed or explicitly excluded.
    pub features: Vec<PhenotypicFeature>,
    /// Laboratory measurements, in any order.
    pub labs: Vec<LabMeasurement>,
    /// Body weights; a course's mg/kg figures use the nearest one on or before its start.
    pub weights: Vec<WeightRecord>,
    /// Drug treatment courses.
    pub courses: Vec<TreatmentCourse>,
    /// Gene therapies and transplantations.
    pub definitive_therapies: Vec<DefinitiveTherapy>,
    /// Chimerism and gene-marking measurements after definitive therapy.
    pub engraftment: Vec<EngraftmentMeasurement>,
    /// Zhu score assessments; each is scored under the study's settings when checked or stored.
    pub zhu_assessments: Vec<ZhuAssessment>,
    /// Free-text notes, without identifying details.
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

    /// The age at a time point: the age a source gave, or the age derived from the birth date.
    pub fn age_at_time_point(&self, point: &TimePoint) -> Option<Age> {
        match point {
            TimePoint::Date(date) => self.age_at(date),
            TimePoint::Age(age) => Some(*age),
        }
    }

    /// The date of the last follow-up, when it was recorded as a date.
    pub fn last_follow_up_date(&self) -> Option<PartialDate> {
        match self.last_follow_up {
            Some(TimePoint::Date(date)) => Some(date),
            _ => None,
        }
    }

    /// Which of the diagnoses the symptom onset is the onset of: the study's disease
    /// (`study_disease`), or, when the study names none, the only diagnosis. The standards give
    /// each disease an onset and no date of diagnosis (a Phenopacket's `Disease.onset`, a FHIR
    /// Condition's `onset[x]`), and a record's one symptom onset belongs to one of them.
    pub fn symptom_onset_diagnosis(&self, study_disease: Option<&Code>) -> Option<usize> {
        match study_disease {
            Some(disease) => self.diagnoses.iter().position(|diagnosis| diagnosis.code.id() == disease.id()),
            None => (self.diagnoses.len() == 1).then_some(0),
        }
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
    /// The disease, e.g. `MONDO:0010518` Wiskott-Aldrich syndrome.
    pub code: Code,
    /// When the diagnosis was made; `None` when not known.
    pub date: Option<PartialDate>,
}

keyword_enum!(
    /// The kind of variant, as reported by the center or the publication (clinical.md §8.2).
    VariantClass, "variant class" {
        /// A single amino-acid change.
        Missense => "missense",
        /// A premature stop codon.
        Nonsense => "nonsense",
        /// An insertion or deletion that shifts the reading frame.
        Frameshift => "frameshift",
        /// A change that disturbs splicing, e.g. `c.559+5G>A`.
        Splice => "splice",
        /// A deletion that is not a frameshift, e.g. of exons or of the whole gene.
        Deletion => "deletion",
        /// An inversion or a complex rearrangement.
        InversionOrComplex => "inversion-complex",
        /// Any other kind.
        Other => "other",
    }
);

keyword_enum!(
    /// WASP protein expression by flow cytometry or Western blot (Imai 2004).
    WaspExpression, "WASP expression" {
        /// Expressed at a normal level.
        Normal => "normal",
        /// Expressed, but below normal.
        Reduced => "reduced",
        /// Not detectable; goes with severe infections, eczema, bleeding and malignancy (Imai 2004).
        Absent => "absent",
        /// Not tested.
        NotDone => "not-done",
    }
);

keyword_enum!(
    /// How many copies of the variant the patient carries. WAS is X-linked, so affected males are
    /// hemizygous.
    Zygosity, "zygosity" {
        /// The only copy, on a male's X chromosome.
        Hemizygous => "hemizygous",
        /// One of two copies, as in a carrier female.
        Heterozygous => "heterozygous",
        /// Both copies.
        Homozygous => "homozygous",
        /// Not reported.
        Unknown => "unknown",
    }
);

/// A reference transcript such as `NM_000377.3` (RefSeq) or `ENST00000376701.5` (Ensembl).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transcript(String);

impl Transcript {
    /// Parses a versioned RefSeq (`NM_`, `NR_`, `XM_`) or Ensembl (`ENST`) transcript id.
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

    /// The transcript id as written, version included.
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
        // Bytes, not slices of the text: a character of several bytes may sit anywhere in it.
        let bytes = body.as_bytes();
        let starts_with_residue = bytes.len() >= 4 && bytes[0].is_ascii_uppercase() && bytes[1..3].iter().all(u8::is_ascii_lowercase);
        let ok = matches!(body, "?" | "0" | "=") || (starts_with_residue && bytes[3].is_ascii_digit());
        if ok { Ok(Hgvs(text.to_string())) } else { Err(invalid()) }
    }

    /// The description as written, with its `c.` or `p.` prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A genetic variant in a gene, on a stated transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The gene, coded in HGNC (`HGNC:12731` WAS).
    pub gene: Code,
    /// The transcript that `hgvs_c` and `hgvs_p` are numbered on.
    pub transcript: Transcript,
    /// The coding DNA change, e.g. `c.37C>T`.
    pub hgvs_c: Hgvs,
    /// The predicted protein change, e.g. `p.(Arg13Ter)`; `None` when not predicted or not reported.
    pub hgvs_p: Option<Hgvs>,
    /// The kind of variant.
    pub class: VariantClass,
    /// How many copies the patient carries.
    pub zygosity: Zygosity,
}

keyword_enum!(
    /// The severity of a feature, as an HPO severity modifier (clinical.md §3.1).
    Severity, "severity" {
        /// Mild, HP:0012825.
        Mild => "mild",
        /// Moderate, HP:0012826.
        Moderate => "moderate",
        /// Severe, HP:0012828.
        Severe => "severe",
        /// Profound, HP:0012829.
        Profound => "profound",
    }
);
keyword_enum!(
    /// How a feature behaves over time, as an HPO temporal modifier (clinical.md §3.1).
    TemporalPattern, "temporal pattern" {
        /// Comes back after remission, HP:0031796.
        Recurrent => "recurrent",
        /// Moves from site to site, as erysipelas-like lesions do, HP:0025279.
        Migratory => "migratory",
        /// Persists, HP:0011010.
        Chronic => "chronic",
        /// Comes and goes in episodes, HP:0025303.
        Episodic => "episodic",
    }
);
keyword_enum!(
    /// The mechanism a manifestation is attributed to (Blood 2024 commentary split).
    MechanismClass, "mechanism class" {
        /// Myeloid-driven inflammation through IL-1β/IL-18, e.g. pyoderma gangrenosum, IBD, arthritis.
        Autoinflammatory => "autoinflammatory",
        /// B-cell or Treg-driven autoimmunity, e.g. AIHA, ITP, nephritis.
        Autoimmune => "autoimmune",
        /// Caused by an infection.
        Infectious => "infectious",
        /// Allergic or atopic, e.g. eczema.
        Atopic => "atopic",
        /// Any other mechanism.
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

    /// The label of [`Severity::hpo_id`] in the HPO release Casebook ships.
    pub fn hpo_label(self) -> &'static str {
        match self {
            Severity::Mild => "Mild",
            Severity::Moderate => "Moderate",
            Severity::Severe => "Severe",
            Severity::Profound => "Profound",
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

    /// The label of [`TemporalPattern::hpo_id`] in the HPO release Casebook ships.
    pub fn hpo_label(self) -> &'static str {
        match self {
            TemporalPattern::Recurrent => "Recurrent",
            TemporalPattern::Migratory => "Migratory",
            TemporalPattern::Chronic => "Chronic",
            TemporalPattern::Episodic => "Episodic",
        }
    }
}

/// When something started or ended: a partial date, or an age when only that was reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimePoint {
    /// A calendar date, as precise as known.
    Date(PartialDate),
    /// An age, when a source reported only that (e.g. "onset at 3 months").
    Age(Age),
}

/// An HPO-coded phenotypic feature, observed or explicitly excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct PhenotypicFeature {
    /// The HPO term (`HP:` identifier and label).
    pub term: Code,
    /// True for an explicit negative ("no IBD"): assessed and absent.
    pub excluded: bool,
    /// When the feature first appeared; `None` when not known.
    pub onset: Option<TimePoint>,
    /// When it resolved; `None` while it persists or when not known.
    pub resolution: Option<TimePoint>,
    /// How severe it was; `None` when not graded.
    pub severity: Option<Severity>,
    /// HPO temporal modifiers such as recurrent or migratory; may be empty.
    pub temporal: Vec<TemporalPattern>,
    /// The mechanism it is attributed to; `None` when not attributed.
    pub mechanism: Option<MechanismClass>,
    /// Whether histology confirmed it; `None` when not stated.
    pub biopsy_proven: Option<bool>,
    /// A short free-text remark.
    pub note: Option<String>,
}

/// A laboratory analyte with a canonical unit and the units it may be entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Analyte {
    /// C-reactive protein, mg/L (mg/dL accepted).
    Crp,
    /// Erythrocyte sedimentation rate, mm/h.
    Esr,
    /// Serum amyloid A, mg/L (mg/dL accepted).
    Saa,
    /// Platelet count, 10^9/L (10^3/uL and /mm3 accepted).
    Platelets,
    /// Mean platelet volume, fL; low in WAS (small platelets).
    Mpv,
    /// Absolute neutrophil count, 10^9/L (10^3/uL and /mm3 accepted).
    Anc,
    /// Haemoglobin, g/L (g/dL accepted).
    Hemoglobin,
    /// Ferritin, ug/L (ng/mL accepted).
    Ferritin,
    /// Interleukin-18, pg/mL (ng/mL accepted).
    Il18,
    /// Immunoglobulin E, kU/L (IU/mL accepted).
    Ige,
    /// Immunoglobulin A, g/L (mg/dL accepted).
    Iga,
    /// Immunoglobulin M, g/L (mg/dL accepted).
    Igm,
    /// Immunoglobulin G, g/L (mg/dL accepted).
    Igg,
    /// Creatinine clearance, mL/min; below 30 the anakinra label suggests dosing every other day.
    CreatinineClearance,
}

impl Analyte {
    /// Every analyte, in the order of the enum.
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

    /// The stable keyword stored and exchanged for this analyte, e.g. `crp`.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The name a person reads, e.g. `C-reactive protein`.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The unit values are converted to and compared in, e.g. `mg/L` for CRP.
    pub fn canonical_unit(self) -> &'static str {
        self.spec().units[0].0
    }

    /// Parses a keyword produced by [`Analyte::key`].
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
    /// When the sample was taken.
    pub date: PartialDate,
    /// What was measured.
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
    /// When the patient was weighed.
    pub date: PartialDate,
    /// The body weight.
    pub weight: BodyWeightKg,
}

keyword_enum!(
    /// When a treatment course sits relative to definitive therapy.
    TreatmentPhase, "treatment phase" {
        /// Before any definitive therapy, in a patient who may receive one later (a bridge).
        BeforeDefinitiveTherapy => "before-definitive-therapy",
        /// After gene therapy, e.g. for inflammation that persists.
        AfterGeneTherapy => "after-gene-therapy",
        /// After allogeneic HSCT, e.g. with mixed myeloid chimerism.
        AfterHsct => "after-hsct",
        /// In a patient who has had no definitive therapy at all.
        NoDefinitiveTherapy => "no-definitive-therapy",
    }
);

keyword_enum!(
    /// Response grade, study-defined (clinical.md §5.2).
    ResponseGrade, "response grade" {
        /// All target manifestations resolved, CRP/SAA normal, systemic steroids stopped.
        Complete => "complete",
        /// Near-complete resolution, with minimal residual activity or laboratory abnormality.
        VeryGood => "very-good",
        /// A "good response" as a source reports it: between very good and partial, not defined in §5.2.
        Good => "good",
        /// Clear improvement, but activity persists or steroids are still needed.
        Partial => "partial",
        /// No improvement.
        None => "none",
        /// The response could not be judged.
        NotEvaluable => "not-evaluable",
    }
);

keyword_enum!(
    /// Why a treatment course ended (clinical.md §8.6).
    TerminationReason, "termination reason" {
        /// No longer needed, e.g. inflammation resolved after gene therapy.
        NoLongerNeeded => "no-longer-needed",
        /// Replaced by another course, named in [`TreatmentCourse::switched_to`].
        Switched => "switched",
        /// Stopped because of an adverse event.
        AdverseEvent => "adverse-event",
        /// Stopped because it did not work.
        Inefficacy => "inefficacy",
        /// Stopped for gene therapy or HSCT.
        DefinitiveTherapy => "definitive-therapy",
        /// Any other reason.
        Other => "other",
    }
);

/// A graded response to a course, as assessed on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The study-defined grade.
    pub grade: ResponseGrade,
    /// When the response was assessed; `None` when not stated.
    pub date: Option<PartialDate>,
    /// A short free-text remark on the response.
    pub note: Option<String>,
}

/// A course of one drug: what, how much, when, why and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentCourse {
    /// Unique within the patient (`T1`), so that other records can refer to the course.
    pub id: Slug,
    /// A key of the study's drug catalogue.
    pub drug: String,
    /// Route of administration; `None` when not recorded.
    pub route: Option<Route>,
    /// Dose per administration; `None` when not known, and then no mg/kg figure is derived.
    pub dose: Option<Dose>,
    /// How often the dose is given; `None` when not known.
    pub frequency: Option<Frequency>,
    /// When the course started.
    pub start: PartialDate,
    /// When the course ended; `None` while it is ongoing or when not known.
    pub end: Option<PartialDate>,
    /// Whether the course continued at the last follow-up; an ongoing course has no end.
    pub ongoing: bool,
    /// Where the course sits relative to definitive therapy; checked against the therapy dates.
    pub phase: TreatmentPhase,
    /// HPO ids of the manifestations the course targets.
    pub targets: Vec<Curie>,
    /// The response to the course; `None` when not assessed.
    pub response: Option<Response>,
    /// When systemic corticosteroids could be stopped during this course (the steroid-sparing outcome).
    pub steroids_discontinued: Option<PartialDate>,
    /// Why the course ended; `None` while it is ongoing or when not stated.
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
    /// A grade from 1 to 5; anything else is refused.
    pub fn new(grade: i64) -> Result<CtcaeGrade, DomainError> {
        if (1..=5).contains(&grade) {
            Ok(CtcaeGrade(grade as u8))
        } else {
            Err(DomainError::OutOfRange { quantity: "CTCAE grade", value: grade as f64, min: 1.0, max: 5.0, unit: "" })
        }
    }

    /// The grade, 1 to 5.
    pub fn value(self) -> u8 {
        self.0
    }

    /// The NCIT concept for the grade (clinical.md §3.6, verified).
    pub fn ncit_id(self) -> &'static str {
        ["NCIT:C41338", "NCIT:C41339", "NCIT:C41340", "NCIT:C41337", "NCIT:C48275"][self.0 as usize - 1]
    }
}

keyword_enum!(
    /// How likely the drug caused an adverse event, on the usual five-step scale (clinical.md §5.3).
    Attribution, "attribution" {
        /// Clearly not caused by the drug.
        Unrelated => "unrelated",
        /// Doubtfully caused by the drug.
        Unlikely => "unlikely",
        /// May have been caused by the drug.
        Possible => "possible",
        /// Likely caused by the drug.
        Probable => "probable",
        /// Clearly caused by the drug.
        Definite => "definite",
    }
);
keyword_enum!(
    /// What was done with the drug because of an adverse event (clinical.md §5.3).
    ActionTaken, "action taken" {
        /// Continued unchanged.
        None => "none",
        /// Continued at a lower dose.
        DoseReduced => "dose-reduced",
        /// Paused, then resumed.
        Interrupted => "interrupted",
        /// Stopped for good.
        Discontinued => "discontinued",
    }
);
keyword_enum!(
    /// How an adverse event ended, as known at the last follow-up.
    AdverseEventOutcome, "outcome" {
        /// Resolved completely.
        Resolved => "resolved",
        /// Improving, not yet resolved.
        Resolving => "resolving",
        /// Still present.
        NotResolved => "not-resolved",
        /// Resolved, leaving lasting damage.
        ResolvedWithSequelae => "resolved-with-sequelae",
        /// The patient died of it (CTCAE grade 5).
        Fatal => "fatal",
    }
);

/// An adverse event during a course, graded by CTCAE v5.0.
#[derive(Debug, Clone, PartialEq)]
pub struct AdverseEvent {
    /// The CTCAE term (or MedDRA lowest-level term), e.g. `Injection site reaction`.
    pub term: String,
    /// The CTCAE v5.0 grade.
    pub grade: CtcaeGrade,
    /// Whether it was a serious adverse event (SAE).
    pub serious: bool,
    /// How likely the drug caused it; `None` when not stated.
    pub attribution: Option<Attribution>,
    /// What was done with the drug; `None` when not stated.
    pub action: Option<ActionTaken>,
    /// When it began; `None` when not known.
    pub onset: Option<PartialDate>,
    /// How it ended; `None` when not known.
    pub outcome: Option<AdverseEventOutcome>,
}

keyword_enum!(
    /// The HSCT donor (clinical.md §8.8).
    DonorType, "donor type" {
        /// HLA-matched sibling (`msd`).
        MatchedSibling => "msd",
        /// HLA-matched family member other than a sibling (`mfd`).
        MatchedFamily => "mfd",
        /// Matched unrelated donor (`mud`).
        MatchedUnrelated => "mud",
        /// Mismatched unrelated donor (`mmud`).
        MismatchedUnrelated => "mmud",
        /// Haploidentical family donor (`haplo`).
        Haploidentical => "haplo",
        /// Unrelated umbilical cord blood (`ucb`).
        CordBlood => "ucb",
    }
);
keyword_enum!(
    /// Where the transplanted stem cells were collected (clinical.md §8.8).
    StemCellSource, "stem cell source" {
        /// Bone marrow (`bm`).
        BoneMarrow => "bm",
        /// Mobilised peripheral blood stem cells (`pbsc`).
        PeripheralBlood => "pbsc",
        /// Umbilical cord blood (`cb`).
        CordBlood => "cb",
    }
);

/// Gene therapy or allogeneic HSCT, the definitive treatment of WAS.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitiveTherapy {
    /// Unique within the patient (`GT1`, `HSCT1`), so that engraftment measurements can refer to it.
    pub id: Slug,
    /// Date of the infusion or transplantation.
    pub date: PartialDate,
    /// The conditioning regimen as free text, e.g. reduced-intensity busulfan/fludarabine.
    pub conditioning: Option<String>,
    /// Gene therapy or HSCT, with the details of each.
    pub kind: DefinitiveTherapyKind,
}

/// What is recorded for each kind of definitive therapy.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitiveTherapyKind {
    /// Autologous gene-corrected stem cells (MAXO:0001001). Each detail is `None` when not recorded.
    GeneTherapy {
        /// The vector, e.g. lentiviral `w1.6_hWASP_WPRE`; γ-retroviral vectors caused leukaemia (clinical.md §6.2).
        vector: Option<String>,
        /// Vector copies per cell in the drug product.
        product_vcn: Option<PositiveNumber>,
        /// CD34+ cells infused, in millions per kg of body weight.
        cd34_per_kg_millions: Option<PositiveNumber>,
        /// The clinical trial registration, e.g. `NCT01515462`.
        trial_id: Option<String>,
    },
    /// Allogeneic haematopoietic stem cell transplantation (MAXO:0001479). Each detail is `None`
    /// when not recorded.
    Hsct {
        /// Who donated.
        donor: Option<DonorType>,
        /// The HLA match as reported, e.g. `10/10`.
        hla_match: Option<String>,
        /// Where the stem cells were collected.
        source: Option<StemCellSource>,
        /// The highest acute GVHD grade, 0 to 4.
        acute_gvhd_grade: Option<u8>,
        /// Whether chronic GVHD occurred.
        chronic_gvhd: Option<bool>,
    },
}

impl DefinitiveTherapyKind {
    /// Whether the patient received their own gene-corrected cells, so there is no donor chimerism.
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

keyword_enum!(
    /// The cells a chimerism or gene-marking value was measured in (clinical.md §6, §8.9).
    Lineage, "lineage" {
        /// CD15+ granulocytes; myeloid.
        MyeloidCd15 => "myeloid-cd15",
        /// CD33+ myeloid cells; myeloid.
        MyeloidCd33 => "myeloid-cd33",
        /// CD14+ monocytes; myeloid.
        MonocyteCd14 => "monocyte-cd14",
        /// CD3+ T cells.
        TCd3 => "t-cd3",
        /// CD19+ B cells.
        BCd19 => "b-cd19",
        /// CD56+ NK cells.
        NkCd56 => "nk-cd56",
        /// Unsorted whole blood.
        WholeBlood => "whole-blood",
        /// Peripheral blood mononuclear cells, the usual sample for vector copy number.
        Pbmc => "pbmc",
        /// Colony-forming units grown from progenitors.
        Cfu => "cfu",
    }
);

impl Lineage {
    /// Myeloid lineages, whose donor share decides persistent inflammation after HSCT.
    pub fn is_myeloid(self) -> bool {
        matches!(self, Lineage::MyeloidCd15 | Lineage::MyeloidCd33 | Lineage::MonocyteCd14)
    }
}

keyword_enum!(
    /// The assay behind a chimerism or gene-marking value (clinical.md §8.9).
    EngraftmentMethod, "method" {
        /// Short tandem repeat PCR, for donor chimerism.
        StrPcr => "str-pcr",
        /// X/Y FISH, for donor chimerism when donor and patient differ in sex.
        XyFish => "xy-fish",
        /// Quantitative PCR, for vector copy number.
        Qpcr => "qpcr",
        /// Droplet digital PCR, for vector copy number.
        Ddpcr => "ddpcr",
        /// Flow cytometry, e.g. for WASP-positive cells.
        Flow => "flow",
        /// Any other assay.
        Other => "other",
    }
);
keyword_enum!(
    /// Where a sample was taken from.
    SampleType, "sample" {
        /// Peripheral blood (`pb`).
        PeripheralBlood => "pb",
        /// Bone marrow (`bm`).
        BoneMarrow => "bm",
    }
);

/// Chimerism (after HSCT) or gene marking (after gene therapy) in one lineage on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct EngraftmentMeasurement {
    /// The definitive therapy this measurement follows.
    pub therapy: Slug,
    /// When the sample was taken.
    pub date: PartialDate,
    /// The cells measured.
    pub lineage: Lineage,
    /// Peripheral blood or bone marrow; `None` when not stated.
    pub sample: Option<SampleType>,
    /// The assay; `None` when not stated.
    pub method: Option<EngraftmentMethod>,
    /// After HSCT: the share of donor cells in the lineage.
    pub percent_donor: Option<Percent>,
    /// After gene therapy: vector copies per cell (per diploid genome).
    pub vcn_per_cell: Option<NonNegativeNumber>,
    /// The share of WASP-expressing cells, by flow cytometry.
    pub wasp_positive: Option<Percent>,
}

/// A Zhu score assessment: the clinical inputs on a date and, if reported, the clinician's score.
#[derive(Debug, Clone, PartialEq)]
pub struct ZhuAssessment {
    /// When the profile was assessed; the age at this date decides the indeterminate flag.
    pub date: PartialDate,
    /// Thrombocytopenia over the assessment period.
    pub thrombocytopenia: Thrombocytopenia,
    /// Small platelets (low mean platelet volume, HP:0005537).
    pub small_platelets: bool,
    /// Congenital neutropenia; without thrombocytopenia it gives score 0 (X-linked neutropenia).
    pub congenital_neutropenia: bool,
    /// Eczema, graded by the Zhu/Ochs table.
    pub eczema: Eczema,
    /// Infections, graded by the Zhu/Ochs table.
    pub infections: Infections,
    /// Laboratory immunodeficiency; recorded, but it does not change the score.
    pub immunodeficiency: ImmunodeficiencyLab,
    /// Autoimmune manifestations such as AIHA or ITP; they give score 5A.
    pub autoimmunity: bool,
    /// Autoinflammatory manifestations such as IBD or arthritis; score 5A only if the study counts them.
    pub autoinflammation: bool,
    /// Malignancy such as lymphoma; it gives score 5M.
    pub malignancy: bool,
    /// A genotype predicted to be severe (e.g. absent WASP, a nonsense or frameshift variant).
    pub predicted_severe_genotype: bool,
    /// The score the clinician assigned, when reported; never overridden by the computed one.
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
        for bad in ["p.R86C", "Arg86Cys", "c.223G>A", "p.Aa✓1", "p.A✓1", "p.Argé1"] {
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
