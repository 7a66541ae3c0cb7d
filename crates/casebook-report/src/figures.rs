//! The report's figures: a swimmer plot of treatment timelines, a phenotype grid, and
//! trajectories of laboratory values and myeloid chimerism.

use casebook_domain::date::PartialDate;
use casebook_domain::patient::{DefinitiveTherapyKind, Patient};
use casebook_domain::study::{Study, TimeAxis};
use casebook_plot::{
    Bar, CellState, GridRow, Lane, Marker, MarkerShape, MarkerStyle, PhenotypeGridFigure, Rendered, RowGroup, SeriesStyle, SwimmerFigure,
    TrajectoryFigure, TrajectorySeries, check_layout, render_phenotype_grid, render_swimmer, render_trajectories,
};

use crate::build::{ManifestationRow, Presence, in_line, treatment_lines};
use crate::model::FigureInfo;

fn years_since_birth(patient: &Patient, date: &PartialDate) -> Option<f64> {
    Some((date.earliest_day_number() - patient.birth?.earliest_day_number()) as f64 / 365.25)
}

/// The x position of a date on the study's time axis.
fn position(study: &Study, patient: &Patient, date: &PartialDate) -> Option<f64> {
    match study.report.time_axis {
        TimeAxis::Age => years_since_birth(patient, date),
        TimeAxis::FromDefinitiveTherapy => {
            let anchor = patient.definitive_therapies.iter().min_by_key(|t| t.date.sort_key())?;
            Some((date.earliest_day_number() - anchor.date.earliest_day_number()) as f64 / 365.25)
        }
    }
}

fn constructed_footnote(study: &Study) -> Option<String> {
    study.data_label.as_ref().map(|label| format!("Data: {label}"))
}

/// The most patients a per-patient figure shows; beyond this a figure of lanes or columns is no
/// longer readable, and the tables carry every patient.
pub const MAX_PATIENTS_PER_FIGURE: usize = 60;
/// The most lines a trajectory figure shows.
pub const MAX_TRAJECTORIES: usize = 12;

/// A note for figures that show only the first patients.
fn shown_note(shown: usize, total: usize) -> Option<String> {
    (shown < total).then(|| format!("The first {shown} of {total} patients by pseudonym are shown."))
}

/// Every figure of the report, in order.
pub fn figures(study: &Study, patients: &[Patient], grid: &[ManifestationRow]) -> Vec<FigureInfo> {
    let mut figures = vec![swimmer(study, patients), phenotype_grid(study, patients, grid)];
    for analyte in &study.report.lab_trajectories {
        figures.extend(lab_trajectory(study, patients, *analyte));
    }
    if study.report.chimerism_trajectory {
        figures.extend(chimerism_trajectory(study, patients));
    }
    for (index, figure) in figures.iter_mut().enumerate() {
        figure.title = format!("Figure {}. {}", index + 1, figure.title);
    }
    figures
}

