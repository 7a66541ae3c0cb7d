//! A GA4GH Phenopacket v2 (canonical JSON) as a Casebook patient.
//!
//! A phenopacket written by Casebook carries its Casebook record and reads back exactly. Any
//! other phenopacket is mapped field by field into the parts the domain holds; the whole
//! document is kept verbatim with the record, and every element the record could not hold is
//! listed by its JSON path, so that exporting the unchanged record gives the document back.
//!
//! The mapping reads the typed message the strict reader gave, not a JSON value: the document is
//! parsed once, and the kept copy is written from the message as compact canonical JSON.

use casebook_domain::check::{Diagnostic, Level};
use casebook_domain::code::{Code, CodeSystem, Curie};
use casebook_domain::date::{Age, PartialDate};
use casebook_domain::drug::{Dose, DoseUnit, DrugCatalog};
use casebook_domain::patient::*;
use casebook_domain::study::Study;
use casebook_phenopackets::genomic_interpretation::Call;
use casebook_phenopackets::measurement::MeasurementValue;
use casebook_phenopackets::medical_action::Action;
use casebook_phenopackets::time_element::Element;
use casebook_phenopackets::{
    Individual, KaryotypicSex, MedicalAction, Message, OntologyClass, Phenopacket, TimeElement, Timestamp, Treatment, VariationDescriptor,
    value, vital_status,
};
use serde_json::Value;

use crate::native::folder::{parse_patient_json, patient_to_json};
use crate::native::record::{EncodedRecord, sha256_hex};
use crate::phenopacket::export::CASEBOOK_RECORD_REFERENCE;
use crate::phenopacket::vocabulary;

/// The format name of a phenopacket kept as a source document.
pub const PHENOPACKET_FORMAT: &str = "phenopacket-v2";

/// A phenopacket mapped to a patient.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The patient, serialized as the registry stores it.
    pub record: EncodedRecord,
    /// JSON paths of the elements the record could not hold; kept in the source document.
    pub kept_verbatim: Vec<String>,
    /// Warnings about what was mapped.
    pub warnings: Vec<Diagnostic>,
    /// Which element of the phenopacket each element of the record's lists was read from.
    origins: Vec<Origin>,
    /// Which field of the phenopacket a field of the record was read from, when that is not the
    /// same name in another place: `symptomOnsetAgeMonths` from `diseases[0].onset`.
    field_origins: Vec<(&'static str, String)>,
}

/// An element of one of the record's lists (`courses[2]`) and the element of the phenopacket it
/// was read from (`medicalActions[3]`).
#[derive(Debug, Clone)]
struct Origin {
    record_list: &'static str,
    record_index: usize,
    file_list: &'static str,
    file_index: usize,
}

impl Mapped {
    /// A finding of Casebook's rules on the record, made a finding on the file: at the element
    /// the record's element was read from (`courses[0].dose` → `medicalActions[1]`) or the field
    /// a field was (`symptomOnset` → `diseases[0].onset`), or at no place when the record was
    /// not read from the file's fields (a Casebook export's own record); the record's path is
    /// added to the message, as the file has no such field.
    pub fn finding_in_file(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        let in_record = std::mem::take(&mut diagnostic.path);
        if let Some((_, in_file)) = self.field_origins.iter().find(|(field, _)| *field == in_record) {
            diagnostic.path = in_file.clone();
        } else if let Some(origin) = self.origins.iter().find(|origin| {
            let element = in_record.strip_prefix(origin.record_list).and_then(|rest| rest.strip_prefix('['));
            element.and_then(|rest| rest.split_once(']')).is_some_and(|(index, _)| index.parse() == Ok(origin.record_index))
        }) {
            diagnostic.path = format!("{}[{}]", origin.file_list, origin.file_index);
        }
        diagnostic.message = format!("{} ({in_record} of the Casebook record)", diagnostic.message);
        diagnostic
    }
}

