//! The patient form, generated from the JSON Schema of the native patient record
//! (`schemas/patient.schema.json`), so that case entry covers every part of the data model and
//! follows it when it changes.
//!
//! Three pure functions and no axum: [`FormSchema::render`] turns a record (JSON) and its
//! errors into the HTML inside a `<form>`, [`FormSchema::parse`] turns the submitted
//! `(name, value)` pairs back into the record, and [`apply_action`] adds or removes a repeated
//! section, so that "Add a course" and "Remove course 2" work without JavaScript: the server
//! parses what was typed, applies the action and renders the form again.
//!
//! **Names.** Every input's `name` is its path in the record with dots and without `$`
//! (`courses.0.dose.value`); its `id` is `f-` and the name with anything but letters, digits, `-`
//! and `_` turned into `-` (`f-courses-0-dose-value`); its help, error and warning paragraphs add
//! `-help`, `-error` and `-warning` to the id. Fieldsets (objects, lists, list items) have the id
//! of their path (`f-courses-1`). The one exception is the "assessed, none" checkbox of a list
//! whose emptiness means something (below): its name is the list's path and its id adds
//! `-assessed`. Names starting with `_` belong to the page (`_add`, `_remove`, `_version`, a
//! CSRF token) and are not part of the record. Errors use the domain's path syntax,
//! `$.courses[0].dose.value`; the add and remove buttons send paths in the same syntax without
//! `$.` (`courses`, `courses[1]`).
//!
//! **How the schema becomes inputs.** Objects are fieldsets with a legend (the property name in
//! words) and the description as help; lists of objects are repeatable fieldsets, lists of
//! strings repeatable single inputs; enumerations and booleans are selects; numbers are text
//! inputs with `inputmode` (not `type=number`, which loses what was typed when it is not a
//! number); partial dates and HPO identifiers (the `hpoId` definition, or any string whose
//! pattern admits only `HP:` identifiers) get their own inputs. A string is *long free text*
//! (a `<textarea>`) when it has no `maxLength` and its name contains `note` or `comment`, or is
//! `causeOfDeath`, or its description says "free text" / "free-text". An object holding
//! free-form JSON (an object schema without properties, such as `sourceDocument.content`) is
//! opaque: it is not editable, is shown as "kept as imported" and travels in a hidden field as
//! JSON. A list whose description says what `[]` means (`adverseEvents`: "[] means assessed and
//! none occurred") gets a checkbox to record that empty list; other lists are omitted when empty.
//!
//! **Severity.** [`FieldError`] carries the domain's [`Level`]: errors mark their field with
//! `aria-invalid` and a `field-error` paragraph; warnings (such as [`FormSchema::privacy_warnings`])
//! and notes are shown beside the field as `field-warning` / `field-note` and never mark it
//! invalid.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

use casebook_domain::check::{Diagnostic, Level};
use casebook_domain::privacy::identifying_data_warnings;
use serde_json::{Map, Value};

/// A message about one place of a record, shown beside its field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Where, in the domain's path syntax: `$.courses[0].dose.value` (`$` is the whole record).
    /// Paths without `$.` (`courses[0].dose`) are accepted too.
    pub path: String,
    /// What is wrong, for the person who typed it; no trailing full stop.
    pub message: String,
    /// Error (marks the field invalid), warning or note (shown, never blocking).
    pub level: Level,
}

impl FieldError {
    /// An error at `path`. A path that is a location in a file (`line 3, column 5`) becomes `$`,
    /// with the location added to the message.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError::new(Level::Error, path.into(), message.into())
    }

    /// A warning at `path`: shown beside the field, never blocking a save.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError::new(Level::Warning, path.into(), message.into())
    }

    fn new(level: Level, path: String, message: String) -> FieldError {
        let (path, message) = match parse_path(&path) {
            Some(segments) => (json_path(&segments), message),
            None => ("$".to_string(), format!("{message} (at {path})")),
        };
        FieldError { path, message, level }
    }
}

/// What the add and remove buttons ask for, returned by [`FormSchema::parse`] and carried out by
/// [`apply_action`].
#[derive(Debug, Clone, PartialEq)]
pub enum FormAction {
    /// Append `item` (an empty object, or `null` for a list of single values) to the list at
    /// `path` (`$.courses`).
    Add {
        /// The list, in the domain's path syntax.
        path: String,
        /// The new, empty item.
        item: Value,
    },
    /// Remove the list item at `path` (`$.courses[1]`).
    Remove {
        /// The item, in the domain's path syntax.
        path: String,
    },
}

/// How the form is rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Where HPO inputs ask for suggestions (`/hpo/search`). The request carries the input's own
    /// `name=typed text` and `field=name` (see [`hpo_search_text`]).
    pub hpo_search_url: String,
    /// Whether to add htmx attributes (HPO autocomplete). Without them the form works the same.
    pub htmx: bool,
}

impl Default for RenderOptions {
    /// The application's own: `/hpo/search`, with htmx.
    fn default() -> RenderOptions {
        RenderOptions { hpo_search_url: "/hpo/search".to_string(), htmx: true }
    }
}

/// The form of a record, built once from its JSON Schema with every `$ref` resolved.
#[derive(Debug, Clone)]
pub struct FormSchema {
    root: Node,
}

