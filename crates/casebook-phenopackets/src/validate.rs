//! Checks beyond the JSON mapping, after phenopacket-tools (`pxf validate`): required fields,
//! declared CURIE prefixes, HPO terms against a release, and the set of phenotypic features.
//!
//! Where this differs from phenopacket-tools, on purpose:
//! - `phenopacketSchemaVersion` may be any 2.0 version (`2`, `2.0`, `2.0.2`...); the tools' JSON
//!   schema accepts only `2.0`, which would reject most of phenopacket-store.
//! - Numeric fields are not "required": proto3 cannot tell 0 from absent, and the tools' quirk of
//!   rejecting `referenceRange.low = 0` is not copied. Enums are not required either (the tools
//!   print the zero value, so the check never fires there).
//! - HPO terms are checked wherever an `HP:` class appears (onsets, severities, modifiers too),
//!   not only in phenotypic features; labels are compared with the release's.
//! - A term observed together with an observed ancestor, or excluded together with an excluded
//!   descendant, is a warning (redundant), not an error; an observed term with an excluded
//!   ancestor (a contradiction) is an error, as is a term both observed and excluded.
//! - A term unknown to our HPO release is only a warning when the document declares a newer HPO
//!   release, which may have added it.
//! - Two phenopackets of one Family or Cohort with the same id, or the same subject, are an
//!   error (as in phenosentry's cohort checks): they would make one patient of two, or two of one.

use std::any::{Any, TypeId};
use std::fmt;

use casebook_hpo::{Hpo, Lookup, TermId, TermRef};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::json::{JsonField, JsonPath, Visitor};
use crate::{
    Age, AgeRange, Biosample, ComplexValue, Diagnosis, Disease, Document, DoseInterval, Evidence, Expression, Extension, File,
    GeneDescriptor, GenomicInterpretation, Individual, Interpretation, Measurement, MedicalAction, Member, MetaData, OntologyClass,
    Phenopacket, PhenotypicFeature, Procedure, Quantity, RadiationTherapy, ReferenceRange, Resource, TherapeuticRegimen, TimeElement,
    TimeInterval, Treatment, TypedQuantity, Update, Value, VariantInterpretation, VariationDescriptor, VcfRecord,
};

/// How serious an [`Issue`] is. Errors make a document unfit for exchange; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// The document breaks a rule of the schema's documentation or of phenopacket-tools.
    Error,
    /// The document is usable but probably not what was meant.
    Warning,
}

impl Level {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// The rule an [`Issue`] breaks; [`Rule::id`] is its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// A field the schema documentation marks REQUIRED is missing or empty (error).
    RequiredField,
    /// `phenopacketSchemaVersion` is not a 2.0 version (error).
    SchemaVersion,
    /// An `Age.iso8601duration` that is not an ISO 8601 duration such as `P3Y6M` (error).
    Iso8601Duration,
    /// An ontology class id that is not `PREFIX:LOCAL` (or `PREFIX_LOCAL`) (error).
    MalformedCurie,
    /// An ontology class prefix with no `metaData.resources[].namespacePrefix` (error).
    UndeclaredPrefix,
    /// An `HP:` id that is not in the HPO release (error; warning when the document declares a
    /// newer HPO release).
    UnknownHpoTerm,
    /// An `HP:` id the release marks obsolete; the message names the replacement (warning).
    ObsoleteHpoTerm,
    /// An `HP:` id merged into another term (an `alt_id`); the message names the primary id
    /// (warning).
    AltHpoId,
    /// A label that differs from the release's label for the id (warning).
    HpoLabelMismatch,
    /// One phenotypic feature both observed and excluded (error).
    ObservedAndExcluded,
    /// One phenotypic feature listed twice with the same status (warning).
    DuplicateTerm,
    /// An observed phenotypic feature whose ancestor is excluded: a contradiction (error).
    ExcludedAncestor,
    /// An observed feature with an observed ancestor, or an excluded feature with an excluded
    /// descendant: the more general (observed) or more specific (excluded) one says nothing more
    /// (warning).
    RedundantAncestor,
    /// Two phenopackets of a Family or Cohort with one id, or one subject id (error).
    DuplicateId,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: &'static [Rule] = &[
        Rule::RequiredField,
        Rule::SchemaVersion,
        Rule::Iso8601Duration,
        Rule::MalformedCurie,
        Rule::UndeclaredPrefix,
        Rule::UnknownHpoTerm,
        Rule::ObsoleteHpoTerm,
        Rule::AltHpoId,
        Rule::HpoLabelMismatch,
        Rule::ObservedAndExcluded,
        Rule::DuplicateTerm,
        Rule::ExcludedAncestor,
        Rule::RedundantAncestor,
        Rule::DuplicateId,
    ];

    /// The rule's stable name, e.g. `required-field`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::RequiredField => "required-field",
            Rule::SchemaVersion => "schema-version",
            Rule::Iso8601Duration => "iso8601-duration",
            Rule::MalformedCurie => "malformed-curie",
            Rule::UndeclaredPrefix => "undeclared-prefix",
            Rule::UnknownHpoTerm => "unknown-hpo-term",
            Rule::ObsoleteHpoTerm => "obsolete-hpo-term",
            Rule::AltHpoId => "alt-hpo-id",
            Rule::HpoLabelMismatch => "hpo-label-mismatch",
            Rule::ObservedAndExcluded => "observed-and-excluded",
            Rule::DuplicateTerm => "duplicate-term",
            Rule::ExcludedAncestor => "excluded-ancestor",
            Rule::RedundantAncestor => "redundant-ancestor",
            Rule::DuplicateId => "duplicate-id",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One finding of [`validate`]: how serious, where, which rule, and what exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Error or warning.
    pub level: Level,
    /// A JSONPath with the canonical (lowerCamelCase) keys, e.g. `$.phenotypicFeatures[3].type.id`.
    pub path: String,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong, for people; no trailing full stop.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}] {}: {}", self.level.as_str(), self.rule, self.path, self.message)
    }
}

