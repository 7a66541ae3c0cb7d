//! A GA4GH Phenopacket v2 (canonical JSON) as a Casebook patient.
//!
//! A phenopacket written by Casebook carries its Casebook record and reads back exactly. Any
//! other phenopacket is mapped field by field into the parts the domain holds; the whole
//! document is kept verbatim with the record, and every element the record could not hold is
//! listed by its JSON path, so that exporting the unchanged record gives the document back.

use casebook_domain::check::{Diagnostic, Level};
use casebook_domain::code::{Code, CodeSystem, Curie};
use casebook_domain::date::{Age, PartialDate};
use casebook_domain::drug::{Dose, DoseUnit, DrugCatalog};
use casebook_domain::patient::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::native::folder::{parse_patient_json, patient_to_json};
use crate::phenopacket::export::CASEBOOK_RECORD_REFERENCE;
use crate::phenopacket::vocabulary;

/// The format name of a phenopacket kept as a source document.
pub const PHENOPACKET_FORMAT: &str = "phenopacket-v2";

/// A phenopacket mapped to a patient.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub patient: Patient,
    /// JSON paths of the elements the record could not hold; kept in the source document.
    pub kept_verbatim: Vec<String>,
    /// Warnings about what was mapped.
    pub warnings: Vec<Diagnostic>,
}

/// The SHA-256 of a record in its canonical form without its source document: the fingerprint
/// that tells whether a record still is what was imported.
pub fn record_fingerprint(patient: &Patient) -> String {
    let bare = Patient { source_document: None, ..patient.clone() };
    Sha256::digest(patient_to_json(&bare).as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn items<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// `2014-10-09T00:00:00Z` → `2014-10-09`.
fn date_of(timestamp: &str) -> Option<PartialDate> {
    PartialDate::parse(timestamp.get(..10)?).ok()
}

/// `P3Y6M`, `P1M`, `P2W`, `P10D` → whole months (weeks and days round down).
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
        months += match c {
            'Y' => n * 12,
            'M' => n,
            'W' => n * 7 / 30,
            'D' => n / 30,
            _ => return None,
        };
    }
    number.is_empty().then_some(months)
}

/// Reads a phenopacket (canonical JSON) as a patient of a center.
pub fn phenopacket_to_patient(document: &Value, center: &Slug, drugs: &DrugCatalog) -> Result<Mapped, Vec<Diagnostic>> {
    if let Some(record) = casebook_record(document) {
        let patient = parse_patient_json(&record)?;
        return Ok(Mapped { patient, kept_verbatim: Vec::new(), warnings: Vec::new() });
    }
    let mut map = Mapper { kept: Vec::new(), warnings: Vec::new() };
    let patient = map.patient(document, center, drugs)?;
    let content = serde_json::to_string(document).expect("a JSON value always serializes");
    let mut patient = patient;
    patient.source_document = Some(SourceDocument { format: PHENOPACKET_FORMAT.into(), content, record_fingerprint: String::new() });
    let fingerprint = record_fingerprint(&patient);
    if let Some(source) = patient.source_document.as_mut() {
        source.record_fingerprint = fingerprint;
    }
    Ok(Mapped { patient, kept_verbatim: map.kept, warnings: map.warnings })
}

/// The Casebook record a Casebook export put into `metaData.externalReferences`.
fn casebook_record(document: &Value) -> Option<String> {
    let references = document.get("metaData")?.get("externalReferences")?.as_array()?;
    references.iter().find(|r| text(r, "id") == Some(CASEBOOK_RECORD_REFERENCE)).and_then(|r| text(r, "description")).map(str::to_string)
}

struct Mapper {
    kept: Vec<String>,
    warnings: Vec<Diagnostic>,
}

impl Mapper {
    fn keep(&mut self, path: impl Into<String>) {
        self.kept.push(path.into());
    }