impl FormSchema {
    /// The form of a native patient record, from the embedded `schemas/patient.schema.json`.
    pub fn patient() -> &'static FormSchema {
        static PATIENT: OnceLock<FormSchema> = OnceLock::new();
        PATIENT.get_or_init(|| {
            FormSchema::from_schema_json(include_str!("../../../schemas/patient.schema.json"))
                .expect("the embedded patient schema is valid JSON")
        })
    }

    /// A stored text as a reader of the record sees it: a schema choice in words
    /// (`before-definitive-therapy` → "before definitive therapy", `qd` → "qd (once daily)"),
    /// anything else as stored. `path` is the value's JSON path in the record.
    pub fn value_in_words(&self, path: &str, value: &str) -> String {
        match parse_path(path).and_then(|segments| node_at(&self.root, &segments)).map(|node| &node.kind) {
            Some(Kind::Choice(choices)) if choices.iter().any(|choice| choice == value) => choice_words(value),
            _ => value.to_string(),
        }
    }

    /// The form of records described by a JSON Schema (draft 2020-12; `$ref` to `#/$defs/...`,
    /// `allOf` and property overrides are resolved; conditionals are left to the parser).
    pub fn from_schema_json(text: &str) -> Result<FormSchema, serde_json::Error> {
        let schema: Value = serde_json::from_str(text)?;
        let empty = Map::new();
        let defs = schema.get("$defs").and_then(Value::as_object).unwrap_or(&empty);
        Ok(FormSchema { root: build_node(&schema, defs, "") })
    }

    /// The HTML for every property of `record`, to put inside a `<form>`: fields with labels,
    /// help, `errors` beside their fields, and errors that belong to no field listed at the top
    /// in a `form-errors` alert. Every text is escaped.
    pub fn render(&self, record: &Value, errors: &[FieldError], options: &RenderOptions) -> String {
        let messages: Vec<(Vec<Segment>, &FieldError)> =
            errors.iter().map(|error| (parse_path(&error.path).unwrap_or_default(), error)).collect();
        let mut renderer = Renderer {
            messages,
            claimed: vec![false; errors.len()],
            anchors: vec![None; errors.len()],
            items: Vec::new(),
            options,
            out: String::new(),
        };
        if let Kind::Object(properties) = &self.root.kind {
            renderer.properties(properties, record, &[], Context::Root);
        }
        let body = std::mem::take(&mut renderer.out);
        let mut out = self.summary(&renderer);
        out.push_str(&body);
        out
    }

    /// Rebuilds a record from submitted `(name, value)` pairs, typed by the schema: empty values
    /// are omitted, numbers and yes/no parsed, lists rebuilt by index with gaps closed. A value
    /// that does not parse is kept as typed (so the form shows it again) and reported. Returns
    /// the record, the errors and the add or remove button that was pressed, if any.
    pub fn parse(&self, pairs: &[(String, String)]) -> (Value, Vec<FieldError>, Option<FormAction>) {
        let mut draft = Draft::Object(BTreeMap::new());
        let mut errors = Vec::new();
        let mut action: Option<(bool, Vec<Segment>)> = None;
        for (name, value) in pairs {
            if let Some(page_field) = name.strip_prefix('_') {
                let is_add = match page_field {
                    "add" => true,
                    "remove" => false,
                    _ => continue,
                };
                if let Some(segments) = parse_path(value) {
                    action = Some((is_add, segments));
                }
                continue;
            }
            if !self.insert(&mut draft, name, value) {
                errors.push(FieldError::error("$", format!("the form sent a field that is not part of the record: {name}")));
            }
        }
        let mut finisher = Finisher { errors: Vec::new(), renames: Vec::new() };
        let record = finisher.object(&self.root, draft, &mut Vec::new(), &mut Vec::new()).unwrap_or_else(|| Value::Object(Map::new()));
        errors.extend(finisher.errors);
        let action = action.and_then(|(is_add, segments)| self.action(is_add, &segments, &finisher.renames));
        (record, errors, action)
    }

    /// The form's lists and groups (features, courses, ...) as (element id, label), in form
    /// order, for a table of contents that saves a long way by Tab.
    pub fn sections(&self) -> Vec<(String, String)> {
        let Kind::Object(properties) = &self.root.kind else { return Vec::new() };
        properties
            .iter()
            .filter(|property| matches!(property.node.kind, Kind::Array { .. } | Kind::Object(_)))
            .map(|property| (element_id(&[Segment::Key(property.name.clone())]), label_for(&property.name)))
            .collect()
    }

    /// Every required field missing from the record or from a section it has (a course without
    /// its drug, a feature without its label), each beside its own field. The parser stops at
    /// the first; this lists them all before a save is attempted.
    pub fn missing_required(&self, record: &Value) -> Vec<FieldError> {
        let mut errors = Vec::new();
        collect_missing(&self.root, record, &mut Vec::new(), &mut errors);
        errors
    }

    /// Warnings about identifying data (names, dates of birth, record numbers, contact details)
    /// in the record's free-text fields: every string that is not an enumeration, a date, an
    /// identifier or otherwise restricted by a pattern. One warning per finding, at the field's
    /// path, with [`Level::Warning`].
    pub fn privacy_warnings(&self, record: &Value) -> Vec<FieldError> {
        let mut warnings = Vec::new();
        collect_privacy(&self.root, record, &mut Vec::new(), &mut warnings);
        warnings
    }

    /// The list at the top: every error with its place in words (linked to its field when it has
    /// one), then the warnings that belong to no field.
    fn summary(&self, renderer: &Renderer<'_>) -> String {
        let mut out = String::new();
        let errors: Vec<usize> = (0..renderer.messages.len()).filter(|&i| renderer.messages[i].1.level == Level::Error).collect();
        if !errors.is_empty() {
            let unplaced = errors.iter().filter(|&&i| !renderer.claimed[i]).count();
            out.push_str("<div class=\"form-errors\" role=\"alert\">\n<p>");
            out.push_str(&match (errors.len(), unplaced) {
                (1, _) => "There is a problem to fix:".to_string(),
                (count, _) => format!("There are {count} problems to fix:"),
            });
            out.push_str("</p>\n<ul>\n");
            // Problems that belong to no field first: they are shown nowhere else.
            let ordered = errors.iter().filter(|&&i| !renderer.claimed[i]).chain(errors.iter().filter(|&&i| renderer.claimed[i]));
            for &i in ordered {
                let (segments, error) = &renderer.messages[i];
                let place = escape_html(&self.path_in_words(segments));
                let message = escape_html(&error.message);
                match &renderer.anchors[i] {
                    Some(anchor) => {
                        let _ = writeln!(out, "<li><a href=\"#{anchor}\">{place}</a>: {message}</li>");
                    }
                    None => {
                        let _ = writeln!(out, "<li><span class=\"path\">{place}</span>: {message}</li>");
                    }
                }
            }
            out.push_str("</ul>\n</div>\n");
        }
        let notices: Vec<usize> =
            (0..renderer.messages.len()).filter(|&i| renderer.messages[i].1.level != Level::Error && !renderer.claimed[i]).collect();
        if !notices.is_empty() {
            out.push_str("<div class=\"form-warnings\" role=\"status\">\n<ul>\n");
            for i in notices {
                let (segments, warning) = &renderer.messages[i];
                let _ = writeln!(
                    out,
                    "<li><span class=\"path\">{}</span>: {}</li>",
                    escape_html(&self.path_in_words(segments)),
                    escape_html(&warning.message)
                );
            }
            out.push_str("</ul>\n</div>\n");
        }
        out
    }

    /// A path as a person reads it: `Course 2 › Dose › Value`.
    fn path_in_words(&self, segments: &[Segment]) -> String {
        if segments.is_empty() {
            return "The record as a whole".to_string();
        }
        let mut node = Some(&self.root);
        let mut words: Vec<String> = Vec::new();
        for (position, segment) in segments.iter().enumerate() {
            match (segment, node.map(|n| &n.kind)) {
                (Segment::Key(key), Some(Kind::Object(properties))) => {
                    let property = properties.iter().find(|p| &p.name == key);
                    node = property.map(|p| &p.node);
                    // A list followed by an index reads as its item: `Course 2`, not `Courses › Course 2`.
                    if !matches!(segments.get(position + 1), Some(Segment::Index(_))) || property.is_none() {
                        words.push(label_for(key));
                    }
                }
                (Segment::Index(index), Some(Kind::Array { item_noun, .. })) => {
                    words.push(format!("{} {}", capitalize(item_noun), index + 1));
                    node = match node.map(|n| &n.kind) {
                        Some(Kind::Array { items, .. }) => Some(items),
                        _ => None,
                    };
                }
                (Segment::Key(key), _) => {
                    words.push(label_for(key));
                    node = None;
                }
                (Segment::Index(index), _) => {
                    words.push(format!("item {}", index + 1));
                    node = None;
                }
            }
        }
        words.join(" › ")
    }

    /// Puts one submitted value into the draft, following the schema; false when the name is not
    /// a place of the record.
    fn insert(&self, draft: &mut Draft, name: &str, value: &str) -> bool {
        let value = value.replace("\r\n", "\n");
        let value = value.trim();
        let mut node = &self.root;
        let mut draft = draft;
        let mut parts = name.split('.').peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            match &node.kind {
                Kind::Object(properties) => {
                    let Some(property) = properties.iter().find(|p| p.name == part) else { return false };
                    let Draft::Object(children) = draft else { return false };
                    node = &property.node;
                    let child = children.entry(part.to_string()).or_insert_with(|| Draft::empty_for(&property.node));
                    if last {
                        return put_leaf(child, node, value);
                    }
                    draft = child;
                }
                Kind::Array { items, .. } => {
                    let Ok(index) = part.parse::<usize>() else { return false };
                    let Draft::Array { items: drafts, .. } = draft else { return false };
                    let child = drafts.entry(index).or_insert_with(|| Draft::empty_for(items));
                    node = items;
                    if last {
                        return put_leaf(child, node, value);
                    }
                    draft = child;
                }
                _ => return false,
            }
        }
        false
    }

    /// Checks a button's path against the schema and carries it over to the parsed record's
    /// indices (which close gaps).
    fn action(&self, is_add: bool, segments: &[Segment], renames: &[(Vec<Segment>, Option<Vec<Segment>>)]) -> Option<FormAction> {
        let target = node_at(&self.root, segments)?;
        let parent = node_at(&self.root, &segments[..segments.len().saturating_sub(1)]);
        let translated = translate(segments, renames)?;
        if is_add {
            let Kind::Array { items, .. } = &target.kind else { return None };
            let item = if matches!(items.kind, Kind::Object(_)) { Value::Object(Map::new()) } else { Value::Null };
            Some(FormAction::Add { path: json_path(&translated), item })
        } else {
            let is_item = matches!(segments.last(), Some(Segment::Index(_))) && matches!(parent.map(|p| &p.kind), Some(Kind::Array { .. }));
            is_item.then(|| FormAction::Remove { path: json_path(&translated) })
        }
    }
}