/// Checks a phenopacket beyond its JSON form, against an HPO release (use
/// [`Hpo::embedded`] for the vendored one). Issues come in document order, the checks of the
/// phenotypic-feature set last.
pub fn validate(phenopacket: &Phenopacket, hpo: &Hpo) -> Vec<Issue> {
    let mut checker = Checker { hpo, issues: Vec::new() };
    checker.phenopacket(phenopacket, &mut JsonPath::root(), None);
    checker.issues
}

/// Checks a Phenopacket, a Family or a Cohort. The phenopackets of a Family or Cohort are each
/// checked as by [`validate`], with the container's resources counting as declared and the
/// container's `metaData` standing in for a missing one.
pub fn validate_document(document: &Document, hpo: &Hpo) -> Vec<Issue> {
    let mut checker = Checker { hpo, issues: Vec::new() };
    let mut path = JsonPath::root();
    match document {
        Document::Phenopacket(phenopacket) => checker.phenopacket(phenopacket, &mut path, None),
        Document::Family(family) => {
            checker.container(&mut path, &family.id, family.meta_data.as_ref(), |visitor, path| {
                path.with_field("pedigree", |path| family.pedigree.walk(path, visitor));
                path.with_field("files", |path| family.files.walk(path, visitor));
            });
            if let Some(proband) = &family.proband {
                path.with_field("proband", |path| checker.phenopacket(proband, path, family.meta_data.as_ref()));
            } else {
                checker.require(&path, "proband", false);
            }
            path.with_field("relatives", |path| {
                for (index, relative) in family.relatives.iter().enumerate() {
                    path.with_index(index, |path| checker.phenopacket(relative, path, family.meta_data.as_ref()));
                }
            });
        }
        Document::Cohort(cohort) => {
            checker.container(&mut path, &cohort.id, cohort.meta_data.as_ref(), |visitor, path| {
                path.with_field("files", |path| cohort.files.walk(path, visitor));
            });
            path.with_field("members", |path| {
                for (index, member) in cohort.members.iter().enumerate() {
                    path.with_index(index, |path| checker.phenopacket(member, path, cohort.meta_data.as_ref()));
                }
            });
        }
    }
    if !matches!(document, Document::Phenopacket(_)) {
        checker.unique_ids(&document.members());
    }
    checker.issues
}

struct Checker<'h> {
    hpo: &'h Hpo,
    issues: Vec<Issue>,
}

