//! Writes Casebook's sample figures as SVG files, from constructed data for seven patients with
//! Wiskott-Aldrich syndrome treated with IL-1 blockade (not real patients).
//!
//! ```text
//! cargo run -p casebook-plot --example sample_figures -- OUT_DIR [--stress]
//! scripts/render-figures.sh OUT_DIR      # PNGs next to the SVGs
//! ```
//!
//! `--stress` adds figures with 60 lanes, long labels and crowded trajectories, for checking the
//! layout by eye.

use std::path::{Path, PathBuf};

use casebook_plot::{
    Bar, CellState, GridRow, Lane, Marker, MarkerShape, MarkerStyle, PhenotypeGridFigure, Rendered, RowGroup, SeriesStyle, SwimmerFigure,
    TrajectoryFigure, TrajectorySeries, check_layout, render_phenotype_grid, render_swimmer, render_trajectories,
};

const FOOTNOTE: &str = "Constructed data matching published aggregate figures; not real patients.";

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out_dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: sample_figures OUT_DIR [--stress]");
        return std::process::ExitCode::from(2);
    };
    let stress = args.any(|arg| arg == "--stress");
    match write_all(&out_dir, stress) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::from(2)
        }
    }
}

fn write_all(out_dir: &Path, stress: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let patients = patients();
    let mut figures = vec![
        ("figure-1-swimmer-age", render_swimmer(&swimmer(&patients, TimeAxis::Age))),
        ("figure-1b-swimmer-from-therapy", render_swimmer(&swimmer(&patients, TimeAxis::FromDefinitiveTherapy))),
        ("figure-2-phenotype-grid", render_phenotype_grid(&phenotype_grid(&patients))),
        ("figure-3-crp", render_trajectories(&crp_trajectories(&patients))),
        ("figure-4-chimerism", render_trajectories(&chimerism(&patients))),
    ];
    if stress {
        figures.extend(stress_figures());
    }
    for (name, rendered) in figures {
        let report = check_layout(&rendered);
        if !report.is_clean() {
            eprintln!("warning: {name}: {report:?}");
        }
        let path = out_dir.join(format!("{name}.svg"));
        std::fs::write(&path, &rendered.svg)?;
        println!("{} ({} x {})", path.display(), rendered.width, rendered.height);
    }
    Ok(())
}

/// A calendar date as (year, month, day).
type Ymd = (i32, u32, u32);

/// Years as a decimal number, good enough for plotting.
fn decimal_year((year, month, day): Ymd) -> f64 {
    f64::from(year) + (f64::from(month) - 1.0) / 12.0 + (f64::from(day) - 1.0) / 365.25
}

fn years_between(from: Ymd, to: Ymd) -> f64 {
    decimal_year(to) - decimal_year(from)
}

#[derive(Clone, Copy, PartialEq)]
enum Drug {
    Glucocorticoid,
    Anakinra,
    Canakinumab,
}

#[derive(Clone, Copy, PartialEq)]
enum Response {
    CompleteOrVeryGood,
    Partial,
    Refractory,
}

#[derive(Clone, Copy, PartialEq)]
enum Therapy {
    GeneTherapy,
    Hsct,
}

#[derive(Clone, Copy, PartialEq)]
enum TimeAxis {
    Age,
    FromDefinitiveTherapy,
}

struct Course {
    drug: Drug,
    start: Ymd,
    /// `None` while ongoing.
    end: Option<Ymd>,
    response: (Response, Ymd),
}

struct Patient {
    pseudonym: &'static str,
    birth: Ymd,
    last_follow_up: Ymd,
    therapy: (Therapy, Ymd),
    courses: Vec<Course>,
    /// CRP (mg/L) by months from the start of anakinra.
    crp: Vec<(f64, f64)>,
    /// Myeloid donor chimerism (%) by years from HSCT.
    chimerism: Vec<(f64, f64)>,
    /// Phenotype by feature index (see `FEATURES`).
    features: [CellState; 12],
}

fn course(drug: Drug, start: Ymd, end: Option<Ymd>, response: (Response, Ymd)) -> Course {
    Course { drug, start, end, response }
}

