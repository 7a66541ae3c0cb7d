//! `google.protobuf.Timestamp`: a UTC instant with nanosecond precision, written in JSON as an
//! RFC 3339 text.

use std::fmt;
use std::str::FromStr;

use crate::error::PhenopacketsError;

/// A point in time, `google.protobuf.Timestamp`: seconds since 1970-01-01T00:00:00Z plus
/// nanoseconds, limited to years 1 to 9999 as the protobuf runtime requires.
///
/// It reads any RFC 3339 text with an offset (`2022-03-01T09:00:00+01:00`) and with up to nine
/// fractional digits, and prints the canonical protobuf form: UTC with `Z`, and 0, 3, 6 or 9
/// fractional digits, whichever is the fewest that are exact.
///
/// ```
/// use casebook_phenopackets::Timestamp;
/// let noon: Timestamp = "2022-03-01T13:00:00.5+01:00".parse().unwrap();
/// assert_eq!(noon.to_string(), "2022-03-01T12:00:00.500Z");
/// assert_eq!((noon.seconds(), noon.nanos()), (1_646_136_000, 500_000_000));
/// assert!(Timestamp::parse("2022-02-30T00:00:00Z").is_err());
/// ```
///
/// The default is the epoch, 1970-01-01T00:00:00Z, as for protobuf's own `Timestamp`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: i32,
}

const SECONDS_PER_DAY: i64 = 86_400;
const FORMAT: &str = "expected YYYY-MM-DDTHH:MM:SS, optional fractional seconds (at most 9 digits), then Z or an offset ±HH:MM";

impl Timestamp {
    /// The earliest timestamp protobuf allows, 0001-01-01T00:00:00Z, in seconds since the epoch.
    pub const MIN_SECONDS: i64 = -62_135_596_800;
    /// The latest whole second protobuf allows, 9999-12-31T23:59:59Z.
    pub const MAX_SECONDS: i64 = 253_402_300_799;

    /// The instant `seconds` (since 1970-01-01T00:00:00Z) plus `nanos` (0 to 999,999,999).
    pub fn new(seconds: i64, nanos: i32) -> Result<Timestamp, PhenopacketsError> {
        let invalid = |why| PhenopacketsError::InvalidTimestamp { value: format!("{seconds} s + {nanos} ns"), why };
        if !(0..1_000_000_000).contains(&nanos) {
            return Err(invalid("nanos must be 0 to 999,999,999"));
        }
        if !(Timestamp::MIN_SECONDS..=Timestamp::MAX_SECONDS).contains(&seconds) {
            return Err(invalid("outside years 1 to 9999"));
        }
        Ok(Timestamp { seconds, nanos })
    }

    /// Midnight UTC at the start of a calendar day.
    ///
    /// ```
    /// use casebook_phenopackets::Timestamp;
    /// assert_eq!(Timestamp::from_date(2018, 1, 1).unwrap().to_string(), "2018-01-01T00:00:00Z");
    /// ```
    pub fn from_date(year: i32, month: u32, day: u32) -> Result<Timestamp, PhenopacketsError> {
        let invalid = |why| PhenopacketsError::InvalidTimestamp { value: format!("{year:04}-{month:02}-{day:02}"), why };
        if !(1..=9999).contains(&year) {
            return Err(invalid("outside years 1 to 9999"));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
            return Err(invalid("no such calendar day"));
        }
        Ok(Timestamp { seconds: days_from_civil(i64::from(year), month, day) * SECONDS_PER_DAY, nanos: 0 })
    }

