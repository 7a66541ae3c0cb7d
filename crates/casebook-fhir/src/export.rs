//! A study's records as FHIR resources, one function per kind of record.
//!
//! Entries come in a fixed order (organizations in study order, then each patient in the order
//! given with their records in record order), so the same study always gives the same bundle.

use serde::Serialize;

use casebook_domain::check::derive_course;
use casebook_domain::code::Curie;
use casebook_domain::date::{Age, PartialDate};
use casebook_domain::patient::{
    AdverseEvent, DefinitiveTherapy, DefinitiveTherapyKind, Diagnosis, EngraftmentMeasurement, LabMeasurement, Patient, PhenotypicFeature,
    Sex, TerminationReason, TimePoint, TreatmentCourse, VitalStatus,
};
use casebook_domain::study::{Center, Study};

use crate::ids::{Keys, full_url, resource_id};
use crate::model::{
    self, Address, Annotation, BundleEntry, Causality, CodeableConcept, Coding, Dosage, DoseAndRate, Identifier, Meta,
    ObservationComponent, Period, Range, Reference, SuspectEntity, Timing,
};
use crate::terminology::{self as terms, HPO_CLINICAL_MODIFIER, HPO_SEVERITY};

/// The tag system that carries a study's data label on the bundle and on every resource.
pub const DATA_LABEL_SYSTEM: &str = "urn:casebook:data-label";
/// The tag system that carries where a patient's record comes from (`chart`, `constructed`, ...).
pub const SOURCE_SYSTEM: &str = "urn:casebook:source";

/// Builds the entries of one study.
pub struct Exporter<'a> {
    study: &'a Study,
    keys: Keys<'a>,
    entries: Vec<BundleEntry>,
}

