//! A Casebook patient as a GA4GH Phenopacket v2 (canonical protobuf JSON field names).
//!
//! Everything with a place in the schema is written there: phenotypic features, diseases,
//! variants, laboratory values with a verified LOINC code, treatments with dose intervals and
//! responses, gene therapy and HSCT as procedures; the symptom onset as the onset of its disease.
//! What the schema has no place for (the center, dates of diagnosis, Zhu assessments, chimerism,
//! body weights, the study-defined response grades, steroid discontinuation) travels in
//! `metaData.externalReferences` as the Casebook record, so that a phenopacket written by
//! Casebook reads back into Casebook without loss; other tools ignore it.

use std::collections::BTreeSet;

use casebook_domain::date::PartialDate;
use casebook_domain::patient::{Patient, Sex, TimePoint, VitalStatus};
use casebook_domain::study::Study;
use serde_json::{Map, Value, json};

use crate::native::folder::patient_to_json;
use crate::phenopacket::vocabulary::{self, CASEBOOK_PREFIX};

/// The id of the external reference that carries the Casebook record.
pub const CASEBOOK_RECORD_REFERENCE: &str = "casebook:record";

/// A partial date as a protobuf Timestamp: its first day at midnight UTC. The precision is kept
/// in the Casebook record.
pub fn timestamp(date: &PartialDate) -> String {
    format!("{:04}-{:02}-{:02}T00:00:00Z", date.year_value(), date.month_value().unwrap_or(1), date.day_value().unwrap_or(1))
}

fn time_element(point: &TimePoint) -> Value {
    match point {
        TimePoint::Date(date) => json!({ "timestamp": timestamp(date) }),
        TimePoint::Age(age) => json!({ "age": { "iso8601duration": iso_duration(age.min_months()) } }),
    }
}

/// An age in months as an ISO 8601 duration: `P2M`, `P3Y4M`, `P34Y`, `P0M`.
pub fn iso_duration(months: i64) -> String {
    match (months / 12, months % 12) {
        (0, m) => format!("P{m}M"),
        (y, 0) => format!("P{y}Y"),
        (y, m) => format!("P{y}Y{m}M"),
    }
}

fn term(id: &str, label: &str) -> Value {
    json!({ "id": id, "label": label })
}

/// Collects the prefixes used, for `metaData.resources`.
struct Prefixes(BTreeSet<String>);

impl Prefixes {
    fn term(&mut self, id: &str, label: &str) -> Value {
        if let Some((prefix, _)) = id.split_once(':') {
            self.0.insert(prefix.to_string());
        }
        term(id, label)
    }
}