/// The SHA-256 of a record in its canonical form without its source document: the fingerprint
/// that tells whether a record still is what was imported.
pub fn record_fingerprint(patient: &Patient) -> String {
    let json = if patient.source_document.is_none() {
        patient_to_json(patient)
    } else {
        patient_to_json(&Patient { source_document: None, ..patient.clone() })
    };
    sha256_hex(json.as_bytes())
}

/// A text field of the schema as the canonical JSON has it: an empty text is left out there,
/// so it counts as absent here too.
fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// The id of an ontology class that is set and has one.
fn id_of(class: Option<&OntologyClass>) -> Option<&str> {
    class.and_then(|class| non_empty(&class.id))
}

/// A double the canonical JSON writes as a number: 0 is left out there and NaN and the
/// infinities are strings, so none of them counts as a value.
fn number(value: f64) -> Option<f64> {
    (value.to_bits() != 0 && value.is_finite()).then_some(value)
}

/// `2014-10-09T00:00:00Z` → `2014-10-09`.
fn date_of(timestamp: &Timestamp) -> Option<PartialDate> {
    PartialDate::parse(timestamp.to_string().get(..10)?).ok()
}

/// The date of a time element given as a timestamp.
fn timestamp_date(element: Option<&TimeElement>) -> Option<PartialDate> {
    match element?.element.as_ref()? {
        Element::Timestamp(timestamp) => date_of(timestamp),
        _ => None,
    }
}

/// `P3Y6M`, `P1M`, `P2W`, `P10D` → whole months (weeks and days round down); `None` for what is
/// not such a duration, or too long to count.
pub fn months_of(duration: &str) -> Option<i64> {
    let body = duration.strip_prefix('P')?;
    let body = body.split('T').next()?;
    let (mut months, mut number) = (0i64, String::new());
    for c in body.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let part = match c {
            'Y' => n.checked_mul(12)?,
            'M' => n,
            'W' => n.checked_mul(7)? / 30,
            'D' => n / 30,
            _ => return None,
        };
        months = months.checked_add(part)?;
    }
    number.is_empty().then_some(months)
}

/// Reads a phenopacket given as a JSON value as a patient of a center (see [`map_phenopacket`]);
/// a value that does not follow the schema is one error.
pub fn phenopacket_to_patient(document: &Value, study: &Study, center: &Slug) -> Result<Mapped, Vec<Diagnostic>> {
    let phenopacket = Phenopacket::from_json_value(document).map_err(|error| {
        vec![Diagnostic {
            level: Level::Error,
            path: String::new(),
            rule: "invalid-phenopacket".into(),
            message: error.to_string(),
            source: None,
        }]
    })?;
    map_phenopacket(&phenopacket, study, center)
}

/// Maps a phenopacket to a patient of a center of `study`: the Casebook record a Casebook export
/// carries, or else what a record can hold, with the whole document kept as its compact canonical
/// JSON. The study gives the drugs a treatment may name and the disease whose onset is the
/// patient's symptom onset ([`Patient::symptom_onset_diagnosis`]).
pub fn map_phenopacket(phenopacket: &Phenopacket, study: &Study, center: &Slug) -> Result<Mapped, Vec<Diagnostic>> {
    if let Some(record) = casebook_record(phenopacket) {
        let record = EncodedRecord::new(parse_patient_json(record)?);
        return Ok(Mapped { record, kept_verbatim: Vec::new(), warnings: Vec::new(), origins: Vec::new(), field_origins: Vec::new() });
    }
    let mut map = Mapper { kept: Vec::new(), warnings: Vec::new(), origins: Vec::new(), field_origins: Vec::new() };
    let patient = map.patient(phenopacket, study, center)?;
    let record = EncodedRecord::with_source_document(patient, PHENOPACKET_FORMAT, phenopacket.to_compact_json());
    Ok(Mapped { record, kept_verbatim: map.kept, warnings: map.warnings, origins: map.origins, field_origins: map.field_origins })
}

