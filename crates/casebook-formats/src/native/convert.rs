//! Conversions between the native DTOs and the domain types.
//!
//! DTO → domain collects every problem of a file with its JSON path instead of stopping at the
//! first; domain → DTO cannot fail. The two are exact inverses for every valid record, which the
//! round-trip tests check on the reference study.

use casebook_domain::DomainError;
use casebook_domain::check::{Diagnostic, Level};
use casebook_domain::code::{Code, CodeSystem, Curie};
use casebook_domain::date::{Age, PartialDate};
use casebook_domain::drug::{Dose, DoseUnit, Drug, DrugCatalog, DrugClass, Frequency, Route};
use casebook_domain::patient::*;
use casebook_domain::quantity::{BodyWeightKg, NonNegativeNumber, Percent, PositiveNumber};
use casebook_domain::rules::chimerism::ChimerismThresholds;
use casebook_domain::rules::zhu::{Eczema, ImmunodeficiencyLab, Infections, Thrombocytopenia, ZhuScore, ZhuSettings};
use casebook_domain::study::{
    Center, CountryCode, DrugSelector, ManifestationGroup, ReportConfig, RuleSettings, Study, TimeAxis, TreatmentLine,
};

use crate::native::patient_dto::*;
use crate::native::study_dto::*;

/// Collects conversion errors, each with the JSON path of the value that caused it.
#[derive(Default)]
pub(crate) struct Problems {
    pub(crate) found: Vec<Diagnostic>,
}

impl Problems {
    /// Keeps the value, or records why it could not be made and returns `None`.
    fn take<T>(&mut self, path: impl Into<String>, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.found.push(Diagnostic {
                    level: Level::Error,
                    path: path.into(),
                    rule: "invalid-value".into(),
                    message: error.to_string(),
                    source: None,
                });
                None
            }
        }
    }

    fn optional<T>(
        &mut self,
        path: impl Into<String>,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, DomainError>,
    ) -> Option<Option<T>> {
        match raw {
            None => Some(None),
            Some(text) => self.take(path, parse(text)).map(Some),
        }
    }

    fn list<D, T>(&mut self, path: &str, items: &[D], mut convert: impl FnMut(&mut Problems, &str, &D) -> Option<T>) -> Option<Vec<T>> {
        let converted: Vec<Option<T>> = items.iter().enumerate().map(|(i, item)| convert(self, &format!("{path}[{i}]"), item)).collect();
        converted.into_iter().collect()
    }

    fn error(&mut self, path: impl Into<String>, rule: &str, message: impl Into<String>) {
        self.found.push(Diagnostic { level: Level::Error, path: path.into(), rule: rule.into(), message: message.into(), source: None });
    }
}

fn date(text: &str) -> Result<PartialDate, DomainError> {
    PartialDate::parse(text)
}

fn text_field(field: &'static str, text: &str) -> Result<String, DomainError> {
    let trimmed = text.trim();
    if trimmed.is_empty() { Err(DomainError::InvalidText { field, reason: "must not be empty".into() }) } else { Ok(trimmed.to_string()) }
}

fn optional_text(problems: &mut Problems, path: String, field: &'static str, raw: &Option<Text<'_>>) -> Option<Option<String>> {
    problems.optional(path, raw.as_deref(), |text| text_field(field, text))
}

