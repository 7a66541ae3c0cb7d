//! `phenopackets/schema/v2/core/measurement.proto`: laboratory and other measurements.

use crate::{OntologyClass, Procedure, TimeElement};

message! {
    /// A measurement, e.g. a laboratory test result, with its assay and value.
    pub struct Measurement = "org.phenopackets.schema.v2.core.Measurement" {
        /// A free-text description.
        description: String = (1, "description", "description"),
        /// What was measured, usually a LOINC class such as `LOINC:1988-5` (CRP). Required.
        assay: Option<OntologyClass> = (2, "assay", "assay"),
        /// The result: a simple or a complex value. Required.
        measurement_value: Option<measurement::MeasurementValue> = oneof,
        /// When the measurement was made.
        time_observed: Option<TimeElement> = (5, "timeObserved", "time_observed"),
        /// How the sample was obtained.
        procedure: Option<Procedure> = (6, "procedure", "procedure"),
    }
}

/// The oneof of [`Measurement`].
pub mod measurement {
    use crate::{ComplexValue, Value};

    oneof! {
        /// The result of a [`crate::Measurement`].
        pub enum MeasurementValue = "measurement_value" {
            /// One quantity or class.
            Value(Value) = (3, "value", "value"),
            /// Several typed quantities, e.g. systolic and diastolic pressure.
            ComplexValue(ComplexValue) = (4, "complexValue", "complex_value"),
        }
    }
}

message! {
    /// A simple measurement value: a quantity or an ontology class.
    pub struct Value = "org.phenopackets.schema.v2.core.Value" {
        /// The value. Required.
        value: Option<value::Value> = oneof,
    }
}

/// The oneof of [`Value`].
pub mod value {
    use crate::OntologyClass;
    use crate::Quantity;

    oneof! {
        /// The two kinds of [`crate::Value`].
        pub enum Value = "value" {
            /// A number with a unit.
            Quantity(Quantity) = (1, "quantity", "quantity"),
            /// A class such as `LOINC:LA6576-8` (positive).
            OntologyClass(OntologyClass) = (2, "ontologyClass", "ontology_class"),
        }
    }
}

message! {
    /// A value made of several typed quantities.
    pub struct ComplexValue = "org.phenopackets.schema.v2.core.ComplexValue" {
        /// The parts of the value. Required, at least one.
        typed_quantities: Vec<TypedQuantity> = (1, "typedQuantities", "typed_quantities"),
    }
}

message! {
    /// One named part of a [`ComplexValue`].
    pub struct TypedQuantity = "org.phenopackets.schema.v2.core.TypedQuantity" {
        /// What this part is, e.g. `NCIT:C25298` (systolic blood pressure). Required.
        r#type: Option<OntologyClass> = (1, "type", "type"),
        /// Its value. Required.
        quantity: Option<Quantity> = (2, "quantity", "quantity"),
    }
}

message! {
    /// A number with a unit and, optionally, the normal range.
    pub struct Quantity = "org.phenopackets.schema.v2.core.Quantity" {
        /// The unit, usually a UCUM class such as `UCUM:mg/L`. Required.
        unit: Option<OntologyClass> = (1, "unit", "unit"),
        /// The number. Required (0 is left out of canonical JSON like any default).
        value: f64 = (2, "value", "value"),
        /// The normal range for the measurement.
        reference_range: Option<ReferenceRange> = (3, "referenceRange", "reference_range"),
    }
}

message! {
    /// The normal range of a quantity.
    pub struct ReferenceRange = "org.phenopackets.schema.v2.core.ReferenceRange" {
        /// The unit of `low` and `high`. Required.
        unit: Option<OntologyClass> = (1, "unit", "unit"),
        /// The lower limit (0 is left out of canonical JSON).
        low: f64 = (2, "low", "low"),
        /// The upper limit.
        high: f64 = (3, "high", "high"),
    }
}
