//! Marker shapes for events (swimmer plots) and data points (trajectories). Each shape is drawn
//! as a filled outline, so it reads in greyscale and at small sizes.

use crate::svg::num;

/// The shape of a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    /// A square standing on its corner.
    Diamond,
    /// A triangle pointing up.
    Triangle,
    /// A disc.
    Circle,
    /// An upright square.
    Square,
    /// A five-pointed star.
    Star,
    /// A diagonal cross (×).
    Cross,
}

impl MarkerShape {
    /// All shapes, in the order line figures hand them out.
    pub const ALL: [MarkerShape; 6] =
        [MarkerShape::Circle, MarkerShape::Square, MarkerShape::Triangle, MarkerShape::Diamond, MarkerShape::Star, MarkerShape::Cross];
}

/// How a marker is painted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarkerPaint<'a> {
    pub(crate) fill: &'a str,
    pub(crate) stroke: &'a str,
    pub(crate) stroke_width: f64,
}

/// One SVG element drawing `shape` centred on (`centre_x`, `centre_y`), about `size` across.
pub(crate) fn marker_element(shape: MarkerShape, centre_x: f64, centre_y: f64, size: f64, paint: MarkerPaint<'_>) -> String {
    let half = size / 2.0;
    let paint_attributes = format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"",
        paint.fill,
        paint.stroke,
        num(paint.stroke_width)
    );
    let unit_points: Vec<(f64, f64)> = match shape {
        MarkerShape::Circle => {
            return format!("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {paint_attributes}/>", num(centre_x), num(centre_y), num(half * 0.92));
        }
        MarkerShape::Square => {
            let side = size * 0.82;
            return format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint_attributes}/>",
                num(centre_x - side / 2.0),
                num(centre_y - side / 2.0),
                num(side),
                num(side)
            );
        }
        MarkerShape::Diamond => vec![(0.0, -1.1), (0.85, 0.0), (0.0, 1.1), (-0.85, 0.0)],
        MarkerShape::Triangle => vec![(0.0, -1.1), (1.0, 0.75), (-1.0, 0.75)],
        MarkerShape::Star => star_points(),
        MarkerShape::Cross => cross_points(),
    };
    let points: Vec<String> =
        unit_points.iter().map(|(unit_x, unit_y)| format!("{},{}", num(centre_x + unit_x * half), num(centre_y + unit_y * half))).collect();
    format!("<polygon points=\"{}\" {paint_attributes}/>", points.join(" "))
}

/// A five-pointed star with outer radius 1.2 (it looks small otherwise), from fixed
/// trigonometric constants so the output does not depend on the platform's `sin`.
fn star_points() -> Vec<(f64, f64)> {
    const COS_18: f64 = 0.951_056_516_3;
    const SIN_18: f64 = 0.309_016_994_4;
    const COS_54: f64 = 0.587_785_252_3;
    const SIN_54: f64 = 0.809_016_994_4;
    let outer = 1.25;
    let inner = outer * 0.45;
    vec![
        (0.0, -outer),
        (inner * COS_54, -inner * SIN_54),
        (outer * COS_18, -outer * SIN_18),
        (inner * COS_18, inner * SIN_18),
        (outer * COS_54, outer * SIN_54),
        (0.0, inner),
        (-outer * COS_54, outer * SIN_54),
        (-inner * COS_18, inner * SIN_18),
        (-outer * COS_18, -outer * SIN_18),
        (-inner * COS_54, -inner * SIN_54),
    ]
}

/// A plus sign turned by 45°.
fn cross_points() -> Vec<(f64, f64)> {
    const HALF_ARM: f64 = 0.3;
    const REACH: f64 = 1.3;
    let plus = [
        (-HALF_ARM, -REACH),
        (HALF_ARM, -REACH),
        (HALF_ARM, -HALF_ARM),
        (REACH, -HALF_ARM),
        (REACH, HALF_ARM),
        (HALF_ARM, HALF_ARM),
        (HALF_ARM, REACH),
        (-HALF_ARM, REACH),
        (-HALF_ARM, HALF_ARM),
        (-REACH, HALF_ARM),
        (-REACH, -HALF_ARM),
        (-HALF_ARM, -HALF_ARM),
    ];
    plus.iter().map(|&(x, y)| ((x - y) * std::f64::consts::FRAC_1_SQRT_2, (x + y) * std::f64::consts::FRAC_1_SQRT_2)).collect()
}

#[cfg(test)]
mod tests {
    use crate::shape::{MarkerPaint, MarkerShape, marker_element};

    #[test]
    fn every_shape_draws_one_closed_element() {
        let paint = MarkerPaint { fill: "#000000", stroke: "#ffffff", stroke_width: 1.0 };
        for shape in MarkerShape::ALL {
            let element = marker_element(shape, 10.0, 10.0, 10.0, paint);
            assert!(element.starts_with('<') && element.ends_with("/>"), "case {shape:?}: {element}");
            assert!(element.contains("fill=\"#000000\""), "case {shape:?}: {element}");
        }
    }
}
