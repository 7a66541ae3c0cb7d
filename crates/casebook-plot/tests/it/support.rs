//! Shared test support: a small XML well-formedness checker, realistic figure inputs, and the
//! checks every rendered figure must pass.

use casebook_plot::{
    Bar, CellState, GridRow, Lane, Marker, MarkerShape, MarkerStyle, PhenotypeGridFigure, Rendered, RowGroup, SeriesStyle, SwimmerFigure,
    TrajectoryFigure, TrajectorySeries, check_layout,
};

/// One element of a parsed document.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The element's own text (not its children's), unescaped.
    pub text: String,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Parses `document` strictly enough for our own output: one root, balanced tags, quoted and
/// unique attributes, and `<`, `>` and `&` escaped in text and attribute values. Returns the
/// elements in document order.
pub fn parse_xml(document: &str) -> Result<Vec<Element>, String> {
    let bytes = document.as_bytes();
    let mut position = 0;
    let mut stack: Vec<usize> = Vec::new();
    let mut elements: Vec<Element> = Vec::new();
    let mut roots = 0;
    while position < bytes.len() {
        if document[position..].starts_with("<!--") {
            let end = document[position..].find("-->").ok_or("unterminated comment")?;
            position += end + 3;
        } else if document[position..].starts_with("<?") {
            let end = document[position..].find("?>").ok_or("unterminated processing instruction")?;
            position += end + 2;
        } else if document[position..].starts_with("</") {
            position += 2;
            let name = read_name(document, &mut position)?;
            skip_whitespace(bytes, &mut position);
            if bytes.get(position) != Some(&b'>') {
                return Err(format!("closing tag </{name}> is not closed at byte {position}"));
            }
            position += 1;
            let open = stack.pop().ok_or_else(|| format!("closing tag </{name}> without an opening tag"))?;
            if elements[open].name != name {
                return Err(format!("</{name}> closes <{}>", elements[open].name));
            }
        } else if bytes[position] == b'<' {
            position += 1;
            let name = read_name(document, &mut position)?;
            let mut attributes: Vec<(String, String)> = Vec::new();
            loop {
                let had_space = skip_whitespace(bytes, &mut position);
                match bytes.get(position) {
                    Some(b'/') if bytes.get(position + 1) == Some(&b'>') => {
                        position += 2;
                        if stack.is_empty() {
                            roots += 1;
                        }
                        elements.push(Element { name, attributes, text: String::new() });
                        break;
                    }
                    Some(b'>') => {
                        position += 1;
                        if stack.is_empty() {
                            roots += 1;
                        }
                        elements.push(Element { name, attributes, text: String::new() });
                        stack.push(elements.len() - 1);
                        break;
                    }
                    Some(_) if had_space => {
                        let key = read_name(document, &mut position)?;
                        if bytes.get(position) != Some(&b'=') {
                            return Err(format!("attribute {key} of <{name}> has no '='"));
                        }
                        position += 1;
                        let quote = *bytes.get(position).ok_or("document ends inside a tag")?;
                        if quote != b'"' && quote != b'\'' {
                            return Err(format!("attribute {key} of <{name}> is not quoted"));
                        }
                        position += 1;
                        let end = document[position..].find(quote as char).ok_or("unterminated attribute value")?;
                        let raw = &document[position..position + end];
                        position += end + 1;
                        if raw.contains('<') {
                            return Err(format!("attribute {key} of <{name}> contains '<'"));
                        }
                        let value = unescape(raw)?;
                        if attributes.iter().any(|(existing, _)| *existing == key) {
                            return Err(format!("attribute {key} repeated on <{name}>"));
                        }
                        attributes.push((key, value));
                    }
                    _ => return Err(format!("malformed tag <{name}> at byte {position}")),
                }
            }
        } else {
            let end = document[position..].find('<').map_or(bytes.len(), |offset| position + offset);
            let raw = &document[position..end];
            if raw.contains('>') {
                return Err(format!("unescaped '>' in text {raw:?}"));
            }
            let text = unescape(raw)?;
            match stack.last() {
                Some(&open) => elements[open].text.push_str(&text),
                None if text.trim().is_empty() => {}
                None => return Err(format!("text outside the root element: {text:?}")),
            }
            position = end;
        }
    }
    if let Some(&open) = stack.last() {
        return Err(format!("<{}> is never closed", elements[open].name));
    }
    if roots != 1 {
        return Err(format!("expected one root element, found {roots}"));
    }
    Ok(elements)
}

