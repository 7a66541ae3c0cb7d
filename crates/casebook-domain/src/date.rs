//! Partial dates that keep their precision, and ages derived from them.
//!
//! Case reports rarely know every day: a birth is recorded as year and month, an onset as a
//! year. A [`PartialDate`] keeps exactly what was known, and an [`Age`] computed from two of them
//! is a range whenever the precision does not allow a single number of months.

use std::cmp::Ordering;
use std::fmt;

use crate::error::DomainError;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    /// Only the year is known (`YYYY`).
    Year,
    /// The year and month are known (`YYYY-MM`).
    Month,
    /// The full date is known (`YYYY-MM-DD`).
    Day,
}

/// A calendar date known to the year, the month or the day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; years 1900–2199, real calendar days only.
    pub fn parse(text: &str) -> Result<PartialDate, DomainError> {
        let invalid = |reason| DomainError::InvalidDate { value: text.to_string(), reason };
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        let shape_ok = match parts.as_slice() {
            [y] => digits(y, 4),
            [y, m] => digits(y, 4) && digits(m, 2),
            [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
            _ => false,
        };
        if !shape_ok {
            return Err(invalid("expected YYYY, YYYY-MM or YYYY-MM-DD"));
        }
        let year: i32 = parts[0].parse().map_err(|_| invalid("the year is not a number"))?;
        let month = parts.get(1).map(|m| m.parse::<u8>()).transpose().map_err(|_| invalid("the month is not a number"))?;
        let day = parts.get(2).map(|d| d.parse::<u8>()).transpose().map_err(|_| invalid("the day is not a number"))?;
        match (month, day) {
            (None, _) => PartialDate::year(year),
            (Some(month), None) => PartialDate::year_month(year, month),
            (Some(month), Some(day)) => PartialDate::ymd(year, month, day),
        }
        .map_err(|error| match error {
            DomainError::InvalidDate { reason, .. } => invalid(reason),
            other => other,
        })
    }

    /// A date known only to the year.
    pub fn year(year: i32) -> Result<PartialDate, DomainError> {
        check_year(year)?;
        Ok(PartialDate { year, month: None, day: None })
    }

    /// A date known to the month.
    pub fn year_month(year: i32, month: u8) -> Result<PartialDate, DomainError> {
        check_year(year)?;
        check_month(year, month)?;
        Ok(PartialDate { year, month: Some(month), day: None })
    }

    /// A date known to the day.
    pub fn ymd(year: i32, month: u8, day: u8) -> Result<PartialDate, DomainError> {
        check_year(year)?;
        check_month(year, month)?;
        if day == 0 || day > days_in_month(year, month) {
            return Err(DomainError::InvalidDate {
                value: format!("{year:04}-{month:02}-{day:02}"),
                reason: "that day does not exist in that month",
            });
        }
        Ok(PartialDate { year, month: Some(month), day: Some(day) })
    }

    /// How much of the date is known.
    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (None, _) => DatePrecision::Year,
            (Some(_), None) => DatePrecision::Month,
            (Some(_), Some(_)) => DatePrecision::Day,
        }
    }

    /// The year, 1900–2199.
    pub fn year_value(&self) -> i32 {
        self.year
    }

    /// The month, 1–12; `None` when only the year is known.
    pub fn month_value(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month; `None` unless the date is known to the day.
    pub fn day_value(&self) -> Option<u8> {
        self.day
    }

    /// The first day this date can mean, as days since 0000-03-01 (for arithmetic only).
    pub fn earliest_day_number(&self) -> i64 {
        day_number(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date can mean, as days since 0000-03-01 (for arithmetic only).
    pub fn latest_day_number(&self) -> i64 {
        let month = self.month.unwrap_or(12);
        day_number(self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }

    /// Orders two dates when their precision allows it: `None` when they overlap, as `2020`
    /// and `2020-05` do.
    pub fn definitely_cmp(&self, other: &PartialDate) -> Option<Ordering> {
        if self.latest_day_number() < other.earliest_day_number() {
            Some(Ordering::Less)
        } else if self.earliest_day_number() > other.latest_day_number() {
            Some(Ordering::Greater)
        } else if self == other && self.precision() == DatePrecision::Day {
            Some(Ordering::Equal)
        } else {
            None
        }
    }

    /// A total order for sorting (earliest possible day first, then the more precise date).
    pub fn sort_key(&self) -> (i64, i64) {
        (self.earliest_day_number(), self.latest_day_number())
    }

    /// Whole months from the start of `earlier`'s month to `self`'s month, when both have a month.
    fn months_since(&self, earlier: &PartialDate) -> Option<i64> {
        Some((self.year - earlier.year) as i64 * 12 + self.month? as i64 - earlier.month? as i64)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

/// An age in completed months, known exactly or only within a range.
///
/// Ages are always derived from a birth date and an event date, never typed, so that a
/// corrected birth date corrects every age at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    min_months: i64,
    max_months: i64,
}

impl Age {
    /// The age at `date` of a person born at `birth`: a range when either date lacks its month,
    /// exact to the month otherwise. `None` when `date` is certainly before `birth`.
    pub fn between(birth: &PartialDate, date: &PartialDate) -> Option<Age> {
        if let Some(months) = date.months_since(birth) {
            return (months >= 0).then_some(Age { min_months: months, max_months: months });
        }
        let earliest_birth_month = (birth.year as i64) * 12 + birth.month.map_or(0, |m| m as i64 - 1);
        let latest_birth_month = (birth.year as i64) * 12 + birth.month.map_or(11, |m| m as i64 - 1);
        let earliest_date_month = (date.year as i64) * 12 + date.month.map_or(0, |m| m as i64 - 1);
        let latest_date_month = (date.year as i64) * 12 + date.month.map_or(11, |m| m as i64 - 1);
        let max_months = latest_date_month - earliest_birth_month;
        if max_months < 0 {
            return None;
        }
        let min_months = (earliest_date_month - latest_birth_month).max(0);
        Some(Age { min_months, max_months })
    }

    /// An exact age in months (for ages that were reported as such, e.g. by a publication).
    pub fn from_months(months: i64) -> Age {
        Age { min_months: months, max_months: months }
    }

    /// The oldest a reported age may be, in months (125 years): a larger figure is a slip.
    pub const OLDEST_REPORTED_MONTHS: i64 = 1500;

    /// A reported age in months, when it is one a person can have: from 0 to
    /// [`Age::OLDEST_REPORTED_MONTHS`]. Every reader of reported ages takes them through here,
    /// so that a record one reader takes, every other reads back.
    pub fn reported(months: i64) -> Option<Age> {
        (0..=Age::OLDEST_REPORTED_MONTHS).contains(&months).then(|| Age::from_months(months))
    }

    /// The youngest the person can have been, in completed months.
    pub fn min_months(&self) -> i64 {
        self.min_months
    }

    /// The oldest the person can have been, in completed months.
    pub fn max_months(&self) -> i64 {
        self.max_months
    }

    /// Whether the dates were precise enough to give a single number of months.
    pub fn is_exact(&self) -> bool {
        self.min_months == self.max_months
    }

    /// The midpoint in years, for statistics that need one number.
    pub fn midpoint_years(&self) -> f64 {
        (self.min_months + self.max_months) as f64 / 24.0
    }
}

impl fmt::Display for Age {
    /// "2 months", "3 years 4 months", or "12–23 months" for a range.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}", describe_months(self.min_months))
        } else {
            write!(f, "{}–{}", describe_months(self.min_months), describe_months(self.max_months))
        }
    }
}

fn describe_months(months: i64) -> String {
    let (years, rest) = (months / 12, months % 12);
    let plural = |n: i64, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    match (years, rest) {
        (0, m) => plural(m, "month"),
        (y, 0) => plural(y, "year"),
        (y, m) => format!("{} {}", plural(y, "year"), plural(m, "month")),
    }
}

fn check_year(year: i32) -> Result<(), DomainError> {
    if (1900..=2199).contains(&year) {
        Ok(())
    } else {
        Err(DomainError::InvalidDate { value: year.to_string(), reason: "the year must be between 1900 and 2199" })
    }
}

fn check_month(year: i32, month: u8) -> Result<(), DomainError> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(DomainError::InvalidDate { value: format!("{year:04}-{month:02}"), reason: "the month must be 01 to 12" })
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 0000-03-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn day_number(year: i32, month: u8, day: u8) -> i64 {
    let (year, month) = if month <= 2 { (year as i64 - 1, month as i64 + 9) } else { (year as i64, month as i64 - 3) };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * month + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    #[test]
    fn parse_keeps_the_precision_that_was_typed() {
        assert_eq!(date("2019").precision(), DatePrecision::Year);
        assert_eq!(date("2019-03").precision(), DatePrecision::Month);
        assert_eq!(date("2019-03-07").precision(), DatePrecision::Day);
        for text in ["2019", "2019-03", "2019-03-07", "2000-02-29"] {
            assert_eq!(date(text).to_string(), text, "{text} must survive display and re-parse");
        }
    }

    #[test]
    fn parse_rejects_malformed_and_impossible_dates() {
        for text in ["", "19", "2019-3", "2019-13", "2019-00", "2019-02-30", "1900-02-29", "2019/03/07", "1850", "2019-03-07T00:00", "abcd"]
        {
            assert!(PartialDate::parse(text).is_err(), "`{text}` must be rejected");
        }
    }

    #[test]
    fn day_numbers_count_real_days() {
        assert_eq!(date("2020-03-01").earliest_day_number() - date("2020-02-01").earliest_day_number(), 29);
        assert_eq!(date("2021-03-01").earliest_day_number() - date("2021-02-01").earliest_day_number(), 28);
        assert_eq!(date("2021").latest_day_number() - date("2021").earliest_day_number(), 364);
    }

    #[test]
    fn overlapping_dates_have_no_definite_order() {
        assert_eq!(date("2020").definitely_cmp(&date("2020-05")), None);
        assert_eq!(date("2020-04").definitely_cmp(&date("2020-05")), Some(Ordering::Less));
        assert_eq!(date("2021").definitely_cmp(&date("2020-12-31")), Some(Ordering::Greater));
        assert_eq!(date("2020-05-01").definitely_cmp(&date("2020-05-01")), Some(Ordering::Equal));
    }

    #[test]
    fn age_is_exact_when_both_dates_have_a_month() {
        let age = Age::between(&date("2010-11"), &date("2011-01-15")).unwrap();
        assert_eq!((age.min_months(), age.max_months()), (2, 2));
        assert_eq!(age.to_string(), "2 months");
        assert_eq!(Age::between(&date("1985-06"), &date("2019-06")).unwrap().to_string(), "34 years");
        assert_eq!(Age::between(&date("2015-01"), &date("2018-05")).unwrap().to_string(), "3 years 4 months");
    }

    #[test]
    fn age_is_a_range_when_a_date_lacks_its_month() {
        let age = Age::between(&date("2010-11"), &date("2012")).unwrap();
        assert_eq!((age.min_months(), age.max_months()), (14, 25));
        assert!(!age.is_exact());
    }

    #[test]
    fn no_age_before_birth() {
        assert_eq!(Age::between(&date("2010-11"), &date("2010-10")), None);
        assert_eq!(Age::between(&date("2010-11"), &date("2009")), None);
    }
}