/// Writes one patient of `study` as a phenopacket. `created` is the metaData timestamp (the
/// export's time; a parameter so that exports can be reproduced).
pub fn patient_to_phenopacket(study: &Study, patient: &Patient, created: &str, hpo_release: &str) -> Value {
    let mut prefixes = Prefixes(BTreeSet::new());
    let mut document = Map::new();
    document.insert("id".into(), json!(patient.pseudonym.as_str()));

    let mut subject = Map::new();
    subject.insert("id".into(), json!(patient.pseudonym.as_str()));
    if let Some(birth) = &patient.birth {
        subject.insert("dateOfBirth".into(), json!(timestamp(birth)));
    }
    if let Some(last) = &patient.last_follow_up {
        subject.insert("timeAtLastEncounter".into(), time_element(last));
    }
    let status = match patient.vital_status {
        VitalStatus::Alive => "ALIVE",
        VitalStatus::Deceased => "DECEASED",
        VitalStatus::LostToFollowUp | VitalStatus::Unknown => "UNKNOWN_STATUS",
    };
    subject.insert("vitalStatus".into(), json!({ "status": status }));
    let sex = match patient.sex {
        Sex::Male => "MALE",
        Sex::Female => "FEMALE",
        Sex::Unknown => "UNKNOWN_SEX",
    };
    subject.insert("sex".into(), json!(sex));
    document.insert("subject".into(), Value::Object(subject));

    let features: Vec<Value> = patient
        .features
        .iter()
        .map(|feature| {
            let mut f = Map::new();
            f.insert("type".into(), prefixes.term(feature.term.id().as_str(), feature.term.label()));
            if feature.excluded {
                f.insert("excluded".into(), json!(true));
            }
            if let Some(severity) = feature.severity {
                f.insert("severity".into(), prefixes.term(severity.hpo_id(), severity.hpo_label()));
            }
            if !feature.temporal.is_empty() {
                f.insert("modifiers".into(), feature.temporal.iter().map(|t| prefixes.term(t.hpo_id(), t.hpo_label())).collect());
            }
            if let Some(onset) = &feature.onset {
                f.insert("onset".into(), time_element(onset));
            }
            if let Some(resolution) = &feature.resolution {
                f.insert("resolution".into(), time_element(resolution));
            }
            if let Some(note) = &feature.note {
                f.insert("description".into(), json!(note));
            }
            Value::Object(f)
        })
        .collect();
    if !features.is_empty() {
        document.insert("phenotypicFeatures".into(), Value::Array(features));
    }

    let measurements: Vec<Value> = patient
        .labs
        .iter()
        .filter_map(|lab| {
            let (_, assay, assay_label, unit, unit_label) = vocabulary::LAB_ASSAYS.iter().find(|(key, ..)| *key == lab.analyte.key())?;
            Some(json!({
                "assay": prefixes.term(assay, assay_label),
                "value": { "quantity": { "unit": prefixes.term(unit, unit_label), "value": lab.canonical_value() } },
                "timeObserved": { "timestamp": timestamp(&lab.date) },
            }))
        })
        .collect();
    if !measurements.is_empty() {
        document.insert("measurements".into(), Value::Array(measurements));
    }

    // A Disease has an onset and no date of diagnosis: the symptom onset goes to its disease, and
    // the dates of diagnosis stay in the Casebook record below.
    let onset_diagnosis = patient.symptom_onset_diagnosis(study.disease.as_ref());
    let diseases: Vec<Value> = patient
        .diagnoses
        .iter()
        .enumerate()
        .map(|(index, diagnosis)| {
            let mut d = Map::new();
            d.insert("term".into(), prefixes.term(diagnosis.code.id().as_str(), diagnosis.code.label()));
            if let Some(onset) = patient.symptom_onset.filter(|_| onset_diagnosis == Some(index)) {
                d.insert("onset".into(), time_element(&onset));
            }
            Value::Object(d)
        })
        .collect();
    if !diseases.is_empty() {
        document.insert("diseases".into(), Value::Array(diseases));
    }

    if !patient.variants.is_empty() {
        let genomic: Vec<Value> = patient
            .variants
            .iter()
            .enumerate()
            .map(|(index, variant)| {
                prefixes.0.insert("HGNC".into());
                let mut expressions =
                    vec![json!({ "syntax": "hgvs.c", "value": format!("{}:{}", variant.transcript.as_str(), variant.hgvs_c.as_str()) })];
                if let Some(protein) = &variant.hgvs_p {
                    expressions.push(json!({ "syntax": "hgvs.p", "value": protein.as_str() }));
                }
                let mut descriptor = Map::new();
                descriptor.insert("id".into(), json!(format!("{}-variant-{}", patient.pseudonym, index + 1)));
                descriptor.insert("geneContext".into(), json!({ "valueId": variant.gene.id().as_str(), "symbol": variant.gene.label() }));
                descriptor.insert("expressions".into(), Value::Array(expressions));
                if let Some((id, label)) = vocabulary::zygosity(variant.zygosity) {
                    descriptor.insert("allelicState".into(), prefixes.term(id, label));
                }
                json!({
                    "subjectOrBiosampleId": patient.pseudonym.as_str(),
                    "interpretationStatus": "CAUSATIVE",
                    "variantInterpretation": { "variationDescriptor": Value::Object(descriptor) },
                })
            })
            .collect();
        let mut diagnosis = Map::new();
        if let Some(first) = patient.diagnoses.first() {
            diagnosis.insert("disease".into(), prefixes.term(first.code.id().as_str(), first.code.label()));
        }
        diagnosis.insert("genomicInterpretations".into(), Value::Array(genomic));
        document.insert(
            "interpretations".into(),
            json!([{ "id": format!("{}-interpretation", patient.pseudonym), "progressStatus": "SOLVED", "diagnosis": Value::Object(diagnosis) }]),
        );
    }

    let mut actions = Vec::new();
    for course in &patient.courses {
        let Some(drug) = study.drugs.get(&course.drug) else { continue };
        let agent = match drug.codes().first() {
            Some(code) => prefixes.term(code.id().as_str(), code.label()),
            None => prefixes.term(&format!("{CASEBOOK_PREFIX}:drug-{}", drug.key()), drug.name()),
        };
        let mut treatment = Map::new();
        treatment.insert("agent".into(), agent);
        if let Some((id, label)) = course.route.and_then(vocabulary::route) {
            treatment.insert("routeOfAdministration".into(), prefixes.term(id, label));
        }
        if let (Some(dose), Some(frequency)) = (course.dose, course.frequency) {
            let unit = match dose.unit() {
                casebook_domain::drug::DoseUnit::Mg => ("UCUM:mg", "milligram"),
                casebook_domain::drug::DoseUnit::MgPerKg => ("UCUM:mg/kg", "milligram per kilogram"),
            };
            let (frequency_id, frequency_label) = vocabulary::frequency(frequency);
            let end = course.end.or(if course.ongoing { patient.last_follow_up_date() } else { None }).unwrap_or(course.start);
            treatment.insert(
                "doseIntervals".into(),
                json!([{
                    "quantity": { "unit": prefixes.term(unit.0, unit.1), "value": dose.amount() },
                    "scheduleFrequency": prefixes.term(&frequency_id, &frequency_label),
                    "interval": { "start": timestamp(&course.start), "end": timestamp(&end) },
                }]),
            );
        }
        treatment.insert("drugType".into(), json!("PRESCRIPTION"));
        let mut action = Map::new();
        action.insert("treatment".into(), Value::Object(treatment));
        if let Some(target) = course.targets.first() {
            let label = patient.features.iter().find(|f| f.term.id() == target).map_or(target.as_str(), |f| f.term.label());
            action.insert("treatmentTarget".into(), prefixes.term(target.as_str(), label));
        }
        if let Some((id, label)) = course.response.as_ref().and_then(|r| vocabulary::response(r.grade)) {
            action.insert("responseToTreatment".into(), prefixes.term(id, label));
        }
        if let Some(events) = &course.adverse_events
            && !events.is_empty()
        {
            let grades: Vec<Value> =
                events.iter().map(|e| prefixes.term(e.grade.ncit_id(), &format!("CTCAE grade {}", e.grade.value()))).collect();
            action.insert("adverseEvents".into(), Value::Array(grades));
        }
        if course.termination == Some(casebook_domain::patient::TerminationReason::AdverseEvent) {
            action.insert("treatmentTerminationReason".into(), prefixes.term("NCIT:C41331", "Adverse Event"));
        }
        actions.push(Value::Object(action));
    }
    for therapy in &patient.definitive_therapies {
        let (id, label) = therapy.kind.maxo();
        let mut action = Map::new();
        action.insert(
            "procedure".into(),
            json!({ "code": prefixes.term(id, label), "performed": { "timestamp": timestamp(&therapy.date) } }),
        );
        if let Some(disease) = patient.diagnoses.first() {
            action.insert("treatmentTarget".into(), prefixes.term(disease.code.id().as_str(), disease.code.label()));
        }
        actions.push(Value::Object(action));
    }
    if !actions.is_empty() {
        document.insert("medicalActions".into(), Value::Array(actions));
    }

    let mut resources: Vec<Value> = prefixes.0.iter().filter_map(|prefix| vocabulary::resource(prefix, hpo_release)).collect();
    resources.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    // The imported document, if any, is not nested inside the record it produced.
    let record = patient_to_json(&Patient { source_document: None, ..patient.clone() });
    let record: Value = serde_json::from_str(&record).expect("a native record is JSON");
    document.insert(
        "metaData".into(),
        json!({
            "created": created,
            "createdBy": format!("Casebook {}", env!("CARGO_PKG_VERSION")),
            "resources": resources,
            "phenopacketSchemaVersion": "2.0",
            "externalReferences": [{
                "id": CASEBOOK_RECORD_REFERENCE,
                "reference": format!("urn:casebook:{}:{}", study.id, patient.pseudonym),
                "description": serde_json::to_string(&record).expect("a JSON value always serializes"),
            }],
        }),
    );
    Value::Object(document)
}