fn swimmer(study: &Study, patients: &[Patient]) -> FigureInfo {
    let lines = treatment_lines(study, patients);
    const GENE_THERAPY: usize = 0;
    const HSCT: usize = 1;
    const RESPONSE: usize = 2;
    let marker_kinds = vec![
        MarkerStyle { name: "Gene therapy".into(), shape: MarkerShape::Diamond },
        MarkerStyle { name: "HSCT".into(), shape: MarkerShape::Triangle },
        MarkerStyle { name: "Response assessed".into(), shape: MarkerShape::Circle },
    ];
    let shown = &patients[..patients.len().min(MAX_PATIENTS_PER_FIGURE)];
    let mut lanes: Vec<Lane> = shown
        .iter()
        .filter_map(|patient| {
            let mut bars = Vec::new();
            let mut markers = Vec::new();
            let follow_up = patient.last_follow_up_date().and_then(|d| position(study, patient, &d));
            for (index, line) in lines.iter().enumerate() {
                for course in patient.courses.iter().filter(|c| in_line(study, line, c)) {
                    let Some(start) = position(study, patient, &course.start) else { continue };
                    let end = match (course.end, course.ongoing) {
                        (Some(end), _) => position(study, patient, &end).unwrap_or(start),
                        (None, true) => follow_up.unwrap_or(start),
                        // An end that was not recorded is drawn as a short stub rather than guessed.
                        (None, false) => start + 0.05,
                    };
                    bars.push(Bar { series: index, start, end: end.max(start), ongoing: course.ongoing, row: (index % 4) as u8 });
                    if let Some(at) = course.response.as_ref().and_then(|r| r.date).and_then(|d| position(study, patient, &d)) {
                        markers.push(Marker { kind: RESPONSE, at });
                    }
                }
            }
            for therapy in &patient.definitive_therapies {
                if let Some(at) = position(study, patient, &therapy.date) {
                    markers.push(Marker { kind: if therapy.kind.is_gene_therapy() { GENE_THERAPY } else { HSCT }, at });
                }
            }
            let end = follow_up.or_else(|| bars.iter().map(|b| b.end).reduce(f64::max))?;
            let group = match patient.definitive_therapies.first().map(|t| &t.kind) {
                Some(DefinitiveTherapyKind::GeneTherapy { .. }) => "Gene therapy",
                Some(DefinitiveTherapyKind::Hsct { .. }) => "HSCT",
                None => "No definitive therapy",
            };
            Some(Lane { label: patient.pseudonym.to_string(), group: Some(group.to_string()), bars, markers, follow_up_end: end })
        })
        .collect();
    lanes.sort_by(|a, b| a.group.cmp(&b.group).then(a.label.cmp(&b.label)));
    let figure = SwimmerFigure {
        title: "Treatment timelines".into(),
        subtitle: Some(match shown_note(shown.len(), patients.len()) {
            Some(note) => format!("One lane per patient; arrows mark courses ongoing at last follow-up. {note}"),
            None => "One lane per patient; arrows mark courses ongoing at last follow-up".into(),
        }),
        x_axis_title: match study.report.time_axis {
            TimeAxis::Age => "Age (years)".into(),
            TimeAxis::FromDefinitiveTherapy => "Years from first definitive therapy".into(),
        },
        lanes,
        series: lines.iter().enumerate().map(|(index, line)| SeriesStyle { name: line.label.clone(), colour: index }).collect(),
        marker_kinds,
        footnote: constructed_footnote(study),
    };
    let rendered = render_swimmer(&figure);
    FigureInfo {
        layout_problems: layout_problems(&rendered),
        id: "figure-swimmer".into(),
        title: "Treatment timelines".into(),
        file: "figure-1-swimmer.svg".into(),
        caption: "Bars show treatment courses by line; markers show gene therapy, HSCT and response assessments; each lane ends at last follow-up.".into(),
        svg: rendered.svg,
    }
}

fn phenotype_grid(study: &Study, patients: &[Patient], grid: &[ManifestationRow]) -> FigureInfo {
    let shown = patients.len().min(MAX_PATIENTS_PER_FIGURE);
    let mut groups: Vec<RowGroup> = Vec::new();
    for row in grid {
        let cells = row
            .presence
            .iter()
            .take(shown)
            .map(|p| match p {
                Presence::Present => CellState::Present,
                Presence::Excluded => CellState::Excluded,
                Presence::NotAssessed => CellState::NotAssessed,
            })
            .collect();
        let label = if row.level >= 2 { format!("  {}", row.label) } else { row.label.clone() };
        match groups.last_mut() {
            Some(group) if group.name == row.category => group.rows.push(GridRow { label, cells }),
            _ => groups.push(RowGroup { name: row.category.clone(), rows: vec![GridRow { label, cells }] }),
        }
    }
    let figure = PhenotypeGridFigure {
        title: "Manifestations per patient".into(),
        row_groups: groups,
        columns: patients.iter().take(shown).map(|p| p.pseudonym.to_string()).collect(),
        footnote: [shown_note(shown, patients.len()), constructed_footnote(study)].into_iter().flatten().reduce(|a, b| format!("{a} {b}")),
    };
    let rendered = render_phenotype_grid(&figure);
    FigureInfo {
        layout_problems: layout_problems(&rendered),
        id: "figure-phenotype-grid".into(),
        title: "Manifestations per patient".into(),
        file: "figure-2-phenotype-grid.svg".into(),
        caption: "Filled: present; open with a dash: assessed and absent; dotted: not assessed. k/N counts present over assessed.".into(),
        svg: rendered.svg,
    }
}

/// Where a laboratory value sits on the trajectory axis: months from the anchor line's first
/// course when the study names one, age in years otherwise.
fn lab_position(study: &Study, patient: &Patient, date: &PartialDate) -> Option<f64> {
    match &study.report.trajectory_anchor {
        Some(anchor) => {
            let line = treatment_lines(study, std::slice::from_ref(patient)).into_iter().find(|line| &line.id == anchor)?;
            let start = crate::build::first_course(study, &line, patient)?.start;
            Some((date.earliest_day_number() - start.earliest_day_number()) as f64 / 30.4375)
        }
        None => years_since_birth(patient, date),
    }
}