    fn patient(&mut self, d: &Value, center: &Slug, drugs: &DrugCatalog) -> Result<Patient, Vec<Diagnostic>> {
        let id = text(d, "id").unwrap_or_default();
        let pseudonym = Pseudonym::parse(id).map_err(|e| {
            vec![Diagnostic { level: Level::Error, path: "id".into(), rule: "invalid-value".into(), message: e.to_string(), source: None }]
        })?;
        let subject = d.get("subject").cloned().unwrap_or(Value::Null);
        let sex = match text(&subject, "sex") {
            Some("MALE") => Sex::Male,
            Some("FEMALE") => Sex::Female,
            _ => Sex::Unknown,
        };
        let birth =
            text(&subject, "dateOfBirth").and_then(date_of).and_then(|d| PartialDate::year_month(d.year_value(), d.month_value()?).ok());
        let vital_status = match subject.get("vitalStatus").and_then(|v| text(v, "status")) {
            Some("ALIVE") => VitalStatus::Alive,
            Some("DECEASED") => VitalStatus::Deceased,
            _ => VitalStatus::Unknown,
        };
        let last_follow_up = match subject.get("timeAtLastEncounter") {
            Some(time) => match text(time, "timestamp").and_then(date_of) {
                Some(date) => Some(date),
                None => {
                    self.keep("$.subject.timeAtLastEncounter");
                    None
                }
            },
            None => None,
        };
        for key in ["alternateIds", "karyotypicSex", "taxonomy", "gender", "description"] {
            if subject.get(key).is_some() {
                self.keep(format!("$.subject.{key}"));
            }
        }
        if subject.get("vitalStatus").is_some_and(|v| v.get("causeOfDeath").is_some() || v.get("survivalTimeInDays").is_some()) {
            self.keep("$.subject.vitalStatus");
        }
        let source = if id.starts_with("PMID")
            || items(d.get("metaData").unwrap_or(&Value::Null), "externalReferences")
                .iter()
                .any(|r| text(r, "id").is_some_and(|i| i.starts_with("PMID")))
        {
            Source::Publication
        } else {
            Source::Chart
        };

        let features = self.features(d);
        let diagnoses = self.diseases(d);
        let variants = self.variants(d);
        let labs = self.measurements(d);
        let (courses, definitive_therapies) = self.medical_actions(d, drugs);
        for key in ["biosamples", "files", "description"] {
            if d.get(key).is_some() {
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
        assign_phases(&mut patient);
        Ok(patient)
    }

    fn features(&mut self, d: &Value) -> Vec<PhenotypicFeature> {
        let mut features = Vec::new();
        for (i, f) in items(d, "phenotypicFeatures").iter().enumerate() {
            let path = format!("$.phenotypicFeatures[{i}]");
            let Some(ty) = f.get("type") else { continue };
            let code = match Code::parse_in(CodeSystem::Hpo, text(ty, "id").unwrap_or_default(), text(ty, "label").unwrap_or_default()) {
                Ok(code) => code,
                Err(_) => {
                    self.keep(path);
                    continue;
                }
            };
            let severity =
                f.get("severity").and_then(|s| text(s, "id")).and_then(|id| Severity::ALL.iter().copied().find(|s| s.hpo_id() == id));
            if f.get("severity").is_some() && severity.is_none() {
                self.keep(format!("{path}.severity"));
            }
            let mut temporal = Vec::new();
            for (m, modifier) in items(f, "modifiers").iter().enumerate() {
                match text(modifier, "id").and_then(|id| TemporalPattern::ALL.iter().copied().find(|t| t.hpo_id() == id)) {
                    Some(pattern) => temporal.push(pattern),
                    None => self.keep(format!("{path}.modifiers[{m}]")),
                }
            }
            let onset = self.time_point(f.get("onset"), &format!("{path}.onset"));
            let resolution = self.time_point(f.get("resolution"), &format!("{path}.resolution"));
            if f.get("evidence").is_some() {
                self.keep(format!("{path}.evidence"));
            }
            features.push(PhenotypicFeature {
                term: code,
                excluded: f.get("excluded").and_then(Value::as_bool).unwrap_or(false),
                onset,
                resolution,
                severity,
                temporal,
                mechanism: None,
                biopsy_proven: None,
                note: text(f, "description").map(str::to_string),
            });
        }
        features
    }

    fn time_point(&mut self, element: Option<&Value>, path: &str) -> Option<TimePoint> {
        let element = element?;
        if let Some(date) = text(element, "timestamp").and_then(date_of) {
            return Some(TimePoint::Date(date));
        }
        if let Some(months) = element.get("age").and_then(|a| text(a, "iso8601duration")).and_then(months_of) {
            return Some(TimePoint::Age(Age::from_months(months)));
        }
        self.keep(path);
        None
    }

    fn diseases(&mut self, d: &Value) -> Vec<Diagnosis> {
        let mut diagnoses = Vec::new();
        for (i, disease) in items(d, "diseases").iter().enumerate() {
            let path = format!("$.diseases[{i}]");
            let term = disease.get("term").unwrap_or(&Value::Null);
            let code = Curie::parse(text(term, "id").unwrap_or_default())
                .ok()
                .filter(|c| matches!(c.system(), CodeSystem::Mondo | CodeSystem::Omim | CodeSystem::Orphanet))
                .and_then(|c| Code::new(c, text(term, "label").unwrap_or_default()).ok());
            let Some(code) = code else {
                self.keep(path);
                continue;
            };
            let date = disease.get("onset").and_then(|o| text(o, "timestamp")).and_then(date_of);
            if disease.get("onset").is_some() && date.is_none() {
                self.keep(format!("{path}.onset"));
            }
            for key in ["excluded", "resolution", "diseaseStage", "clinicalTnmFinding", "primarySite", "laterality"] {
                if disease.get(key).is_some() {
                    self.keep(format!("{path}.{key}"));
                }
            }
            diagnoses.push(Diagnosis { code, date });
        }
        diagnoses
    }

    fn variants(&mut self, d: &Value) -> Vec<Variant> {
        let mut variants = Vec::new();
        for (i, interpretation) in items(d, "interpretations").iter().enumerate() {
            let genomic = interpretation.get("diagnosis").map_or(&[][..], |diagnosis| items(diagnosis, "genomicInterpretations"));
            for (g, genomic) in genomic.iter().enumerate() {
                let path = format!("$.interpretations[{i}].diagnosis.genomicInterpretations[{g}]");
                let descriptor = genomic.get("variantInterpretation").and_then(|v| v.get("variationDescriptor"));
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

    fn measurements(&mut self, d: &Value) -> Vec<LabMeasurement> {
        let mut labs = Vec::new();
        for (i, measurement) in items(d, "measurements").iter().enumerate() {
            let lab = (|| {
                let assay = text(measurement.get("assay")?, "id")?;
                let (key, ..) = vocabulary::LAB_ASSAYS.iter().find(|(_, id, ..)| *id == assay)?;
                let quantity = measurement.get("value")?.get("quantity")?;
                let unit = text(quantity.get("unit")?, "id")?.trim_start_matches("UCUM:");
                let unit = if unit == "10*9/L" { "10^9/L" } else { unit };
                let value = quantity.get("value")?.as_f64()?;
                let date = date_of(text(measurement.get("timeObserved")?, "timestamp")?)?;
                LabMeasurement::new(date, Analyte::parse(key).ok()?, value, unit).ok()
            })();
            match lab {
                Some(lab) => labs.push(lab),
                None => self.keep(format!("$.measurements[{i}]")),
            }
        }
        labs
    }

    fn medical_actions(&mut self, d: &Value, drugs: &DrugCatalog) -> (Vec<TreatmentCourse>, Vec<DefinitiveTherapy>) {
        let mut courses = Vec::new();
        let mut therapies = Vec::new();
        for (i, action) in items(d, "medicalActions").iter().enumerate() {
            let path = format!("$.medicalActions[{i}]");
            if let Some(procedure) = action.get("procedure") {
                let code = procedure.get("code").and_then(|c| text(c, "id")).unwrap_or_default();
                let date = procedure.get("performed").and_then(|p| text(p, "timestamp")).and_then(date_of);
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
                    (Some(kind), Some(date)) => therapies.push(DefinitiveTherapy {
                        id: Slug::parse("therapy id", &format!("P{}", therapies.len() + 1)).expect("a generated id is valid"),
                        date,
                        conditioning: None,
                        kind,
                    }),
                    _ => self.keep(path),
                }
                continue;
            }
            let Some(treatment) = action.get("treatment") else {
                self.keep(path);
                continue;
            };
            match self.course(treatment, action, drugs, courses.len()) {
                Some(course) => {
                    for key in ["treatmentIntent", "treatmentTerminationReason"] {
                        if action.get(key).is_some() {
                            self.keep(format!("{path}.{key}"));
                        }
                    }
                    if items(treatment, "doseIntervals").len() > 1 || treatment.get("cumulativeDose").is_some() {
                        self.keep(format!("{path}.treatment"));
                    }
                    courses.push(course);
                }
                None => self.keep(path),
            }
        }
        (courses, therapies)
    }

    fn course(&mut self, treatment: &Value, action: &Value, drugs: &DrugCatalog, index: usize) -> Option<TreatmentCourse> {
        let agent = treatment.get("agent")?;
        let drug = drug_key(agent, drugs)?;
        let interval = items(treatment, "doseIntervals").first();
        let start = interval.and_then(|i| i.get("interval")).and_then(|i| text(i, "start")).and_then(date_of)?;
        let end = interval.and_then(|i| i.get("interval")).and_then(|i| text(i, "end")).and_then(date_of);
        let dose = interval.and_then(|i| i.get("quantity")).and_then(|q| {
            let unit = match text(q.get("unit")?, "id")? {
                "UCUM:mg" => DoseUnit::Mg,
                "UCUM:mg/kg" | "UCUM:mg.kg-1" => DoseUnit::MgPerKg,
                _ => return None,
            };
            Dose::new(q.get("value")?.as_f64()?, unit).ok()
        });
        let frequency = interval.and_then(|i| i.get("scheduleFrequency")).and_then(|f| text(f, "id")).and_then(vocabulary::frequency_from);
        let route = treatment.get("routeOfAdministration").and_then(|r| text(r, "id")).and_then(vocabulary::route_from);
        let targets = action
            .get("treatmentTarget")
            .and_then(|t| text(t, "id"))
            .and_then(|id| Curie::parse_in(CodeSystem::Hpo, id).ok())
            .into_iter()
            .collect();
        let response = action
            .get("responseToTreatment")
            .and_then(|r| text(r, "id"))
            .and_then(vocabulary::response_from)
            .map(|grade| Response { grade, date: None, note: None });
        let adverse_events = action.get("adverseEvents").map(|_| Vec::new());
        if action.get("adverseEvents").is_some() {
            self.warnings.push(Diagnostic {
                level: Level::Warning,
                path: "$.medicalActions[].adverseEvents".into(),
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
fn drug_key(agent: &Value, drugs: &DrugCatalog) -> Option<String> {
    let id = text(agent, "id").unwrap_or_default();
    if let Some(key) = id.strip_prefix(&format!("{}:drug-", vocabulary::CASEBOOK_PREFIX)) {
        return drugs.get(key).map(|d| d.key().to_string());
    }
    if let Some(drug) = drugs.drugs().iter().find(|d| d.codes().iter().any(|c| c.id().as_str() == id)) {
        return Some(drug.key().to_string());
    }
    let label = text(agent, "label")?.to_lowercase();
    drugs.get(&label).map(|d| d.key().to_string())
}

fn variant_of(descriptor: &Value) -> Option<Variant> {
    let gene_context = descriptor.get("geneContext")?;
    let gene = Code::parse_in(CodeSystem::Hgnc, text(gene_context, "valueId")?, text(gene_context, "symbol")?).ok()?;
    let expressions = items(descriptor, "expressions");
    let coding = expressions.iter().find(|e| text(e, "syntax") == Some("hgvs.c")).and_then(|e| text(e, "value"))?;
    let (transcript, change) = coding.split_once(':')?;
    let protein = expressions
        .iter()
        .find(|e| text(e, "syntax") == Some("hgvs.p"))
        .and_then(|e| text(e, "value"))
        .and_then(|p| Hgvs::parse_protein(p.rsplit(':').next()?).ok());
    let zygosity = descriptor.get("allelicState").and_then(|a| text(a, "id")).map_or(Zygosity::Unknown, vocabulary::zygosity_from);
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
        for (text, months) in
            [("P3Y6M", Some(42)), ("P1M", Some(1)), ("P10D", Some(0)), ("P2Y", Some(24)), ("P6W", Some(1)), ("3Y", None), ("P3X", None)]
        {
            assert_eq!(months_of(text), months, "{text}");
        }
    }
}