/// The Casebook record a Casebook export put into `metaData.externalReferences`.
fn casebook_record(phenopacket: &Phenopacket) -> Option<&str> {
    let references = &phenopacket.meta_data.as_ref()?.external_references;
    references.iter().find(|r| r.id == CASEBOOK_RECORD_REFERENCE).and_then(|r| non_empty(&r.description))
}

/// A disease's onset and its JSON path, when it has one.
type DiseaseOnset<'d> = Option<(&'d TimeElement, String)>;

struct Mapper {
    kept: Vec<String>,
    warnings: Vec<Diagnostic>,
    origins: Vec<Origin>,
    field_origins: Vec<(&'static str, String)>,
}

impl Mapper {
    fn keep(&mut self, path: impl Into<String>) {
        self.kept.push(path.into());
    }

    /// Notes that the record's `record_list[record_index]` is read from `file_list[file_index]`.
    fn made_from(&mut self, record_list: &'static str, record_index: usize, file_list: &'static str, file_index: usize) {
        self.origins.push(Origin { record_list, record_index, file_list, file_index });
    }

    fn patient(&mut self, d: &Phenopacket, study: &Study, center: &Slug) -> Result<Patient, Vec<Diagnostic>> {
        let id = d.id.as_str();
        let pseudonym = Pseudonym::parse(id).map_err(|e| {
            vec![Diagnostic { level: Level::Error, path: "id".into(), rule: "invalid-value".into(), message: e.to_string(), source: None }]
        })?;
        let no_subject = Individual::default();
        let subject = d.subject.as_ref().unwrap_or(&no_subject);
        let sex = match subject.sex {
            casebook_phenopackets::Sex::Male => Sex::Male,
            casebook_phenopackets::Sex::Female => Sex::Female,
            _ => Sex::Unknown,
        };
        let birth =
            subject.date_of_birth.as_ref().and_then(date_of).and_then(|d| PartialDate::year_month(d.year_value(), d.month_value()?).ok());
        let vital_status = match subject.vital_status.as_ref().map(|v| v.status) {
            Some(vital_status::Status::Alive) => VitalStatus::Alive,
            Some(vital_status::Status::Deceased) => VitalStatus::Deceased,
            _ => VitalStatus::Unknown,
        };
        let last_follow_up = self.time_point(subject.time_at_last_encounter.as_ref(), || "$.subject.timeAtLastEncounter".into());
        let kept_subject_fields = [
            ("alternateIds", !subject.alternate_ids.is_empty()),
            ("karyotypicSex", subject.karyotypic_sex != KaryotypicSex::UnknownKaryotype),
            ("taxonomy", subject.taxonomy.is_some()),
            ("gender", subject.gender.is_some()),
        ];
        for (key, set) in kept_subject_fields {
            if set {
                self.keep(format!("$.subject.{key}"));
            }
        }
        if subject.vital_status.as_ref().is_some_and(|v| v.cause_of_death.is_some() || v.survival_time_in_days != 0) {
            self.keep("$.subject.vitalStatus");
        }
        let source = if id.starts_with("PMID")
            || d.meta_data.as_ref().is_some_and(|meta| meta.external_references.iter().any(|r| r.id.starts_with("PMID")))
        {
            Source::Publication
        } else {
            Source::Chart
        };

        let features = self.features(d);
        let (diagnoses, onsets) = self.diseases(d);
        let variants = self.variants(d);
        let labs = self.measurements(d);
        let (courses, definitive_therapies) = self.medical_actions(d, &study.drugs);
        for (key, set) in [("biosamples", !d.biosamples.is_empty()), ("files", !d.files.is_empty())] {
            if set {
                self.keep(format!("$.{key}"));
            }
        }
        let mut patient = Patient {
            pseudonym,
            center: center.clone(),
            source,
            sex,
            birth,
            family_history: None,
            consanguinity: None,
            vital_status,
            last_follow_up,
            cause_of_death: None,
            symptom_onset: None,
            diagnoses,
            variants,
            wasp_expression: None,
            features,
            labs,
            weights: Vec::new(),
            courses,
            definitive_therapies,
            engraftment: Vec::new(),
            zhu_assessments: Vec::new(),
            notes: None,
            source_document: None,
        };
        self.symptom_onset(&mut patient, study, onsets);
        assign_phases(&mut patient);
        Ok(patient)
    }

