//! A short cohort summary: who is in the study and what they received.
//!
//! This is the summary `casebook demo` prints; the full case-series report, with denominators
//! and traceable statistics, is built on top of the same derived values.

use std::collections::BTreeMap;
use std::fmt;

use crate::check::{derive_course, zhu_results};
use crate::date::Age;
use crate::drug::DrugClass;
use crate::patient::Patient;
use crate::study::Study;

/// Patients per center.
#[derive(Debug, Clone, PartialEq)]
pub struct CenterCount {
    /// The center's name.
    pub center: String,
    /// The center's ISO 3166-1 country code.
    pub country: String,
    /// Patients of the study at this center.
    pub patients: usize,
}

/// Exposure to one drug across the cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct DrugExposure {
    /// The drug's catalogue key.
    pub drug: String,
    /// The drug's class.
    pub class: DrugClass,
    /// Patients with at least one course of the drug.
    pub patients: usize,
    /// Youngest and oldest age at the start of a course, in months.
    pub age_at_start_months: Option<(i64, i64)>,
    /// Patients whose mg/kg/day could be derived.
    pub patients_with_dose: usize,
    /// Lowest and highest mg/kg/day at course start.
    pub mg_per_kg_per_day: Option<(f64, f64)>,
}

/// The headline numbers of a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortSummary {
    /// The study's title.
    pub study_title: String,
    /// The study's data label, e.g. that the patients are constructed; `None` when unset.
    pub data_label: Option<String>,
    /// Patients in the study.
    pub patients: usize,
    /// Patients per center, in the study's order of centers.
    pub centers: Vec<CenterCount>,
    /// Patients whose latest Zhu assessment is severe (score 3 or more).
    pub severe_zhu: usize,
    /// Patients with at least one gene therapy.
    pub gene_therapy: usize,
    /// Patients with at least one allogeneic HSCT.
    pub hsct: usize,
    /// Exposure per drug, by drug key.
    pub drugs: Vec<DrugExposure>,
}

/// Summarises a study's patients.
pub fn summarize(study: &Study, patients: &[Patient]) -> CohortSummary {
    let centers = study
        .centers
        .iter()
        .map(|center| CenterCount {
            center: center.name.clone(),
            country: center.country.as_str().to_string(),
            patients: patients.iter().filter(|patient| patient.center == center.id).count(),
        })
        .collect();
    let severe_zhu = patients.iter().filter(|patient| zhu_results(patient, study).last().is_some_and(|result| result.severe)).count();
    let count_therapy = |gene_therapy: bool| {
        patients.iter().filter(|p| p.definitive_therapies.iter().any(|t| t.kind.is_gene_therapy() == gene_therapy)).count()
    };

    #[derive(Default)]
    struct Tally {
        patients: usize,
        patients_with_dose: usize,
        ages: Vec<i64>,
        doses: Vec<f64>,
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for patient in patients {
        let mut of_patient: BTreeMap<&str, (Vec<i64>, Vec<f64>)> = BTreeMap::new();
        for course in &patient.courses {
            let Some(drug) = study.drugs.get(&course.drug) else { continue };
            let (ages, doses) = of_patient.entry(drug.key()).or_default();
            ages.extend(patient.age_at(&course.start).map(|age: Age| age.min_months()));
            doses.extend(derive_course(patient, course, drug, &study.drugs, "").derived.and_then(|derived| derived.mg_per_kg_per_day));
        }
        for (drug, (ages, doses)) in of_patient {
            let tally = tallies.entry(drug.to_string()).or_default();
            tally.patients += 1;
            tally.patients_with_dose += usize::from(!doses.is_empty());
            tally.ages.extend(ages);
            tally.doses.extend(doses);
        }
    }
    let drugs = tallies
        .into_iter()
        .map(|(drug, tally)| DrugExposure {
            class: study.drugs.get(&drug).map_or(DrugClass::Other, |d| d.class()),
            drug,
            patients: tally.patients,
            age_at_start_months: tally.ages.iter().min().zip(tally.ages.iter().max()).map(|(min, max)| (*min, *max)),
            patients_with_dose: tally.patients_with_dose,
            mg_per_kg_per_day: tally.doses.iter().copied().reduce(f64::min).zip(tally.doses.iter().copied().reduce(f64::max)),
        })
        .collect();
    CohortSummary {
        study_title: study.title.clone(),
        data_label: study.data_label.clone(),
        patients: patients.len(),
        centers,
        severe_zhu,
        gene_therapy: count_therapy(true),
        hsct: count_therapy(false),
        drugs,
    }
}

impl fmt::Display for CohortSummary {
    /// A few lines a clinician can read at a glance.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.study_title)?;
        if let Some(label) = &self.data_label {
            writeln!(f, "Data: {label}")?;
        }
        let countries: std::collections::BTreeSet<&str> = self.centers.iter().map(|c| c.country.as_str()).collect();
        writeln!(
            f,
            "{} patients from {} centers ({})",
            self.patients,
            self.centers.len(),
            countries.into_iter().collect::<Vec<_>>().join(", ")
        )?;
        for center in &self.centers {
            writeln!(f, "  {:<40} {:>3} patients", format!("{} ({})", center.center, center.country), center.patients)?;
        }
        writeln!(f, "Severe Zhu score (3 or more): {}/{}", self.severe_zhu, self.patients)?;
        writeln!(f, "Definitive therapy: gene therapy {}, HSCT {}", self.gene_therapy, self.hsct)?;
        for drug in &self.drugs {
            write!(f, "{}: {}/{} patients", drug.drug, drug.patients, self.patients)?;
            if let Some((youngest, oldest)) = drug.age_at_start_months {
                write!(f, ", started at {} to {}", Age::from_months(youngest), Age::from_months(oldest))?;
            }
            if let Some((low, high)) = drug.mg_per_kg_per_day {
                write!(f, ", {} to {} mg/kg/day ({} with dose data)", round2(low), round2(high), drug.patients_with_dose)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
