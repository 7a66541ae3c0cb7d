//! Code systems, units and vocabularies: every code Casebook writes into FHIR, and its source.
//!
//! Only verified codes are written (standards.md §5, clinical.md §3 `[V]`, the vendored HPO
//! release); a concept without one is written as text. That is why routes, response grades,
//! termination reasons, chimerism lineages and methods carry text only: their NCIT codes are
//! unverified (clinical.md §3.6 tags subcutaneous `[U]`).

use casebook_domain::code::{CodeSystem, Curie};
use casebook_domain::drug::{DoseUnit, Frequency, Route};
use casebook_domain::patient::{
    ActionTaken, AdverseEventOutcome, Analyte, Attribution, CtcaeGrade, DonorType, EngraftmentMethod, Lineage, SampleType, StemCellSource,
};

use crate::model::{CodeableConcept, Coding, Quantity, TimingRepeat};

/// HPO, as the phenomics-exchange IG and THO name it (standards.md §5).
pub const HPO: &str = "http://human-phenotype-ontology.org";
/// OBO ontologies other than HPO: the ontology's PURL, as the IG's aliases do for MONDO.
pub const MONDO: &str = "http://purl.obolibrary.org/obo/mondo.owl";
pub const MAXO: &str = "http://purl.obolibrary.org/obo/maxo.owl";
pub const CHEBI: &str = "http://purl.obolibrary.org/obo/chebi.owl";
pub const OMIM: &str = "https://omim.org";
pub const ORPHANET: &str = "http://www.orpha.net";
pub const HGNC: &str = "http://www.genenames.org/geneId";
/// NCI Thesaurus, as the phenomics-exchange IG's aliases name it.
pub const NCIT: &str = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";
/// DrugBank's site, as the resource URL of the Phenopacket metadata in standards.md §1.3.
pub const DRUGBANK: &str = "https://go.drugbank.com";
pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
pub const ADVERSE_EVENT_SEVERITY: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-severity";
pub const ADVERSE_EVENT_OUTCOME: &str = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome";
pub const DATA_ABSENT_REASON: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
/// The phenomics-exchange IG (1.0.0-ballot, FHIR 4.0.1) Phenotype Observation profile.
pub const PHENOTYPE_PROFILE: &str = "http://hl7.org/fhir/uv/phenomics-exchange/StructureDefinition/phenotype";
/// The IG's code system for the onset components of a Phenotype Observation.
pub const PHENOTYPE_COMPONENT: &str = "http://hl7.org/fhir/uv/phenomics-exchange/CodeSystem/temporary-phenotype-component";

/// A domain code as a FHIR coding. OBO ontologies keep the CURIE as the code (`HP:0000964`,
/// as in the IG's examples); OMIM, Orphanet, NCIT and DrugBank use their local identifier.
pub fn coding(curie: &Curie, display: Option<&str>) -> Coding {
    let (system, code) = match curie.system() {
        CodeSystem::Hpo => (HPO, curie.as_str()),
        CodeSystem::Mondo => (MONDO, curie.as_str()),
        CodeSystem::Maxo => (MAXO, curie.as_str()),
        CodeSystem::Chebi => (CHEBI, curie.as_str()),
        CodeSystem::Hgnc => (HGNC, curie.as_str()),
        CodeSystem::Omim => (OMIM, curie.local_id()),
        CodeSystem::Orphanet => (ORPHANET, curie.local_id()),
        CodeSystem::Ncit => (NCIT, curie.local_id()),
        CodeSystem::DrugBank => (DRUGBANK, curie.local_id()),
    };
    Coding::new(system, code, display)
}

/// The LOINC answer (answer list LL1937-3) saying whether a phenotype is present.
pub fn presence(excluded: bool) -> CodeableConcept {
    let (code, display) = if excluded { ("LA9634-2", "Absent") } else { ("LA9633-4", "Present") };
    CodeableConcept::coded(Coding::new(LOINC, code, Some(display)), None)
}