    /// A disease's onset is the patient's symptom onset when it is the disease the symptom onset
    /// belongs to and a date or an age; any other onset is kept verbatim. A phenopacket has no
    /// date of diagnosis, so an imported diagnosis has none.
    fn symptom_onset(&mut self, patient: &mut Patient, study: &Study, onsets: Vec<DiseaseOnset<'_>>) {
        let index = patient.symptom_onset_diagnosis(study.disease.as_ref());
        for (diagnosis, onset) in onsets.into_iter().enumerate() {
            let Some((element, path)) = onset else { continue };
            if Some(diagnosis) == index {
                let in_file = path.trim_start_matches("$.").to_string();
                patient.symptom_onset = self.time_point(Some(element), || path);
                match patient.symptom_onset {
                    Some(TimePoint::Date(_)) => self.field_origins.push(("symptomOnset", in_file)),
                    Some(TimePoint::Age(_)) => self.field_origins.push(("symptomOnsetAgeMonths", in_file)),
                    None => {}
                }
            } else {
                self.keep(path);
            }
        }
    }

    fn features(&mut self, d: &Phenopacket) -> Vec<PhenotypicFeature> {
        let mut features = Vec::new();
        for (i, f) in d.phenotypic_features.iter().enumerate() {
            // Built only for what is kept: most features keep nothing.
            let path = |inner: &str| format!("$.phenotypicFeatures[{i}]{inner}");
            let Some(ty) = &f.r#type else { continue };
            let code = match Code::parse_in(CodeSystem::Hpo, &ty.id, &ty.label) {
                Ok(code) => code,
                Err(_) => {
                    self.keep(path(""));
                    continue;
                }
            };
            let severity = id_of(f.severity.as_ref()).and_then(|id| Severity::ALL.iter().copied().find(|s| s.hpo_id() == id));
            if f.severity.is_some() && severity.is_none() {
                self.keep(path(".severity"));
            }
            let mut temporal = Vec::new();
            for (m, modifier) in f.modifiers.iter().enumerate() {
                match non_empty(&modifier.id).and_then(|id| TemporalPattern::ALL.iter().copied().find(|t| t.hpo_id() == id)) {
                    Some(pattern) => temporal.push(pattern),
                    None => self.keep(path(&format!(".modifiers[{m}]"))),
                }
            }
            let onset = self.time_point(f.onset.as_ref(), || path(".onset"));
            let resolution = self.time_point(f.resolution.as_ref(), || path(".resolution"));
            if !f.evidence.is_empty() {
                self.keep(path(".evidence"));
            }
            self.made_from("features", features.len(), "phenotypicFeatures", i);
            features.push(PhenotypicFeature {
                term: code,
                excluded: f.excluded,
                onset,
                resolution,
                severity,
                temporal,
                mechanism: None,
                biopsy_proven: None,
                note: non_empty(&f.description).map(str::to_string),
            });
        }
        features
    }

    /// A time point, or `None` with the element kept at `path()` when a record cannot hold it.
    fn time_point(&mut self, element: Option<&TimeElement>, path: impl FnOnce() -> String) -> Option<TimePoint> {
        let element = element?;
        if let Some(date) = timestamp_date(Some(element)) {
            return Some(TimePoint::Date(date));
        }
        // An age no person has (`P200Y`) is a slip of the source: kept as it was written.
        if let Some(Element::Age(age)) = &element.element
            && let Some(age) = months_of(&age.iso8601duration).and_then(Age::reported)
        {
            return Some(TimePoint::Age(age));
        }
        self.keep(path());
        None
    }

