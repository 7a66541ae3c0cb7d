//! Linear scales and "nice" tick values (1, 2 or 5 times a power of ten).

/// Maps data values linearly onto pixel positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    /// A scale taking `domain.0` to `range.0` and `domain.1` to `range.1`; ranges may run
    /// backwards (a y axis usually does).
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale { domain, range }
    }

    /// The data interval.
    pub fn domain(&self) -> (f64, f64) {
        self.domain
    }

    /// The pixel interval.
    pub fn range(&self) -> (f64, f64) {
        self.range
    }

    /// The pixel position of `value`. A zero-width domain maps everything to the range's middle.
    pub fn map(&self, value: f64) -> f64 {
        let (domain_start, domain_end) = self.domain;
        let (range_start, range_end) = self.range;
        let span = domain_end - domain_start;
        if span.abs() < f64::EPSILON {
            return (range_start + range_end) / 2.0;
        }
        range_start + (value - domain_start) / span * (range_end - range_start)
    }

    /// Whether `value` lies within the domain (inclusive, either direction).
    pub fn contains(&self, value: f64) -> bool {
        let (low, high) = if self.domain.0 <= self.domain.1 { self.domain } else { (self.domain.1, self.domain.0) };
        value >= low - 1e-9 && value <= high + 1e-9
    }
}

/// Round tick values that cover `min..=max`: at most `max_ticks` of them (at least 2), evenly
/// spaced by 1, 2 or 5 times a power of ten, starting at or below `min` and ending at or above
/// `max`. The first and last tick are the natural domain of an axis.
///
/// Non-finite input is treated as `0..=1`; an empty range is widened around its value.
pub fn nice_ticks(min: f64, max: f64, max_ticks: usize) -> Vec<f64> {
    let max_ticks = max_ticks.max(2);
    let (mut low, mut high) = if min.is_finite() && max.is_finite() { (min.min(max), min.max(max)) } else { (0.0, 1.0) };
    if high - low < 1e-12 {
        let pad = if low.abs() < 1e-12 { 1.0 } else { low.abs() * 0.1 };
        low -= pad;
        high += pad;
        if min >= 0.0 && low < 0.0 && min.is_finite() {
            low = 0.0;
        }
    }
    let span = high - low;
    let first_exponent = (span / max_ticks as f64).log10().floor() as i32 - 1;
    for exponent in first_exponent..first_exponent + 4 {
        for mantissa in [1_i64, 2, 5] {
            let step = power_of_ten_times(mantissa, exponent);
            let first_index = round_down(low / step);
            let last_index = round_up(high / step);
            let count = (last_index - first_index + 1) as usize;
            if count <= max_ticks {
                return (first_index..=last_index).map(|index| power_of_ten_times(index * mantissa, exponent)).collect();
            }
        }
    }
    // Unreachable for finite input: four decades always contain a step that fits.
    vec![low, high]
}

/// Tick labels with as many decimals as the tick step needs, and a true minus sign.
pub fn format_ticks(ticks: &[f64]) -> Vec<String> {
    let step = ticks.windows(2).map(|pair| (pair[1] - pair[0]).abs()).fold(f64::INFINITY, f64::min);
    let decimals = if step.is_finite() { decimals_for(step) } else { ticks.iter().map(|&tick| decimals_for(tick)).max().unwrap_or(0) };
    ticks.iter().map(|&tick| format_number(tick, decimals)).collect()
}

/// `value` with `decimals` decimals, a minus sign (U+2212) for negatives and never "-0".
pub fn format_number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value);
    let is_zero = text.trim_start_matches('-').chars().all(|character| character == '0' || character == '.');
    match text.strip_prefix('-') {
        Some(_) if is_zero => text[1..].to_string(),
        Some(rest) => format!("\u{2212}{rest}"),
        None => text,
    }
}

/// The fewest decimals (up to 6) that show `value` exactly enough.
fn decimals_for(value: f64) -> usize {
    (0..=6)
        .find(|&decimals| {
            let scaled = value.abs() * 10f64.powi(decimals as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

/// `mantissa × 10^exponent`, computed so that decimal ticks come out as the nearest double
/// (0.3, not 0.30000000000000004).
fn power_of_ten_times(mantissa: i64, exponent: i32) -> f64 {
    if exponent >= 0 { mantissa as f64 * 10f64.powi(exponent) } else { mantissa as f64 / 10f64.powi(-exponent) }
}

fn round_down(quotient: f64) -> i64 {
    if (quotient - quotient.round()).abs() < 1e-9 { quotient.round() as i64 } else { quotient.floor() as i64 }
}

fn round_up(quotient: f64) -> i64 {
    if (quotient - quotient.round()).abs() < 1e-9 { quotient.round() as i64 } else { quotient.ceil() as i64 }
}

#[cfg(test)]
mod tests {
    use crate::scale::{Scale, format_number, format_ticks, nice_ticks};

    #[test]
    fn scale_maps_ends_and_middle() {
        let cases: &[(&str, Scale, f64, f64)] = &[
            ("left end", Scale::new((0.0, 10.0), (100.0, 200.0)), 0.0, 100.0),
            ("right end", Scale::new((0.0, 10.0), (100.0, 200.0)), 10.0, 200.0),
            ("negative domain", Scale::new((-5.0, 5.0), (0.0, 100.0)), 0.0, 50.0),
            ("reversed range", Scale::new((0.0, 100.0), (300.0, 0.0)), 25.0, 225.0),
            ("empty domain", Scale::new((3.0, 3.0), (0.0, 10.0)), 3.0, 5.0),
        ];
        for (case, scale, value, expected) in cases {
            assert!((scale.map(*value) - expected).abs() < 1e-9, "case {case}: {}", scale.map(*value));
        }
    }

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        let cases: &[(&str, f64, f64, &[f64])] = &[
            ("age 0 to 34", 0.0, 34.0, &[0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]),
            ("years -3 to 12", -3.0, 12.0, &[-5.0, 0.0, 5.0, 10.0, 15.0]),
            ("fraction 0 to 0.5", 0.0, 0.5, &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
            ("percent 0 to 100", 0.0, 100.0, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
            ("single value", 7.0, 7.0, &[6.0, 6.5, 7.0, 7.5, 8.0]),
            ("not a number", f64::NAN, 3.0, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        ];
        for (case, min, max, expected) in cases {
            assert_eq!(nice_ticks(*min, *max, 8), *expected, "case {case}");
        }
    }

    #[test]
    fn format_ticks_uses_the_decimals_of_the_step() {
        let cases: &[(&str, &[f64], &[&str])] = &[
            ("integers", &[-5.0, 0.0, 5.0], &["\u{2212}5", "0", "5"]),
            ("tenths", &[0.0, 0.1, 0.2], &["0.0", "0.1", "0.2"]),
            ("halves", &[6.0, 6.5, 7.0], &["6.0", "6.5", "7.0"]),
        ];
        for (case, ticks, expected) in cases {
            assert_eq!(format_ticks(ticks), *expected, "case {case}");
        }
    }

    #[test]
    fn format_number_never_prints_negative_zero() {
        assert_eq!(format_number(-0.001, 1), "0.0");
        assert_eq!(format_number(-1.25, 1), "\u{2212}1.2");
    }
}