fn patients() -> Vec<Patient> {
    use CellState::{Excluded as E, NotAssessed as N, Present as P};
    use Drug::{Anakinra, Canakinumab, Glucocorticoid};
    use Response::{CompleteOrVeryGood as Good, Partial, Refractory};
    vec![
        Patient {
            pseudonym: "WAS-GB1-01",
            birth: (2011, 1, 15),
            last_follow_up: (2024, 5, 20),
            therapy: (Therapy::GeneTherapy, (2012, 7, 26)),
            courses: vec![
                course(Glucocorticoid, (2011, 8, 15), Some((2011, 12, 19)), (Partial, (2011, 9, 12))),
                course(Anakinra, (2011, 11, 7), Some((2012, 7, 23)), (Good, (2012, 1, 9))),
            ],
            crp: vec![(-0.5, 96.0), (-0.1, 212.0), (0.5, 64.0), (1.0, 21.0), (2.1, 8.0), (3.0, 6.0)],
            chimerism: Vec::new(),
            features: [P, P, P, E, P, P, P, E, P, P, P, P],
        },
        Patient {
            pseudonym: "WAS-IT1-01",
            birth: (2013, 9, 15),
            last_follow_up: (2024, 4, 15),
            therapy: (Therapy::GeneTherapy, (2014, 10, 9)),
            courses: vec![
                course(Glucocorticoid, (2013, 10, 28), Some((2013, 12, 20)), (Partial, (2013, 11, 8))),
                course(Anakinra, (2013, 11, 12), Some((2014, 10, 6)), (Good, (2013, 12, 16))),
            ],
            crp: vec![(-0.3, 120.0), (0.0, 168.0), (0.5, 40.0), (1.1, 2.0), (2.0, 3.0), (3.0, 2.0)],
            chimerism: Vec::new(),
            features: [P, P, P, P, P, E, E, E, E, P, P, P],
        },
        Patient {
            pseudonym: "WAS-IT1-02",
            birth: (2009, 4, 15),
            last_follow_up: (2024, 2, 12),
            therapy: (Therapy::GeneTherapy, (2012, 11, 29)),
            courses: vec![
                course(Glucocorticoid, (2012, 1, 16), Some((2012, 6, 20)), (Partial, (2012, 2, 20))),
                course(Anakinra, (2012, 5, 14), Some((2012, 11, 26)), (Good, (2012, 6, 18))),
            ],
            crp: vec![(-0.1, 38.0), (0.5, 12.0), (1.2, 3.0), (2.9, 4.0)],
            chimerism: Vec::new(),
            features: [P, P, P, P, E, E, E, P, E, P, P, N],
        },
        Patient {
            pseudonym: "WAS-IT2-01",
            birth: (2006, 2, 15),
            last_follow_up: (2023, 11, 20),
            therapy: (Therapy::GeneTherapy, (2012, 12, 13)),
            courses: vec![
                course(Glucocorticoid, (2011, 11, 14), Some((2012, 4, 16)), (Refractory, (2012, 1, 16))),
                course(Anakinra, (2012, 3, 5), Some((2012, 12, 10)), (Good, (2012, 5, 7))),
            ],
            crp: vec![(-1.0, 30.0), (-0.1, 54.0), (0.5, 22.0), (2.1, 6.0), (3.0, 5.0)],
            chimerism: Vec::new(),
            features: [P, P, P, P, E, P, E, P, E, P, P, N],
        },
        Patient {
            pseudonym: "WAS-IT3-01",
            birth: (2011, 7, 15),
            last_follow_up: (2024, 3, 11),
            therapy: (Therapy::GeneTherapy, (2014, 6, 26)),
            courses: vec![
                course(Glucocorticoid, (2013, 9, 16), Some((2014, 3, 24)), (Partial, (2013, 10, 21))),
                course(Anakinra, (2014, 2, 10), Some((2014, 6, 23)), (Good, (2014, 3, 24))),
            ],
            crp: vec![(-0.2, 62.0), (0.6, 15.0), (1.4, 2.0), (2.5, 3.0)],
            chimerism: Vec::new(),
            features: [P, P, P, P, P, E, E, E, E, P, P, P],
        },
        Patient {
            pseudonym: "WAS-GB1-02",
            birth: (2008, 2, 15),
            last_follow_up: (2024, 1, 22),
            therapy: (Therapy::Hsct, (2010, 5, 18)),
            courses: vec![
                course(Glucocorticoid, (2011, 7, 11), Some((2012, 5, 21)), (Refractory, (2011, 9, 5))),
                course(Anakinra, (2012, 3, 12), Some((2012, 11, 19)), (Good, (2012, 5, 14))),
                course(Canakinumab, (2012, 11, 26), None, (Good, (2013, 2, 25))),
            ],
            crp: vec![(-0.1, 41.0), (1.0, 14.0), (2.1, 5.0), (3.0, 4.0)],
            chimerism: vec![(0.1, 100.0), (0.5, 98.0), (1.0, 81.0), (1.5, 30.0), (2.5, 22.0), (4.0, 24.0), (6.0, 21.0)],
            features: [P, P, P, P, E, P, E, E, P, E, E, N],
        },
        Patient {
            pseudonym: "WAS-IT2-02",
            birth: (1985, 6, 15),
            last_follow_up: (2024, 6, 17),
            therapy: (Therapy::Hsct, (1991, 4, 17)),
            courses: vec![
                course(Glucocorticoid, (2018, 10, 8), Some((2019, 9, 16)), (Partial, (2018, 12, 10))),
                course(Anakinra, (2019, 6, 10), Some((2021, 9, 13)), (Good, (2019, 8, 5))),
                course(Canakinumab, (2021, 9, 20), None, (Good, (2021, 12, 13))),
            ],
            crp: vec![(-0.2, 46.0), (0.4, 20.0), (1.9, 4.0), (2.8, 3.0)],
            chimerism: vec![(0.1, 100.0), (1.0, 97.0), (2.0, 92.0), (5.0, 80.0), (12.0, 61.0), (20.0, 45.0), (28.0, 38.0)],
            features: [P, P, P, P, E, E, E, P, P, E, E, P],
        },
    ]
}