/// Converts a patient file's DTO to the domain record, or lists every problem with its path.
pub fn patient_from_dto(dto: &PatientDto) -> Result<Patient, Vec<Diagnostic>> {
    let mut p = Problems::default();
    let pseudonym = p.take("pseudonym", Pseudonym::parse(&dto.pseudonym));
    let center = p.take("center", Slug::parse("center", &dto.center));
    let source = p.take("source", Source::parse(&dto.source));
    let sex = p.take("sex", Sex::parse(&dto.sex));
    let birth = p.optional("birth", dto.birth.as_deref(), date);
    let vital_status = p.take("vitalStatus", VitalStatus::parse(&dto.vital_status));
    let last_follow_up = date_or_age(&mut p, "lastFollowUp", dto.last_follow_up.as_deref(), dto.last_follow_up_age_months);
    let cause_of_death = optional_text(&mut p, "causeOfDeath".into(), "cause of death", &dto.cause_of_death);
    let symptom_onset = date_or_age(&mut p, "symptomOnset", dto.symptom_onset.as_deref(), dto.symptom_onset_age_months);
    let diagnoses = p.list("diagnoses", &dto.diagnoses, |p, path, d| {
        let code = p.take(format!("{path}.id"), diagnosis_code(&d.id, &d.label));
        let date = p.optional(format!("{path}.date"), d.date.as_deref(), date);
        Some(Diagnosis { code: code?, date: date? })
    });
    let variants = p.list("variants", &dto.variants, |p, path, v| {
        let gene = p.take(format!("{path}.gene.id"), Code::parse_in(CodeSystem::Hgnc, &v.gene.id, &v.gene.label));
        let transcript = p.take(format!("{path}.transcript"), Transcript::parse(&v.transcript));
        let hgvs_c = p.take(format!("{path}.hgvsC"), Hgvs::parse_coding(&v.hgvs_c));
        let hgvs_p = p.optional(format!("{path}.hgvsP"), v.hgvs_p.as_deref(), Hgvs::parse_protein);
        let class = p.take(format!("{path}.class"), VariantClass::parse(&v.class));
        let zygosity = p.take(format!("{path}.zygosity"), Zygosity::parse(&v.zygosity));
        Some(Variant { gene: gene?, transcript: transcript?, hgvs_c: hgvs_c?, hgvs_p: hgvs_p?, class: class?, zygosity: zygosity? })
    });
    let wasp_expression = p.optional("waspExpression", dto.wasp_expression.as_deref(), WaspExpression::parse);
    let features = p.list("features", &dto.features, feature_from_dto);
    let labs = p.list("labs", &dto.labs, |p, path, lab| {
        let date = p.take(format!("{path}.date"), date(&lab.date));
        let analyte = p.take(format!("{path}.analyte"), Analyte::parse(&lab.analyte))?;
        p.take(format!("{path}.value"), LabMeasurement::new(date?, analyte, lab.value, &lab.unit))
    });
    let weights = p.list("weights", &dto.weights, |p, path, w| {
        let date = p.take(format!("{path}.date"), date(&w.date));
        let weight = p.take(format!("{path}.kg"), BodyWeightKg::new(w.kg));
        Some(WeightRecord { date: date?, weight: weight? })
    });
    let courses = p.list("courses", &dto.courses, course_from_dto);
    let definitive_therapies = p.list("definitiveTherapies", &dto.definitive_therapies, therapy_from_dto);
    let engraftment = p.list("engraftment", &dto.engraftment, |p, path, e| {
        let therapy = p.take(format!("{path}.therapy"), Slug::parse("therapy id", &e.therapy));
        let date = p.take(format!("{path}.date"), date(&e.date));
        let lineage = p.take(format!("{path}.lineage"), Lineage::parse(&e.lineage));
        let sample = p.optional(format!("{path}.sample"), e.sample.as_deref(), SampleType::parse);
        let method = p.optional(format!("{path}.method"), e.method.as_deref(), EngraftmentMethod::parse);
        let percent_donor =
            e.percent_donor.map(|v| p.take(format!("{path}.percentDonor"), Percent::new(v))).map_or(Some(None), |v| v.map(Some));
        let vcn = e
            .vcn_per_cell
            .map(|v| p.take(format!("{path}.vcnPerCell"), NonNegativeNumber::new("vector copy number", v)))
            .map_or(Some(None), |v| v.map(Some));
        let wasp = e.wasp_positive.map(|v| p.take(format!("{path}.waspPositive"), Percent::new(v))).map_or(Some(None), |v| v.map(Some));
        Some(EngraftmentMeasurement {
            therapy: therapy?,
            date: date?,
            lineage: lineage?,
            sample: sample?,
            method: method?,
            percent_donor: percent_donor?,
            vcn_per_cell: vcn?,
            wasp_positive: wasp?,
        })
    });
    let zhu_assessments = p.list("zhuAssessments", &dto.zhu_assessments, |p, path, z| {
        let date = p.take(format!("{path}.date"), date(&z.date));
        let thrombocytopenia = p.take(format!("{path}.thrombocytopenia"), Thrombocytopenia::parse(&z.thrombocytopenia));
        let eczema = p.take(format!("{path}.eczema"), Eczema::parse(&z.eczema));
        let infections = p.take(format!("{path}.infections"), Infections::parse(&z.infections));
        let immunodeficiency = p.take(format!("{path}.immunodeficiency"), ImmunodeficiencyLab::parse(&z.immunodeficiency));
        let clinician_score = p.optional(format!("{path}.clinicianScore"), z.clinician_score.as_deref(), ZhuScore::parse);
        Some(ZhuAssessment {
            date: date?,
            thrombocytopenia: thrombocytopenia?,
            small_platelets: z.small_platelets,
            congenital_neutropenia: z.congenital_neutropenia,
            eczema: eczema?,
            infections: infections?,
            immunodeficiency: immunodeficiency?,
            autoimmunity: z.autoimmunity,
            autoinflammation: z.autoinflammation,
            malignancy: z.malignancy,
            predicted_severe_genotype: z.predicted_severe_genotype,
            clinician_score: clinician_score?,
        })
    });
    let notes = optional_text(&mut p, "notes".into(), "notes", &dto.notes);
    let source_document = dto.source_document.as_ref().map(|source| SourceDocument {
        format: source.format.to_string(),
        content: source.content.get().to_string(),
        record_fingerprint: source.record_fingerprint.to_string(),
    });

    let build = || {
        Some(Patient {
            pseudonym: pseudonym?,
            center: center?,
            source: source?,
            sex: sex?,
            birth: birth?,
            family_history: dto.family_history,
            consanguinity: dto.consanguinity,
            vital_status: vital_status?,
            last_follow_up: last_follow_up?,
            cause_of_death: cause_of_death?,
            symptom_onset: symptom_onset?,
            diagnoses: diagnoses?,
            variants: variants?,
            wasp_expression: wasp_expression?,
            features: features?,
            labs: labs?,
            weights: weights?,
            courses: courses?,
            definitive_therapies: definitive_therapies?,
            engraftment: engraftment?,
            zhu_assessments: zhu_assessments?,
            notes: notes?,
            source_document,
        })
    };
    match build() {
        Some(patient) if p.found.is_empty() => Ok(patient),
        _ => Err(p.found),
    }
}