impl Checker<'_> {
    fn push(&mut self, level: Level, path: String, rule: Rule, message: String) {
        self.issues.push(Issue { level, path, rule, message });
    }

    fn require(&mut self, path: &JsonPath, field: &str, present: bool) {
        if !present {
            self.push(Level::Error, path.join(field), Rule::RequiredField, format!("`{field}` is required"));
        }
    }

    /// The id, metaData and other non-member fields of a Family or Cohort.
    fn container(
        &mut self,
        path: &mut JsonPath,
        id: &str,
        meta_data: Option<&MetaData>,
        walk_rest: impl FnOnce(&mut StructureVisitor<'_, '_>, &mut JsonPath),
    ) {
        self.require(path, "id", !id.is_empty());
        self.require(path, "metaData", meta_data.is_some());
        let context = DocumentContext::new([meta_data]);
        let mut visitor = StructureVisitor { hpo: self.hpo, issues: &mut self.issues, context: &context, meta_data_inherited: false };
        if let Some(meta_data) = meta_data {
            path.with_field("metaData", |path| meta_data.walk(path, &mut visitor));
        }
        walk_rest(&mut visitor, path);
    }

    fn phenopacket(&mut self, phenopacket: &Phenopacket, path: &mut JsonPath, container: Option<&MetaData>) {
        let context = DocumentContext::new([phenopacket.meta_data.as_ref(), container]);
        let mut visitor =
            StructureVisitor { hpo: self.hpo, issues: &mut self.issues, context: &context, meta_data_inherited: container.is_some() };
        phenopacket.walk(path, &mut visitor);
        path.with_field("phenotypicFeatures", |path| self.feature_set(&phenopacket.phenotypic_features, path));
    }

    /// Each phenopacket of a Family or Cohort is an individual of its own: a second one with the
    /// id, or the subject id, of an earlier one is an error at its own path.
    fn unique_ids(&mut self, members: &[Member<'_>]) {
        let (mut ids, mut subjects): (HashMap<&str, &str>, HashMap<&str, &str>) = (HashMap::new(), HashMap::new());
        for member in members {
            let subject = member.phenopacket.subject.as_ref().map_or("", |subject| subject.id.as_str());
            for (id, seen, field, what) in [
                (member.phenopacket.id.as_str(), &mut ids, "id", "the id of the phenopacket"),
                (subject, &mut subjects, "subject.id", "the subject of the phenopacket"),
            ] {
                if id.is_empty() {
                    continue;
                }
                match seen.get(id) {
                    Some(first) => {
                        let message = format!("`{id}` is also {what} at {first}");
                        self.push(Level::Error, format!("{}.{field}", member.path), Rule::DuplicateId, message);
                    }
                    None => {
                        seen.insert(id, &member.path);
                    }
                }
            }
        }
    }

    /// Duplicates, contradictions and redundancy among the phenotypic features.
    fn feature_set(&mut self, features: &[PhenotypicFeature], path: &mut JsonPath) {
        let type_path = |path: &mut JsonPath, index: usize| path.with_index(index, |path| path.join("type"));
        // foldhash, not SipHash: one document's few dozen terms need no defence against crafted
        // keys, and every document of an import builds this map.
        let mut first_at: HashMap<(&str, bool), usize> = HashMap::with_capacity(features.len());
        // Current HPO terms (alt ids resolved) by status, with the first index they appear at.
        let mut observed: Vec<(TermId, usize)> = Vec::new();
        let mut excluded: Vec<(TermId, usize)> = Vec::new();
        for (index, feature) in features.iter().enumerate() {
            let Some(class) = &feature.r#type else { continue };
            if class.id.is_empty() {
                continue;
            }
            let id = class.id.as_str();
            if let Some(&first) = first_at.get(&(id, feature.excluded)) {
                let status = if feature.excluded { "excluded" } else { "observed" };
                let message = format!("{id} is listed as {status} again; first at {}", type_path(path, first));
                self.push(Level::Warning, type_path(path, index), Rule::DuplicateTerm, message);
                continue;
            }
            first_at.insert((id, feature.excluded), index);
            if let Some(&other) = first_at.get(&(id, !feature.excluded)) {
                let message = format!("{id} is both observed and excluded; the other is at {}", type_path(path, other));
                self.push(Level::Error, type_path(path, index), Rule::ObservedAndExcluded, message);
                continue;
            }
            if let Some(term) = self.hpo.term(id).filter(|term| !term.is_obsolete()) {
                if feature.excluded { &mut excluded } else { &mut observed }.push((term.id(), index));
            }
        }

        // No term is its own ancestor, so fewer than two terms cannot be redundant or contradict.
        if observed.len() + excluded.len() < 2 {
            return;
        }
        // Every ancestor of every observed term is looked up in both lists, so they are searched
        // sorted by term. The stable sort keeps a term's entries in list order, and the last one
        // wins, as in a map collected from the list.
        let by_term = |list: &[(TermId, usize)]| {
            let mut sorted = list.to_vec();
            sorted.sort_by_key(|&(term, _)| term);
            sorted
        };
        let (observed_by_term, excluded_by_term) = (by_term(&observed), by_term(&excluded));
        // Most ancestors are in neither list: a sketch of each list answers "not here" for
        // most of them without the search.
        let (observed_sketch, excluded_sketch) = (TermSketch::of(&observed), TermSketch::of(&excluded));
        let index_in = |sorted, sketch, term| entries_of(sorted, sketch, term).last().map(|&(_, index)| index);
        for &(term, index) in &observed {
            for &ancestor in self.hpo.ancestors(term) {
                if let Some(other) = index_in(&excluded_by_term, excluded_sketch, ancestor) {
                    let message = format!(
                        "{} is observed, but its ancestor {} is excluded at {}",
                        self.describe(term),
                        self.describe(ancestor),
                        type_path(path, other)
                    );
                    self.push(Level::Error, type_path(path, index), Rule::ExcludedAncestor, message);
                }
                if let Some(other) = index_in(&observed_by_term, observed_sketch, ancestor) {
                    let message = format!(
                        "{} at {} is an ancestor of the observed {} and adds nothing; keep the most specific term",
                        self.describe(ancestor),
                        type_path(path, other),
                        self.describe(term)
                    );
                    self.push(Level::Warning, type_path(path, other), Rule::RedundantAncestor, message);
                }
            }
        }
        // An excluded term is redundant only under another excluded one.
        if excluded.len() < 2 {
            return;
        }
        // The excluded ancestor reported is the first listed, as a scan of the list in order
        // would find it; the sorted list is searched instead, since documents exclude dozens of
        // terms and a scan for each ancestor of each made this loop quadratic.
        for &(term, index) in &excluded {
            let excluded_ancestors = self.hpo.ancestors(term).iter().filter_map(|&ancestor| {
                entries_of(&excluded_by_term, excluded_sketch, ancestor).first().map(|&(_, other)| (ancestor, other))
            });
            if let Some((ancestor, other)) = excluded_ancestors.min_by_key(|&(_, other)| other) {
                let message = format!(
                    "the excluded {} adds nothing: its ancestor {} is excluded at {}",
                    self.describe(term),
                    self.describe(ancestor),
                    type_path(path, other)
                );
                self.push(Level::Warning, type_path(path, index), Rule::RedundantAncestor, message);
            }
        }
    }

    fn describe(&self, id: TermId) -> String {
        describe(self.hpo.term(id), id)
    }
}

