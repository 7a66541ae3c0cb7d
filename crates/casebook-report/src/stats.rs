//! Summary statistics for small series: Wilson intervals and order statistics.
//!
//! Conventions, stated in every report's methods footer: proportions are k/N with N the patients
//! assessed for that item, with Wilson score 95 % intervals; continuous values are given as median
//! (min–max), and quartiles use Hyndman and Fan's definition 7 (linear interpolation between order
//! statistics; the default of R and NumPy).

/// The two-sided 95 % normal quantile.
const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score 95 % interval of `k` successes in `n` trials, as proportions; `None` when
/// `n` is zero.
pub fn wilson_95(k: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half_width = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half_width).max(0.0), (centre + half_width).min(1.0)))
}

/// Median, quartiles and range of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The number of values.
    pub n: usize,
    /// The smallest value.
    pub min: f64,
    /// The first quartile (definition 7).
    pub q1: f64,
    /// The median.
    pub median: f64,
    /// The third quartile (definition 7).
    pub q3: f64,
    /// The largest value.
    pub max: f64,
}

/// Summarises a sample; `None` when it is empty. Non-finite values are a caller bug and are
/// refused by the domain types before they get here.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    Some(Summary {
        n: sorted.len(),
        min: sorted[0],
        q1: quantile_type7(&sorted, 0.25),
        median: quantile_type7(&sorted, 0.5),
        q3: quantile_type7(&sorted, 0.75),
        max: sorted[sorted.len() - 1],
    })
}

/// Hyndman and Fan definition 7 on a sorted, non-empty sample.
fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lower = h.floor() as usize;
    let upper = h.ceil() as usize;
    sorted[lower] + (h - lower as f64) * (sorted[upper] - sorted[lower])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    #[test]
    fn wilson_intervals_match_published_values() {
        // Reference values from statsmodels 0.15 proportion_confint(k, n, method="wilson"), rounded to 5 places.
        let cases =
            [(5, 7, 0.35893, 0.91778), (7, 7, 0.64567, 1.0), (0, 7, 0.0, 0.35433), (1, 2, 0.09453, 0.90547), (4, 7, 0.25046, 0.84178)];
        for (k, n, low, high) in cases {
            let (l, h) = wilson_95(k, n).unwrap();
            assert!(close(l, low) && close(h, high), "{k}/{n}: got {l:.5}-{h:.5}, expected {low}-{high}");
        }
        assert_eq!(wilson_95(0, 0), None);
    }

    #[test]
    fn quartiles_follow_definition_7() {
        // numpy.percentile([2, 2.5, 3, 3.125, 4, 5], [25, 50, 75]) = 2.625, 3.0625, 3.78125
        let s = summarize(&[5.0, 2.0, 3.125, 2.5, 4.0, 3.0]).unwrap();
        assert_eq!((s.n, s.min, s.max), (6, 2.0, 5.0));
        assert!(close(s.q1, 2.625) && close(s.median, 3.0625) && close(s.q3, 3.78125), "{s:?}");
        let single = summarize(&[7.0]).unwrap();
        assert_eq!((single.q1, single.median, single.q3), (7.0, 7.0, 7.0));
        assert_eq!(summarize(&[]), None);
    }
}
