//! Nice ticks.

use casebook_plot::scale::nice_ticks;

#[test]
fn nice_ticks_give_four_to_eight_round_ticks_covering_the_range() {
    let cases = [
        ("age 0 to 34", 0.0, 34.0),
        ("years -3 to 12", -3.0, 12.0),
        ("fraction 0 to 0.5", 0.0, 0.5),
        ("percent 0 to 100", 0.0, 100.0),
        ("CRP 2 to 212", 2.0, 212.0),
        ("days -30 to 400", -30.0, 400.0),
        ("small 0.013 to 0.087", 0.013, 0.087),
        ("negative -12 to -3", -12.0, -3.0),
        ("large 0 to 123456", 0.0, 123_456.0),
    ];
    for (case, min, max) in cases {
        let ticks = nice_ticks(min, max, 8);
        assert!((4..=8).contains(&ticks.len()), "case {case}: {} ticks {ticks:?}", ticks.len());
        assert!(ticks[0] <= min && ticks[ticks.len() - 1] >= max, "case {case}: {ticks:?} does not cover {min}..{max}");
        let step = ticks[1] - ticks[0];
        for pair in ticks.windows(2) {
            assert!(((pair[1] - pair[0]) - step).abs() < step * 1e-9, "case {case}: uneven {ticks:?}");
        }
        let exponent = step.log10().floor();
        let mantissa = step / 10f64.powf(exponent);
        assert!([1.0, 2.0, 5.0].iter().any(|round| (mantissa - round).abs() < 1e-9), "case {case}: step {step} is not round");
        for tick in &ticks {
            assert!(((tick / step) - (tick / step).round()).abs() < 1e-9, "case {case}: {tick} is not a multiple of {step}");
        }
        assert!(ticks[0] > min - step && ticks[ticks.len() - 1] < max + step, "case {case}: {ticks:?} overshoots");
    }
}