/// Diagnoses are coded in MONDO, OMIM or Orphanet.
fn diagnosis_code(id: &str, label: &str) -> Result<Code, DomainError> {
    let curie = Curie::parse(id)?;
    if !matches!(curie.system(), CodeSystem::Mondo | CodeSystem::Omim | CodeSystem::Orphanet) {
        return Err(DomainError::InvalidCode { system: "diagnosis", value: id.to_string(), expected: "a MONDO, OMIM or ORPHA identifier" });
    }
    Code::new(curie, label)
}

/// A time point given as two fields of a record, `{key}` for a date and `{key}AgeMonths` for an
/// age: at most one of them.
fn date_or_age(p: &mut Problems, key: &str, text: Option<&str>, age_months: Option<i64>) -> Option<Option<TimePoint>> {
    match (text, age_months) {
        (None, None) => Some(None),
        (Some(text), None) => p.take(key, date(text)).map(|d| Some(TimePoint::Date(d))),
        (None, Some(months)) => reported_age(p, &format!("{key}AgeMonths"), months).map(|age| Some(TimePoint::Age(age))),
        (Some(_), Some(_)) => {
            p.error(key, "invalid-value", format!("give `{key}` (a date) or `{key}AgeMonths` (an age), not both"));
            None
        }
    }
}

/// The `{key}` field of a time point written as two fields ([`date_or_age`]).
fn date_text(point: Option<TimePoint>) -> Option<Text<'static>> {
    match point? {
        TimePoint::Date(date) => Some(date.to_string().into()),
        TimePoint::Age(_) => None,
    }
}

/// The `{key}AgeMonths` field of a time point written as two fields ([`date_or_age`]).
fn age_months(point: Option<TimePoint>) -> Option<i64> {
    match point? {
        TimePoint::Age(age) => Some(age.min_months()),
        TimePoint::Date(_) => None,
    }
}

/// An age reported in months, refused when no person has it.
fn reported_age(p: &mut Problems, path: &str, months: i64) -> Option<Age> {
    let age = Age::reported(months);
    if age.is_none() {
        p.error(path, "invalid-value", format!("an age of {months} months is not plausible"));
    }
    age
}

fn time_point(p: &mut Problems, path: &str, dto: &Option<TimePointDto>) -> Option<Option<TimePoint>> {
    match dto {
        None => Some(None),
        Some(TimePointDto { date: Some(text), age_months: None }) => {
            p.take(format!("{path}.date"), date(text)).map(|d| Some(TimePoint::Date(d)))
        }
        Some(TimePointDto { date: None, age_months: Some(months) }) => {
            reported_age(p, &format!("{path}.ageMonths"), *months).map(|age| Some(TimePoint::Age(age)))
        }
        Some(_) => {
            p.error(path, "invalid-value", "give exactly one of `date` or `ageMonths`");
            None
        }
    }
}

fn feature_from_dto(p: &mut Problems, path: &str, f: &FeatureDto) -> Option<PhenotypicFeature> {
    let term = p.take(format!("{path}.id"), Code::parse_in(CodeSystem::Hpo, &f.id, &f.label));
    let onset = time_point(p, &format!("{path}.onset"), &f.onset);
    let resolution = time_point(p, &format!("{path}.resolution"), &f.resolution);
    let severity = p.optional(format!("{path}.severity"), f.severity.as_deref(), Severity::parse);
    let temporal = p.list(&format!("{path}.temporal"), &f.temporal, |p, path, t| p.take(path, TemporalPattern::parse(t)));
    let mechanism = p.optional(format!("{path}.mechanism"), f.mechanism.as_deref(), MechanismClass::parse);
    let note = optional_text(p, format!("{path}.note"), "note", &f.note);
    Some(PhenotypicFeature {
        term: term?,
        excluded: f.excluded,
        onset: onset?,
        resolution: resolution?,
        severity: severity?,
        temporal: temporal?,
        mechanism: mechanism?,
        biopsy_proven: f.biopsy_proven,
        note: note?,
    })
}