const FEATURES: [(&str, &str); 12] = [
    ("Haematological", "Thrombocytopenia"),
    ("Haematological", "Small platelets"),
    ("Immunological", "Recurrent infections"),
    ("Cutaneous", "Eczema"),
    ("Cutaneous", "Migratory erythematous plaques"),
    ("Cutaneous", "Pyoderma gangrenosum"),
    ("Cutaneous", "Cutaneous vasculitis"),
    ("Musculoskeletal", "Arthritis"),
    ("Gastrointestinal", "Colitis"),
    ("Systemic inflammation", "Persistent fever"),
    ("Systemic inflammation", "Hyperpyrexia"),
    ("Systemic inflammation", "Elevated CRP"),
];

fn swimmer(patients: &[Patient], axis: TimeAxis) -> SwimmerFigure {
    const GENE_THERAPY: usize = 0;
    const HSCT: usize = 1;
    let lanes = patients
        .iter()
        .map(|patient| {
            let origin = match axis {
                TimeAxis::Age => patient.birth,
                TimeAxis::FromDefinitiveTherapy => patient.therapy.1,
            };
            let at = |date: Ymd| years_between(origin, date);
            let follow_up_end = at(patient.last_follow_up);
            let bars = patient
                .courses
                .iter()
                .map(|course| Bar {
                    series: course.drug as usize,
                    start: at(course.start),
                    end: course.end.map_or(follow_up_end, at),
                    ongoing: course.end.is_none(),
                    row: u8::from(course.drug != Drug::Glucocorticoid),
                })
                .collect();
            let mut markers: Vec<Marker> =
                patient.courses.iter().map(|course| Marker { kind: 2 + course.response.0 as usize, at: at(course.response.1) }).collect();
            let (therapy, date) = patient.therapy;
            markers.push(Marker { kind: if therapy == Therapy::GeneTherapy { GENE_THERAPY } else { HSCT }, at: at(date) });
            Lane {
                label: patient.pseudonym.to_string(),
                group: Some(if therapy == Therapy::GeneTherapy { "Gene therapy" } else { "HSCT" }.to_string()),
                bars,
                markers,
                follow_up_end,
            }
        })
        .collect();
    let (title, x_axis_title) = match axis {
        TimeAxis::Age => ("IL-1 blockade in Wiskott-Aldrich syndrome: treatment courses by age", "Age (years)"),
        TimeAxis::FromDefinitiveTherapy => {
            ("IL-1 blockade in Wiskott-Aldrich syndrome: courses around definitive therapy", "Years from gene therapy or HSCT")
        }
    };
    SwimmerFigure {
        title: title.to_string(),
        subtitle: Some("Seven patients, grouped by definitive therapy; one lane per patient".to_string()),
        x_axis_title: x_axis_title.to_string(),
        lanes,
        series: vec![
            SeriesStyle { name: "Glucocorticoids".to_string(), colour: 4 },
            SeriesStyle { name: "Anakinra".to_string(), colour: 1 },
            SeriesStyle { name: "Canakinumab".to_string(), colour: 0 },
        ],
        marker_kinds: vec![
            MarkerStyle { name: "Gene therapy".to_string(), shape: MarkerShape::Diamond },
            MarkerStyle { name: "HSCT".to_string(), shape: MarkerShape::Triangle },
            MarkerStyle { name: "Complete or very good response".to_string(), shape: MarkerShape::Circle },
            MarkerStyle { name: "Partial response".to_string(), shape: MarkerShape::Square },
            MarkerStyle { name: "No response".to_string(), shape: MarkerShape::Cross },
        ],
        footnote: Some(FOOTNOTE.to_string()),
    }
}