fn skip_whitespace(bytes: &[u8], position: &mut usize) -> bool {
    let start = *position;
    while bytes.get(*position).is_some_and(|byte| byte.is_ascii_whitespace()) {
        *position += 1;
    }
    *position > start
}

fn read_name(document: &str, position: &mut usize) -> Result<String, String> {
    let start = *position;
    for (offset, character) in document[start..].char_indices() {
        let allowed = character.is_ascii_alphanumeric() || matches!(character, '_' | ':' | '-' | '.');
        if !allowed || (offset == 0 && (character.is_ascii_digit() || character == '-' || character == '.')) {
            break;
        }
        *position = start + offset + character.len_utf8();
    }
    if *position == start { Err(format!("expected a name at byte {start}")) } else { Ok(document[start..*position].to_string()) }
}

fn unescape(raw: &str) -> Result<String, String> {
    let mut text = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        text.push_str(&rest[..amp]);
        let semicolon = rest[amp..].find(';').ok_or_else(|| format!("unterminated entity in {raw:?}"))?;
        let entity = &rest[amp + 1..amp + semicolon];
        let character = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            numeric if numeric.starts_with("#x") => {
                u32::from_str_radix(&numeric[2..], 16).ok().and_then(char::from_u32).ok_or_else(|| format!("bad entity &{numeric};"))?
            }
            numeric if numeric.starts_with('#') => {
                numeric[1..].parse::<u32>().ok().and_then(char::from_u32).ok_or_else(|| format!("bad entity &{numeric};"))?
            }
            other => return Err(format!("unknown entity &{other};")),
        };
        text.push(character);
        rest = &rest[amp + semicolon + 1..];
    }
    text.push_str(rest);
    Ok(text)
}

/// The visible text of every `<text>` element, in document order.
pub fn visible_texts(elements: &[Element]) -> Vec<String> {
    elements.iter().filter(|element| element.name == "text").map(|element| element.text.clone()).collect()
}