fn course_from_dto(p: &mut Problems, path: &str, c: &CourseDto) -> Option<TreatmentCourse> {
    let id = p.take(format!("{path}.id"), Slug::parse("course id", &c.id));
    let drug = p.take(format!("{path}.drug"), text_field("drug", &c.drug));
    let route = p.optional(format!("{path}.route"), c.route.as_deref(), Route::parse);
    let dose = match &c.dose {
        None => Some(None),
        Some(dose) => {
            let unit = p.take(format!("{path}.dose.unit"), DoseUnit::parse(&dose.unit));
            unit.and_then(|unit| p.take(format!("{path}.dose.value"), Dose::new(dose.value, unit))).map(Some)
        }
    };
    let frequency = p.optional(format!("{path}.frequency"), c.frequency.as_deref(), Frequency::parse);
    let start = p.take(format!("{path}.start"), date(&c.start));
    let end = p.optional(format!("{path}.end"), c.end.as_deref(), date);
    let phase = p.take(format!("{path}.phase"), TreatmentPhase::parse(&c.phase));
    let targets = p.list(&format!("{path}.targets"), &c.targets, |p, path, t| p.take(path, Curie::parse_in(CodeSystem::Hpo, t)));
    let response = match &c.response {
        None => Some(None),
        Some(r) => {
            let grade = p.take(format!("{path}.response.grade"), ResponseGrade::parse(&r.grade));
            let date = p.optional(format!("{path}.response.date"), r.date.as_deref(), date);
            let note = optional_text(p, format!("{path}.response.note"), "note", &r.note);
            (|| Some(Some(Response { grade: grade?, date: date?, note: note? })))()
        }
    };
    let steroids_discontinued = p.optional(format!("{path}.steroidsDiscontinued"), c.steroids_discontinued.as_deref(), date);
    let termination = p.optional(format!("{path}.termination"), c.termination.as_deref(), TerminationReason::parse);
    let switched_to = p.optional(format!("{path}.switchedTo"), c.switched_to.as_deref(), |t| Slug::parse("course id", t));
    let adverse_events = match &c.adverse_events {
        None => Some(None),
        Some(events) => p.list(&format!("{path}.adverseEvents"), events, adverse_event_from_dto).map(Some),
    };
    Some(TreatmentCourse {
        id: id?,
        drug: drug?,
        route: route?,
        dose: dose?,
        frequency: frequency?,
        start: start?,
        end: end?,
        ongoing: c.ongoing,
        phase: phase?,
        targets: targets?,
        response: response?,
        steroids_discontinued: steroids_discontinued?,
        termination: termination?,
        switched_to: switched_to?,
        adverse_events: adverse_events?,
    })
}

fn adverse_event_from_dto(p: &mut Problems, path: &str, e: &AdverseEventDto) -> Option<AdverseEvent> {
    let term = p.take(format!("{path}.term"), text_field("adverse event term", &e.term));
    let grade = p.take(format!("{path}.grade"), CtcaeGrade::new(e.grade));
    let attribution = p.optional(format!("{path}.attribution"), e.attribution.as_deref(), Attribution::parse);
    let action = p.optional(format!("{path}.action"), e.action.as_deref(), ActionTaken::parse);
    let onset = p.optional(format!("{path}.onset"), e.onset.as_deref(), date);
    let outcome = p.optional(format!("{path}.outcome"), e.outcome.as_deref(), AdverseEventOutcome::parse);
    Some(AdverseEvent {
        term: term?,
        grade: grade?,
        serious: e.serious,
        attribution: attribution?,
        action: action?,
        onset: onset?,
        outcome: outcome?,
    })
}