fn lab_trajectory(study: &Study, patients: &[Patient], analyte: casebook_domain::patient::Analyte) -> Option<FigureInfo> {
    let series: Vec<TrajectorySeries> = patients
        .iter()
        .filter_map(|p| {
            let mut points: Vec<(f64, f64)> = p
                .labs
                .iter()
                .filter(|l| l.analyte == analyte)
                .filter_map(|l| Some((lab_position(study, p, &l.date)?, l.canonical_value())))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (!points.is_empty()).then(|| TrajectorySeries { label: p.pseudonym.to_string(), points })
        })
        .take(MAX_TRAJECTORIES)
        .collect();
    if series.is_empty() {
        return None;
    }
    let figure = TrajectoryFigure {
        title: format!("{} over time", capitalise(analyte.label())),
        x_axis_title: match &study.report.trajectory_anchor {
            Some(anchor) => {
                let label =
                    study.report.treatments.iter().find(|line| &line.id == anchor).map_or(anchor.to_string(), |line| line.label.clone());
                format!("Months from the start of {}", crate::build::mid_sentence(&label))
            }
            None => "Age (years)".into(),
        },
        y_axis_title: format!("{} ({})", capitalise(analyte.label()), analyte.canonical_unit()),
        series,
        reference_lines: Vec::new(),
        y_range: None,
        events: if study.report.trajectory_anchor.is_some() { vec![(0.0, "Start".into())] } else { Vec::new() },
    };
    let rendered = render_trajectories(&figure);
    Some(FigureInfo {
        layout_problems: layout_problems(&rendered),
        id: format!("figure-{}", analyte.key()),
        title: format!("{} over time", capitalise(analyte.label())),
        file: format!("figure-{}.svg", analyte.key()),
        caption: format!("{} in {} per patient.", capitalise(analyte.label()), analyte.canonical_unit()),
        svg: rendered.svg,
    })
}

fn chimerism_trajectory(study: &Study, patients: &[Patient]) -> Option<FigureInfo> {
    let series: Vec<TrajectorySeries> = patients
        .iter()
        .filter_map(|p| {
            let hsct = p.definitive_therapies.iter().filter(|t| !t.kind.is_gene_therapy()).min_by_key(|t| t.date.sort_key())?;
            let mut points: Vec<(f64, f64)> = p
                .engraftment
                .iter()
                .filter(|m| m.lineage.is_myeloid())
                .filter_map(|m| {
                    Some(((m.date.earliest_day_number() - hsct.date.earliest_day_number()) as f64 / 365.25, m.percent_donor?.value()))
                })
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (!points.is_empty()).then(|| TrajectorySeries { label: p.pseudonym.to_string(), points })
        })
        .take(MAX_TRAJECTORIES)
        .collect();
    if series.is_empty() {
        return None;
    }
    let thresholds = &study.settings.chimerism;
    let figure = TrajectoryFigure {
        title: "Myeloid donor chimerism after HSCT".into(),
        x_axis_title: "Years from HSCT".into(),
        y_axis_title: "Myeloid donor chimerism (%)".into(),
        series,
        reference_lines: vec![
            (thresholds.full_at_least().value(), format!("Full (≥{} %)", thresholds.full_at_least().value())),
            (50.0, "50 %".into()),
            (thresholds.graft_failure_below().value(), format!("Graft failure (<{} %)", thresholds.graft_failure_below().value())),
        ],
        y_range: Some((0.0, 100.0)),
        events: Vec::new(),
    };
    let rendered = render_trajectories(&figure);
    Some(FigureInfo {
        layout_problems: layout_problems(&rendered),
        id: "figure-chimerism".into(),
        title: "Myeloid donor chimerism after HSCT".into(),
        file: "figure-chimerism.svg".into(),
        caption: "Percentage of donor myeloid cells per HSCT patient; dashed lines mark the study's chimerism classes.".into(),
        svg: rendered.svg,
    })
}

/// The problems [`check_layout`] finds in a rendered figure, as sentences.
fn layout_problems(rendered: &Rendered) -> Vec<String> {
    let report = check_layout(rendered);
    let overlaps = report.overlaps.iter().map(|(a, b)| format!("`{}` overlaps `{}`", a.text, b.text));
    let clipped = report.clipped.iter().map(|text| format!("`{}` is cut off", text.text));
    overlaps.chain(clipped).collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
}