pub fn observation_category(code: &str, display: &str) -> CodeableConcept {
    CodeableConcept::coded(Coding::new(OBSERVATION_CATEGORY, code, Some(display)), None)
}

/// An HPO term used as a component code or value, labelled as in the vendored HPO release.
pub fn hpo(id: &str, label: &str) -> CodeableConcept {
    CodeableConcept::coded(Coding::new(HPO, id, Some(label)), None)
}

/// The HPO grouping terms the IG's v0.1.0 mapping uses as component codes.
pub const HPO_SEVERITY: (&str, &str) = ("HP:0012824", "Severity");
pub const HPO_CLINICAL_MODIFIER: (&str, &str) = ("HP:0012823", "Clinical modifier");

/// A quantity in a UCUM unit whose code is its display (`mg`, `mg/L`, `%`).
pub fn ucum(value: f64, unit: &str) -> Quantity {
    Quantity { value: tidy(value), unit: unit.to_string(), system: Some(UCUM.to_string()), code: Some(unit.to_string()) }
}

/// A quantity in a unit with no UCUM code of ours: the unit as text only (FHIR qty-3).
pub fn uncoded(value: f64, unit: &str) -> Quantity {
    Quantity { value: tidy(value), unit: unit.to_string(), system: None, code: None }
}

/// An age in whole months, as a UCUM quantity.
pub fn age_in_months(months: i64) -> Quantity {
    Quantity { value: months as f64, unit: "months".to_string(), system: Some(UCUM.to_string()), code: Some("mo".to_string()) }
}

/// A laboratory value in its analyte's canonical unit, with the UCUM code where one is certain.
pub fn lab_quantity(analyte: Analyte, value: f64) -> Quantity {
    let unit = analyte.canonical_unit();
    match ucum_code_of_lab_unit(unit) {
        Some(code) => Quantity { value: tidy(value), unit: unit.to_string(), system: Some(UCUM.to_string()), code: Some(code.to_string()) },
        None => uncoded(value, unit),
    }
}

/// The UCUM code of a canonical laboratory unit. `kU/L` (IgE) has none here: in UCUM `U` is the
/// enzyme unit, not the international unit the laboratories mean.
fn ucum_code_of_lab_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "mg/L" => "mg/L",
        "mm/h" => "mm/h",
        "10^9/L" => "10*9/L",
        "fL" => "fL",
        "g/L" => "g/L",
        "ug/L" => "ug/L",
        "pg/mL" => "pg/mL",
        "mL/min" => "mL/min",
        _ => return None,
    })
}

/// The LOINC code of an analyte, for the two whose codes the shared docs give (standards.md
/// §1.3); the others are written by name.
pub fn lab_code(analyte: Analyte) -> CodeableConcept {
    let loinc = match analyte {
        Analyte::Crp => Some(("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma")),
        Analyte::Platelets => Some(("777-3", "Platelets [#/volume] in Blood by Automated count")),
        _ => None,
    };
    let text = capitalized(analyte.label());
    match loinc {
        Some((code, display)) => CodeableConcept::coded(Coding::new(LOINC, code, Some(display)), Some(&text)),
        None => CodeableConcept::text(text),
    }
}

/// A dose in UCUM: `mg`, or `mg/kg` per administration.
pub fn dose_quantity(amount: f64, unit: DoseUnit) -> Quantity {
    ucum(amount, unit.key())
}

/// The FHIR schedule of a frequency: doses per period of a UCUM time unit, or a single dose.
pub fn timing(frequency: Frequency) -> TimingRepeat {
    let every = |frequency: u32, period: u32, unit: &'static str| TimingRepeat {
        count: None,
        frequency: Some(frequency),
        period: Some(period),
        period_unit: Some(unit),
    };
    match frequency {
        Frequency::Daily => every(1, 1, "d"),
        Frequency::TwiceDaily => every(2, 1, "d"),
        Frequency::ThreeTimesDaily => every(3, 1, "d"),
        Frequency::EveryOtherDay => every(1, 2, "d"),
        Frequency::Weekly => every(1, 1, "wk"),
        Frequency::EveryTwoWeeks => every(1, 2, "wk"),
        Frequency::EveryFourWeeks => every(1, 4, "wk"),
        Frequency::EveryEightWeeks => every(1, 8, "wk"),
        Frequency::Once => TimingRepeat { count: Some(1), frequency: None, period: None, period_unit: None },
    }
}