fn therapy_from_dto(p: &mut Problems, path: &str, t: &DefinitiveTherapyDto) -> Option<DefinitiveTherapy> {
    let id = p.take(format!("{path}.id"), Slug::parse("therapy id", &t.id));
    let date = p.take(format!("{path}.date"), date(&t.date));
    let conditioning = optional_text(p, format!("{path}.conditioning"), "conditioning", &t.conditioning);
    let positive = |p: &mut Problems, field: &str, quantity: &'static str, value: Option<f64>| match value {
        None => Some(None),
        Some(v) => p.take(format!("{path}.{field}"), PositiveNumber::new(quantity, v)).map(Some),
    };
    let gene_therapy_only = [
        ("vector", t.vector.is_some()),
        ("productVcn", t.product_vcn.is_some()),
        ("cd34PerKgMillions", t.cd34_per_kg_millions.is_some()),
        ("trialId", t.trial_id.is_some()),
    ];
    let hsct_only = [
        ("donor", t.donor.is_some()),
        ("hlaMatch", t.hla_match.is_some()),
        ("source", t.source.is_some()),
        ("acuteGvhdGrade", t.acute_gvhd_grade.is_some()),
        ("chronicGvhd", t.chronic_gvhd.is_some()),
    ];
    let refuse = |p: &mut Problems, fields: &[(&str, bool)], kind: &str| {
        for (field, present) in fields {
            if *present {
                p.error(format!("{path}.{field}"), "field-of-other-therapy", format!("`{field}` does not apply to {kind}"));
            }
        }
    };
    let kind = match t.kind.as_ref() {
        "gene-therapy" => {
            refuse(p, &hsct_only, "gene therapy");
            let vector = optional_text(p, format!("{path}.vector"), "vector", &t.vector);
            let product_vcn = positive(p, "productVcn", "product vector copy number", t.product_vcn);
            let cd34 = positive(p, "cd34PerKgMillions", "CD34+ dose", t.cd34_per_kg_millions);
            let trial_id = optional_text(p, format!("{path}.trialId"), "trial id", &t.trial_id);
            (|| {
                Some(DefinitiveTherapyKind::GeneTherapy {
                    vector: vector?,
                    product_vcn: product_vcn?,
                    cd34_per_kg_millions: cd34?,
                    trial_id: trial_id?,
                })
            })()
        }
        "hsct" => {
            refuse(p, &gene_therapy_only, "HSCT");
            let donor = p.optional(format!("{path}.donor"), t.donor.as_deref(), DonorType::parse);
            let hla_match = optional_text(p, format!("{path}.hlaMatch"), "HLA match", &t.hla_match);
            let source = p.optional(format!("{path}.source"), t.source.as_deref(), StemCellSource::parse);
            let acute_gvhd_grade = match t.acute_gvhd_grade {
                None => Some(None),
                Some(grade @ 0..=4) => Some(Some(grade as u8)),
                Some(grade) => {
                    p.error(format!("{path}.acuteGvhdGrade"), "invalid-value", format!("acute GVHD grade {grade} is not 0 to 4"));
                    None
                }
            };
            (|| {
                Some(DefinitiveTherapyKind::Hsct {
                    donor: donor?,
                    hla_match: hla_match?,
                    source: source?,
                    acute_gvhd_grade: acute_gvhd_grade?,
                    chronic_gvhd: t.chronic_gvhd,
                })
            })()
        }
        other => {
            p.error(
                format!("{path}.type"),
                "invalid-value",
                format!("`{other}` is not a known definitive therapy; expected one of: gene-therapy, hsct"),
            );
            None
        }
    };
    Some(DefinitiveTherapy { id: id?, date: date?, conditioning: conditioning?, kind: kind? })
}

/// Converts the domain record back to its file shape; the exact inverse of [`patient_from_dto`].
pub fn patient_to_dto(patient: &Patient) -> PatientDto<'_> {
    PatientDto {
        pseudonym: patient.pseudonym.as_str().into(),
        center: patient.center.as_str().into(),
        source: patient.source.key().into(),
        sex: patient.sex.key().into(),
        birth: patient.birth.map(|d| d.to_string().into()),
        family_history: patient.family_history,
        consanguinity: patient.consanguinity,
        vital_status: patient.vital_status.key().into(),
        last_follow_up: date_text(patient.last_follow_up),
        last_follow_up_age_months: age_months(patient.last_follow_up),
        cause_of_death: patient.cause_of_death.as_deref().map(Into::into),
        symptom_onset: date_text(patient.symptom_onset),
        symptom_onset_age_months: age_months(patient.symptom_onset),
        diagnoses: patient
            .diagnoses
            .iter()
            .map(|d| DiagnosisDto {
                id: d.code.id().as_str().into(),
                label: d.code.label().into(),
                date: d.date.map(|d| d.to_string().into()),
            })
            .collect(),
        variants: patient
            .variants
            .iter()
            .map(|v| VariantDto {
                gene: code_dto(&v.gene),
                transcript: v.transcript.as_str().into(),
                hgvs_c: v.hgvs_c.as_str().into(),
                hgvs_p: v.hgvs_p.as_ref().map(|h| h.as_str().into()),
                class: v.class.key().into(),
                zygosity: v.zygosity.key().into(),
            })
            .collect(),
        wasp_expression: patient.wasp_expression.map(|w| w.key().into()),
        features: patient.features.iter().map(feature_to_dto).collect(),
        labs: patient
            .labs
            .iter()
            .map(|l| LabDto { date: l.date.to_string().into(), analyte: l.analyte.key().into(), value: l.value(), unit: l.unit().into() })
            .collect(),
        weights: patient.weights.iter().map(|w| WeightDto { date: w.date.to_string().into(), kg: w.weight.kg() }).collect(),
        courses: patient.courses.iter().map(course_to_dto).collect(),
        definitive_therapies: patient.definitive_therapies.iter().map(therapy_to_dto).collect(),
        engraftment: patient
            .engraftment
            .iter()
            .map(|e| EngraftmentDto {
                therapy: e.therapy.as_str().into(),
                date: e.date.to_string().into(),
                lineage: e.lineage.key().into(),
                sample: e.sample.map(|s| s.key().into()),
                method: e.method.map(|m| m.key().into()),
                percent_donor: e.percent_donor.map(Percent::value),
                vcn_per_cell: e.vcn_per_cell.map(NonNegativeNumber::value),
                wasp_positive: e.wasp_positive.map(Percent::value),
            })
            .collect(),
        zhu_assessments: patient
            .zhu_assessments
            .iter()
            .map(|z| ZhuAssessmentDto {
                date: z.date.to_string().into(),
                thrombocytopenia: z.thrombocytopenia.key().into(),
                small_platelets: z.small_platelets,
                congenital_neutropenia: z.congenital_neutropenia,
                eczema: z.eczema.key().into(),
                infections: z.infections.key().into(),
                immunodeficiency: z.immunodeficiency.key().into(),
                autoimmunity: z.autoimmunity,
                autoinflammation: z.autoinflammation,
                malignancy: z.malignancy,
                predicted_severe_genotype: z.predicted_severe_genotype,
                clinician_score: z.clinician_score.map(|s| s.to_string().into()),
            })
            .collect(),
        notes: patient.notes.as_deref().map(Into::into),
        source_document: patient.source_document.as_ref().map(|source| SourceDocumentDto {
            format: source.format.as_str().into(),
            record_fingerprint: source.record_fingerprint.as_str().into(),
            content: serde_json::value::RawValue::from_string(source.content.clone()).expect("a stored source document is JSON"),
        }),
    }
}