    /// The diseases as diagnoses, each with its onset and the onset's path, for
    /// [`Mapper::symptom_onset`].
    fn diseases<'d>(&mut self, d: &'d Phenopacket) -> (Vec<Diagnosis>, Vec<DiseaseOnset<'d>>) {
        let (mut diagnoses, mut onsets) = (Vec::new(), Vec::new());
        for (i, disease) in d.diseases.iter().enumerate() {
            let path = format!("$.diseases[{i}]");
            let (id, label) = disease.term.as_ref().map_or(("", ""), |term| (term.id.as_str(), term.label.as_str()));
            let code = Curie::parse(id)
                .ok()
                .filter(|c| matches!(c.system(), CodeSystem::Mondo | CodeSystem::Omim | CodeSystem::Orphanet))
                .and_then(|c| Code::new(c, label).ok());
            let Some(code) = code else {
                self.keep(path);
                continue;
            };
            onsets.push(disease.onset.as_ref().map(|onset| (onset, format!("{path}.onset"))));
            let kept_fields = [
                ("excluded", disease.excluded),
                ("resolution", disease.resolution.is_some()),
                ("diseaseStage", !disease.disease_stage.is_empty()),
                ("clinicalTnmFinding", !disease.clinical_tnm_finding.is_empty()),
                ("primarySite", disease.primary_site.is_some()),
                ("laterality", disease.laterality.is_some()),
            ];
            for (key, set) in kept_fields {
                if set {
                    self.keep(format!("{path}.{key}"));
                }
            }
            self.made_from("diagnoses", diagnoses.len(), "diseases", i);
            diagnoses.push(Diagnosis { code, date: None });
        }
        (diagnoses, onsets)
    }

    fn variants(&mut self, d: &Phenopacket) -> Vec<Variant> {
        let mut variants = Vec::new();
        for (i, interpretation) in d.interpretations.iter().enumerate() {
            let genomic = interpretation.diagnosis.as_ref().map_or(&[][..], |diagnosis| &diagnosis.genomic_interpretations);
            for (g, genomic) in genomic.iter().enumerate() {
                let path = format!("$.interpretations[{i}].diagnosis.genomicInterpretations[{g}]");
                let descriptor = match &genomic.call {
                    Some(Call::VariantInterpretation(interpretation)) => interpretation.variation_descriptor.as_ref(),
                    _ => None,
                };
                match descriptor.and_then(variant_of) {
                    Some(variant) => variants.push(variant),
                    None => self.keep(path.clone()),
                }
                // Everything but the HGVS expression, the gene and the allelic state stays in the source.
                self.keep(format!("{path}.variantInterpretation"));
            }
            self.keep(format!("$.interpretations[{i}]"));
        }
        variants.dedup();
        variants
    }

    fn measurements(&mut self, d: &Phenopacket) -> Vec<LabMeasurement> {
        let mut labs = Vec::new();
        for (i, measurement) in d.measurements.iter().enumerate() {
            let lab = (|| {
                let assay = id_of(measurement.assay.as_ref())?;
                let (key, ..) = vocabulary::LAB_ASSAYS.iter().find(|(_, id, ..)| *id == assay)?;
                let Some(MeasurementValue::Value(casebook_phenopackets::Value { value: Some(value::Value::Quantity(quantity)) })) =
                    &measurement.measurement_value
                else {
                    return None;
                };
                let unit = id_of(quantity.unit.as_ref())?.trim_start_matches("UCUM:");
                let unit = if unit == "10*9/L" { "10^9/L" } else { unit };
                let value = number(quantity.value)?;
                let date = timestamp_date(measurement.time_observed.as_ref())?;
                LabMeasurement::new(date, Analyte::parse(key).ok()?, value, unit).ok()
            })();
            match lab {
                Some(lab) => {
                    self.made_from("labs", labs.len(), "measurements", i);
                    labs.push(lab);
                }
                None => self.keep(format!("$.measurements[{i}]")),
            }
        }
        labs
    }

