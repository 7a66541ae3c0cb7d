//! The patient form generated from the JSON Schema: render → submit → parse gives the record
//! back, errors sit beside their fields, typed text is escaped and kept, and the add and remove
//! buttons change the number of items.

use std::collections::HashSet;
use std::path::PathBuf;

use casebook_domain::check::Level;
use casebook_formats::native::folder::parse_patient_json;
use casebook_web::form::{FieldError, FormAction, FormSchema, RenderOptions, apply_action, field_errors_from_diagnostics, hpo_search_text};
use serde_json::{Value, json};

fn options() -> RenderOptions {
    RenderOptions { hpo_search_url: "/hpo/search".to_string(), htmx: true }
}

fn reference_patients() -> Vec<(String, Value)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1/patients");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&folder).expect("the reference study is there").map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).unwrap())
        })
        .collect()
}

/// What a browser submits for the form: the name and value of every input (checkboxes only when
/// checked, no buttons), select (the selected option, else the first) and textarea, in order.
fn submitted_pairs(html: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let tag_end = rest.find('>').expect("every tag is closed");
        let tag = &rest[..=tag_end];
        if tag.starts_with("<input ") {
            let kind = attribute(tag, "type").unwrap_or_default();
            let checked = kind != "checkbox" || tag.contains(" checked");
            if let (Some(name), true) = (attribute(tag, "name"), checked) {
                pairs.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select ") {
            let close = rest.find("</select>").expect("select is closed");
            let body = &rest[..close];
            let options: Vec<&str> = body.split("<option ").skip(1).collect();
            let chosen = options.iter().find(|option| option.split('>').next().unwrap().contains(" selected")).or(options.first());
            let value = chosen.map(|option| attribute(&format!("<option {option}"), "value").unwrap_or_default()).unwrap_or_default();
            pairs.push((attribute(tag, "name").expect("a select has a name"), value));
        } else if tag.starts_with("<textarea ") {
            let close = rest.find("</textarea>").expect("textarea is closed");
            let content = &rest[tag_end + 1..close];
            // HTML drops one newline right after the opening tag.
            let content = content.strip_prefix('\n').unwrap_or(content);
            pairs.push((attribute(tag, "name").expect("a textarea has a name"), unescape(content)));
        }
        rest = &rest[1..];
    }
    pairs
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The opening tag of the element with this id.
fn element<'h>(html: &'h str, id: &str) -> &'h str {
    let needle = format!(" id=\"{id}\"");
    let at = html.find(&needle).unwrap_or_else(|| panic!("no element with id {id}"));
    let start = html[..at].rfind('<').unwrap();
    let end = html[at..].find('>').unwrap() + at;
    &html[start..=end]
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn every_reference_patient_survives_render_submit_parse() {
    let schema = FormSchema::patient();
    let patients = reference_patients();
    assert!(patients.len() >= 7, "the reference study has its patients");
    for (file, record) in patients {
        let html = schema.render(&record, &[], &options());
        let pairs = submitted_pairs(&html);
        let (parsed, errors, action) = schema.parse(&pairs);
        assert_eq!(errors, Vec::<FieldError>::new(), "{file}");
        assert_eq!(action, None, "{file}");
        assert_eq!(parsed, record, "{file}: the record comes back from the form");
        assert!(parse_patient_json(&parsed.to_string()).is_ok(), "{file}: the formats crate accepts the parsed record");
    }
}