pub fn route_text(route: Route) -> &'static str {
    match route {
        Route::Subcutaneous => "subcutaneous",
        Route::Intravenous => "intravenous",
        Route::Oral => "oral",
        Route::Topical => "topical",
        Route::Intramuscular => "intramuscular",
    }
}

/// The R4 `adverse-event-severity` code of a CTCAE grade (grades 3 to 5 are all `severe`), with
/// the grade's NCIT concept (clinical.md §3.6, verified) and the grade itself as text.
pub fn adverse_event_severity(grade: CtcaeGrade) -> CodeableConcept {
    let severity = match grade.value() {
        1 => "mild",
        2 => "moderate",
        _ => "severe",
    };
    let ncit = grade.ncit_id().trim_start_matches("NCIT:");
    CodeableConcept {
        coding: vec![Coding::new(ADVERSE_EVENT_SEVERITY, severity, None), Coding::new(NCIT, ncit, None)],
        text: Some(format!("CTCAE v5.0 grade {}", grade.value())),
    }
}

/// The R4 `adverse-event-outcome` code of an outcome.
pub fn adverse_event_outcome(outcome: AdverseEventOutcome) -> CodeableConcept {
    let code = match outcome {
        AdverseEventOutcome::Resolved => "resolved",
        AdverseEventOutcome::Resolving => "recovering",
        AdverseEventOutcome::NotResolved => "ongoing",
        AdverseEventOutcome::ResolvedWithSequelae => "resolvedWithSequelae",
        AdverseEventOutcome::Fatal => "fatal",
    };
    CodeableConcept::coded(Coding::new(ADVERSE_EVENT_OUTCOME, code, None), Some(&words(outcome.key())))
}

pub fn attribution_text(attribution: Attribution) -> String {
    words(attribution.key())
}

pub fn action_text(action: ActionTaken) -> String {
    words(action.key())
}

pub fn lineage_text(lineage: Lineage) -> &'static str {
    match lineage {
        Lineage::MyeloidCd15 => "myeloid (CD15+)",
        Lineage::MyeloidCd33 => "myeloid (CD33+)",
        Lineage::MonocyteCd14 => "monocytes (CD14+)",
        Lineage::TCd3 => "T cells (CD3+)",
        Lineage::BCd19 => "B cells (CD19+)",
        Lineage::NkCd56 => "NK cells (CD56+)",
        Lineage::WholeBlood => "whole blood",
        Lineage::Pbmc => "peripheral blood mononuclear cells",
        Lineage::Cfu => "colony-forming units",
    }
}

pub fn method_text(method: EngraftmentMethod) -> &'static str {
    match method {
        EngraftmentMethod::StrPcr => "STR-PCR",
        EngraftmentMethod::XyFish => "XY-FISH",
        EngraftmentMethod::Qpcr => "qPCR",
        EngraftmentMethod::Ddpcr => "ddPCR",
        EngraftmentMethod::Flow => "flow cytometry",
        EngraftmentMethod::Other => "other",
    }
}

pub fn sample_text(sample: SampleType) -> &'static str {
    match sample {
        SampleType::PeripheralBlood => "peripheral blood",
        SampleType::BoneMarrow => "bone marrow",
    }
}

pub fn donor_text(donor: DonorType) -> &'static str {
    match donor {
        DonorType::MatchedSibling => "matched sibling donor",
        DonorType::MatchedFamily => "matched family donor",
        DonorType::MatchedUnrelated => "matched unrelated donor",
        DonorType::MismatchedUnrelated => "mismatched unrelated donor",
        DonorType::Haploidentical => "haploidentical donor",
        DonorType::CordBlood => "umbilical cord blood",
    }
}