/// Carries out an add or remove button on a parsed record. A list left empty by a removal is
/// dropped, so that a list whose emptiness means "assessed, none" (adverse events) is never set
/// by removing items: that needs its checkbox. Paths that lead nowhere change nothing.
pub fn apply_action(record: &mut Value, action: &FormAction) {
    /// A form never needs more items than this in one list; it bounds what a request can grow.
    const MAX_ITEMS: usize = 1000;
    match action {
        FormAction::Add { path, item } => {
            let Some(segments) = parse_path(path) else { return };
            let Some((Segment::Key(key), parent_path)) = segments.split_last() else { return };
            let Some(Value::Object(parent)) = value_at_mut(record, parent_path) else { return };
            let list = parent.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list
                && items.len() < MAX_ITEMS
            {
                items.push(item.clone());
            }
        }
        FormAction::Remove { path } => {
            let Some(segments) = parse_path(path) else { return };
            let Some((Segment::Index(index), list_path)) = segments.split_last() else { return };
            let Some(Value::Array(items)) = value_at_mut(record, list_path) else { return };
            if *index < items.len() {
                items.remove(*index);
            }
            if items.is_empty()
                && let Some((Segment::Key(key), parent_path)) = list_path.split_last()
                && let Some(Value::Object(parent)) = value_at_mut(record, parent_path)
            {
                parent.remove(key);
            }
        }
    }
}

/// The domain's diagnostics (from `parse_patient_json` or `check_patient`) as field messages, so
/// that each appears beside its field: paths such as `courses[1].dose` become
/// `$.courses[1].dose`, and a location in the file (`line 3, column 5`) becomes the record as a
/// whole, with the location in the message. Errors stay errors; warnings and notes keep their
/// level.
pub fn field_errors_from_diagnostics(diagnostics: &[Diagnostic]) -> Vec<FieldError> {
    diagnostics.iter().map(|d| FieldError::new(d.level, d.path.clone(), d.message.clone())).collect()
}

/// The text an HPO input asks suggestions for: the `q` parameter if there is one, otherwise the
/// value of the parameter named by `field` (an HPO input sends its own `name=text` and
/// `field=name`).
pub fn hpo_search_text(query: &[(String, String)]) -> Option<&str> {
    if let Some((_, text)) = query.iter().find(|(name, _)| name == "q") {
        return Some(text);
    }
    let (_, field) = query.iter().find(|(name, _)| name == "field")?;
    query.iter().find(|(name, _)| name == field).map(|(_, text)| text.as_str())
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The schema as a tree of nodes.

#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    description: String,
}

#[derive(Debug, Clone)]
enum Kind {
    Object(Vec<Property>),
    Array {
        items: Box<Node>,
        /// What one item is called: `course`, `adverse event`.
        item_noun: String,
        /// The label of the checkbox that records an empty list, when `[]` means something.
        empty_means: Option<String>,
    },
    Text(TextKind),
    Choice(Vec<String>),
    Boolean,
    Number {
        integer: bool,
    },
    /// Free-form JSON kept as it is.
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TextKind {
    /// Single-line text; `privacy` when it may hold prose (no pattern restricts it).
    Line {
        privacy: bool,
    },
    /// Long free text: a textarea.
    Long,
    PartialDate,
    Hpo,
}

#[derive(Debug, Clone)]
struct Property {
    name: String,
    required: bool,
    node: Node,
    /// Choices that depend on another property of the same object (a lab's units on its
    /// analyte), from the schema's conditionals.
    choices_by_sibling: Option<SiblingChoices>,
}

/// The choices of a text property by the value of a sibling, from `allOf` members of the shape
/// `{"if": {"properties": {SIBLING: {"const": V}}}, "then": {"properties": {PROPERTY: {"enum": [...]}}}}`.
#[derive(Debug, Clone)]
struct SiblingChoices {
    sibling: String,
    by_value: Vec<(String, Vec<String>)>,
}

impl SiblingChoices {
    /// The choices when the sibling holds `value`; when it holds nothing (or a value without a
    /// rule), every choice of every value, in schema order.
    fn for_value(&self, value: Option<&str>) -> Vec<String> {
        if let Some((_, choices)) = self.by_value.iter().find(|(when, _)| Some(when.as_str()) == value) {
            return choices.clone();
        }
        let mut all: Vec<String> = Vec::new();
        for choice in self.by_value.iter().flat_map(|(_, choices)| choices) {
            if !all.contains(choice) {
                all.push(choice.clone());
            }
        }
        all
    }
}

/// The [`SiblingChoices`] of each property of an object schema, following `$ref`.
fn sibling_choices(schema: &Value, defs: &Map<String, Value>, depth: usize) -> Vec<(String, SiblingChoices)> {
    let mut found: Vec<(String, SiblingChoices)> = Vec::new();
    if depth > 32 {
        return found;
    }
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")).and_then(|name| defs.get(name))
    {
        found = sibling_choices(target, defs, depth + 1);
    }
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        let condition = member.pointer("/if/properties").and_then(Value::as_object);
        let consequence = member.pointer("/then/properties").and_then(Value::as_object);
        let (Some(condition), Some(consequence)) = (condition, consequence) else { continue };
        let [(sibling, test)] = condition.iter().collect::<Vec<_>>()[..] else { continue };
        let Some(when) = test.get("const").and_then(Value::as_str) else { continue };
        for (property, rule) in consequence {
            let Some(choices) = rule.get("enum").and_then(Value::as_array) else { continue };
            let choices = choices.iter().filter_map(Value::as_str).map(str::to_string).collect();
            let position = match found.iter().position(|(name, rules)| name == property && &rules.sibling == sibling) {
                Some(position) => position,
                None => {
                    found.push((property.clone(), SiblingChoices { sibling: sibling.clone(), by_value: Vec::new() }));
                    found.len() - 1
                }
            };
            found[position].1.by_value.push((when.to_string(), choices));
        }
    }
    found
}