    /// Parses an RFC 3339 text such as `2022-03-20T00:00:00Z` or `1972-01-01T10:00:20.021-05:00`.
    /// Upper-case `T` and `Z` are required, as in the protobuf runtimes.
    pub fn parse(text: &str) -> Result<Timestamp, PhenopacketsError> {
        parse_rfc3339(text).map_err(|why| PhenopacketsError::InvalidTimestamp { value: text.to_string(), why })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn seconds(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds after [`Timestamp::seconds`], 0 to 999,999,999.
    pub fn nanos(self) -> i32 {
        self.nanos
    }

    /// The UTC calendar date: year, month (1 to 12) and day (1 to 31).
    pub fn date(self) -> (i32, u32, u32) {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(SECONDS_PER_DAY));
        (i32::try_from(year).expect("years 1 to 9999"), month, day)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.date();
        let second_of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
        write!(f, "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")?;
        let nanos = self.nanos;
        if nanos == 0 {
        } else if nanos % 1_000_000 == 0 {
            write!(f, ".{:03}", nanos / 1_000_000)?;
        } else if nanos % 1_000 == 0 {
            write!(f, ".{:06}", nanos / 1_000)?;
        } else {
            write!(f, ".{nanos:09}")?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = PhenopacketsError;

    fn from_str(text: &str) -> Result<Timestamp, PhenopacketsError> {
        Timestamp::parse(text)
    }
}

fn parse_rfc3339(text: &str) -> Result<Timestamp, &'static str> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return Err(FORMAT);
    }
    let number = |range: std::ops::Range<usize>| -> Result<u32, &'static str> {
        let digits = &bytes[range];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(FORMAT);
        }
        Ok(digits.iter().fold(0, |acc, digit| acc * 10 + u32::from(digit - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, expected)| bytes[at] != expected) {
        return Err(FORMAT);
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(i64::from(year), month) {
        return Err("no such calendar day");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("no such time of day");
    }

    let mut at = 19;
    let mut nanos = 0;
    if bytes[at] == b'.' {
        let digits = bytes[at + 1..].iter().take_while(|byte| byte.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return Err("fractional seconds need 1 to 9 digits");
        }
        let fraction = number(at + 1..at + 1 + digits)?;
        nanos = fraction * 10u32.pow(9 - u32::try_from(digits).expect("at most 9"));
        at += 1 + digits;
    }

    let offset_seconds = match &bytes[at..] {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (offset_hour, offset_minute) = (number(at + 1..at + 3)?, number(at + 4..at + 6)?);
            if offset_hour > 23 || offset_minute > 59 {
                return Err("no such offset");
            }
            let magnitude = i64::from(offset_hour * 3600 + offset_minute * 60);
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return Err(FORMAT),
    };

    let local = days_from_civil(i64::from(year), month, day) * SECONDS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second);
    let seconds = local - offset_seconds;
    if !(Timestamp::MIN_SECONDS..=Timestamp::MAX_SECONDS).contains(&seconds) {
        return Err("outside years 1 to 9999 in UTC");
    }
    Ok(Timestamp { seconds, nanos: i32::try_from(nanos).expect("below 10^9") })
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = u32::try_from(day_of_year - (153 * month_from_march + 2) / 5 + 1).expect("1 to 31");
    let month = u32::try_from(if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 }).expect("1 to 12");
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use crate::Timestamp;

    #[test]
    fn the_epoch_and_the_limits_print_canonically() {
        assert_eq!(Timestamp::new(0, 0).unwrap().to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::new(Timestamp::MIN_SECONDS, 0).unwrap().to_string(), "0001-01-01T00:00:00Z");
        assert_eq!(Timestamp::new(Timestamp::MAX_SECONDS, 999_999_999).unwrap().to_string(), "9999-12-31T23:59:59.999999999Z");
        assert!(Timestamp::new(Timestamp::MAX_SECONDS + 1, 0).is_err());
        assert!(Timestamp::new(0, -1).is_err());
    }

    #[test]
    fn fractions_print_with_three_six_or_nine_digits() {
        let cases = [
            ("1970-01-02T10:17:36.000000100Z", "1970-01-02T10:17:36.000000100Z"),
            ("2022-03-01T00:00:00.1Z", "2022-03-01T00:00:00.100Z"),
            ("2022-03-01T00:00:00.0001Z", "2022-03-01T00:00:00.000100Z"),
            ("2022-03-01T00:00:00.000Z", "2022-03-01T00:00:00Z"),
            ("2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00Z"),
        ];
        for (input, canonical) in cases {
            assert_eq!(Timestamp::parse(input).unwrap().to_string(), canonical, "{input}");
        }
    }

    #[test]
    fn malformed_texts_are_rejected() {
        let cases = [
            "2022-03-01",
            "2022-03-01t00:00:00Z",
            "2022-03-01T00:00:00z",
            "2022-03-01T00:00:00",
            "2022-3-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2022-03-01T24:00:00Z",
            "2022-03-01T00:00:00.Z",
            "2022-03-01T00:00:00.1234567890Z",
            "2022-03-01T00:00:00+0100",
            "0000-12-31T00:00:00Z",
            "0001-01-01T00:00:00+01:00",
        ];
        for input in cases {
            assert!(Timestamp::parse(input).is_err(), "{input} should be rejected");
        }
    }

    #[test]
    fn every_day_survives_the_round_trip_through_the_day_count() {
        for days in (-719_162..2_932_896).step_by(97) {
            let timestamp = Timestamp::new(days * 86_400, 0).unwrap();
            let (year, month, day) = timestamp.date();
            assert_eq!(Timestamp::from_date(year, month, day).unwrap(), timestamp);
            assert_eq!(Timestamp::parse(&timestamp.to_string()).unwrap(), timestamp);
        }
    }
}