/// What every figure must satisfy; `case` names the input in failure messages.
pub fn assert_sound_figure(case: &str, rendered: &Rendered, title: &str, expected_texts: &[&str]) -> Vec<Element> {
    let elements = parse_xml(&rendered.svg).unwrap_or_else(|error| panic!("case {case}: SVG is not well-formed: {error}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg", "case {case}: root element");
    assert_eq!(root.attribute("xmlns"), Some("http://www.w3.org/2000/svg"), "case {case}: namespace");
    assert_eq!(root.attribute("font-family"), Some("Helvetica, Arial, sans-serif"), "case {case}: font stack");
    assert_eq!(root.attribute("role"), Some("img"), "case {case}: role");
    let title_element = elements.iter().find(|element| element.name == "title").unwrap_or_else(|| panic!("case {case}: no <title>"));
    assert_eq!(title_element.text, title, "case {case}: <title>");
    let desc = elements.iter().find(|element| element.name == "desc").unwrap_or_else(|| panic!("case {case}: no <desc>"));
    assert!(!desc.text.trim().is_empty(), "case {case}: empty <desc>");
    let covers_figure = |element: &&Element| {
        element.name == "rect"
            && element.attribute("width") == root.attribute("width")
            && element.attribute("height") == root.attribute("height")
    };
    let background = elements.iter().find(covers_figure).unwrap_or_else(|| panic!("case {case}: no background"));
    assert_eq!(background.attribute("fill"), Some("#ffffff"), "case {case}: white background");

    let texts = visible_texts(&elements);
    for expected in expected_texts {
        assert!(texts.iter().any(|text| text == expected), "case {case}: no text {expected:?} among {texts:?}");
    }
    let placed: Vec<&str> = rendered.text_boxes.iter().map(|text_box| text_box.text.as_str()).collect();
    assert_eq!(placed, texts, "case {case}: text boxes must match the <text> elements one to one");

    let report = check_layout(rendered);
    assert!(report.overlaps.is_empty(), "case {case}: overlapping text: {:#?}", report.overlaps);
    assert!(report.clipped.is_empty(), "case {case}: clipped text: {:#?}", report.clipped);
    for forbidden in ["http://", "https://", "@import", "<script", "<image", "xlink:href"] {
        let allowed_namespace = forbidden == "http://" && rendered.svg.matches(forbidden).count() == 1;
        assert!(allowed_namespace || !rendered.svg.contains(forbidden), "case {case}: external reference {forbidden:?}");
    }
    elements
}

fn series_styles() -> Vec<SeriesStyle> {
    vec![
        SeriesStyle { name: "Glucocorticoids".to_string(), colour: 4 },
        SeriesStyle { name: "Anakinra".to_string(), colour: 1 },
        SeriesStyle { name: "Canakinumab".to_string(), colour: 0 },
    ]
}

fn marker_styles() -> Vec<MarkerStyle> {
    vec![
        MarkerStyle { name: "Gene therapy".to_string(), shape: MarkerShape::Diamond },
        MarkerStyle { name: "HSCT".to_string(), shape: MarkerShape::Triangle },
        MarkerStyle { name: "Complete response".to_string(), shape: MarkerShape::Circle },
        MarkerStyle { name: "Partial response".to_string(), shape: MarkerShape::Square },
        MarkerStyle { name: "Flare".to_string(), shape: MarkerShape::Star },
        MarkerStyle { name: "No response".to_string(), shape: MarkerShape::Cross },
    ]
}

/// Seven WAS patients on an age axis: five after gene therapy, two after HSCT, two still on
/// canakinumab.
pub fn seven_patients_by_age() -> SwimmerFigure {
    // (pseudonym, group, therapy age, steroid, anakinra, canakinumab start, last follow-up)
    let rows: [(&str, &str, f64, (f64, f64), (f64, f64), Option<f64>, f64); 7] = [
        ("WAS-GB1-01", "Gene therapy", 1.5, (0.6, 0.9), (0.8, 1.5), None, 13.3),
        ("WAS-IT1-01", "Gene therapy", 1.1, (0.1, 0.3), (0.2, 1.1), None, 10.6),
        ("WAS-IT1-02", "Gene therapy", 3.6, (2.8, 3.2), (3.1, 3.6), None, 14.8),
        ("WAS-IT2-01", "Gene therapy", 6.8, (5.8, 6.2), (6.1, 6.8), None, 17.8),
        ("WAS-IT3-01", "Gene therapy", 2.9, (2.2, 2.7), (2.6, 2.9), None, 12.7),
        ("WAS-GB1-02", "HSCT", 2.3, (3.4, 4.3), (4.1, 4.8), Some(4.8), 15.9),
        ("WAS-IT2-02", "HSCT", 5.8, (33.3, 34.3), (34.0, 36.3), Some(36.3), 39.0),
    ];
    let lanes = rows
        .iter()
        .map(|&(label, group, therapy_at, steroid, anakinra, canakinumab, follow_up_end)| {
            let mut bars = vec![
                Bar { series: 0, start: steroid.0, end: steroid.1, ongoing: false, row: 0 },
                Bar { series: 1, start: anakinra.0, end: anakinra.1, ongoing: false, row: 1 },
            ];
            if let Some(start) = canakinumab {
                bars.push(Bar { series: 2, start, end: follow_up_end, ongoing: true, row: 1 });
            }
            let therapy_kind = if group == "HSCT" { 1 } else { 0 };
            Lane {
                label: label.to_string(),
                group: Some(group.to_string()),
                bars,
                markers: vec![
                    Marker { kind: therapy_kind, at: therapy_at },
                    Marker { kind: 3, at: steroid.0 + 0.1 },
                    Marker { kind: 2, at: anakinra.0 + 0.15 },
                ],
                follow_up_end,
            }
        })
        .collect();
    SwimmerFigure {
        title: "Anti-IL-1 treatment courses".to_string(),
        subtitle: Some("Seven patients with Wiskott-Aldrich syndrome".to_string()),
        x_axis_title: "Age (years)".to_string(),
        lanes,
        series: series_styles(),
        marker_kinds: marker_styles(),
        footnote: Some("Constructed data; not real patients".to_string()),
    }
}

/// The same seven patients, timed from gene therapy or HSCT, so pre-therapy courses are negative.
pub fn seven_patients_from_therapy() -> SwimmerFigure {
    let mut figure = seven_patients_by_age();
    for lane in &mut figure.lanes {
        let anchor = lane.markers.iter().find(|marker| marker.kind <= 1).map_or(0.0, |marker| marker.at);
        for bar in &mut lane.bars {
            bar.start -= anchor;
            bar.end -= anchor;
        }
        for marker in &mut lane.markers {
            marker.at -= anchor;
        }
        lane.follow_up_end -= anchor;
    }
    figure.x_axis_title = "Years from gene therapy or HSCT".to_string();
    figure
}

/// `n_lanes` lanes in three groups, with courses in all four sub-rows and negative times.
pub fn many_lanes(n_lanes: usize) -> SwimmerFigure {
    let lanes = (0..n_lanes)
        .map(|idx| {
            let offset = (idx % 7) as f64 - 3.0;
            Lane {
                label: format!("CASE-{idx:03}"),
                group: Some(["Gene therapy", "HSCT", "No definitive therapy"][idx % 3].to_string()),
                bars: vec![
                    Bar { series: 0, start: offset, end: offset + 1.5, ongoing: false, row: 0 },
                    Bar { series: 1, start: offset + 1.0, end: offset + 8.0, ongoing: idx % 5 == 0, row: 1 },
                    Bar { series: 2, start: offset + 2.0, end: offset + 3.0, ongoing: false, row: (idx % 4) as u8 },
                ],
                markers: vec![Marker { kind: idx % 2, at: 0.0 }, Marker { kind: 2 + idx % 4, at: offset + 1.2 }],
                follow_up_end: offset + 8.0,
            }
        })
        .collect();
    SwimmerFigure {
        title: format!("{n_lanes} patients"),
        subtitle: None,
        x_axis_title: "Years from anchor event".to_string(),
        lanes,
        series: series_styles(),
        marker_kinds: marker_styles(),
        footnote: Some("Constructed data; not real patients".to_string()),
    }
}

/// Twelve features in six categories for seven patients.
pub fn twelve_by_seven(columns: &[&str]) -> PhenotypeGridFigure {
    use CellState::{Excluded as E, NotAssessed as N, Present as P};
    let rows: [(&str, &str, [CellState; 7]); 12] = [
        ("Haematological", "Thrombocytopenia", [P, P, P, P, P, P, P]),
        ("Haematological", "Small platelets", [P, P, P, P, P, P, P]),
        ("Immunological", "Recurrent infections", [P, P, P, P, P, P, P]),
        ("Cutaneous", "Eczema", [E, P, P, P, P, P, P]),
        ("Cutaneous", "Migratory erythematous plaques", [P, P, E, E, P, E, E]),
        ("Cutaneous", "Pyoderma gangrenosum", [P, E, E, P, E, P, E]),
        ("Cutaneous", "Cutaneous vasculitis", [P, E, E, E, E, E, E]),
        ("Musculoskeletal", "Arthritis", [E, E, P, P, E, E, P]),
        ("Gastrointestinal", "Colitis", [P, E, E, E, E, P, P]),
        ("Systemic inflammation", "Persistent fever", [P, P, P, P, P, E, E]),
        ("Systemic inflammation", "Hyperpyrexia", [P, P, P, P, P, E, E]),
        ("Systemic inflammation", "Elevated CRP", [P, P, N, N, P, N, P]),
    ];
    let mut row_groups: Vec<RowGroup> = Vec::new();
    for (category, label, cells) in rows {
        let row = GridRow { label: label.to_string(), cells: cells.to_vec() };
        match row_groups.last_mut() {
            Some(group) if group.name == category => group.rows.push(row),
            _ => row_groups.push(RowGroup { name: category.to_string(), rows: vec![row] }),
        }
    }
    PhenotypeGridFigure {
        title: "Clinical features per patient".to_string(),
        row_groups,
        columns: columns.iter().map(|column| column.to_string()).collect(),
        footnote: Some("Constructed data; not real patients".to_string()),
    }
}

pub const PSEUDONYMS: [&str; 7] = ["WAS-GB1-01", "WAS-IT1-01", "WAS-IT1-02", "WAS-IT2-01", "WAS-IT3-01", "WAS-GB1-02", "WAS-IT2-02"];

/// Myeloid donor chimerism for three HSCT patients, with the usual reference lines.
pub fn three_chimerism_series() -> TrajectoryFigure {
    TrajectoryFigure {
        title: "Myeloid donor chimerism after HSCT".to_string(),
        x_axis_title: "Years from HSCT".to_string(),
        y_axis_title: "Myeloid donor chimerism (%)".to_string(),
        series: vec![
            TrajectorySeries {
                label: "WAS-GB1-02".to_string(),
                points: vec![(0.1, 100.0), (0.5, 98.0), (1.0, 81.0), (1.5, 30.0), (2.5, 22.0), (6.0, 21.0)],
            },
            TrajectorySeries {
                label: "WAS-IT2-02".to_string(),
                points: vec![(0.1, 100.0), (2.0, 92.0), (5.0, 80.0), (12.0, 61.0), (28.0, 38.0)],
            },
            TrajectorySeries {
                label: "WAS-XX9-03".to_string(),
                points: vec![(0.1, 99.0), (1.0, 97.0), (5.0, 96.0), (10.0, 97.0), (27.0, 96.0)],
            },
        ],
        reference_lines: vec![(95.0, "Full chimerism".to_string()), (5.0, "Graft failure".to_string())],
        y_range: Some((0.0, 100.0)),
        events: vec![(0.0, "HSCT".to_string()), (18.0, "Onset of autoinflammation".to_string())],
    }
}

/// CRP for seven patients around the start of anakinra; no fixed range.
pub fn seven_crp_series() -> TrajectoryFigure {
    let series = PSEUDONYMS
        .iter()
        .enumerate()
        .map(|(idx, label)| {
            let peak = 40.0 + 25.0 * idx as f64;
            TrajectorySeries {
                label: label.to_string(),
                points: vec![
                    (-0.5, peak * 0.6),
                    (-0.1, peak),
                    (0.5, peak * 0.3),
                    (1.0, 12.0 - idx as f64),
                    (2.0 + 0.1 * idx as f64, 3.0 + idx as f64 * 0.5),
                ],
            }
        })
        .collect();
    TrajectoryFigure {
        title: "CRP around the start of anakinra".to_string(),
        x_axis_title: "Months from start of anakinra".to_string(),
        y_axis_title: "CRP (mg/L)".to_string(),
        series,
        reference_lines: vec![(5.0, "Upper limit of normal".to_string())],
        y_range: None,
        events: vec![(0.0, "Anakinra start".to_string())],
    }
}