fn phenotype_grid(patients: &[Patient]) -> PhenotypeGridFigure {
    let mut row_groups: Vec<RowGroup> = Vec::new();
    for (feature_idx, (category, label)) in FEATURES.iter().enumerate() {
        let row = GridRow { label: label.to_string(), cells: patients.iter().map(|patient| patient.features[feature_idx]).collect() };
        match row_groups.last_mut() {
            Some(group) if group.name == *category => group.rows.push(row),
            _ => row_groups.push(RowGroup { name: category.to_string(), rows: vec![row] }),
        }
    }
    PhenotypeGridFigure {
        title: "Clinical features per patient".to_string(),
        row_groups,
        columns: patients.iter().map(|patient| patient.pseudonym.to_string()).collect(),
        footnote: Some(FOOTNOTE.to_string()),
    }
}

fn crp_trajectories(patients: &[Patient]) -> TrajectoryFigure {
    TrajectoryFigure {
        title: "C-reactive protein around the start of anakinra (constructed data)".to_string(),
        x_axis_title: "Months from start of anakinra".to_string(),
        y_axis_title: "CRP (mg/L)".to_string(),
        series: patients
            .iter()
            .map(|patient| TrajectorySeries { label: patient.pseudonym.to_string(), points: patient.crp.clone() })
            .collect(),
        reference_lines: vec![(5.0, "Upper limit of normal".to_string())],
        y_range: None,
        events: vec![(0.0, "Anakinra start".to_string())],
    }
}

fn chimerism(patients: &[Patient]) -> TrajectoryFigure {
    TrajectoryFigure {
        title: "Myeloid donor chimerism after HSCT (constructed data)".to_string(),
        x_axis_title: "Years from HSCT".to_string(),
        y_axis_title: "Myeloid donor chimerism (%)".to_string(),
        series: patients
            .iter()
            .filter(|patient| !patient.chimerism.is_empty())
            .map(|patient| TrajectorySeries { label: patient.pseudonym.to_string(), points: patient.chimerism.clone() })
            .collect(),
        reference_lines: vec![(95.0, "Full chimerism".to_string()), (50.0, "50 %".to_string()), (5.0, "Graft failure".to_string())],
        y_range: Some((0.0, 100.0)),
        events: vec![(0.0, "HSCT".to_string()), (18.0, "Onset of autoinflammation (WAS-IT2-02)".to_string())],
    }
}

/// Large and awkward inputs: 60 lanes, long labels, negative times, crowded trajectories.
fn stress_figures() -> Vec<(&'static str, Rendered)> {
    let lanes: Vec<Lane> = (0..60)
        .map(|idx| {
            let offset = (idx % 7) as f64 - 3.0;
            Lane {
                label: if idx == 5 { "A-VERY-LONG-PSEUDONYM-FROM-CENTER-XYZ-0005".to_string() } else { format!("P-{idx:02}") },
                group: Some(["Gene therapy", "HSCT", "Neither"][idx % 3].to_string()),
                bars: vec![
                    Bar { series: 0, start: offset, end: offset + 2.0, ongoing: false, row: 0 },
                    Bar { series: 1, start: offset + 1.0, end: offset + 6.0 + (idx % 5) as f64, ongoing: idx % 4 == 0, row: 1 },
                    Bar { series: 2, start: offset + 2.0, end: offset + 3.0, ongoing: false, row: (idx % 4) as u8 },
                ],
                markers: vec![Marker { kind: idx % 3, at: 0.0 }, Marker { kind: 3, at: offset + 1.5 }],
                follow_up_end: offset + 6.0 + (idx % 5) as f64,
            }
        })
        .collect();
    let swimmer = SwimmerFigure {
        title: "Stress test: sixty lanes with negative times, four sub-rows and a very long title that has to wrap onto a second line"
            .to_string(),
        subtitle: Some("Every lane has three courses; some are ongoing".to_string()),
        x_axis_title: "Years from anchor event".to_string(),
        lanes,
        series: (0..6).map(|idx| SeriesStyle { name: format!("Series {idx}"), colour: idx }).collect(),
        marker_kinds: MarkerShape::ALL.iter().map(|shape| MarkerStyle { name: format!("{shape:?}"), shape: *shape }).collect(),
        footnote: Some(FOOTNOTE.to_string()),
    };
    let trajectories = TrajectoryFigure {
        title: "Stress test: ten series ending close together".to_string(),
        x_axis_title: "Days".to_string(),
        y_axis_title: "Value (units)".to_string(),
        series: (0..10)
            .map(|idx| TrajectorySeries {
                label: format!("Patient-{idx}"),
                points: vec![(0.0, 10.0 * idx as f64), (30.0, 50.0), (60.0, 40.0 + 0.5 * idx as f64)],
            })
            .collect(),
        reference_lines: vec![(45.0, "Upper limit".to_string()), (42.0, "Close second line".to_string())],
        y_range: None,
        events: vec![(0.0, "Start".to_string()), (1.0, "Second event right after".to_string()), (2.0, "Third".to_string())],
    };
    vec![("stress-swimmer-60-lanes", render_swimmer(&swimmer)), ("stress-trajectories", render_trajectories(&trajectories))]
}