    fn medical_actions(&mut self, d: &Phenopacket, drugs: &DrugCatalog) -> (Vec<TreatmentCourse>, Vec<DefinitiveTherapy>) {
        let mut courses = Vec::new();
        let mut therapies = Vec::new();
        for (i, action) in d.medical_actions.iter().enumerate() {
            let path = format!("$.medicalActions[{i}]");
            let treatment = match &action.action {
                Some(Action::Procedure(procedure)) => {
                    let code = procedure.code.as_ref().map_or("", |code| code.id.as_str());
                    let date = timestamp_date(procedure.performed.as_ref());
                    let kind = match code {
                        "MAXO:0001001" | "NCIT:C15238" => Some(DefinitiveTherapyKind::GeneTherapy {
                            vector: None,
                            product_vcn: None,
                            cd34_per_kg_millions: None,
                            trial_id: None,
                        }),
                        "MAXO:0001479" | "MAXO:0000747" | "NCIT:C15431" => Some(DefinitiveTherapyKind::Hsct {
                            donor: None,
                            hla_match: None,
                            source: None,
                            acute_gvhd_grade: None,
                            chronic_gvhd: None,
                        }),
                        _ => None,
                    };
                    match (kind, date) {
                        (Some(kind), Some(date)) => {
                            self.made_from("definitiveTherapies", therapies.len(), "medicalActions", i);
                            therapies.push(DefinitiveTherapy {
                                id: Slug::parse("therapy id", &format!("P{}", therapies.len() + 1)).expect("a generated id is valid"),
                                date,
                                conditioning: None,
                                kind,
                            });
                        }
                        _ => self.keep(path),
                    }
                    continue;
                }
                Some(Action::Treatment(treatment)) => treatment,
                _ => {
                    self.keep(path);
                    continue;
                }
            };
            match self.course(treatment, action, drugs, courses.len(), &path) {
                Some(course) => {
                    for (key, set) in [
                        ("treatmentIntent", action.treatment_intent.is_some()),
                        ("treatmentTerminationReason", action.treatment_termination_reason.is_some()),
                    ] {
                        if set {
                            self.keep(format!("{path}.{key}"));
                        }
                    }
                    if treatment.dose_intervals.len() > 1 || treatment.cumulative_dose.is_some() {
                        self.keep(format!("{path}.treatment"));
                    }
                    self.made_from("courses", courses.len(), "medicalActions", i);
                    courses.push(course);
                }
                None => self.keep(path),
            }
        }
        (courses, therapies)
    }

    /// The course of `treatment`, the `index`th of the patient; `path` is its medical action's.
    fn course(
        &mut self,
        treatment: &Treatment,
        action: &MedicalAction,
        drugs: &DrugCatalog,
        index: usize,
        path: &str,
    ) -> Option<TreatmentCourse> {
        let agent = treatment.agent.as_ref()?;
        let drug = drug_key(agent, drugs)?;
        let interval = treatment.dose_intervals.first();
        let period = interval.and_then(|i| i.interval.as_ref());
        let start = period.and_then(|p| p.start.as_ref()).and_then(date_of)?;
        let end = period.and_then(|p| p.end.as_ref()).and_then(date_of);
        let dose = interval.and_then(|i| i.quantity.as_ref()).and_then(|q| {
            let unit = match id_of(q.unit.as_ref())? {
                "UCUM:mg" => DoseUnit::Mg,
                "UCUM:mg/kg" | "UCUM:mg.kg-1" => DoseUnit::MgPerKg,
                _ => return None,
            };
            Dose::new(number(q.value)?, unit).ok()
        });
        let frequency = interval.and_then(|i| id_of(i.schedule_frequency.as_ref())).and_then(vocabulary::frequency_from);
        let route = id_of(treatment.route_of_administration.as_ref()).and_then(vocabulary::route_from);
        let targets =
            id_of(action.treatment_target.as_ref()).and_then(|id| Curie::parse_in(CodeSystem::Hpo, id).ok()).into_iter().collect();
        let response = id_of(action.response_to_treatment.as_ref()).and_then(vocabulary::response_from).map(|grade| Response {
            grade,
            date: None,
            note: None,
        });
        let adverse_events = (!action.adverse_events.is_empty()).then(Vec::new);
        if adverse_events.is_some() {
            self.warnings.push(Diagnostic {
                level: Level::Warning,
                // Findings' paths leave out the `$.` their display adds.
                path: format!("{}.adverseEvents", path.trim_start_matches("$.")),
                rule: "adverse-events-without-grade".into(),
                message: "adverse events are kept in the source document: a phenopacket gives neither their CTCAE grade nor seriousness"
                    .into(),
                source: None,
            });
        }
        Some(TreatmentCourse {
            id: Slug::parse("course id", &format!("C{}", index + 1)).expect("a generated id is valid"),
            drug,
            route,
            dose,
            frequency,
            start,
            end,
            ongoing: false,
            phase: TreatmentPhase::NoDefinitiveTherapy,
            targets,
            response,
            steroids_discontinued: None,
            termination: None,
            switched_to: None,
            adverse_events,
        })
    }
}