/// The schema with `$ref` and `allOf` merged in, local keys winning, and the name of the last
/// definition referred to.
fn resolve(schema: &Value, defs: &Map<String, Value>, depth: usize) -> (Map<String, Value>, Option<String>) {
    let mut merged = Map::new();
    let mut definition = None;
    let Some(object) = schema.as_object() else { return (merged, None) };
    if depth > 32 {
        return (merged, None);
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str)
        && let Some(name) = reference.strip_prefix("#/$defs/")
        && let Some(target) = defs.get(name)
    {
        // The outermost definition names the value: a property `{"$ref": "#/$defs/hpoId"}`.
        let (resolved, _) = resolve(target, defs, depth + 1);
        overlay(&mut merged, &resolved);
        definition = Some(name.to_string());
    }
    for member in object.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        if member.get("if").is_some() {
            continue;
        }
        let (resolved, inner) = resolve(member, defs, depth + 1);
        overlay(&mut merged, &resolved);
        definition = definition.or(inner);
    }
    let local: Map<String, Value> =
        object.iter().filter(|(key, _)| *key != "$ref" && *key != "allOf").map(|(k, v)| (k.clone(), v.clone())).collect();
    overlay(&mut merged, &local);
    (merged, definition)
}

/// Lays `top` over `base`; `properties` are merged property by property.
fn overlay(base: &mut Map<String, Value>, top: &Map<String, Value>) {
    for (key, value) in top {
        match (key.as_str(), base.get_mut(key), value) {
            ("properties", Some(Value::Object(base_properties)), Value::Object(top_properties)) => {
                for (name, schema) in top_properties {
                    match (base_properties.get_mut(name), schema) {
                        (Some(Value::Object(base_schema)), Value::Object(top_schema)) => overlay(base_schema, top_schema),
                        _ => {
                            base_properties.insert(name.clone(), schema.clone());
                        }
                    }
                }
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn build_node(schema: &Value, defs: &Map<String, Value>, name: &str) -> Node {
    let (merged, definition) = resolve(schema, defs, 0);
    let description = merged.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    let text = |key: &str| merged.get(key).and_then(Value::as_str);
    let kind = match text("type") {
        Some("object") => match merged.get("properties").and_then(Value::as_object) {
            Some(properties) => {
                let required: Vec<&str> =
                    merged.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                // An object with a free-form JSON property (`sourceDocument.content`) is kept whole.
                let holds_free_form = properties.values().any(|schema| {
                    let (resolved, _) = resolve(schema, defs, 0);
                    resolved.get("type").and_then(Value::as_str) == Some("object") && !resolved.contains_key("properties")
                });
                let mut by_sibling = sibling_choices(schema, defs, 0);
                let properties: Vec<Property> = properties
                    .iter()
                    .map(|(name, schema)| Property {
                        name: name.clone(),
                        required: required.contains(&name.as_str()),
                        node: build_node(schema, defs, name),
                        choices_by_sibling: by_sibling
                            .iter()
                            .position(|(property, _)| property == name)
                            .map(|at| by_sibling.swap_remove(at).1),
                    })
                    .collect();
                if holds_free_form { Kind::Opaque } else { Kind::Object(properties) }
            }
            None => Kind::Opaque,
        },
        Some("array") => {
            let items_schema = merged.get("items").cloned().unwrap_or(Value::Null);
            let items = build_node(&items_schema, defs, name);
            let item_description = items_schema.get("description").and_then(Value::as_str).unwrap_or_default();
            Kind::Array { items: Box::new(items), item_noun: item_noun(name, item_description), empty_means: empty_means(&description) }
        }
        Some("string") => {
            let pattern = text("pattern");
            if let Some(choices) = merged.get("enum").and_then(Value::as_array) {
                Kind::Choice(choices.iter().filter_map(Value::as_str).map(str::to_string).collect())
            } else if definition.as_deref() == Some("partialDate") {
                Kind::Text(TextKind::PartialDate)
            } else if definition.as_deref() == Some("hpoId") || pattern.is_some_and(|p| p.starts_with("^HP:")) {
                Kind::Text(TextKind::Hpo)
            } else if is_long_text(name, &description, merged.contains_key("maxLength")) {
                Kind::Text(TextKind::Long)
            } else {
                Kind::Text(TextKind::Line { privacy: pattern.is_none_or(|p| p == "\\S") })
            }
        }
        Some("boolean") => Kind::Boolean,
        Some("number") => Kind::Number { integer: false },
        Some("integer") => Kind::Number { integer: true },
        _ => Kind::Opaque,
    };
    Node { kind, description }
}

/// Long free text: no `maxLength`, and a name with `note` or `comment`, or `causeOfDeath`, or a
/// description that says "free text".
fn is_long_text(name: &str, description: &str, has_max_length: bool) -> bool {
    let name = name.to_lowercase();
    let description = description.to_lowercase();
    !has_max_length
        && (name.contains("note")
            || name.contains("comment")
            || name == "causeofdeath"
            || description.contains("free text")
            || description.contains("free-text"))
}

/// What one item of a list is called: from the item's description when it is short ("One
/// course." → `course`), otherwise the list's name made singular.
fn item_noun(list_name: &str, item_description: &str) -> String {
    let trimmed = item_description.trim().trim_end_matches('.');
    for article in ["One ", "A ", "An "] {
        if let Some(rest) = trimmed.strip_prefix(article)
            && !rest.is_empty()
            && rest.split_whitespace().count() <= 3
        {
            return rest.to_string();
        }
    }
    let words = label_for(list_name).to_lowercase();
    if let Some(stem) = words.strip_suffix("ies") { format!("{stem}y") } else { words.strip_suffix('s').unwrap_or(&words).to_string() }
}

/// The label of the "empty list" checkbox, from a description such as "[] means assessed and
/// none occurred; ...".
fn empty_means(description: &str) -> Option<String> {
    let (_, rest) = description.split_once("[] means ")?;
    let meaning = rest.split([';', '.']).next()?.trim();
    (!meaning.is_empty()).then(|| capitalize(meaning))
}

/// A property name in words: `definitiveTherapies` → "Definitive therapies", with a few
/// acronyms and units spelled the way clinicians write them.
pub(crate) fn label_for(name: &str) -> String {
    const WHOLE: &[(&str, &str)] = &[
        ("hgvsC", "HGVS c."),
        ("hgvsP", "HGVS p."),
        ("cd34PerKgMillions", "CD34+ cells (millions per kg)"),
        ("kg", "Weight (kg)"),
        ("ageMonths", "Age (months)"),
        ("lastFollowUp", "Last follow-up"),
        ("symptomOnsetAgeMonths", "Symptom onset: age (months)"),
        ("lastFollowUpAgeMonths", "Last follow-up: age (months)"),
        ("percentDonor", "Donor cells (%)"),
        ("waspPositive", "WASP-positive cells (%)"),
        ("vcnPerCell", "VCN per cell"),
        ("id", "ID"),
    ];
    const WORDS: &[(&str, &str)] = &[
        ("hgvs", "HGVS"),
        ("vcn", "VCN"),
        ("wasp", "WASP"),
        ("hla", "HLA"),
        ("gvhd", "GVHD"),
        ("hpo", "HPO"),
        ("id", "ID"),
        ("zhu", "Zhu"),
    ];
    if let Some((_, label)) = WHOLE.iter().find(|(key, _)| *key == name) {
        return label.to_string();
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    let words: Vec<String> =
        words.into_iter().map(|word| WORDS.iter().find(|(key, _)| *key == word).map_or(word, |(_, spelled)| spelled.to_string())).collect();
    capitalize(&words.join(" "))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

// ---------------------------------------------------------------------------------------------
// Paths.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Reads a path in either syntax: `$.courses[0].dose`, `courses[0].dose`, `courses.0.dose`,
/// `$` or an empty path (the record). `None` for text that is not a path (`line 3, column 5`).
fn parse_path(path: &str) -> Option<Vec<Segment>> {
    let path = path.trim();
    let rest = path.strip_prefix('$').unwrap_or(path);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let mut segments = Vec::new();
    if rest.is_empty() {
        return Some(segments);
    }
    for part in rest.split('.') {
        let (key, indices) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            if key.chars().all(|c| c.is_ascii_digit()) {
                segments.push(Segment::Index(key.parse().ok()?));
            } else if key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                segments.push(Segment::Key(key.to_string()));
            } else {
                return None;
            }
        } else if indices.is_empty() {
            return None;
        }
        let mut indices = indices;
        while let Some(inner) = indices.strip_prefix('[') {
            let (number, after) = inner.split_once(']')?;
            segments.push(Segment::Index(number.parse().ok()?));
            indices = after;
        }
        if !indices.is_empty() {
            return None;
        }
    }
    Some(segments)
}

/// `$.courses[0].dose.value`.
fn json_path(segments: &[Segment]) -> String {
    let mut path = String::from("$");
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Segment::Index(index) => {
                let _ = write!(path, "[{index}]");
            }
        }
    }
    path
}

/// `courses[0].dose`: a button's value.
fn button_path(segments: &[Segment]) -> String {
    json_path(segments).trim_start_matches('$').trim_start_matches('.').to_string()
}

/// `courses.0.dose.value`: an input's name.
fn input_name(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => key.clone(),
            Segment::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// `f-courses-0-dose-value`: an element's id.
fn element_id(segments: &[Segment]) -> String {
    let name = input_name(segments);
    let mut id = String::from("f-");
    id.extend(name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }));
    id
}

fn node_at<'n>(root: &'n Node, segments: &[Segment]) -> Option<&'n Node> {
    let mut node = root;
    for segment in segments {
        node = match (&node.kind, segment) {
            (Kind::Object(properties), Segment::Key(key)) => &properties.iter().find(|p| &p.name == key)?.node,
            (Kind::Array { items, .. }, Segment::Index(_)) => items,
            _ => return None,
        };
    }
    Some(node)
}