fn code_dto(code: &Code) -> CodeDto<'_> {
    CodeDto { id: code.id().as_str().into(), label: code.label().into() }
}

fn time_point_dto(point: &Option<TimePoint>) -> Option<TimePointDto<'static>> {
    point.map(|point| match point {
        TimePoint::Date(date) => TimePointDto { date: Some(date.to_string().into()), age_months: None },
        TimePoint::Age(age) => TimePointDto { date: None, age_months: Some(age.min_months()) },
    })
}

fn feature_to_dto(f: &PhenotypicFeature) -> FeatureDto<'_> {
    FeatureDto {
        id: f.term.id().as_str().into(),
        label: f.term.label().into(),
        excluded: f.excluded,
        onset: time_point_dto(&f.onset),
        resolution: time_point_dto(&f.resolution),
        severity: f.severity.map(|s| s.key().into()),
        temporal: f.temporal.iter().map(|t| t.key().into()).collect(),
        mechanism: f.mechanism.map(|m| m.key().into()),
        biopsy_proven: f.biopsy_proven,
        note: f.note.as_deref().map(Into::into),
    }
}

fn course_to_dto(c: &TreatmentCourse) -> CourseDto<'_> {
    CourseDto {
        id: c.id.as_str().into(),
        drug: c.drug.as_str().into(),
        route: c.route.map(|r| r.key().into()),
        dose: c.dose.map(|d| DoseDto { value: d.amount(), unit: d.unit().key().into() }),
        frequency: c.frequency.map(|f| f.key().into()),
        start: c.start.to_string().into(),
        end: c.end.map(|d| d.to_string().into()),
        ongoing: c.ongoing,
        phase: c.phase.key().into(),
        targets: c.targets.iter().map(|t| t.as_str().into()).collect(),
        response: c.response.as_ref().map(|r| ResponseDto {
            grade: r.grade.key().into(),
            date: r.date.map(|d| d.to_string().into()),
            note: r.note.as_deref().map(Into::into),
        }),
        steroids_discontinued: c.steroids_discontinued.map(|d| d.to_string().into()),
        termination: c.termination.map(|t| t.key().into()),
        switched_to: c.switched_to.as_ref().map(|s| s.as_str().into()),
        adverse_events: c.adverse_events.as_ref().map(|events| {
            events
                .iter()
                .map(|e| AdverseEventDto {
                    term: e.term.as_str().into(),
                    grade: e.grade.value() as i64,
                    serious: e.serious,
                    attribution: e.attribution.map(|a| a.key().into()),
                    action: e.action.map(|a| a.key().into()),
                    onset: e.onset.map(|d| d.to_string().into()),
                    outcome: e.outcome.map(|o| o.key().into()),
                })
                .collect()
        }),
    }
}

fn therapy_to_dto(t: &DefinitiveTherapy) -> DefinitiveTherapyDto<'_> {
    let mut dto = DefinitiveTherapyDto {
        id: t.id.as_str().into(),
        kind: Text::Borrowed(""),
        date: t.date.to_string().into(),
        conditioning: t.conditioning.as_deref().map(Into::into),
        vector: None,
        product_vcn: None,
        cd34_per_kg_millions: None,
        trial_id: None,
        donor: None,
        hla_match: None,
        source: None,
        acute_gvhd_grade: None,
        chronic_gvhd: None,
    };
    match &t.kind {
        DefinitiveTherapyKind::GeneTherapy { vector, product_vcn, cd34_per_kg_millions, trial_id } => {
            dto.kind = "gene-therapy".into();
            dto.vector = vector.as_deref().map(Into::into);
            dto.product_vcn = product_vcn.map(PositiveNumber::value);
            dto.cd34_per_kg_millions = cd34_per_kg_millions.map(PositiveNumber::value);
            dto.trial_id = trial_id.as_deref().map(Into::into);
        }
        DefinitiveTherapyKind::Hsct { donor, hla_match, source, acute_gvhd_grade, chronic_gvhd } => {
            dto.kind = "hsct".into();
            dto.donor = donor.map(|d| d.key().into());
            dto.hla_match = hla_match.as_deref().map(Into::into);
            dto.source = source.map(|s| s.key().into());
            dto.acute_gvhd_grade = acute_gvhd_grade.map(i64::from);
            dto.chronic_gvhd = *chronic_gvhd;
        }
    }
    dto
}