/// The Casebook drug an agent names: by code in the catalogue, a Casebook code, or the label.
fn drug_key(agent: &OntologyClass, drugs: &DrugCatalog) -> Option<String> {
    let id = agent.id.as_str();
    if let Some(key) = id.strip_prefix(&format!("{}:drug-", vocabulary::CASEBOOK_PREFIX)) {
        return drugs.get(key).map(|d| d.key().to_string());
    }
    if let Some(drug) = drugs.drugs().iter().find(|d| d.codes().iter().any(|c| c.id().as_str() == id)) {
        return Some(drug.key().to_string());
    }
    let label = non_empty(&agent.label)?.to_lowercase();
    drugs.get(&label).map(|d| d.key().to_string())
}

fn variant_of(descriptor: &VariationDescriptor) -> Option<Variant> {
    let gene_context = descriptor.gene_context.as_ref()?;
    let gene = Code::parse_in(CodeSystem::Hgnc, non_empty(&gene_context.value_id)?, non_empty(&gene_context.symbol)?).ok()?;
    let expressions = &descriptor.expressions;
    let coding = expressions.iter().find(|e| e.syntax == "hgvs.c").and_then(|e| non_empty(&e.value))?;
    let (transcript, change) = coding.split_once(':')?;
    let protein = expressions
        .iter()
        .find(|e| e.syntax == "hgvs.p")
        .and_then(|e| non_empty(&e.value))
        .and_then(|p| Hgvs::parse_protein(p.rsplit(':').next()?).ok());
    let zygosity = id_of(descriptor.allelic_state.as_ref()).map_or(Zygosity::Unknown, vocabulary::zygosity_from);
    Some(Variant {
        gene,
        transcript: Transcript::parse(transcript).ok()?,
        hgvs_c: Hgvs::parse_coding(change).ok()?,
        hgvs_p: protein,
        class: VariantClass::Other,
        zygosity,
    })
}

/// Derives each course's phase from its start and the definitive therapies, which a phenopacket
/// does not state.
fn assign_phases(patient: &mut Patient) {
    let therapies = patient.definitive_therapies.clone();
    for course in &mut patient.courses {
        let before = therapies
            .iter()
            .filter(|t| t.date.definitely_cmp(&course.start) == Some(std::cmp::Ordering::Less))
            .max_by_key(|t| t.date.sort_key());
        course.phase = match before {
            Some(therapy) if therapy.kind.is_gene_therapy() => TreatmentPhase::AfterGeneTherapy,
            Some(_) => TreatmentPhase::AfterHsct,
            None if therapies.is_empty() => TreatmentPhase::NoDefinitiveTherapy,
            None => TreatmentPhase::BeforeDefinitiveTherapy,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations_become_months() {
        for (text, months) in [
            ("P3Y6M", Some(42)),
            ("P1M", Some(1)),
            ("P10D", Some(0)),
            ("P2Y", Some(24)),
            ("P6W", Some(1)),
            ("3Y", None),
            ("P3X", None),
            ("P999999999999999999Y", None),
            ("P768614336404564651Y", None),
            ("P768614336404564640Y9223372036854775807M", None),
        ] {
            assert_eq!(months_of(text), months, "{text}");
        }
    }
}