fn value_at_mut<'v>(record: &'v mut Value, segments: &[Segment]) -> Option<&'v mut Value> {
    let mut value = record;
    for segment in segments {
        value = match (value, segment) {
            (Value::Object(map), Segment::Key(key)) => map.get_mut(key)?,
            (Value::Array(items), Segment::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Carries a submitted path over to the parsed record, whose lists close gaps: each list item on
/// the way must have been submitted and kept. A button about an item that was submitted empty
/// and dropped, or never submitted, leads nowhere (`None`).
fn translate(segments: &[Segment], renames: &[(Vec<Segment>, Option<Vec<Segment>>)]) -> Option<Vec<Segment>> {
    let mut translated: Vec<Segment> = Vec::new();
    for (position, segment) in segments.iter().enumerate() {
        if let Segment::Index(_) = segment {
            let original = &segments[..=position];
            let renamed = renames.iter().find(|(from, _)| from == original).map(|(_, to)| to.clone());
            match renamed {
                Some(Some(to)) => translated = to,
                // Dropped, or never submitted: adding below it or removing it means nothing now.
                _ => return None,
            }
        } else {
            translated.push(segment.clone());
        }
    }
    Some(translated)
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/// Where a field sits, which decides whether "required" is enforced.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Context<'c> {
    /// A property of the record itself.
    Root,
    /// A property of a list item, which exists once added.
    Item,
    /// A property of an optional object (a dose, a response): required only when that object is
    /// given, and named by its label.
    Optional(&'c str),
}

struct Renderer<'r> {
    messages: Vec<(Vec<Segment>, &'r FieldError)>,
    claimed: Vec<bool>,
    /// The id of the field each message was shown beside.
    anchors: Vec<Option<String>>,
    /// The list items being rendered, innermost last: `course 2`.
    items: Vec<String>,
    options: &'r RenderOptions,
    out: String,
}

/// The ids of the messages shown beside one field, for its `aria-describedby`.
struct Described {
    ids: Vec<String>,
    invalid: bool,
    html: String,
}

impl Renderer<'_> {
    /// Claims the messages for the field at `segments` (exactly there, or also anywhere under it
    /// for a single input) and renders them as paragraphs.
    fn messages_for(&mut self, segments: &[Segment], id: &str, include_below: bool) -> Described {
        let mut by_level: BTreeMap<u8, Vec<String>> = BTreeMap::new();
        for (index, (path, message)) in self.messages.iter().enumerate() {
            let here = path.as_slice() == segments || (include_below && path.len() > segments.len() && path.starts_with(segments));
            if here && !self.claimed[index] {
                self.claimed[index] = true;
                self.anchors[index] = Some(id.to_string());
                let rank = match message.level {
                    Level::Error => 0,
                    Level::Warning => 1,
                    Level::Note => 2,
                };
                by_level.entry(rank).or_default().push(message.message.clone());
            }
        }
        let mut described = Described { ids: Vec::new(), invalid: false, html: String::new() };
        for (rank, messages) in by_level {
            let (class, suffix) = match rank {
                0 => ("field-error", "error"),
                1 => ("field-warning", "warning"),
                _ => ("field-note", "note"),
            };
            described.invalid |= rank == 0;
            let message_id = format!("{id}-{suffix}");
            let text: Vec<String> = messages.iter().map(|m| escape_html(m)).collect();
            let _ = writeln!(described.html, "<p class=\"{class}\" id=\"{message_id}\">{}</p>", text.join("<br>"));
            described.ids.push(message_id);
        }
        described
    }

    fn properties(&mut self, properties: &[Property], value: &Value, segments: &[Segment], context: Context<'_>) {
        for property in properties {
            let mut path = segments.to_vec();
            path.push(Segment::Key(property.name.clone()));
            let child = value.get(&property.name).unwrap_or(&Value::Null);
            let required = match context {
                Context::Root | Context::Item => Required::Always(property.required),
                Context::Optional(owner) => {
                    if property.required {
                        Required::With(owner)
                    } else {
                        Required::Always(false)
                    }
                }
            };
            let label = label_for(&property.name);
            match &property.choices_by_sibling {
                // A lab's unit is chosen among its analyte's units (all units until the analyte is).
                Some(rules) => {
                    let choices = rules.for_value(value.get(&rules.sibling).and_then(Value::as_str));
                    let node = Node { kind: Kind::Choice(choices), description: property.node.description.clone() };
                    self.node(&node, child, &path, &label, required, &node.description);
                }
                None => self.node(&property.node, child, &path, &label, required, &property.node.description),
            }
        }
    }

    fn node(&mut self, node: &Node, value: &Value, segments: &[Segment], label: &str, required: Required<'_>, description: &str) {
        match &node.kind {
            Kind::Object(properties) => {
                let id = element_id(segments);
                let described = self.messages_for(segments, &id, false);
                let help = self.help(&id, description, label);
                self.open_fieldset("group", &id, label, &help, &described);
                let context = match required {
                    Required::Always(true) => Context::Item,
                    _ => Context::Optional(label),
                };
                self.properties(properties, value, segments, context);
                self.out.push_str("</fieldset>\n");
            }
            Kind::Array { .. } => self.list(node, value, segments, label, description),
            Kind::Opaque => self.opaque(value, segments, label, description),
            _ => self.field(node, value, segments, label, required, description),
        }
    }

    fn open_fieldset(&mut self, class: &str, id: &str, legend: &str, help: &Option<(String, String)>, described: &Described) {
        let mut ids: Vec<String> = help.iter().map(|(help_id, _)| help_id.clone()).collect();
        ids.extend(described.ids.iter().cloned());
        let describedby = if ids.is_empty() { String::new() } else { format!(" aria-describedby=\"{}\"", ids.join(" ")) };
        let _ = writeln!(self.out, "<fieldset class=\"{class}\" id=\"{id}\"{describedby}>\n<legend>{}</legend>", escape_html(legend));
        if let Some((_, html)) = help {
            self.out.push_str(html);
        }
        self.out.push_str(&described.html);
    }

    /// The help paragraph, unless the description only repeats the label ("Sex.").
    fn help(&self, id: &str, description: &str, label: &str) -> Option<(String, String)> {
        let plain = description.trim().trim_end_matches('.');
        if plain.is_empty() || plain.eq_ignore_ascii_case(label) {
            return None;
        }
        let help_id = format!("{id}-help");
        let html = format!("<p class=\"help\" id=\"{help_id}\">{}</p>\n", escape_html(description.trim()));
        Some((help_id, html))
    }

    fn list(&mut self, node: &Node, value: &Value, segments: &[Segment], label: &str, description: &str) {
        let Kind::Array { items, item_noun: noun, empty_means } = &node.kind else { return };
        let id = element_id(segments);
        let described = self.messages_for(segments, &id, false);
        let help = self.help(&id, description, label);
        self.open_fieldset("repeat", &id, label, &help, &described);
        let values: &[Value] = value.as_array().map_or(&[], Vec::as_slice);
        // Inside a list item, buttons name the item too, so that each is unique on the page.
        let owner = self.items.last().cloned();
        if let Some(meaning) = empty_means
            && values.is_empty()
        {
            let checkbox_id = format!("{id}-assessed");
            let checked = if value.is_array() { " checked" } else { "" };
            let _ = writeln!(
                self.out,
                "<div class=\"field checkbox\"><input type=\"checkbox\" id=\"{checkbox_id}\" name=\"{}\" value=\"assessed\"{checked}> <label for=\"{checkbox_id}\">{}</label></div>",
                escape_html(&input_name(segments)),
                escape_html(meaning)
            );
        }
        for (index, item) in values.iter().enumerate() {
            let mut path = segments.to_vec();
            path.push(Segment::Index(index));
            let item_label = format!("{} {}", capitalize(noun), index + 1);
            let remove = format!(
                "<button type=\"submit\" name=\"_remove\" value=\"{}\" formnovalidate class=\"remove\">Remove {} {}{}</button>\n",
                escape_html(&button_path(&path)),
                escape_html(noun),
                index + 1,
                escape_html(&owner.as_ref().map(|o| format!(" of {o}")).unwrap_or_default())
            );
            match &items.kind {
                Kind::Object(properties) => {
                    let item_id = element_id(&path);
                    let item_described = self.messages_for(&path, &item_id, false);
                    self.open_fieldset("item", &item_id, &item_label, &None, &item_described);
                    self.items.push(format!("{noun} {}", index + 1));
                    self.properties(properties, item, &path, Context::Item);
                    self.items.pop();
                    self.out.push_str(&remove);
                    self.out.push_str("</fieldset>\n");
                }
                _ => {
                    self.field_with_button(items, item, &path, &item_label, &remove);
                }
            }
        }
        let _ = writeln!(
            self.out,
            "<button type=\"submit\" name=\"_add\" value=\"{}\" formnovalidate class=\"add\">Add {} {}{}</button>",
            escape_html(&button_path(segments)),
            article(noun),
            escape_html(noun),
            escape_html(&owner.map(|o| format!(" to {o}")).unwrap_or_default())
        );
        self.out.push_str("</fieldset>\n");
    }

    fn opaque(&mut self, value: &Value, segments: &[Segment], label: &str, description: &str) {
        if value.is_null() {
            return;
        }
        let id = element_id(segments);
        let described = self.messages_for(segments, &id, true);
        let format = value.get("format").and_then(Value::as_str).map(|f| format!(" ({})", escape_html(f))).unwrap_or_default();
        let help = self.help(&id, description, label);
        let _ = writeln!(self.out, "<div class=\"field kept\" id=\"{id}-field\">");
        let _ = writeln!(self.out, "<p><strong>{}</strong>{format}: kept as imported, not editable here</p>", escape_html(label));
        if let Some((_, html)) = help {
            self.out.push_str(&html);
        }
        self.out.push_str(&described.html);
        // The JSON text itself when the form sent back something that did not parse.
        let json = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let _ = writeln!(
            self.out,
            "<input type=\"hidden\" id=\"{id}\" name=\"{}\" value=\"{}\">\n</div>",
            escape_html(&input_name(segments)),
            escape_html(&json)
        );
    }

    fn field(&mut self, node: &Node, value: &Value, segments: &[Segment], label: &str, required: Required<'_>, description: &str) {
        let id = element_id(segments);
        let described = self.messages_for(segments, &id, true);
        let help = self.help(&id, description, label);
        let marker = match required {
            Required::Always(true) => " <span class=\"required\">(required)</span>".to_string(),
            Required::With(owner) => {
                let owner = owner.to_lowercase();
                format!(" <span class=\"required\">(required with {} {})</span>", article(&owner), escape_html(&owner))
            }
            Required::Always(false) => String::new(),
        };
        let invalid_class = if described.invalid { " invalid" } else { "" };
        let _ = writeln!(self.out, "<div class=\"field{invalid_class}\" id=\"{id}-field\">");
        let _ = writeln!(self.out, "<label for=\"{id}\">{}{marker}</label>", escape_html(label));
        if let Some((_, html)) = &help {
            self.out.push_str(html);
        }
        self.out.push_str(&described.html);
        let mut ids: Vec<String> = help.iter().map(|(help_id, _)| help_id.clone()).collect();
        ids.extend(described.ids.iter().cloned());
        let attributes = Attributes {
            id: &id,
            name: input_name(segments),
            describedby: ids,
            invalid: described.invalid,
            required: required == Required::Always(true),
        };
        self.control(node, value, &attributes, label);
        self.out.push_str("</div>\n");
    }

    /// A single value of a list, with its remove button after the input (and after the HPO
    /// suggestions, which must follow the input directly).
    fn field_with_button(&mut self, node: &Node, value: &Value, segments: &[Segment], label: &str, button: &str) {
        let id = element_id(segments);
        let described = self.messages_for(segments, &id, true);
        let invalid_class = if described.invalid { " invalid" } else { "" };
        let _ = writeln!(self.out, "<div class=\"field item{invalid_class}\" id=\"{id}-field\">");
        let _ = writeln!(self.out, "<label for=\"{id}\">{}</label>", escape_html(label));
        self.out.push_str(&described.html);
        let attributes = Attributes {
            id: &id,
            name: input_name(segments),
            describedby: described.ids.clone(),
            invalid: described.invalid,
            required: false,
        };
        self.control(node, value, &attributes, label);
        self.out.push_str(button);
        self.out.push_str("</div>\n");
    }

    fn control(&mut self, node: &Node, value: &Value, attributes: &Attributes<'_>, label: &str) {
        let common = attributes.html();
        let text = scalar_text(value);
        match &node.kind {
            Kind::Choice(choices) => {
                let mut options: Vec<(String, String)> = choices.iter().map(|c| (c.clone(), choice_words(c))).collect();
                if !text.is_empty() && !choices.contains(&text) {
                    options.push((text.clone(), format!("{text} (not one of the choices)")));
                }
                self.select(&common, attributes.required, &text, &options);
            }
            Kind::Boolean => {
                let current = match value {
                    Value::Bool(true) => "yes".to_string(),
                    Value::Bool(false) => "no".to_string(),
                    _ => text.clone(),
                };
                let mut options = vec![("yes".to_string(), "Yes".to_string()), ("no".to_string(), "No".to_string())];
                if !current.is_empty() && current != "yes" && current != "no" {
                    options.push((current.clone(), format!("{current} (not yes or no)")));
                }
                self.select(&common, attributes.required, &current, &options);
            }
            Kind::Number { integer } => {
                let mode = if *integer { "numeric" } else { "decimal" };
                let _ = writeln!(self.out, "<input type=\"text\" inputmode=\"{mode}\"{common} value=\"{}\">", escape_html(&text));
            }
            Kind::Text(TextKind::Long) => {
                // The newline after the tag is dropped by HTML parsers, so a value that starts
                // with one keeps it.
                let _ = writeln!(self.out, "<textarea rows=\"3\"{common}>\n{}</textarea>", escape_html(&text));
            }
            Kind::Text(TextKind::PartialDate) => {
                let _ = writeln!(
                    self.out,
                    "<input type=\"text\"{common} value=\"{}\" placeholder=\"YYYY, YYYY-MM or YYYY-MM-DD\" pattern=\"{}\" autocomplete=\"off\">",
                    escape_html(&text),
                    escape_html(PARTIAL_DATE_PATTERN)
                );
            }
            Kind::Text(TextKind::Hpo) => {
                let mut htmx = String::new();
                if self.options.htmx {
                    let vals = format!("{{\"field\": \"{}\"}}", attributes.name);
                    htmx = format!(
                        " hx-get=\"{}\" hx-trigger=\"input changed delay:250ms\" hx-target=\"next .hpo-suggestions\" hx-vals=\"{}\" aria-controls=\"{}-suggestions\"",
                        escape_html(&self.options.hpo_search_url),
                        escape_html(&vals),
                        attributes.id
                    );
                }
                let _ = writeln!(
                    self.out,
                    "<input type=\"text\" class=\"hpo-input\"{common} value=\"{}\" placeholder=\"HP:0000964, or words to search\" autocomplete=\"off\"{htmx}>",
                    escape_html(&text)
                );
                if self.options.htmx {
                    let _ = writeln!(
                        self.out,
                        "<div class=\"hpo-suggestions\" role=\"listbox\" id=\"{}-suggestions\" aria-label=\"HPO terms matching {}\"></div>",
                        attributes.id,
                        escape_html(&label.to_lowercase())
                    );
                }
            }
            Kind::Text(TextKind::Line { .. }) | Kind::Object(_) | Kind::Array { .. } | Kind::Opaque => {
                let _ = writeln!(self.out, "<input type=\"text\"{common} value=\"{}\">", escape_html(&text));
            }
        }
    }

    fn select(&mut self, common: &str, required: bool, current: &str, options: &[(String, String)]) {
        let _ = writeln!(self.out, "<select{common}>");
        if !required {
            let selected = if current.is_empty() { " selected" } else { "" };
            let _ = writeln!(self.out, "<option value=\"\"{selected}>Not recorded</option>");
        } else if current.is_empty() {
            // A required choice not made yet: an empty first option, so nothing is chosen silently.
            self.out.push_str("<option value=\"\" selected>Choose…</option>\n");
        }
        for (value, label) in options {
            let selected = if value == current { " selected" } else { "" };
            let _ = writeln!(self.out, "<option value=\"{}\"{selected}>{}</option>", escape_html(value), escape_html(label));
        }
        self.out.push_str("</select>\n");
    }
}

/// A choice as the person entering reads it: `before-definitive-therapy` → "before definitive
/// therapy", a schedule code with its words (`qd` → "qd (once daily)"). The value sent stays the
/// code.
fn choice_words(value: &str) -> String {
    match casebook_domain::drug::Frequency::parse(value) {
        Ok(frequency) if frequency.label() != value => format!("{value} ({})", frequency.label()),
        _ => value.replace('-', " "),
    }
}

/// The partial-date pattern of the schema, without anchors (the `pattern` attribute anchors).
const PARTIAL_DATE_PATTERN: &str = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Required<'o> {
    /// Required (or not) wherever the field is.
    Always(bool),
    /// Required when the optional object named here is given.
    With(&'o str),
}

struct Attributes<'a> {
    id: &'a str,
    name: String,
    describedby: Vec<String>,
    invalid: bool,
    required: bool,
}

impl Attributes<'_> {
    fn html(&self) -> String {
        let mut html = format!(" id=\"{}\" name=\"{}\"", self.id, escape_html(&self.name));
        if !self.describedby.is_empty() {
            let _ = write!(html, " aria-describedby=\"{}\"", self.describedby.join(" "));
        }
        if self.invalid {
            html.push_str(" aria-invalid=\"true\"");
        }
        if self.required {
            html.push_str(" required");
        }
        html
    }
}

/// The text of a single value as typed: strings as they are, numbers as JSON writes them.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// The record being rebuilt from the submitted pairs, before lists close their gaps.
#[derive(Debug)]
enum Draft {
    Object(BTreeMap<String, Draft>),
    Array {
        items: BTreeMap<usize, Draft>,
        /// The "assessed, none" checkbox was ticked.
        marked: bool,
    },
    /// A single value, with the error of a value kept as typed.
    Leaf(Value, Option<String>),
    /// Submitted empty.
    Empty,
}

impl Draft {
    fn empty_for(node: &Node) -> Draft {
        match node.kind {
            Kind::Object(_) => Draft::Object(BTreeMap::new()),
            Kind::Array { .. } => Draft::Array { items: BTreeMap::new(), marked: false },
            _ => Draft::Empty,
        }
    }
}

/// Types one submitted value by its schema node.
fn put_leaf(draft: &mut Draft, node: &Node, value: &str) -> bool {
    match &node.kind {
        Kind::Array { .. } => {
            if let Draft::Array { marked, .. } = draft {
                *marked |= !value.is_empty();
            }
            true
        }
        Kind::Object(_) => false,
        _ if value.is_empty() => true,
        kind => {
            *draft = match kind {
                Kind::Number { integer } => match parse_number(value, *integer) {
                    Ok(number) => Draft::Leaf(number, None),
                    Err(message) => Draft::Leaf(Value::String(value.to_string()), Some(message)),
                },
                Kind::Boolean => match value.to_lowercase().as_str() {
                    "yes" | "true" => Draft::Leaf(Value::Bool(true), None),
                    "no" | "false" => Draft::Leaf(Value::Bool(false), None),
                    _ => Draft::Leaf(Value::String(value.to_string()), Some("choose yes or no".to_string())),
                },
                Kind::Opaque => match serde_json::from_str::<Value>(value) {
                    Ok(json) => Draft::Leaf(json, None),
                    Err(_) => Draft::Leaf(
                        Value::String(value.to_string()),
                        Some("the imported document did not come back intact from the form; reload the record before saving".to_string()),
                    ),
                },
                _ => Draft::Leaf(Value::String(value.to_string()), None),
            };
            true
        }
    }
}

/// A number as typed: JSON's syntax (so `2`, `2.0` and `1e3` keep their form), or a decimal
/// such as `.5`; whole numbers for integer fields.
fn parse_number(text: &str, integer: bool) -> Result<Value, String> {
    let parsed = serde_json::from_str::<serde_json::Number>(text).ok().or_else(|| {
        let plain = text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
        text.parse::<f64>().ok().filter(|n| plain && n.is_finite()).and_then(serde_json::Number::from_f64)
    });
    match parsed {
        Some(number) if !integer || number.is_i64() || number.is_u64() => Ok(Value::Number(number)),
        Some(_) => Err("enter a whole number, e.g. 3".to_string()),
        None if text.contains(',') && text.replace(',', ".").parse::<f64>().is_ok() => {
            Err(if integer { "enter a whole number, e.g. 3".to_string() } else { "use a point for decimals, e.g. 2.5".to_string() })
        }
        None if integer => Err("enter a whole number, e.g. 3".to_string()),
        None => Err("enter a number, e.g. 2.5".to_string()),
    }
}

/// Turns the draft into the record, closing gaps in lists, and reports the values kept as typed
/// at their final paths.
struct Finisher {
    errors: Vec<FieldError>,
    /// Submitted list item paths and where they ended up (`None`: dropped as empty).
    renames: Vec<(Vec<Segment>, Option<Vec<Segment>>)>,
}

impl Finisher {
    /// The object's value; `None` when nothing in it was filled in.
    fn object(&mut self, node: &Node, draft: Draft, original: &mut Vec<Segment>, path: &mut Vec<Segment>) -> Option<Value> {
        let (Kind::Object(properties), Draft::Object(mut children)) = (&node.kind, draft) else { return None };
        let mut map = Map::new();
        for property in properties {
            let Some(child) = children.remove(&property.name) else { continue };
            original.push(Segment::Key(property.name.clone()));
            path.push(Segment::Key(property.name.clone()));
            if let Some(value) = self.value(&property.node, child, original, path) {
                map.insert(property.name.clone(), value);
            }
            original.pop();
            path.pop();
        }
        (!map.is_empty()).then_some(Value::Object(map))
    }

    fn value(&mut self, node: &Node, draft: Draft, original: &mut Vec<Segment>, path: &mut Vec<Segment>) -> Option<Value> {
        match draft {
            Draft::Object(_) => self.object(node, draft, original, path),
            Draft::Array { items, marked } => {
                let Kind::Array { items: item_node, .. } = &node.kind else { return None };
                let mut values = Vec::new();
                for (index, item) in items {
                    original.push(Segment::Index(index));
                    path.push(Segment::Index(values.len()));
                    let value = match item {
                        // A list item exists once added, even before anything is typed in it.
                        Draft::Object(_) => Some(self.object(item_node, item, original, path).unwrap_or_else(|| Value::Object(Map::new()))),
                        other => self.value(item_node, other, original, path),
                    };
                    self.renames.push((original.clone(), value.as_ref().map(|_| path.clone())));
                    if let Some(value) = value {
                        values.push(value);
                    }
                    original.pop();
                    path.pop();
                }
                (marked || !values.is_empty()).then_some(Value::Array(values))
            }
            Draft::Leaf(value, error) => {
                if let Some(message) = error {
                    self.errors.push(FieldError::error(json_path(path), message));
                }
                Some(value)
            }
            Draft::Empty => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Privacy.

/// Each required property missing from an object the record has, as an error on the property's
/// own path.
fn collect_missing(node: &Node, value: &Value, path: &mut Vec<Segment>, errors: &mut Vec<FieldError>) {
    match (&node.kind, value) {
        (Kind::Object(properties), Value::Object(map)) => {
            for property in properties {
                path.push(Segment::Key(property.name.clone()));
                match map.get(&property.name) {
                    None | Some(Value::Null) if property.required => {
                        errors.push(FieldError::error(json_path(path), format!("{} is required", label_for(&property.name))));
                    }
                    Some(child) => collect_missing(&property.node, child, path, errors),
                    _ => {}
                }
                path.pop();
            }
        }
        (Kind::Array { items, .. }, Value::Array(values)) => {
            for (index, child) in values.iter().enumerate() {
                path.push(Segment::Index(index));
                collect_missing(items, child, path, errors);
                path.pop();
            }
        }
        _ => {}
    }
}

fn collect_privacy(node: &Node, value: &Value, path: &mut Vec<Segment>, warnings: &mut Vec<FieldError>) {
    match (&node.kind, value) {
        (Kind::Object(properties), Value::Object(map)) => {
            for property in properties {
                if let Some(child) = map.get(&property.name) {
                    path.push(Segment::Key(property.name.clone()));
                    collect_privacy(&property.node, child, path, warnings);
                    path.pop();
                }
            }
        }
        (Kind::Array { items, .. }, Value::Array(values)) => {
            for (index, child) in values.iter().enumerate() {
                path.push(Segment::Index(index));
                collect_privacy(items, child, path, warnings);
                path.pop();
            }
        }
        (Kind::Text(TextKind::Long | TextKind::Line { privacy: true }), Value::String(text)) => {
            for warning in identifying_data_warnings(text) {
                warnings.push(FieldError::warning(json_path(path), warning.message()));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::form::{FormSchema, Segment, element_id, input_name, json_path, label_for, parse_number, parse_path};

    #[test]
    fn stored_choices_read_as_words_and_other_texts_as_stored() {
        let schema = FormSchema::patient();
        assert_eq!(schema.value_in_words("$.courses[2].phase", "before-definitive-therapy"), "before definitive therapy");
        assert_eq!(schema.value_in_words("$.courses[0].frequency", "qd"), "qd (once daily)");
        // Not one of the choices (an old record), and a text that is not a choice at all.
        assert_eq!(schema.value_in_words("$.courses[0].phase", "some-other-phase"), "some-other-phase");
        assert_eq!(schema.value_in_words("$.pseudonym", "WAS-IT1-01"), "WAS-IT1-01");
    }

    #[test]
    fn paths_read_in_every_syntax() {
        let expected = vec![Segment::Key("courses".into()), Segment::Index(0), Segment::Key("dose".into()), Segment::Key("value".into())];
        for text in ["$.courses[0].dose.value", "courses[0].dose.value", "courses.0.dose.value"] {
            assert_eq!(parse_path(text).as_ref(), Some(&expected), "{text}");
        }
        assert_eq!(json_path(&expected), "$.courses[0].dose.value");
        assert_eq!(input_name(&expected), "courses.0.dose.value");
        assert_eq!(element_id(&expected), "f-courses-0-dose-value");
        assert_eq!(parse_path("$"), Some(vec![]));
        assert_eq!(parse_path("line 3, column 5"), None);
    }

    #[test]
    fn property_names_become_words() {
        let cases = [
            ("definitiveTherapies", "Definitive therapies"),
            ("hgvsC", "HGVS c."),
            ("waspExpression", "WASP expression"),
            ("acuteGvhdGrade", "Acute GVHD grade"),
            ("zhuAssessments", "Zhu assessments"),
            ("causeOfDeath", "Cause of death"),
        ];
        for (name, words) in cases {
            assert_eq!(label_for(name), words, "{name}");
        }
    }

    #[test]
    fn numbers_keep_their_written_form() {
        assert_eq!(parse_number("2.0", false).unwrap().to_string(), "2.0");
        assert_eq!(parse_number("2", false).unwrap().to_string(), "2");
        assert_eq!(parse_number(".5", false).unwrap().to_string(), "0.5");
        assert_eq!(parse_number("2,5", false), Err("use a point for decimals, e.g. 2.5".to_string()));
        assert_eq!(parse_number("abc", false), Err("enter a number, e.g. 2.5".to_string()));
        assert_eq!(parse_number("1.5", true), Err("enter a whole number, e.g. 3".to_string()));
        assert_eq!(parse_number("NaN", false), Err("enter a number, e.g. 2.5".to_string()));
    }
}