/// Converts `study.toml`'s DTO to the domain study, or lists every problem with its key path.
pub fn study_from_dto(dto: &StudyDto) -> Result<Study, Vec<Diagnostic>> {
    let mut p = Problems::default();
    let id = p.take("id", Slug::parse("study id", &dto.id));
    let title = p.take("title", text_field("title", &dto.title));
    let disease = dto.disease.as_ref().map(|d| p.take("disease.id", diagnosis_code(&d.id, &d.label))).map_or(Some(None), |d| d.map(Some));
    let centers = p.list("centers", &dto.centers, |p, path, c| {
        let id = p.take(format!("{path}.id"), Slug::parse("center id", &c.id));
        let name = p.take(format!("{path}.name"), text_field("center name", &c.name));
        let country = p.take(format!("{path}.country"), CountryCode::parse(&c.country));
        Some(Center { id: id?, name: name?, country: country? })
    });
    if dto.centers.is_empty() {
        p.error("centers", "no-centers", "a study needs at least one center");
    }
    let mut seen_centers = std::collections::HashSet::new();
    for (i, center) in dto.centers.iter().enumerate() {
        if !seen_centers.insert(center.id.as_str()) {
            p.error(format!("centers[{i}].id"), "duplicate-center", format!("center `{}` is declared twice", center.id));
        }
    }
    let chimerism = p.take(
        "settings",
        Percent::new(dto.settings.chimerism_full_at_least)
            .and_then(|full| Ok((full, Percent::new(dto.settings.chimerism_graft_failure_below)?)))
            .and_then(|(full, failure)| ChimerismThresholds::new(full, failure)),
    );
    let mut drugs = Some(DrugCatalog::builtin());
    for (i, d) in dto.drugs.iter().enumerate() {
        let path = format!("drugs[{i}]");
        let class = p.take(format!("{path}.class"), DrugClass::parse(&d.class));
        let codes = p.list(&format!("{path}.codes"), &d.codes, |p, path, c| {
            p.take(format!("{path}.id"), Curie::parse(&c.id).and_then(|id| Code::new(id, &c.label)))
        });
        let drug = class
            .zip(codes)
            .and_then(|(class, codes)| p.take(format!("{path}.key"), Drug::new(&d.key, &d.name, class, codes, d.prednisone_equivalence)));
        drugs = drugs.zip(drug).map(|(catalog, drug)| catalog.with(drug));
    }
    let report = report_from_dto(&mut p, &dto.report);
    let build = || {
        Some(Study {
            id: id?,
            title: title?,
            description: dto.description.clone(),
            data_label: dto.data_label.clone(),
            disease: disease?,
            centers: centers?,
            settings: RuleSettings {
                zhu: ZhuSettings { count_autoinflammation_as_autoimmunity: dto.settings.count_autoinflammation_as_autoimmunity },
                chimerism: chimerism?,
            },
            drugs: drugs?,
            assumptions: dto.assumptions.clone(),
            report: report?,
        })
    };
    match build() {
        Some(study) if p.found.is_empty() => Ok(study),
        _ => Err(p.found),
    }
}