/// The entries of `term` in a list sorted by term, in list order (a term and one of its alt
/// ids can both be listed); `sketch` is the list's, and spares the search for most terms.
fn entries_of(sorted: &[(TermId, usize)], sketch: TermSketch, term: TermId) -> &[(TermId, usize)] {
    if !sketch.may_hold(term) {
        return &[];
    }
    let start = sorted.partition_point(|&(listed, _)| listed < term);
    let len = sorted[start..].partition_point(|&(listed, _)| listed == term);
    &sorted[start..start + len]
}

/// A set of terms in 64 bits, one bit per term (of a hash of its number): a term whose bit is
/// clear is certainly not in the set.
#[derive(Clone, Copy)]
struct TermSketch(u64);

impl TermSketch {
    fn of(terms: &[(TermId, usize)]) -> TermSketch {
        TermSketch(terms.iter().fold(0, |bits, &(term, _)| bits | TermSketch::bit(term)))
    }

    fn may_hold(self, term: TermId) -> bool {
        self.0 & TermSketch::bit(term) != 0
    }

    /// The top six bits of a multiplicative hash: HPO numbers cluster, and their low bits alone
    /// would crowd a few bits.
    fn bit(term: TermId) -> u64 {
        1 << (term.number().wrapping_mul(0x9E37_79B9) >> 26)
    }
}