#[test]
fn ids_are_unique_and_every_field_has_a_label() {
    let (_, record) = reference_patients().remove(0);
    let html = FormSchema::patient().render(&record, &[], &options());
    let ids: Vec<&str> = html.split(" id=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
    for tag in ["<input type=\"text\"", "<select ", "<textarea "] {
        for occurrence in html.split(tag).skip(1) {
            let id = attribute(&format!("<x {occurrence}"), "id").unwrap();
            assert!(html.contains(&format!("<label for=\"{id}\">")), "{id} has a label");
        }
    }
    // Names follow the record's paths, ids the names.
    assert!(element(&html, "f-courses-0-dose-value").contains(" name=\"courses.0.dose.value\""));
    assert!(element(&html, "f-courses-0-dose-value").contains(" inputmode=\"decimal\""));
}

#[test]
fn fields_follow_the_schema() {
    let (_, record) = reference_patients().remove(0);
    let html = FormSchema::patient().render(&record, &[], &options());
    // Objects are fieldsets with a legend in words and the description as help.
    assert!(html.contains("<fieldset class=\"repeat\" id=\"f-definitiveTherapies\" aria-describedby=\"f-definitiveTherapies-help\">\n<legend>Definitive therapies</legend>"));
    assert!(html.contains("<p class=\"help\" id=\"f-definitiveTherapies-help\">Gene therapy and HSCT procedures.</p>"));
    // Repeated sections number their items and have add and remove buttons.
    assert!(html.contains("<legend>Course 1</legend>"));
    assert!(html.contains(
        "<button type=\"submit\" name=\"_remove\" value=\"courses[1]\" formnovalidate class=\"remove\">Remove course 2</button>"
    ));
    assert!(html.contains("<button type=\"submit\" name=\"_add\" value=\"courses\" formnovalidate class=\"add\">Add a course</button>"));
    assert!(
        html.contains("value=\"courses[1].adverseEvents\" formnovalidate class=\"add\">Add an adverse event to course 2</button>"),
        "{}",
        html.lines().filter(|line| line.contains("_add")).collect::<Vec<_>>().join("\n")
    );
    // Enumerations and booleans are selects; optional ones can be left blank.
    let sex = element(&html, "f-sex");
    assert!(sex.starts_with("<select") && sex.contains(" required"), "{sex}");
    assert!(html.contains("<label for=\"f-sex\">Sex <span class=\"required\">(required)</span></label>"));
    assert!(html.contains("<select id=\"f-familyHistory\" name=\"familyHistory\" aria-describedby=\"f-familyHistory-help\">\n<option value=\"\" selected>Not recorded</option>\n<option value=\"yes\">Yes</option>\n<option value=\"no\">No</option>"));
    // Partial dates and HPO identifiers.
    let birth = element(&html, "f-birth");
    assert!(birth.contains("placeholder=\"YYYY, YYYY-MM or YYYY-MM-DD\"") && birth.contains(" pattern=\""), "{birth}");
    let hpo = element(&html, "f-features-0-id");
    assert!(hpo.contains("class=\"hpo-input\""), "{hpo}");
    assert!(hpo.contains("hx-get=\"/hpo/search\" hx-trigger=\"input changed delay:250ms\" hx-target=\"next .hpo-suggestions\""), "{hpo}");
    assert!(html.contains(&format!("{hpo}\n<div class=\"hpo-suggestions\" role=\"listbox\"")), "the suggestions follow the input directly");
    assert!(element(&html, "f-courses-0-targets-0").contains("class=\"hpo-input\""));
    // Long free text is a textarea.
    assert!(element(&html, "f-courses-1-response-note").starts_with("<textarea"));
    // A field required only inside an optional object is marked, but not enforced.
    let dose_value = element(&html, "f-courses-0-dose-value");
    assert!(!dose_value.contains(" required"), "{dose_value}");
    assert!(html.contains("<label for=\"f-courses-0-dose-value\">Value <span class=\"required\">(required with a dose)</span></label>"));
    // An empty list that means "assessed, none" is a ticked checkbox.
    assert!(element(&html, "f-courses-1-adverseEvents-assessed").contains(" checked"));

    let without_htmx = FormSchema::patient().render(&record, &[], &RenderOptions { hpo_search_url: "/hpo/search".into(), htmx: false });
    assert!(!without_htmx.contains("hx-") && !without_htmx.contains("hpo-suggestions"));
}

#[test]
fn a_dose_that_is_not_a_number_is_kept_as_typed_and_explained_beside_it() {
    let schema = FormSchema::patient();
    let (_, record) = reference_patients().remove(0);
    let mut pairs = submitted_pairs(&schema.render(&record, &[], &options()));
    for (name, value) in &mut pairs {
        if name == "courses.0.dose.value" {
            *value = "two".to_string();
        }
    }
    let (parsed, errors, _) = schema.parse(&pairs);
    assert_eq!(errors, vec![FieldError::error("$.courses[0].dose.value", "enter a number, e.g. 2.5")]);
    assert_eq!(parsed["courses"][0]["dose"]["value"], json!("two"));

    let html = schema.render(&parsed, &errors, &options());
    let input = element(&html, "f-courses-0-dose-value");
    assert!(input.contains(" value=\"two\""), "{input}");
    assert!(input.contains(" aria-invalid=\"true\""), "{input}");
    assert!(input.contains(" aria-describedby=\"f-courses-0-dose-value-help f-courses-0-dose-value-error\""), "{input}");
    assert!(html.contains("<p class=\"field-error\" id=\"f-courses-0-dose-value-error\">enter a number, e.g. 2.5</p>"));
    // The summary at the top links to it.
    assert!(html.contains("<a href=\"#f-courses-0-dose-value\">Course 1 › Dose › Value</a>: enter a number, e.g. 2.5"));
}

#[test]
fn an_error_with_no_field_is_listed_at_the_top_in_words() {
    let (_, record) = reference_patients().remove(0);
    let errors = [FieldError::error("$.courses[7].dose", "no such course"), FieldError::error("$", "the record is incomplete")];
    let html = FormSchema::patient().render(&record, &errors, &options());
    assert!(html.starts_with("<div class=\"form-errors\" role=\"alert\">"));
    assert!(html.contains("<li><span class=\"path\">Course 8 › Dose</span>: no such course</li>"));
    assert!(html.contains("<li><span class=\"path\">The record as a whole</span>: the record is incomplete</li>"));
    assert_eq!(count(&html, "aria-invalid"), 0);
}

#[test]
fn diagnostics_of_the_formats_crate_appear_beside_their_fields() {
    let schema = FormSchema::patient();
    let (_, mut record) = reference_patients().remove(0);
    record["courses"][1]["start"] = json!("2011-13-01");
    let diagnostics = parse_patient_json(&record.to_string()).expect_err("a month 13 is refused");
    let errors = field_errors_from_diagnostics(&diagnostics);
    assert!(errors.iter().any(|e| e.path == "$.courses[1].start"), "{errors:?}");
    let html = schema.render(&record, &errors, &options());
    assert!(element(&html, "f-courses-1-start").contains(" aria-invalid=\"true\""));
    assert!(html.contains("<p class=\"field-error\" id=\"f-courses-1-start-error\">"));
    // Paths without `$.` (as the domain writes them) are placed the same way.
    let html = schema.render(&record, &[FieldError::error("courses[1].start", "too early")], &options());
    assert!(html.contains("<p class=\"field-error\" id=\"f-courses-1-start-error\">too early</p>"));
    // A location in the file is about the record as a whole.
    let broken = parse_patient_json("{\"pseudonym\": ").expect_err("broken JSON");
    let errors = field_errors_from_diagnostics(&broken);
    assert_eq!(errors[0].path, "$");
    assert!(errors[0].message.contains("line 1"), "{errors:?}");
}

#[test]
fn typed_html_is_escaped_and_comes_back_unchanged() {
    let schema = FormSchema::patient();
    let hostile = "<script>alert(\"x\")</script> & 'quotes'";
    let record = json!({
        "pseudonym": "\"><img src=x onerror=alert(1)>",
        "center": "GB1", "source": "chart", "sex": "<b>male</b>", "vitalStatus": "alive",
        "notes": format!("\n{hostile}\nsecond line"),
    });
    let html = schema.render(&record, &[FieldError::error("$.notes", hostile)], &options());
    assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"));
    let (parsed, errors, _) = schema.parse(&submitted_pairs(&html));
    assert_eq!(errors, vec![]);
    // Surrounding whitespace is trimmed; everything else is kept exactly.
    assert_eq!(parsed["notes"], json!(format!("{hostile}\nsecond line")));
    assert_eq!(parsed["pseudonym"], record["pseudonym"]);
    assert_eq!(parsed["sex"], json!("<b>male</b>"), "a value that is not a choice is kept, to be reported by the parser");
}

#[test]
fn add_and_remove_change_the_number_of_items() {
    let schema = FormSchema::patient();
    let (_, record) = reference_patients().remove(0);
    let html = schema.render(&record, &[], &options());
    let courses = record["courses"].as_array().unwrap().len();

    let mut pairs = submitted_pairs(&html);
    pairs.push(("_add".into(), "courses".into()));
    let (mut added, _, action) = schema.parse(&pairs);
    assert_eq!(action, Some(FormAction::Add { path: "$.courses".into(), item: json!({}) }));
    apply_action(&mut added, action.as_ref().unwrap());
    assert_eq!(added["courses"].as_array().unwrap().len(), courses + 1);
    let html = schema.render(&added, &[], &options());
    assert!(html.contains(&format!("<legend>Course {}</legend>", courses + 1)));
    // The new, empty course survives another round trip (it is not dropped for being empty).
    let (again, _, _) = schema.parse(&submitted_pairs(&html));
    assert_eq!(again["courses"].as_array().unwrap().len(), courses + 1);

    let mut pairs = submitted_pairs(&schema.render(&record, &[], &options()));
    pairs.push(("_remove".into(), "courses[0]".into()));
    let (mut removed, _, action) = schema.parse(&pairs);
    apply_action(&mut removed, action.as_ref().unwrap());
    assert_eq!(removed["courses"].as_array().unwrap().len(), courses - 1);
    assert_eq!(removed["courses"][0]["id"], record["courses"][1]["id"]);

    // Lists of single values, inside an item.
    let mut pairs = submitted_pairs(&schema.render(&record, &[], &options()));
    pairs.push(("_add".into(), "courses[0].targets".into()));
    let (mut targets, _, action) = schema.parse(&pairs);
    assert_eq!(action, Some(FormAction::Add { path: "$.courses[0].targets".into(), item: Value::Null }));
    apply_action(&mut targets, action.as_ref().unwrap());
    let before = record["courses"][0]["targets"].as_array().unwrap().len();
    assert_eq!(targets["courses"][0]["targets"].as_array().unwrap().len(), before + 1);
    assert!(schema.render(&targets, &[], &options()).contains(&format!("id=\"f-courses-0-targets-{before}\"")));

    // A button for something that is not a list changes nothing.
    let (_, _, action) = schema.parse(&[("_add".into(), "pseudonym".into())]);
    assert_eq!(action, None);
}

#[test]
fn lists_are_rebuilt_by_index_with_gaps_closed() {
    let pairs: Vec<(String, String)> = [
        ("pseudonym", "WAS-XX-01"),
        ("weights.3.date", "2012-01"),
        ("weights.3.kg", "9.5"),
        ("weights.0.date", "2011-01"),
        ("weights.0.kg", "7"),
        ("courses.0.id", "C1"),
        ("courses.0.dose.value", ""),
        ("courses.0.dose.unit", ""),
        ("courses.0.targets.0", ""),
        ("courses.0.targets.1", "HP:0001369"),
        ("courses.0.ongoing", "yes"),
        ("familyHistory", "no"),
        ("_version", "3"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let (record, errors, action) = FormSchema::patient().parse(&pairs);
    assert_eq!(errors, vec![]);
    assert_eq!(action, None);
    assert_eq!(
        record,
        json!({
            "pseudonym": "WAS-XX-01",
            "familyHistory": false,
            "weights": [{"date": "2011-01", "kg": 7}, {"date": "2012-01", "kg": 9.5}],
            "courses": [{"id": "C1", "ongoing": true, "targets": ["HP:0001369"]}],
        })
    );
    // An error in a later item is reported at its place after the gaps are closed.
    let (_, errors, _) = FormSchema::patient().parse(&[("weights.5.kg".to_string(), "heavy".to_string())]);
    assert_eq!(errors, vec![FieldError::error("$.weights[0].kg", "enter a number, e.g. 2.5")]);
    // A field that is not part of the record is reported, not silently dropped.
    let (_, errors, _) = FormSchema::patient().parse(&[("nickname".to_string(), "Bob".to_string())]);
    assert_eq!(errors.len(), 1);
}

#[test]
fn an_imported_source_document_is_kept_but_not_editable() {
    let schema = FormSchema::patient();
    let (_, mut record) = reference_patients().remove(0);
    record["sourceDocument"] =
        json!({"format": "phenopacket-v2", "recordFingerprint": "abc", "content": {"id": "x", "subject": {"id": "<p>", "sex": "MALE"}}});
    let html = schema.render(&record, &[], &options());
    assert!(html.contains("<strong>Source document</strong> (phenopacket-v2): kept as imported"));
    assert!(element(&html, "f-sourceDocument").contains("type=\"hidden\""));
    assert_eq!(count(&html, "name=\"sourceDocument."), 0, "no part of it is editable");
    let (parsed, errors, _) = schema.parse(&submitted_pairs(&html));
    assert_eq!(errors, vec![]);
    assert_eq!(parsed, record);
}

#[test]
fn identifying_data_in_free_text_is_a_warning_beside_the_field() {
    let schema = FormSchema::patient();
    for (file, record) in reference_patients() {
        assert_eq!(schema.privacy_warnings(&record), vec![], "{file}: the reference study has no identifying data");
    }
    let (_, mut record) = reference_patients().remove(0);
    record["notes"] = json!("Mario Rossi, DOB 12/03/2015, MRN 4481223");
    record["courses"][1]["response"]["note"] = json!("call mother on +39 02 5503 2345");
    let warnings = schema.privacy_warnings(&record);
    let places: Vec<(&str, Level)> = warnings.iter().map(|w| (w.path.as_str(), w.level)).collect();
    assert_eq!(
        places,
        [
            ("$.courses[1].response.note", Level::Warning),
            ("$.notes", Level::Warning),
            ("$.notes", Level::Warning),
            ("$.notes", Level::Warning)
        ]
    );
    let html = schema.render(&record, &warnings, &options());
    let notes = element(&html, "f-notes");
    assert!(notes.contains(" aria-describedby=\"f-notes-help f-notes-warning\""), "{notes}");
    assert!(!notes.contains("aria-invalid"), "a warning does not make the field invalid");
    assert!(html.contains("<p class=\"field-warning\" id=\"f-notes-warning\">“Mario Rossi” looks like a person&#39;s name"));
    assert!(!html.contains("form-errors"));
}

#[test]
fn hpo_suggestions_read_the_typed_text() {
    let query = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect::<Vec<_>>();
    assert_eq!(hpo_search_text(&query(&[("features.0.id", "eczema"), ("field", "features.0.id")])), Some("eczema"));
    assert_eq!(hpo_search_text(&query(&[("q", "fever")])), Some("fever"));
    assert_eq!(hpo_search_text(&query(&[])), None);
}

/// The options of the select named `name`, as (value, text, selected).
fn select_options(html: &str, name: &str) -> Vec<(String, String, bool)> {
    let start = html.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no field {name}"));
    let select = &html[html[..start].rfind('<').unwrap()..];
    assert!(select.starts_with("<select"), "{name} is a select: {}", &select[..80.min(select.len())]);
    let body = &select[..select.find("</select>").unwrap()];
    body.split("<option ")
        .skip(1)
        .map(|option| {
            let (attributes, rest) = option.split_once('>').unwrap();
            let text = rest.split('<').next().unwrap().to_string();
            (attribute(&format!("<option {attributes}>"), "value").unwrap_or_default(), text, attributes.contains(" selected"))
        })
        .collect()
}

#[test]
fn a_lab_unit_is_chosen_among_its_analytes_units() {
    let record = json!({
        "pseudonym": "P-1", "center": "A", "source": "constructed", "sex": "male", "vitalStatus": "alive",
        "labs": [
            {"date": "2020-01", "analyte": "crp", "value": 1.2, "unit": "mg/dL"},
            {"date": "2020-01", "analyte": "esr", "value": 30, "unit": "mg/L"},
            {"date": "2020-01", "value": 5}
        ]
    });
    let html = FormSchema::patient().render(&record, &[], &options());
    let values = |name: &str| select_options(&html, name).into_iter().map(|(value, _, _)| value).collect::<Vec<_>>();
    assert_eq!(values("labs.0.unit"), ["mg/L", "mg/dL"], "CRP's units");
    assert!(select_options(&html, "labs.0.unit").contains(&("mg/dL".into(), "mg/dL".into(), true)), "the stored unit is chosen");
    // A unit the analyte does not take stays visible, marked, rather than silently replaced.
    assert_eq!(values("labs.1.unit"), ["mm/h", "mg/L"]);
    assert!(select_options(&html, "labs.1.unit").contains(&("mg/L".into(), "mg/L (not one of the choices)".into(), true)));
    // Before the analyte is chosen, every unit of every analyte.
    let all = values("labs.2.unit");
    assert!(all.len() > 10 && all.contains(&"10^9/L".to_string()) && all.contains(&"mm/h".to_string()), "{all:?}");
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len(), "each unit once");

    // What the select sends back parses into the same record.
    let pairs = submitted_pairs(&html);
    assert!(pairs.contains(&("labs.0.unit".to_string(), "mg/dL".to_string())), "{pairs:?}");
}
