//! A tiny study built in code, independent of the reference study.

use casebook_domain::patient::Patient;
use casebook_formats::native::folder::parse_patient_json;
use casebook_store::Actor;

/// The actor of the tests' changes.
pub fn tester() -> Actor {
    Actor::new("cli:tester")
}

pub use casebook_store::testing::small_study;

pub fn patient(pseudonym: &str, center: &str) -> Patient {
    parse_patient_json(&format!(
        r#"{{
  "pseudonym": "{pseudonym}",
  "center": "{center}",
  "source": "constructed",
  "sex": "male",
  "birth": "2015-03",
  "vitalStatus": "alive",
  "lastFollowUp": "2023-01",
  "features": [
    {{ "id": "HP:0000964", "label": "Eczematoid dermatitis" }},
    {{ "id": "HP:0001369", "label": "Arthritis", "excluded": true }}
  ],
  "weights": [ {{ "date": "2016-01", "kg": 10.0 }} ],
  "courses": [
    {{ "id": "C1", "drug": "anakinra", "route": "sc", "dose": {{ "value": 30.0, "unit": "mg" }}, "frequency": "qd",
       "start": "2016-02", "end": "2016-10", "phase": "no-definitive-therapy", "targets": ["HP:0000964"],
       "response": {{ "grade": "complete", "date": "2016-04" }}, "adverseEvents": [] }}
  ],
  "zhuAssessments": [
    {{ "date": "2016-01", "thrombocytopenia": "present", "smallPlatelets": true, "eczema": "difficult-to-control",
       "infections": "recurrent", "immunodeficiency": "present", "autoinflammation": true, "clinicianScore": "5A" }}
  ]
}}"#
    ))
    .expect("the fixture patient is valid")
}