fn describe(term: Option<TermRef<'_>>, id: TermId) -> String {
    match term {
        Some(term) => format!("{id} ({})", term.name()),
        None => id.to_string(),
    }
}

/// What the checks of one phenopacket need to know about its metaData.
struct DocumentContext<'a> {
    prefixes: HashSet<&'a str>,
    /// The latest HPO release date (`YYYY-MM-DD`) a resource with prefix `HP` declares.
    declared_hpo_release: Option<&'a str>,
}

impl<'a> DocumentContext<'a> {
    fn new<const N: usize>(meta_data: [Option<&'a MetaData>; N]) -> DocumentContext<'a> {
        let resources = meta_data.into_iter().flatten().flat_map(|meta_data| &meta_data.resources);
        let mut prefixes = HashSet::new();
        let mut declared_hpo_release = None;
        for resource in resources {
            prefixes.insert(resource.namespace_prefix.as_str());
            if resource.namespace_prefix == "HP" {
                declared_hpo_release = declared_hpo_release.max(find_date(&resource.version));
            }
        }
        DocumentContext { prefixes, declared_hpo_release }
    }
}

/// The first `YYYY-MM-DD` in a text such as `2025-01-16`, `v2025-01-16` or `hp/releases/2025-01-16`.
fn find_date(text: &str) -> Option<&str> {
    let is_date =
        |bytes: &[u8]| bytes.iter().enumerate().all(|(at, &byte)| if at == 4 || at == 7 { byte == b'-' } else { byte.is_ascii_digit() });
    // Looked for among the bytes: ten ASCII bytes start and end on characters, wherever a text
    // with other characters has them.
    let start = text.as_bytes().windows(10).position(is_date)?;
    Some(&text[start..start + 10])
}

/// Checks each message where it is, as the document is walked.
struct StructureVisitor<'h, 'c> {
    hpo: &'h Hpo,
    issues: &'c mut Vec<Issue>,
    context: &'c DocumentContext<'c>,
    /// The phenopacket belongs to a Family or Cohort whose metaData stands in for its own.
    meta_data_inherited: bool,
}

impl StructureVisitor<'_, '_> {
    fn push(&mut self, level: Level, path: String, rule: Rule, message: String) {
        self.issues.push(Issue { level, path, rule, message });
    }

    fn require(&mut self, path: &JsonPath, field: &str, present: bool) {
        if !present {
            self.push(Level::Error, path.join(field), Rule::RequiredField, format!("`{field}` is required"));
        }
    }

    fn require_one_of(&mut self, path: &JsonPath, fields: &str, present: bool) {
        if !present {
            self.push(Level::Error, path.as_str().to_string(), Rule::RequiredField, format!("one of {fields} is required"));
        }
    }

    fn ontology_class(&mut self, path: &JsonPath, class: &OntologyClass) {
        self.require(path, "id", !class.id.is_empty());
        self.require(path, "label", !class.label.is_empty());
        if class.id.is_empty() {
            return;
        }
        // As phenopacket-tools: split on `:` or `_` (Java's String.split, trailing empties dropped).
        let mut parts = class.id.trim_end_matches([':', '_']).split([':', '_']);
        let (Some(prefix), Some(_), None) = (parts.next(), parts.next(), parts.next()) else {
            let message = format!("`{}` is not a CURIE of the form PREFIX:LOCAL_ID", class.id);
            self.push(Level::Error, path.join("id"), Rule::MalformedCurie, message);
            return;
        };
        if !self.context.prefixes.contains(prefix) {
            let message = format!("the prefix `{prefix}` of {} is not declared in metaData.resources (namespacePrefix)", class.id);
            self.push(Level::Error, path.join("id"), Rule::UndeclaredPrefix, message);
        }
        if class.id.starts_with("HP:") {
            self.hpo_class(path, class);
        }
    }

    fn hpo_class(&mut self, path: &JsonPath, class: &OntologyClass) {
        let id_path = || path.join("id");
        let release = self.hpo.release();
        match self.hpo.lookup(class.id.as_str()) {
            Lookup::Current(term) => {
                if !class.label.is_empty() && class.label != term.name() {
                    let synonym = term.synonyms().any(|synonym| synonym.text() == class.label);
                    let message = format!(
                        "the label `{}` differs from `{}`, the label of {} in HPO {release}{}",
                        class.label,
                        term.name(),
                        class.id,
                        if synonym { " (it is a synonym)" } else { "" }
                    );
                    self.push(Level::Warning, path.join("label"), Rule::HpoLabelMismatch, message);
                }
            }
            Lookup::Obsolete { replaced_by, consider, .. } => {
                let list = |ids: &[TermId]| ids.iter().map(|&id| describe(self.hpo.term(id), id)).collect::<Vec<_>>().join(", ");
                let advice = if !replaced_by.is_empty() {
                    format!("replaced by {}", list(replaced_by))
                } else if !consider.is_empty() {
                    format!("consider {}", list(consider))
                } else {
                    "with no replacement".to_string()
                };
                let message = format!("{} is obsolete in HPO {release}, {advice}", class.id);
                self.push(Level::Warning, id_path(), Rule::ObsoleteHpoTerm, message);
            }
            Lookup::AltId { primary } => {
                let message =
                    format!("{} was merged into {} ({}) in HPO {release}; use the primary id", class.id, primary.curie(), primary.name());
                self.push(Level::Warning, id_path(), Rule::AltHpoId, message);
            }
            Lookup::Unknown => match self.context.declared_hpo_release.filter(|declared| *declared > release) {
                Some(declared) => {
                    let message =
                        format!("{} is not in HPO {release}; the document uses HPO {declared}, which may have added it", class.id);
                    self.push(Level::Warning, id_path(), Rule::UnknownHpoTerm, message);
                }
                None => {
                    let message = format!("{} is not a term of HPO {release}", class.id);
                    self.push(Level::Error, id_path(), Rule::UnknownHpoTerm, message);
                }
            },
        }
    }
}

/// `node` as a `T` if `type_id` (the node's) is `T`'s. The walk below tries some thirty types on
/// every message; `downcast_ref` alone would ask the node for its type, through its vtable, at
/// each one.
fn cast<T: Any>(node: &dyn Any, type_id: TypeId) -> Option<&T> {
    if type_id == TypeId::of::<T>() { node.downcast_ref() } else { None }
}

impl Visitor for StructureVisitor<'_, '_> {
    fn visit(&mut self, path: &JsonPath, node: &dyn Any) {
        let type_id = Any::type_id(node);
        if let Some(class) = cast::<OntologyClass>(node, type_id) {
            self.ontology_class(path, class);
        } else if let Some(phenopacket) = cast::<Phenopacket>(node, type_id) {
            self.require(path, "id", !phenopacket.id.is_empty());
            self.require(path, "metaData", phenopacket.meta_data.is_some() || self.meta_data_inherited);
        } else if let Some(individual) = cast::<Individual>(node, type_id) {
            self.require(path, "id", !individual.id.is_empty());
        } else if let Some(feature) = cast::<PhenotypicFeature>(node, type_id) {
            self.require(path, "type", feature.r#type.is_some());
        } else if let Some(age) = cast::<Age>(node, type_id) {
            self.require(path, "iso8601duration", !age.iso8601duration.is_empty());
            if !age.iso8601duration.is_empty() && !is_iso8601_duration(&age.iso8601duration) {
                let message = format!("`{}` is not an ISO 8601 duration such as P3Y6M or P2W", age.iso8601duration);
                self.push(Level::Error, path.join("iso8601duration"), Rule::Iso8601Duration, message);
            }
        } else if let Some(range) = cast::<AgeRange>(node, type_id) {
            self.require(path, "start", range.start.is_some());
            self.require(path, "end", range.end.is_some());
        } else if let Some(interval) = cast::<TimeInterval>(node, type_id) {
            self.require(path, "start", interval.start.is_some());
            self.require(path, "end", interval.end.is_some());
        } else if let Some(time) = cast::<TimeElement>(node, type_id) {
            self.require_one_of(path, "age, ageRange, ontologyClass, timestamp, interval or gestationalAge", time.element.is_some());
        } else if let Some(evidence) = cast::<Evidence>(node, type_id) {
            self.require(path, "evidenceCode", evidence.evidence_code.is_some());
        } else if let Some(procedure) = cast::<Procedure>(node, type_id) {
            self.require(path, "code", procedure.code.is_some());
        } else if let Some(file) = cast::<File>(node, type_id) {
            self.require(path, "uri", !file.uri.is_empty());
        } else if let Some(measurement) = cast::<Measurement>(node, type_id) {
            self.require(path, "assay", measurement.assay.is_some());
            self.require_one_of(path, "value or complexValue", measurement.measurement_value.is_some());
        } else if let Some(value) = cast::<Value>(node, type_id) {
            self.require_one_of(path, "quantity or ontologyClass", value.value.is_some());
        } else if let Some(complex) = cast::<ComplexValue>(node, type_id) {
            self.require(path, "typedQuantities", !complex.typed_quantities.is_empty());
        } else if let Some(typed) = cast::<TypedQuantity>(node, type_id) {
            self.require(path, "type", typed.r#type.is_some());
            self.require(path, "quantity", typed.quantity.is_some());
        } else if let Some(quantity) = cast::<Quantity>(node, type_id) {
            self.require(path, "unit", quantity.unit.is_some());
        } else if let Some(range) = cast::<ReferenceRange>(node, type_id) {
            self.require(path, "unit", range.unit.is_some());
        } else if let Some(disease) = cast::<Disease>(node, type_id) {
            self.require(path, "term", disease.term.is_some());
        } else if let Some(biosample) = cast::<Biosample>(node, type_id) {
            self.require(path, "id", !biosample.id.is_empty());
        } else if let Some(interpretation) = cast::<Interpretation>(node, type_id) {
            self.require(path, "id", !interpretation.id.is_empty());
        } else if let Some(diagnosis) = cast::<Diagnosis>(node, type_id) {
            self.require(path, "disease", diagnosis.disease.is_some());
        } else if let Some(genomic) = cast::<GenomicInterpretation>(node, type_id) {
            self.require(path, "subjectOrBiosampleId", !genomic.subject_or_biosample_id.is_empty());
            self.require_one_of(path, "gene or variantInterpretation", genomic.call.is_some());
        } else if let Some(gene) = cast::<GeneDescriptor>(node, type_id) {
            self.require(path, "valueId", !gene.value_id.is_empty());
            self.require(path, "symbol", !gene.symbol.is_empty());
        } else if let Some(variant) = cast::<VariantInterpretation>(node, type_id) {
            self.require(path, "variationDescriptor", variant.variation_descriptor.is_some());
        } else if let Some(descriptor) = cast::<VariationDescriptor>(node, type_id) {
            self.require(path, "id", !descriptor.id.is_empty());
        } else if let Some(vcf) = cast::<VcfRecord>(node, type_id) {
            self.require(path, "genomeAssembly", !vcf.genome_assembly.is_empty());
            self.require(path, "chrom", !vcf.chrom.is_empty());
            self.require(path, "pos", vcf.pos != 0);
            self.require(path, "ref", !vcf.r#ref.is_empty());
            self.require(path, "alt", !vcf.alt.is_empty());
        } else if let Some(expression) = cast::<Expression>(node, type_id) {
            self.require(path, "syntax", !expression.syntax.is_empty());
            self.require(path, "value", !expression.value.is_empty());
        } else if let Some(extension) = cast::<Extension>(node, type_id) {
            self.require(path, "name", !extension.name.is_empty());
            self.require(path, "value", !extension.value.is_empty());
        } else if let Some(action) = cast::<MedicalAction>(node, type_id) {
            self.require_one_of(path, "procedure, treatment, radiationTherapy or therapeuticRegimen", action.action.is_some());
        } else if let Some(treatment) = cast::<Treatment>(node, type_id) {
            self.require(path, "agent", treatment.agent.is_some());
        } else if let Some(dose) = cast::<DoseInterval>(node, type_id) {
            self.require(path, "quantity", dose.quantity.is_some());
            self.require(path, "scheduleFrequency", dose.schedule_frequency.is_some());
            self.require(path, "interval", dose.interval.is_some());
        } else if let Some(radiation) = cast::<RadiationTherapy>(node, type_id) {
            self.require(path, "modality", radiation.modality.is_some());
            self.require(path, "bodySite", radiation.body_site.is_some());
        } else if let Some(regimen) = cast::<TherapeuticRegimen>(node, type_id) {
            self.require_one_of(path, "externalReference or ontologyClass", regimen.identifier.is_some());
        } else if let Some(meta_data) = cast::<MetaData>(node, type_id) {
            self.require(path, "created", meta_data.created.is_some());
            self.require(path, "createdBy", !meta_data.created_by.is_empty());
            let version = meta_data.phenopacket_schema_version.as_str();
            self.require(path, "phenopacketSchemaVersion", !version.is_empty());
            if !version.is_empty() && !is_v2_version(version) {
                let message = format!("`{version}` is not a version of Phenopacket schema 2.0 (such as 2.0 or 2.0.2)");
                self.push(Level::Error, path.join("phenopacketSchemaVersion"), Rule::SchemaVersion, message);
            }
        } else if let Some(resource) = cast::<Resource>(node, type_id) {
            let fields = [
                ("id", &resource.id),
                ("name", &resource.name),
                ("url", &resource.url),
                ("version", &resource.version),
                ("namespacePrefix", &resource.namespace_prefix),
                ("iriPrefix", &resource.iri_prefix),
            ];
            for (field, value) in fields {
                self.require(path, field, !value.is_empty());
            }
        } else if let Some(update) = cast::<Update>(node, type_id) {
            self.require(path, "timestamp", update.timestamp.is_some());
        }
    }
}

/// `2`, `2.0` or `2.0.N`.
fn is_v2_version(version: &str) -> bool {
    match version.strip_prefix('2') {
        Some("") | Some(".0") => true,
        Some(rest) => rest.strip_prefix(".0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|byte| byte.is_ascii_digit())),
        None => false,
    }
}

/// phenopacket-tools' pattern `^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d+[HMS])(\d+H)?(\d+M)?(\d+S)?)?$`.
pub(crate) fn is_iso8601_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    match rest.split_once('T') {
        Some((date, time)) => components_in_order(date, b"YMWD") && !time.is_empty() && components_in_order(time, b"HMS"),
        None => components_in_order(rest, b"YMWD"),
    }
}

/// Whether `text` is a sequence of `<digits><unit>`, with units from `units` in that order, each
/// at most once.
fn components_in_order(text: &str, units: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let (mut at, mut next_unit) = (0, 0);
    while at < bytes.len() {
        let digits = bytes[at..].iter().take_while(|byte| byte.is_ascii_digit()).count();
        let Some(&unit) = bytes.get(at + digits) else {
            return false;
        };
        let Some(offset) = units[next_unit..].iter().position(|&candidate| candidate == unit) else {
            return false;
        };
        if digits == 0 {
            return false;
        }
        next_unit += offset + 1;
        at += digits + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::validate::{find_date, is_iso8601_duration, is_v2_version};

    #[test]
    fn iso8601_durations_follow_the_phenopacket_tools_pattern() {
        for valid in ["P3Y6M", "P1M9D", "P2W", "PT5H", "P1YT2M", "P0D", "P1Y2M3W4DT5H6M7S"] {
            assert!(is_iso8601_duration(valid), "{valid}");
        }
        for invalid in ["", "P", "PT", "P1YT", "3Y", "P1.5Y", "P1M1Y", "P1Y1Y", "P1H", "PY", "p1Y", "P1Y "] {
            assert!(!is_iso8601_duration(invalid), "{invalid}");
        }
    }

    #[test]
    fn schema_versions_of_2_0_are_accepted() {
        for valid in ["2", "2.0", "2.0.0", "2.0.2"] {
            assert!(is_v2_version(valid), "{valid}");
        }
        for invalid in ["1.0", "2.1", "2.0.", "20", "2.0.x", "v2.0"] {
            assert!(!is_v2_version(invalid), "{invalid}");
        }
    }

    #[test]
    fn release_dates_are_found_in_version_texts() {
        assert_eq!(find_date("2025-01-16"), Some("2025-01-16"));
        assert_eq!(find_date("hp/releases/2024-08-13"), Some("2024-08-13"));
        assert_eq!(find_date("v2026-02-16"), Some("2026-02-16"));
        assert_eq!(find_date("1.0"), None);
        // Found by changing published phenopackets at random: a version with other characters.
        assert_eq!(find_date("😀 é ✓"), None);
        assert_eq!(find_date("é✓2025-01-16✓"), Some("2025-01-16"));
    }
}