pub fn stem_cell_source_text(source: StemCellSource) -> &'static str {
    match source {
        StemCellSource::BoneMarrow => "bone marrow",
        StemCellSource::PeripheralBlood => "peripheral blood stem cells",
        StemCellSource::CordBlood => "cord blood",
    }
}

/// A keyword as words: `very-good` → `very good`.
pub fn words(key: &str) -> String {
    key.replace('-', " ")
}

/// A number for people: at most three decimals, trailing zeros dropped (`2`, `3.125`, `0.071`).
pub fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// Rounds away binary noise from unit conversions (`800 × 0.01`), keeping six decimals.
fn tidy(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use casebook_domain::code::Curie;
    use casebook_domain::drug::Frequency;

    use crate::model::TimingRepeat;
    use crate::terminology::{coding, number, timing};

    #[test]
    fn every_frequency_becomes_doses_per_period() {
        let every = |frequency, period, unit| TimingRepeat {
            count: None,
            frequency: Some(frequency),
            period: Some(period),
            period_unit: Some(unit),
        };
        let cases = [
            (Frequency::Daily, every(1, 1, "d")),
            (Frequency::TwiceDaily, every(2, 1, "d")),
            (Frequency::ThreeTimesDaily, every(3, 1, "d")),
            (Frequency::EveryOtherDay, every(1, 2, "d")),
            (Frequency::Weekly, every(1, 1, "wk")),
            (Frequency::EveryTwoWeeks, every(1, 2, "wk")),
            (Frequency::EveryFourWeeks, every(1, 4, "wk")),
            (Frequency::EveryEightWeeks, every(1, 8, "wk")),
            (Frequency::Once, TimingRepeat { count: Some(1), frequency: None, period: None, period_unit: None }),
        ];
        assert_eq!(cases.len(), Frequency::ALL.len(), "every frequency has a case");
        for (frequency, expected) in cases {
            assert_eq!(timing(frequency), expected, "{}", frequency.key());
            if let (Some(per_day), Some(f), Some(p), Some(unit)) =
                (frequency.doses_per_day(), expected.frequency, expected.period, expected.period_unit)
            {
                let days = f64::from(p) * if unit == "wk" { 7.0 } else { 1.0 };
                assert!((f64::from(f) / days - per_day).abs() < 1e-12, "{} agrees with the domain's daily rate", frequency.key());
            }
        }
    }

    #[test]
    fn codes_keep_curies_for_obo_ontologies_and_local_ids_elsewhere() {
        let cases = [
            ("HP:0000964", "http://human-phenotype-ontology.org", "HP:0000964"),
            ("MONDO:0010518", "http://purl.obolibrary.org/obo/mondo.owl", "MONDO:0010518"),
            ("MAXO:0001001", "http://purl.obolibrary.org/obo/maxo.owl", "MAXO:0001001"),
            ("OMIM:301000", "https://omim.org", "301000"),
            ("ORPHA:906", "http://www.orpha.net", "906"),
            ("DrugBank:DB00026", "https://go.drugbank.com", "DB00026"),
            ("CHEBI:8382", "http://purl.obolibrary.org/obo/chebi.owl", "CHEBI:8382"),
            ("NCIT:C41338", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "C41338"),
        ];
        for (curie, system, code) in cases {
            let coded = coding(&Curie::parse(curie).unwrap(), None);
            assert_eq!((coded.system.as_str(), coded.code.as_str()), (system, code), "{curie}");
        }
    }

    #[test]
    fn numbers_for_people_drop_trailing_zeros() {
        for (value, text) in [(2.0, "2"), (3.125, "3.125"), (2.0 / 28.0, "0.071"), (0.0, "0"), (12.5, "12.5")] {
            assert_eq!(number(value), text, "{value}");
        }
    }
}