fn report_from_dto(p: &mut Problems, dto: &ReportDto) -> Option<ReportConfig> {
    let time_axis = p.optional("report.time_axis", dto.time_axis.as_deref(), TimeAxis::parse).map(Option::unwrap_or_default);
    let trajectory_anchor =
        p.optional("report.trajectory_anchor", dto.trajectory_anchor.as_deref(), |id| Slug::parse("treatment line id", id));
    let lab_trajectories = p.list("report.lab_trajectories", &dto.lab_trajectories, |p, path, key| p.take(path, Analyte::parse(key)));
    let treatments = p.list("report.treatments", &dto.treatments, |p, path, line| {
        let id = p.take(format!("{path}.id"), Slug::parse("treatment line id", &line.id));
        let label = p.take(format!("{path}.label"), text_field("label", &line.label));
        let selector = match (&line.drug, &line.class) {
            (Some(drug), None) => Some(DrugSelector::Drug(drug.clone())),
            (None, Some(class)) => p.take(format!("{path}.class"), DrugClass::parse(class)).map(DrugSelector::Class),
            _ => {
                p.error(path, "invalid-value", "give exactly one of `drug` or `class`");
                None
            }
        };
        Some(TreatmentLine { id: id?, label: label?, selector: selector? })
    });
    let mut groups = |field: &str, items: &[ManifestationGroupDto]| {
        p.list(&format!("report.{field}"), items, |p, path, group| {
            let id = p.take(format!("{path}.id"), Slug::parse("group id", &group.id));
            let label = p.take(format!("{path}.label"), text_field("label", &group.label));
            let category = p.optional(format!("{path}.category"), group.category.as_deref(), |c| Slug::parse("category id", c));
            let terms =
                p.list(&format!("{path}.terms"), &group.terms, |p, path, term| p.take(path, Curie::parse_in(CodeSystem::Hpo, term)));
            if group.terms.is_empty() {
                p.error(format!("{path}.terms"), "invalid-value", "a group needs at least one HPO term");
            }
            Some(ManifestationGroup { id: id?, label: label?, category: category?, terms: terms? })
        })
    };
    let categories = groups("categories", &dto.categories);
    let groupings = groups("groupings", &dto.groupings);
    if let (Some(Some(anchor)), Some(treatments)) = (&trajectory_anchor, &treatments)
        && !treatments.iter().any(|line| &line.id == anchor)
    {
        p.error(
            "report.trajectory_anchor",
            "unknown-treatment-line",
            format!("there is no treatment line `{anchor}` in report.treatments"),
        );
    }
    if let (Some(categories), Some(groupings)) = (&categories, &groupings) {
        for (i, grouping) in groupings.iter().enumerate() {
            if let Some(category) = &grouping.category
                && !categories.iter().any(|c| &c.id == category)
            {
                p.error(format!("report.groupings[{i}].category"), "unknown-category", format!("there is no category `{category}`"));
            }
        }
    }
    Some(ReportConfig {
        categories: categories?,
        groupings: groupings?,
        treatments: treatments?,
        time_axis: time_axis?,
        trajectory_anchor: trajectory_anchor?,
        lab_trajectories: lab_trajectories?,
        chimerism_trajectory: dto.chimerism_trajectory,
    })
}

fn report_to_dto(report: &ReportConfig) -> ReportDto {
    let group_dto = |group: &ManifestationGroup| ManifestationGroupDto {
        id: group.id.to_string(),
        label: group.label.clone(),
        category: group.category.as_ref().map(|c| c.to_string()),
        terms: group.terms.iter().map(|term| term.to_string()).collect(),
    };
    ReportDto {
        time_axis: (report.time_axis != TimeAxis::default()).then(|| report.time_axis.key().to_string()),
        trajectory_anchor: report.trajectory_anchor.as_ref().map(|anchor| anchor.to_string()),
        lab_trajectories: report.lab_trajectories.iter().map(|a| a.key().to_string()).collect(),
        chimerism_trajectory: report.chimerism_trajectory,
        treatments: report
            .treatments
            .iter()
            .map(|line| TreatmentLineDto {
                id: line.id.to_string(),
                label: line.label.clone(),
                drug: match &line.selector {
                    DrugSelector::Drug(drug) => Some(drug.clone()),
                    DrugSelector::Class(_) => None,
                },
                class: match &line.selector {
                    DrugSelector::Class(class) => Some(class.key().to_string()),
                    DrugSelector::Drug(_) => None,
                },
            })
            .collect(),
        categories: report.categories.iter().map(group_dto).collect(),
        groupings: report.groupings.iter().map(group_dto).collect(),
    }
}

/// Converts the domain study back to its file shape. Only drugs the study declared are written:
/// the built-in catalogue is part of the software, not of the study.
pub fn study_to_dto(study: &Study) -> StudyDto {
    let builtin = DrugCatalog::builtin();
    StudyDto {
        id: study.id.to_string(),
        title: study.title.clone(),
        description: study.description.clone(),
        data_label: study.data_label.clone(),
        disease: study.disease.as_ref().map(|code| code_dto(code).into_owned()),
        assumptions: study.assumptions.clone(),
        settings: SettingsDto {
            count_autoinflammation_as_autoimmunity: study.settings.zhu.count_autoinflammation_as_autoimmunity,
            chimerism_full_at_least: study.settings.chimerism.full_at_least().value(),
            chimerism_graft_failure_below: study.settings.chimerism.graft_failure_below().value(),
        },
        centers: study
            .centers
            .iter()
            .map(|c| CenterDto { id: c.id.to_string(), name: c.name.clone(), country: c.country.as_str().into() })
            .collect(),
        drugs: study
            .drugs
            .drugs()
            .iter()
            .filter(|drug| builtin.get(drug.key()) != Some(*drug))
            .map(|drug| DrugDto {
                key: drug.key().into(),
                name: drug.name().into(),
                class: drug.class().key().into(),
                prednisone_equivalence: drug.prednisone_equivalence(),
                codes: drug.codes().iter().map(|code| code_dto(code).into_owned()).collect(),
            })
            .collect(),
        report: report_to_dto(&study.report),
    }
}