impl<'a> Exporter<'a> {
    pub fn new(study: &'a Study) -> Exporter<'a> {
        Exporter { study, keys: Keys::new(&study.id), entries: Vec::new() }
    }

    /// The tags every resource carries: the study's data label, when it has one.
    pub fn data_label_tags(&self) -> Vec<Coding> {
        self.study.data_label.iter().map(|label| Coding::new(DATA_LABEL_SYSTEM, "data-label", Some(label))).collect()
    }

    pub fn into_entries(self) -> Vec<BundleEntry> {
        self.entries
    }

    pub fn add_center(&mut self, center: &Center) {
        let organization = model::Organization {
            identifier: vec![Identifier { system: format!("urn:casebook:{}:center", self.study.id), value: center.id.to_string() }],
            name: center.name.clone(),
            address: vec![Address { country: center.country.as_str().to_string() }],
        };
        self.push(&self.keys.organization(&center.id), "Organization", Vec::new(), Vec::new(), organization);
    }

    pub fn add_patient(&mut self, patient: &Patient) {
        let subject = self.reference(&self.keys.patient(&patient.pseudonym));
        let managing_organization = self.study.center(&patient.center).map(|center| self.reference(&self.keys.organization(&center.id)));
        let resource = model::Patient {
            identifier: vec![Identifier {
                system: format!("urn:casebook:{}:pseudonym", self.study.id),
                value: patient.pseudonym.to_string(),
            }],
            gender: match patient.sex {
                Sex::Male => "male",
                Sex::Female => "female",
                Sex::Unknown => "unknown",
            },
            birth_date: patient.birth.map(|date| date.to_string()),
            deceased_boolean: match patient.vital_status {
                VitalStatus::Alive => Some(false),
                VitalStatus::Deceased => Some(true),
                VitalStatus::LostToFollowUp | VitalStatus::Unknown => None,
            },
            managing_organization,
        };
        let source = Coding::new(SOURCE_SYSTEM, patient.source.key(), None);
        self.push(&self.keys.patient(&patient.pseudonym), "Patient", Vec::new(), vec![source], resource);

        for (index, diagnosis) in patient.diagnoses.iter().enumerate() {
            self.add_diagnosis(patient, index, diagnosis, &subject);
        }
        for (index, feature) in patient.features.iter().enumerate() {
            self.add_feature(patient, index, feature, &subject);
        }
        for (index, lab) in patient.labs.iter().enumerate() {
            self.add_lab(patient, index, lab, &subject);
        }
        for (index, course) in patient.courses.iter().enumerate() {
            self.add_course(patient, index, course, &subject);
        }
        for (index, therapy) in patient.definitive_therapies.iter().enumerate() {
            let (code, label) = therapy.kind.maxo();
            let coding = terms::coding(&Curie::parse(code).expect("the domain's MAxO codes parse"), Some(label));
            let procedure = model::Procedure {
                status: "completed",
                code: CodeableConcept::coded(coding, Some(label)),
                subject: subject.clone(),
                performed_date_time: therapy.date.to_string(),
                note: therapy_notes(therapy),
            };
            self.push(&self.keys.record(&patient.pseudonym, "definitive-therapy", index), "Procedure", Vec::new(), Vec::new(), procedure);
        }
        for (index, measurement) in patient.engraftment.iter().enumerate() {
            self.add_engraftment(patient, index, measurement, &subject);
        }
    }

    fn add_diagnosis(&mut self, patient: &Patient, index: usize, diagnosis: &Diagnosis, subject: &Reference) {
        let onset = patient.symptom_onset.filter(|_| patient.symptom_onset_diagnosis(self.study.disease.as_ref()) == Some(index));
        let condition = model::Condition {
            verification_status: CodeableConcept::coded(Coding::new(terms::CONDITION_VERIFICATION, "confirmed", Some("Confirmed")), None),
            code: CodeableConcept::coded(terms::coding(diagnosis.code.id(), Some(diagnosis.code.label())), Some(diagnosis.code.label())),
            subject: subject.clone(),
            onset_date_time: match onset {
                Some(TimePoint::Date(date)) => Some(date.to_string()),
                _ => None,
            },
            onset_age: match onset {
                Some(TimePoint::Age(age)) => Some(terms::age_in_months(age.min_months())),
                _ => None,
            },
            recorded_date: diagnosis.date.map(|date| date.to_string()),
        };
        self.push(&self.keys.record(&patient.pseudonym, "diagnosis", index), "Condition", Vec::new(), Vec::new(), condition);
    }

    /// A phenomics-exchange Phenotype Observation: HPO code, LOINC Present/Absent, the onset as
    /// an IG component (an age; for a dated onset, the age derived from the birth date) and the
    /// dates as `effectivePeriod`, severity and temporal modifiers as HPO-coded components.
    fn add_feature(&mut self, patient: &Patient, index: usize, feature: &PhenotypicFeature, subject: &Reference) {
        let mut component = Vec::new();
        let onset_age = feature.onset.and_then(|onset| patient.age_at_time_point(&onset));
        component.extend(onset_age.map(onset_component));
        if let Some(severity) = feature.severity {
            component.push(ObservationComponent {
                code: terms::hpo(HPO_SEVERITY.0, HPO_SEVERITY.1),
                value_quantity: None,
                value_codeable_concept: Some(terms::hpo(severity.hpo_id(), severity.hpo_label())),
                value_range: None,
            });
        }
        for pattern in &feature.temporal {
            component.push(ObservationComponent {
                code: terms::hpo(HPO_CLINICAL_MODIFIER.0, HPO_CLINICAL_MODIFIER.1),
                value_quantity: None,
                value_codeable_concept: Some(terms::hpo(pattern.hpo_id(), pattern.hpo_label())),
                value_range: None,
            });
        }
        let date_of = |point: &Option<TimePoint>| match point {
            Some(TimePoint::Date(date)) => Some(date.to_string()),
            _ => None,
        };
        let (start, end) = (date_of(&feature.onset), date_of(&feature.resolution));
        let effective_period = (start.is_some() || end.is_some()).then_some(Period { start, end });
        let mut note = Vec::new();
        if let Some(TimePoint::Age(age)) = feature.resolution {
            note.push(annotation(format!("Resolved at age {age}")));
        }
        if let Some(mechanism) = feature.mechanism {
            note.push(annotation(format!("Mechanism: {}", terms::words(mechanism.key()))));
        }
        if let Some(biopsy_proven) = feature.biopsy_proven {
            note.push(annotation(if biopsy_proven { "Biopsy-proven" } else { "Not biopsy-proven" }));
        }
        note.extend(feature.note.iter().map(|text| annotation(text.clone())));
        let label = feature.term.label();
        let observation = model::Observation {
            status: "final",
            category: vec![terms::observation_category("exam", "Exam")],
            code: CodeableConcept::coded(terms::coding(feature.term.id(), Some(label)), Some(label)),
            subject: subject.clone(),
            effective_date_time: None,
            effective_period,
            value_quantity: None,
            value_codeable_concept: Some(terms::presence(feature.excluded)),
            data_absent_reason: None,
            note,
            method: None,
            component,
        };
        let profile = vec![terms::PHENOTYPE_PROFILE.to_string()];
        self.push(&self.keys.record(&patient.pseudonym, "feature", index), "Observation", profile, Vec::new(), observation);
    }

    fn add_lab(&mut self, patient: &Patient, index: usize, lab: &LabMeasurement, subject: &Reference) {
        let mut note = Vec::new();
        if lab.unit() != lab.analyte.canonical_unit() {
            note.push(annotation(format!("Entered as {} {}", terms::number(lab.value()), lab.unit())));
        }
        let observation = model::Observation {
            status: "final",
            category: vec![terms::observation_category("laboratory", "Laboratory")],
            code: terms::lab_code(lab.analyte),
            subject: subject.clone(),
            effective_date_time: Some(lab.date.to_string()),
            effective_period: None,
            value_quantity: Some(terms::lab_quantity(lab.analyte, lab.canonical_value())),
            value_codeable_concept: None,
            data_absent_reason: None,
            note,
            method: None,
            component: Vec::new(),
        };
        self.push(&self.keys.record(&patient.pseudonym, "lab", index), "Observation", Vec::new(), Vec::new(), observation);
    }

    fn add_course(&mut self, patient: &Patient, index: usize, course: &TreatmentCourse, subject: &Reference) {
        let key = self.keys.record(&patient.pseudonym, "course", index);
        let drug = self.study.drugs.get(&course.drug);
        let medication = match drug {
            Some(drug) => CodeableConcept {
                coding: drug.codes().iter().map(|code| terms::coding(code.id(), Some(code.label()))).collect(),
                text: Some(drug.name().to_string()),
            },
            None => CodeableConcept::text(course.drug.clone()),
        };
        let status = if course.ongoing {
            "active"
        } else if course.end.is_none() {
            "unknown"
        } else if matches!(course.termination, Some(TerminationReason::AdverseEvent | TerminationReason::Inefficacy)) {
            "stopped"
        } else {
            "completed"
        };

        let mut reason_code = Vec::new();
        let mut reason_reference = Vec::new();
        for target in &course.targets {
            // The label, and the phenotype the course treats, come from the patient's features.
            let present = patient.features.iter().position(|feature| feature.term.id() == target && !feature.excluded);
            let label = present.map(|position| patient.features[position].term.label());
            reason_code.push(CodeableConcept::coded(terms::coding(target, label), None));
            if let Some(position) = present {
                reason_reference.push(self.reference(&self.keys.record(&patient.pseudonym, "feature", position)));
            }
        }

        let mut note = vec![annotation(format!("Treatment phase: {}", terms::words(course.phase.key())))];
        if let Some(response) = &course.response {
            let assessed = response.date.map(|date| format!(" (assessed {date})")).unwrap_or_default();
            let detail = response.note.as_ref().map(|text| format!(": {text}")).unwrap_or_default();
            note.push(annotation(format!("Response: {}{assessed}{detail}", terms::words(response.grade.key()))));
        }
        if let Some(date) = course.steroids_discontinued {
            note.push(annotation(format!("Systemic corticosteroids discontinued: {date}")));
        }
        if let Some(reason) = course.termination {
            note.push(annotation(format!("Termination reason: {}", terms::words(reason.key()))));
        }
        if let Some(next) = &course.switched_to {
            let drug = patient.courses.iter().find(|other| &other.id == next).map(|other| format!(" ({})", other.drug)).unwrap_or_default();
            note.push(annotation(format!("Switched to course {next}{drug}")));
        }
        match &course.adverse_events {
            None => note.push(annotation("Adverse events: not assessed")),
            Some(events) if events.is_empty() => note.push(annotation("Adverse events: assessed, none occurred")),
            Some(events) => note.extend(events.iter().map(|event| annotation(adverse_event_summary(event)))),
        }

        let statement = model::MedicationStatement {
            status,
            status_reason: course.termination.map(|reason| CodeableConcept::text(terms::words(reason.key()))).into_iter().collect(),
            medication_codeable_concept: medication,
            subject: subject.clone(),
            effective_period: Period { start: Some(course.start.to_string()), end: course.end.map(|date| date.to_string()) },
            reason_code,
            reason_reference,
            note,
            dosage: self.dosage(patient, course, &key).into_iter().collect(),
        };
        self.push(&key, "MedicationStatement", Vec::new(), Vec::new(), statement);

        for (event_index, event) in course.adverse_events.iter().flatten().enumerate() {
            self.add_adverse_event(&key, event_index, event, subject);
        }
    }

    /// The dosage as recorded (dose in UCUM `mg` or `mg/kg`, schedule, route as text) and, in
    /// its text, the daily dose per kilogram derived from the weight on or before the start.
    fn dosage(&self, patient: &Patient, course: &TreatmentCourse, path: &str) -> Option<Dosage> {
        if course.dose.is_none() && course.frequency.is_none() && course.route.is_none() {
            return None;
        }
        let mut text = match course.dose {
            Some(dose) => dose.to_string(),
            None => "dose not recorded".to_string(),
        };
        if let Some(route) = course.route {
            text.push_str(&format!(", {}", terms::route_text(route)));
        }
        if let Some(frequency) = course.frequency {
            text.push_str(&format!(", {}", frequency.label()));
        }
        let derivation = self.study.drugs.get(&course.drug).map(|drug| derive_course(patient, course, drug, &self.study.drugs, path));
        if let Some(derivation) = derivation
            && let (Some(derived), Some(weight_date)) = (derivation.derived, derivation.weight_date)
        {
            let weight = weight_on(patient, &weight_date).map(|kg| format!(" at {} kg", terms::number(kg))).unwrap_or_default();
            let per_day = match (derived.mg_per_kg_per_day, derived.mg_per_day) {
                (Some(mg_per_kg_per_day), Some(mg_per_day)) => {
                    format!("{} mg/kg/day ({} mg/day)", terms::number(mg_per_kg_per_day), terms::number(mg_per_day))
                }
                _ => format!("{} mg/kg per dose ({} mg)", terms::number(derived.mg_per_kg_per_dose), terms::number(derived.mg_per_dose)),
            };
            text.push_str(&format!("; derived {per_day}{weight} weighed on {weight_date}"));
        }
        Some(Dosage {
            text: Some(text),
            timing: course.frequency.map(|frequency| Timing { repeat: terms::timing(frequency) }),
            route: course.route.map(|route| CodeableConcept::text(terms::route_text(route))),
            dose_and_rate: course
                .dose
                .map(|dose| DoseAndRate { dose_quantity: terms::dose_quantity(dose.amount(), dose.unit()) })
                .into_iter()
                .collect(),
        })
    }

    /// An R4 AdverseEvent naming the course's MedicationStatement as the suspect.
    fn add_adverse_event(&mut self, course_key: &str, index: usize, event: &AdverseEvent, subject: &Reference) {
        let resource = model::AdverseEvent {
            actuality: "actual",
            event: CodeableConcept::text(event.term.clone()),
            subject: subject.clone(),
            date: event.onset.map(|date| date.to_string()),
            seriousness: CodeableConcept::text(if event.serious { "serious" } else { "non-serious" }),
            severity: terms::adverse_event_severity(event.grade),
            outcome: event.outcome.map(terms::adverse_event_outcome),
            suspect_entity: vec![SuspectEntity {
                instance: self.reference(course_key),
                causality: event
                    .attribution
                    .map(|attribution| Causality { assessment: CodeableConcept::text(terms::attribution_text(attribution)) })
                    .into_iter()
                    .collect(),
            }],
        };
        let key = format!("{course_key}/adverse-event/{index}");
        self.push(&key, "AdverseEvent", Vec::new(), Vec::new(), resource);
    }

    /// One Observation per measurement: a single value as `valueQuantity`, several (donor
    /// share, vector copies, WASP-positive cells) as components.
    fn add_engraftment(&mut self, patient: &Patient, index: usize, measurement: &EngraftmentMeasurement, subject: &Reference) {
        let lineage = terms::lineage_text(measurement.lineage);
        let mut values = Vec::new();
        if let Some(percent) = measurement.percent_donor {
            values.push(("Donor chimerism", terms::ucum(percent.value(), "%")));
        }
        if let Some(copies) = measurement.vcn_per_cell {
            values.push(("Vector copy number", terms::uncoded(copies.value(), "copies/cell")));
        }
        if let Some(percent) = measurement.wasp_positive {
            values.push(("WASP-positive cells", terms::ucum(percent.value(), "%")));
        }
        let mut note = Vec::new();
        if let Some(sample) = measurement.sample {
            note.push(annotation(format!("Sample: {}", terms::sample_text(sample))));
        }
        let therapy = patient.definitive_therapies.iter().find(|therapy| therapy.id == measurement.therapy);
        note.push(annotation(match therapy {
            Some(therapy) => format!("After definitive therapy {} ({}, {})", therapy.id, therapy.kind.maxo().1, therapy.date),
            None => format!("After definitive therapy {}", measurement.therapy),
        }));
        let (code, value_quantity, component) = match values.len() {
            1 => {
                let (name, quantity) = values.remove(0);
                (CodeableConcept::text(format!("{name}, {lineage}")), Some(quantity), Vec::new())
            }
            _ => {
                let component = values
                    .into_iter()
                    .map(|(name, quantity)| ObservationComponent {
                        code: CodeableConcept::text(format!("{name}, {lineage}")),
                        value_quantity: Some(quantity),
                        value_codeable_concept: None,
                        value_range: None,
                    })
                    .collect();
                (CodeableConcept::text(format!("Engraftment, {lineage}")), None, component)
            }
        };
        let data_absent_reason = (value_quantity.is_none() && component.is_empty())
            .then(|| CodeableConcept::coded(Coding::new(terms::DATA_ABSENT_REASON, "unknown", Some("Unknown")), None));
        let observation = model::Observation {
            status: "final",
            category: vec![terms::observation_category("laboratory", "Laboratory")],
            code,
            subject: subject.clone(),
            effective_date_time: Some(measurement.date.to_string()),
            effective_period: None,
            value_quantity,
            value_codeable_concept: None,
            data_absent_reason,
            note,
            method: measurement.method.map(|method| CodeableConcept::text(terms::method_text(method))),
            component,
        };
        self.push(&self.keys.record(&patient.pseudonym, "engraftment", index), "Observation", Vec::new(), Vec::new(), observation);
    }

    fn reference(&self, key: &str) -> Reference {
        Reference { reference: full_url(&resource_id(key)) }
    }

    /// Adds a resource: `resourceType`, `id` and `meta` (profiles, the data label, extra tags)
    /// around its body.
    fn push<T: Serialize>(&mut self, key: &str, resource_type: &'static str, profile: Vec<String>, extra_tags: Vec<Coding>, body: T) {
        #[derive(Serialize)]
        struct Envelope<T> {
            #[serde(rename = "resourceType")]
            resource_type: &'static str,
            id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            meta: Option<Meta>,
            #[serde(flatten)]
            body: T,
        }
        let mut tag = self.data_label_tags();
        tag.extend(extra_tags);
        let meta = (!profile.is_empty() || !tag.is_empty()).then_some(Meta { profile, tag });
        let id = resource_id(key);
        let resource =
            serde_json::to_value(Envelope { resource_type, id: id.clone(), meta, body }).expect("a FHIR resource serializes to JSON");
        self.entries.push(BundleEntry { full_url: full_url(&id), resource });
    }
}

/// The IG's onset component: an exact age as `age-onset`, an age range as `age-onset-range`.
fn onset_component(age: Age) -> ObservationComponent {
    let (code, display) = if age.is_exact() { ("AGE_ONSET", "Age of onset") } else { ("AGE_ONSET_RANGE", "Age range of onset") };
    let exact = age.is_exact();
    ObservationComponent {
        code: CodeableConcept::coded(Coding::new(terms::PHENOTYPE_COMPONENT, code, Some(display)), None),
        value_quantity: exact.then(|| terms::age_in_months(age.min_months())),
        value_codeable_concept: None,
        value_range: (!exact).then(|| Range { low: terms::age_in_months(age.min_months()), high: terms::age_in_months(age.max_months()) }),
    }
}

fn therapy_notes(therapy: &DefinitiveTherapy) -> Vec<Annotation> {
    let mut notes = Vec::new();
    if let Some(conditioning) = &therapy.conditioning {
        notes.push(format!("Conditioning: {conditioning}"));
    }
    match &therapy.kind {
        DefinitiveTherapyKind::GeneTherapy { vector, product_vcn, cd34_per_kg_millions, trial_id } => {
            notes.extend(vector.as_ref().map(|vector| format!("Vector: {vector}")));
            notes.extend(product_vcn.map(|vcn| format!("Product vector copy number: {} copies/cell", terms::number(vcn.value()))));
            notes.extend(cd34_per_kg_millions.map(|dose| format!("CD34+ cell dose: {} × 10^6/kg", terms::number(dose.value()))));
            notes.extend(trial_id.as_ref().map(|trial| format!("Trial: {trial}")));
        }
        DefinitiveTherapyKind::Hsct { donor, hla_match, source, acute_gvhd_grade, chronic_gvhd } => {
            notes.extend(donor.map(|donor| format!("Donor: {}", terms::donor_text(donor))));
            notes.extend(hla_match.as_ref().map(|hla| format!("HLA match: {hla}")));
            notes.extend(source.map(|source| format!("Stem cell source: {}", terms::stem_cell_source_text(source))));
            notes.extend(acute_gvhd_grade.map(|grade| format!("Acute GvHD grade: {grade}")));
            notes.extend(chronic_gvhd.map(|chronic| format!("Chronic GvHD: {}", if chronic { "yes" } else { "no" })));
        }
    }
    notes.into_iter().map(annotation).collect()
}

fn adverse_event_summary(event: &AdverseEvent) -> String {
    let mut parts = vec![
        format!("Adverse event: {}", event.term),
        format!("CTCAE grade {}", event.grade.value()),
        (if event.serious { "serious" } else { "non-serious" }).to_string(),
    ];
    parts.extend(event.attribution.map(|attribution| format!("attribution {}", terms::attribution_text(attribution))));
    parts.extend(event.action.map(|action| format!("action taken: {}", terms::action_text(action))));
    parts.extend(event.onset.map(|date| format!("onset {date}")));
    parts.extend(event.outcome.map(|outcome| format!("outcome {}", terms::words(outcome.key()))));
    parts.join(", ")
}

/// The weight recorded on `date`; of two on the same date the later record wins, as in
/// `nearest_weight_on_or_before`.
fn weight_on(patient: &Patient, date: &PartialDate) -> Option<f64> {
    patient.weights.iter().rev().find(|record| &record.date == date).map(|record| record.weight.kg())
}

fn annotation(text: impl Into<String>) -> Annotation {
    Annotation { text: text.into() }
}
