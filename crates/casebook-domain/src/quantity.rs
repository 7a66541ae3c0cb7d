//! Clinical quantities as types that carry their unit and cannot hold implausible values.

use std::fmt;

use crate::error::DomainError;

/// A body weight in kilograms, 0.3–300 kg.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct BodyWeightKg(f64);

impl BodyWeightKg {
    /// A weight in kilograms; rejects values outside 0.3–300 kg, NaN and infinities.
    pub fn new(kg: f64) -> Result<BodyWeightKg, DomainError> {
        check_range("body weight", kg, 0.3, 300.0, "kg")?;
        Ok(BodyWeightKg(kg))
    }

    /// The weight in kilograms.
    pub fn kg(self) -> f64 {
        self.0
    }
}

impl fmt::Display for BodyWeightKg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} kg", self.0)
    }
}

/// A percentage, 0–100.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    /// A percentage; rejects values outside 0–100, NaN and infinities.
    pub fn new(value: f64) -> Result<Percent, DomainError> {
        check_range("percentage", value, 0.0, 100.0, "%")?;
        Ok(Percent(value))
    }

    /// The percentage, 0–100 (not a fraction).
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

/// A strictly positive finite number (a dose, a copy number).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct PositiveNumber(f64);

impl PositiveNumber {
    /// A number above zero; `quantity` names what it measures in the error message.
    pub fn new(quantity: &'static str, value: f64) -> Result<PositiveNumber, DomainError> {
        if value.is_finite() && value > 0.0 {
            Ok(PositiveNumber(value))
        } else {
            Err(DomainError::OutOfRange { quantity, value, min: 0.0, max: f64::INFINITY, unit: "(must be above zero)" })
        }
    }

    /// The number, in whatever unit the caller attached to it.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// A non-negative finite number (a vector copy number may be 0).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct NonNegativeNumber(f64);

impl NonNegativeNumber {
    /// A number of zero or more; `quantity` names what it measures in the error message.
    pub fn new(quantity: &'static str, value: f64) -> Result<NonNegativeNumber, DomainError> {
        if value.is_finite() && value >= 0.0 {
            Ok(NonNegativeNumber(value))
        } else {
            Err(DomainError::OutOfRange { quantity, value, min: 0.0, max: f64::INFINITY, unit: "(must not be negative)" })
        }
    }

    /// The number, in whatever unit the caller attached to it.
    pub fn value(self) -> f64 {
        self.0
    }
}

pub(crate) fn check_range(quantity: &'static str, value: f64, min: f64, max: f64, unit: &'static str) -> Result<(), DomainError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(())
    } else {
        Err(DomainError::OutOfRange { quantity, value, min, max, unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_outside_human_range_are_rejected() {
        for kg in [0.0, 0.29, 301.0, f64::NAN, f64::INFINITY, -3.0] {
            assert!(BodyWeightKg::new(kg).is_err(), "{kg} kg must be rejected");
        }
        assert_eq!(BodyWeightKg::new(3.2).unwrap().kg(), 3.2);
    }

    #[test]
    fn percentages_stay_between_0_and_100() {
        assert!(Percent::new(-0.1).is_err());
        assert!(Percent::new(100.1).is_err());
        assert_eq!(Percent::new(42.5).unwrap().value(), 42.5);
    }

    #[test]
    fn doses_must_be_positive() {
        assert!(PositiveNumber::new("dose", 0.0).is_err());
        assert!(PositiveNumber::new("dose", f64::NAN).is_err());
        assert!(NonNegativeNumber::new("VCN", 0.0).is_ok());
    }
}
