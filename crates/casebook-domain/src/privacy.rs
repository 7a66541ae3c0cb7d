//! Warnings about identifying data typed into free text.
//!
//! The registry stores pseudonyms only, but free text (notes, a cause of death, a remark on a
//! response) can carry whatever a person types. [`identifying_data_warnings`] looks for what
//! most often slips in and says what it saw, in a clinician's words. It warns; it never refuses,
//! because a heuristic is sometimes wrong and the person typing decides.
//!
//! What is looked for, and how false alarms are kept down:
//!
//! - **A date of birth:** a full date (`12/03/2015`, `12.03.2015`, `12-03-2015`, `2015-03-12`,
//!   `12 March 2015`) with a birth word near it (`born`, `birth`, `DOB`, `nato`/`nata`,
//!   `nascita`, `né`/`née`, `geboren`, `nacido`/`nacida`, `naissance`). A full date on its own
//!   is not flagged: treatment dates are part of the record.
//! - **A record number:** a run of 6 or more digits, NHS-style `943 476 5919` (3-3-4), any run of
//!   4 or more digits right after a record word (`MRN`, `NHS`, `record`, `hospital number`, ...),
//!   or an Italian tax code. Not flagged: code identifiers (`HP:0001369`, `NCT01515462`,
//!   `NM_000377.3`: digits glued to letters or after a colon), quantities (`250000/uL`,
//!   `150000 cells`) and full dates.
//! - **An e-mail address:** text around an `@` with a dotted domain.
//! - **A phone number:** digits in groups that start with `+` (8 to 15 digits), or start with `0`
//!   or `(` (9 to 13 digits in two or more groups), or follow a phone word (`tel`, `phone`,
//!   `mobile`, `cell`, `telefono`).
//! - **A personal name:** two or more consecutive Capitalised words (`Mario Rossi`), a title and
//!   a Capitalised word (`Dr Smith`, `Dott.ssa Bianchi`), or an initial and a Capitalised word
//!   (`M. Rossi`). Words that are common in notes (`Started`, `Patient`, `After`, month names,
//!   drug names by their suffix such as `-mab` or `-kinra`) break a run of words, and a run made
//!   only of eponyms, institutions and organisms (`Wiskott Aldrich`, `Great Ormond Street`,
//!   `Epstein Barr`) or followed by `syndrome`, `disease`, `virus`, ... is not a name. All-caps
//!   words (`CRP`, `DOB`, `MRN`) are never name words.
//!
//! Each warning's message quotes the text it saw, so the person can find it in a long note; do
//! not write these messages to logs or the audit trail.

use std::fmt;
use std::ops::Range;

/// What kind of identifying data a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivacyKind {
    /// A full date next to a word such as "born" or "DOB".
    DateOfBirth,
    /// A hospital, medical record, NHS or tax number.
    RecordNumber,
    /// An e-mail address.
    EmailAddress,
    /// A telephone number.
    PhoneNumber,
    /// What looks like a person's name.
    PersonalName,
}

/// One piece of text that looks like identifying data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyWarning {
    /// What it looks like.
    pub kind: PrivacyKind,
    /// Where it is in the text, in bytes.
    pub range: Range<usize>,
    /// The text itself (the bytes of `range`).
    pub excerpt: String,
}

impl PrivacyWarning {
    /// The warning for the person who typed the text, quoting what was seen; no trailing full
    /// stop.
    pub fn message(&self) -> String {
        let excerpt = &self.excerpt;
        match self.kind {
            PrivacyKind::DateOfBirth => {
                format!("“{excerpt}” looks like a date of birth; record only the year and month of birth, in the birth field")
            }
            PrivacyKind::RecordNumber => {
                format!("“{excerpt}” looks like a hospital, NHS, tax or record number; leave such numbers out of the registry")
            }
            PrivacyKind::EmailAddress => format!("“{excerpt}” is an e-mail address; leave contact details out of the registry"),
            PrivacyKind::PhoneNumber => format!("“{excerpt}” looks like a phone number; leave contact details out of the registry"),
            PrivacyKind::PersonalName => {
                format!("“{excerpt}” looks like a person's name; refer to the patient by the pseudonym and to others by their role")
            }
        }
    }
}

impl fmt::Display for PrivacyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Looks for identifying data in free text (see the module documentation for the heuristics),
/// and returns the warnings in the order their text appears.
///
/// ```
/// use casebook_domain::privacy::{PrivacyKind, identifying_data_warnings};
/// let kinds: Vec<_> = identifying_data_warnings("Mario Rossi, DOB 12/03/2015, MRN 4481223")
///     .into_iter()
///     .map(|warning| warning.kind)
///     .collect();
/// assert_eq!(kinds, [PrivacyKind::PersonalName, PrivacyKind::DateOfBirth, PrivacyKind::RecordNumber]);
/// assert!(identifying_data_warnings("Anakinra started 2 mg/kg/day").is_empty());
/// ```
pub fn identifying_data_warnings(text: &str) -> Vec<PrivacyWarning> {
    let mut scanner = Scanner::new(text);
    scanner.email_addresses();
    scanner.dates();
    scanner.tax_codes();
    scanner.numbers();
    scanner.names();
    let mut found = scanner.found;
    found.sort_by_key(|warning| (warning.range.start, warning.range.end));
    found
}

/// Words after which a date is a date of birth (compared in lower case, as whole words).
const BIRTH_WORDS: &[&str] =
    &["born", "birth", "dob", "d.o.b", "nato", "nata", "nascita", "né", "née", "nee", "geboren", "geb", "nacido", "nacida", "naissance"];

/// Words after which a number of 4 or more digits is a record number.
const RECORD_WORDS: &[&str] = &[
    "mrn",
    "nhs",
    "record",
    "records",
    "hospital",
    "chart",
    "id",
    "pid",
    "no",
    "number",
    "nr",
    "n°",
    "cartella",
    "sdo",
    "nosologico",
    "chi",
    "dossier",
    "fallnummer",
];

/// Words after which digits in groups are a phone number.
const PHONE_WORDS: &[&str] = &["tel", "phone", "telephone", "mobile", "cell", "telefono", "cellulare", "téléphone", "mob", "fax"];

/// Units after a digit run that make it a quantity rather than an identifier.
const UNITS: &[&str] = &["mg", "g", "kg", "ml", "l", "ul", "µl", "μl", "mcl", "iu", "u", "cells", "copies", "mm3", "mmc", "x", "ng", "pg"];

/// Titles before a Capitalised word that make it a name.
const TITLES: &[&str] =
    &["dr", "prof", "mr", "mrs", "ms", "miss", "sig", "sig.ra", "dott", "dott.ssa", "dottor", "dottoressa", "mme", "mlle"];

/// Words that follow an eponym rather than a person's name.
const EPONYM_FOLLOWERS: &[&str] = &[
    "syndrome",
    "disease",
    "sign",
    "score",
    "test",
    "criteria",
    "classification",
    "scale",
    "virus",
    "lymphoma",
    "sarcoma",
    "phenomenon",
    "reaction",
    "protocol",
    "cells",
    "cell",
    "hospital",
    "institute",
    "clinic",
    "foundation",
    "university",
    "centre",
    "center",
    "trust",
    "syndrom",
    "sindrome",
    "malattia",
];

/// Capitalised words that are never part of a name in a clinical note: common words that start
/// sentences, clinical words, months and days (compared in lower case).
const COMMON_WORDS: &[&str] = &[
    // English function words and sentence starters.
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "then",
    "after",
    "before",
    "since",
    "during",
    "from",
    "for",
    "with",
    "without",
    "at",
    "on",
    "in",
    "of",
    "to",
    "by",
    "no",
    "not",
    "yes",
    "he",
    "she",
    "his",
    "her",
    "they",
    "their",
    "we",
    "our",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "was",
    "were",
    "is",
    "are",
    "has",
    "had",
    "have",
    "been",
    "also",
    "later",
    "now",
    "currently",
    "previously",
    "again",
    "still",
    "only",
    "due",
    "because",
    "while",
    "when",
    "until",
    "about",
    "approximately",
    "some",
    "all",
    "both",
    "each",
    "other",
    "further",
    "new",
    "old",
    "last",
    "first",
    "second",
    "third",
    "initial",
    "final",
    "see",
    "per",
    "via",
    "note",
    "notes",
    "comment",
    "comments",
    "remark",
    "overall",
    "however",
    "although",
    "despite",
    "following",
    "within",
    // Clinical words and verbs.
    "patient",
    "patients",
    "mother",
    "father",
    "brother",
    "sister",
    "parents",
    "parent",
    "family",
    "history",
    "maternal",
    "paternal",
    "uncle",
    "cousin",
    "started",
    "stopped",
    "switched",
    "continued",
    "treated",
    "received",
    "admitted",
    "discharged",
    "diagnosed",
    "presented",
    "developed",
    "improved",
    "resolved",
    "remained",
    "well",
    "alive",
    "died",
    "deceased",
    "follow",
    "followup",
    "dose",
    "doses",
    "course",
    "therapy",
    "treatment",
    "response",
    "partial",
    "complete",
    "good",
    "very",
    "none",
    "protocol",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "age",
    "aged",
    "male",
    "female",
    "boy",
    "girl",
    "infant",
    "child",
    "baby",
    "severe",
    "mild",
    "moderate",
    "chronic",
    "acute",
    "recurrent",
    "gene",
    "transplant",
    "transplantation",
    "infusion",
    "conditioning",
    "reduced",
    "intensity",
    "myeloablative",
    "biopsy",
    "histology",
    "fever",
    "rash",
    "eczema",
    "colitis",
    "vasculitis",
    "arthritis",
    "infection",
    "infections",
    "platelets",
    "steroids",
    "steroid",
    "prednisone",
    "prednisolone",
    "methylprednisolone",
    "grade",
    "type",
    "stage",
    "phase",
    "trial",
    "study",
    "cohort",
    "adverse",
    "event",
    "events",
    "serious",
    "no",
    "negative",
    "positive",
    "normal",
    "abnormal",
    "high",
    "low",
    "elevated",
    "increased",
    "decreased",
    "blood",
    "bone",
    "marrow",
    "skin",
    "lymphoma",
    "autoimmune",
    "autoinflammatory",
    "lentiviral",
    "vector",
    "donor",
    "matched",
    "unrelated",
    "sibling",
    "cord",
    "haploidentical",
    "engraftment",
    "chimerism",
    "ongoing",
    "stable",
    "unknown",
    "other",
    "see",
    "report",
    "published",
    "case",
    // Italian, French and Spanish function words.
    "il",
    "la",
    "lo",
    "gli",
    "le",
    "un",
    "una",
    "uno",
    "dopo",
    "prima",
    "con",
    "senza",
    "paziente",
    "madre",
    "padre",
    "nato",
    "nata",
    "per",
    "del",
    "della",
    "dal",
    "dalla",
    "inizio",
    "terapia",
    "les",
    "des",
    "du",
    "et",
    "avec",
    "sans",
    "el",
    "los",
    "las",
    "y",
    "con",
    "sin",
    // Days (months are in MONTHS).
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    // Immunoglobulins, whose mixed case would otherwise look like a name.
    "iga",
    "igg",
    "igm",
    "ige",
    "igd",
];

/// Capitalised words that appear together in notes without naming a person: eponyms,
/// institutions and organisms (compared in lower case). A run made only of these is not a name.
const CLINICAL_PROPER_WORDS: &[&str] = &[
    "wiskott",
    "aldrich",
    "crohn",
    "crohn's",
    "hodgkin",
    "non",
    "epstein",
    "barr",
    "coombs",
    "evans",
    "kawasaki",
    "sweet",
    "behçet",
    "behcet",
    "still",
    "still's",
    "raynaud",
    "guillain",
    "barré",
    "barre",
    "henoch",
    "schönlein",
    "schonlein",
    "ochs",
    "zhu",
    "stevens",
    "johnson",
    "down",
    "turner",
    "omenn",
    "digeorge",
    "george",
    "kaposi",
    "burkitt",
    "langerhans",
    "sjögren",
    "sjogren",
    "addison",
    "cushing",
    "graves",
    "hashimoto",
    "pneumocystis",
    "candida",
    "aspergillus",
    "staphylococcus",
    "streptococcus",
    "pseudomonas",
    "klebsiella",
    "escherichia",
    "salmonella",
    "cytomegalovirus",
    "great",
    "ormond",
    "street",
    "hospital",
    "royal",
    "free",
    "children's",
    "childrens",
    "national",
    "institute",
    "university",
    "college",
    "london",
    "necker",
    "enfants",
    "malades",
    "san",
    "raffaele",
    "telethon",
    "tiget",
    "sr-tiget",
    "ospedale",
    "bambino",
    "gesù",
    "gesu",
    "meyer",
    "gaslini",
    "policlinico",
    "regina",
    "margherita",
    "spedali",
    "civili",
    "brescia",
    "padova",
    "padua",
    "milano",
    "milan",
    "roma",
    "rome",
    "firenze",
    "florence",
    "genova",
    "genoa",
    "torino",
    "turin",
    "napoli",
    "naples",
    "boston",
    "paris",
    "france",
    "italy",
    "uk",
    "united",
    "kingdom",
    "foundation",
    "trust",
    "centre",
    "center",
    "medical",
    "general",
    "infirmary",
    "clinic",
    "clinical",
    "research",
    "unit",
    "department",
    "ward",
    "team",
    "nhs",
    "foundation",
    "european",
    "society",
    "immunodeficiencies",
    "registry",
    "esid",
    "ebmt",
    "cibmtr",
    "pidtc",
    "mondo",
    "orphanet",
    "omim",
    "human",
    "phenotype",
    "ontology",
    "common",
    "terminology",
    "criteria",
    "adverse",
    "events",
    "ctcae",
    "stem",
    "cell",
    "gene",
    "therapy",
    "association",
];

/// Drug name endings: a Capitalised drug name is not part of a person's name.
const DRUG_SUFFIXES: &[&str] = &[
    "mab", "cept", "kinra", "limus", "sone", "olone", "pag", "nib", "parin", "mycin", "cillin", "azole", "vir", "ulfan", "abine", "tepa",
    "globulin", "sporin", "sporine", "trexate", "phamide", "mide", "citinib", "oxacin", "profen",
];

/// Month names for dates such as `12 March 2015` (compared in lower case; abbreviations too).
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "décembre",
    "enero",
    "febrero",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// The text as characters with their byte offsets, which parts are already explained, and what
/// was found so far.
struct Scanner<'t> {
    text: &'t str,
    chars: Vec<(usize, char)>,
    /// One flag per character: part of something already found or explained (a date, an
    /// e-mail address), so later scanners skip it.
    taken: Vec<bool>,
    found: Vec<PrivacyWarning>,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Scanner<'t> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let taken = vec![false; chars.len()];
        Scanner { text, chars, taken, found: Vec::new() }
    }

    fn char_at(&self, index: usize) -> Option<char> {
        self.chars.get(index).map(|&(_, c)| c)
    }

    fn byte_offset(&self, index: usize) -> usize {
        self.chars.get(index).map_or(self.text.len(), |&(offset, _)| offset)
    }

    /// The text of characters `start..end`.
    fn slice(&self, start: usize, end: usize) -> &'t str {
        &self.text[self.byte_offset(start)..self.byte_offset(end)]
    }

    fn is_digit(&self, index: usize) -> bool {
        self.char_at(index).is_some_and(|c| c.is_ascii_digit())
    }

    fn is_word_char(&self, index: usize) -> bool {
        self.char_at(index).is_some_and(char::is_alphanumeric)
    }

    /// Counts the digits from `start`.
    fn digits_from(&self, start: usize) -> usize {
        (start..self.chars.len()).take_while(|&index| self.is_digit(index)).count()
    }

    fn take(&mut self, start: usize, end: usize) {
        for flag in &mut self.taken[start..end] {
            *flag = true;
        }
    }

    fn any_taken(&self, start: usize, end: usize) -> bool {
        self.taken[start..end].iter().any(|&flag| flag)
    }

    fn report(&mut self, kind: PrivacyKind, start: usize, end: usize) {
        self.take(start, end);
        let range = self.byte_offset(start)..self.byte_offset(end);
        let excerpt = self.text[range.clone()].to_string();
        self.found.push(PrivacyWarning { kind, range, excerpt });
    }

    /// The lower-case words in characters `start..end`, with dots kept inside (`d.o.b`).
    fn words_in(&self, start: usize, end: usize) -> Vec<String> {
        self.slice(start, end)
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '°' || c == '\''))
            .map(|word| word.trim_matches('.').to_lowercase())
            .filter(|word| !word.is_empty())
            .collect()
    }

    /// Whether one of `words` is among the last `count` words before character `index`.
    fn word_before(&self, index: usize, count: usize, words: &[&str]) -> bool {
        let window_start = index.saturating_sub(40);
        let before = self.words_in(window_start, index);
        before.iter().rev().take(count).any(|word| words.contains(&word.as_str()))
    }

    fn email_addresses(&mut self) {
        for at in 0..self.chars.len() {
            if self.char_at(at) != Some('@') || self.taken[at] {
                continue;
            }
            let local_char = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
            let mut start = at;
            while start > 0 && self.char_at(start - 1).is_some_and(local_char) {
                start -= 1;
            }
            let mut end = at + 1;
            while self.char_at(end).is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-') {
                end += 1;
            }
            while end > at + 1 && self.char_at(end - 1) == Some('.') {
                end -= 1;
            }
            let domain = self.slice(at + 1, end);
            let top_level = domain.rsplit('.').next().unwrap_or("");
            let plausible =
                start < at && domain.contains('.') && top_level.chars().count() >= 2 && top_level.chars().all(char::is_alphabetic);
            if plausible {
                self.report(PrivacyKind::EmailAddress, start, end);
            }
        }
    }

    /// Full dates: flagged when a birth word is near, otherwise only taken so that their digits
    /// are not read as a record number.
    fn dates(&mut self) {
        let mut index = 0;
        while index < self.chars.len() {
            let at_boundary = index == 0 || !self.is_word_char(index - 1);
            let end = if at_boundary && !self.taken[index] { self.full_date_at(index) } else { None };
            match end {
                Some(end) => {
                    let after_end = (end + 20).min(self.chars.len());
                    let after: Vec<String> = self.words_in(end, after_end).into_iter().take(3).collect();
                    let birth_near =
                        self.word_before(index, 4, BIRTH_WORDS) || after.iter().any(|word| BIRTH_WORDS.contains(&word.as_str()));
                    if birth_near {
                        self.report(PrivacyKind::DateOfBirth, index, end);
                    } else {
                        self.take(index, end);
                    }
                    index = end;
                }
                None => index += 1,
            }
        }
    }

    /// The end of a full date starting at `start`, if there is one.
    fn full_date_at(&self, start: usize) -> Option<usize> {
        let first = self.digits_from(start);
        let number = |from: usize, len: usize| self.slice(from, from + len).parse::<u32>().ok();
        let end = match first {
            // dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (or month first).
            1 | 2 => {
                let separator = self.char_at(start + first).filter(|c| "/.-".contains(*c));
                if let Some(separator) = separator {
                    let second_start = start + first + 1;
                    let second = self.digits_from(second_start);
                    let year_start = second_start + second + 1;
                    if !(1..=2).contains(&second) || self.char_at(second_start + second) != Some(separator) {
                        return None;
                    }
                    if self.digits_from(year_start) != 4 {
                        return None;
                    }
                    let (a, b) = (number(start, first)?, number(second_start, second)?);
                    let valid = (1..=31).contains(&a) && (1..=12).contains(&b) || (1..=12).contains(&a) && (1..=31).contains(&b);
                    valid.then_some(year_start + 4)
                } else {
                    // 12 March 2015.
                    let month_start = start + first + 1;
                    if self.char_at(start + first) != Some(' ') {
                        return None;
                    }
                    let month_len =
                        (month_start..self.chars.len()).take_while(|&i| self.char_at(i).is_some_and(char::is_alphabetic)).count();
                    let month = self.slice(month_start, month_start + month_len).to_lowercase();
                    let year_start = month_start + month_len + 1;
                    let day = number(start, first)?;
                    let valid = MONTHS.contains(&month.as_str())
                        && (1..=31).contains(&day)
                        && self.char_at(month_start + month_len) == Some(' ')
                        && self.digits_from(year_start) == 4;
                    valid.then_some(year_start + 4)
                }
            }
            // yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd.
            4 => {
                let separator = self.char_at(start + 4).filter(|c| "/.-".contains(*c))?;
                let month_start = start + 5;
                let day_start = month_start + 3;
                let shape = self.digits_from(month_start) == 2
                    && self.char_at(month_start + 2) == Some(separator)
                    && self.digits_from(day_start) == 2;
                let valid = shape && (1..=12).contains(&number(month_start, 2)?) && (1..=31).contains(&number(day_start, 2)?);
                valid.then_some(day_start + 2)
            }
            _ => None,
        }?;
        // A date is not followed by more digits or letters (`12/03/20151` is something else).
        (!self.is_word_char(end)).then_some(end)
    }

    /// Italian tax codes (codice fiscale): 6 letters, 2 digits, a letter, 2 digits, a letter,
    /// 3 digits, a letter.
    fn tax_codes(&mut self) {
        const SHAPE: &[u8] = b"LLLLLLDDLDDLDDDL";
        for start in 0..self.chars.len() {
            let at_boundary = start == 0 || !self.is_word_char(start - 1);
            let end = start + SHAPE.len();
            if !at_boundary || end > self.chars.len() || self.is_word_char(end) || self.any_taken(start, end) {
                continue;
            }
            let matches = SHAPE.iter().enumerate().all(|(offset, &kind)| match (kind, self.char_at(start + offset)) {
                (b'L', Some(c)) => c.is_ascii_alphabetic(),
                (b'D', Some(c)) => c.is_ascii_digit(),
                _ => false,
            });
            if matches {
                self.report(PrivacyKind::RecordNumber, start, end);
            }
        }
    }

    /// Digit runs and digit groups: record numbers and phone numbers.
    fn numbers(&mut self) {
        let mut index = 0;
        while index < self.chars.len() {
            if !self.is_digit(index) || self.taken[index] || (index > 0 && self.is_digit(index - 1)) {
                index += 1;
                continue;
            }
            let end = self.number_at(index);
            index = end.max(index + 1);
        }
    }

    /// Reads the digit groups starting at `first_digit`, reports them if they look identifying,
    /// and returns where they end.
    fn number_at(&mut self, first_digit: usize) -> usize {
        let previous = first_digit.checked_sub(1).and_then(|i| self.char_at(i));
        // Digits glued to letters, an underscore, a colon or a decimal point belong to a code
        // (`HP:0001369`, `NCT01515462`, `NM_000377.3`) or a number, unless the letters are a
        // record word (`MRN4481223`).
        if let Some(previous) = previous
            && (previous.is_alphabetic() || previous == '_' || previous == ':' || previous == '.' || previous == ',')
        {
            let glued_record_word =
                previous.is_alphabetic() && self.word_before(first_digit, 1, RECORD_WORDS) && self.digits_from(first_digit) >= 4;
            let end = first_digit + self.digits_from(first_digit);
            if glued_record_word {
                let mut start = first_digit;
                while start > 0 && self.char_at(start - 1).is_some_and(char::is_alphabetic) {
                    start -= 1;
                }
                self.report(PrivacyKind::RecordNumber, start, end);
            }
            return end;
        }
        let mut start = first_digit;
        let leading_plus = previous == Some('+');
        let leading_paren = previous == Some('(');
        if leading_plus || leading_paren {
            start -= 1;
        }
        // Groups of digits separated by one space, hyphen or dot, or a closing parenthesis.
        let mut groups: Vec<usize> = Vec::new();
        let mut separators: Vec<char> = Vec::new();
        let mut cursor = first_digit;
        loop {
            let len = self.digits_from(cursor);
            groups.push(len);
            cursor += len;
            let next = self.char_at(cursor);
            let mut skip = match next {
                Some(' ' | '-' | '.') => 1,
                Some(')') if leading_paren && groups.len() == 1 => 1,
                _ => 0,
            };
            if next == Some(')') && self.char_at(cursor + 1) == Some(' ') {
                skip = 2;
            }
            if skip == 0 || !self.is_digit(cursor + skip) || self.taken[cursor + skip] {
                break;
            }
            separators.push(next.unwrap_or(' '));
            cursor += skip;
        }
        let end = cursor;
        if self.is_word_char(end) && groups.len() == 1 {
            // `40mg`, `3rd`: a quantity or an ordinal.
            return end;
        }
        let total: usize = groups.iter().sum();
        let starts_with_zero = self.char_at(first_digit) == Some('0');
        // A decimal number such as `4.9` or `1.5.` is not an identifier.
        let dotted_decimal = separators.len() == 1 && separators[0] == '.';
        if groups == [3, 3, 4] && separators.iter().all(|&s| s == separators[0]) && separators[0] != '.' {
            self.report(PrivacyKind::RecordNumber, first_digit, end);
        } else if (leading_plus && (8..=15).contains(&total))
            || ((9..=13).contains(&total) && groups.len() >= 2 && (starts_with_zero || leading_paren) && !dotted_decimal)
            || (total >= 6 && self.word_before(start, 2, PHONE_WORDS))
        {
            self.report(PrivacyKind::PhoneNumber, start, end);
        } else if self.is_quantity_after(end) {
            self.take(first_digit, end);
        } else if groups.iter().any(|&len| len >= 6) && !dotted_decimal
            || (total >= 4 && groups.len() == 1 && self.word_before(first_digit, 2, RECORD_WORDS))
        {
            self.report(PrivacyKind::RecordNumber, first_digit, end);
        }
        end
    }

    /// Whether the text after a number at `end` makes it a quantity (`250000/uL`, `150000 cells`).
    fn is_quantity_after(&self, end: usize) -> bool {
        let after = self.slice(end, (end + 12).min(self.chars.len()));
        let after = after.strip_prefix(' ').unwrap_or(after);
        if after.starts_with(['/', '^', '%', '×', '*']) {
            return true;
        }
        let unit: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == 'µ' || *c == 'μ').collect();
        UNITS.contains(&unit.to_lowercase().as_str())
    }

    fn names(&mut self) {
        let words = self.word_tokens();
        let mut index = 0;
        while index < words.len() {
            let word = &words[index];
            // A title or an initial, then a Capitalised word: `Dr Smith`, `M. Rossi`.
            let is_title = TITLES.contains(&word.lower.as_str());
            let is_initial = word.text.chars().count() == 1 && word.text.chars().all(char::is_uppercase) && word.dot_after;
            if (is_title || is_initial)
                && let Some(next) = words.get(index + 1)
                && next.follows_space_of(word)
                && next.name_like
                && !next.common
            {
                self.report(PrivacyKind::PersonalName, word.start, next.end);
                index += 2;
                continue;
            }
            // A run of Capitalised words joined by spaces only.
            if !word.name_like || word.common {
                index += 1;
                continue;
            }
            let mut run_end = index + 1;
            while run_end < words.len()
                && words[run_end].name_like
                && !words[run_end].common
                && words[run_end].follows_space_of(&words[run_end - 1])
                && !words[run_end - 1].dot_after
            {
                run_end += 1;
            }
            let run = &words[index..run_end];
            let all_clinical = run.iter().all(|word| CLINICAL_PROPER_WORDS.contains(&word.lower.as_str()));
            let eponym_follows = words
                .get(run_end)
                .is_some_and(|next| next.follows_space_of(&run[run.len() - 1]) && EPONYM_FOLLOWERS.contains(&next.lower.as_str()));
            if run.len() >= 2 && !all_clinical && !eponym_follows && !self.any_taken(run[0].start, run[run.len() - 1].end) {
                self.report(PrivacyKind::PersonalName, run[0].start, run[run.len() - 1].end);
            }
            index = run_end;
        }
    }

    /// The words of the text: runs of letters with inner hyphens and apostrophes (`Anne-Marie`,
    /// `O'Brien`); a run glued to digits is not a word.
    fn word_tokens(&self) -> Vec<WordToken> {
        let mut tokens: Vec<WordToken> = Vec::new();
        let mut index = 0;
        while index < self.chars.len() {
            if !self.is_word_char(index) {
                index += 1;
                continue;
            }
            let start = index;
            while index < self.chars.len() {
                let c = self.char_at(index).unwrap_or(' ');
                // `Dott.ssa`, `Sig.ra`: Italian titles keep their inner dot.
                let title_dot = c == '.' && ["dott", "sig"].contains(&self.slice(start, index).to_lowercase().as_str());
                let inner_joiner = ("-'’".contains(c) || title_dot) && self.is_word_char(index + 1) && index > start;
                if c.is_alphanumeric() || inner_joiner {
                    index += 1;
                } else {
                    break;
                }
            }
            let text = self.slice(start, index);
            let has_digit = text.chars().any(|c| c.is_ascii_digit());
            let lower = text.to_lowercase();
            let name_like = !has_digit && is_capitalised(text);
            let common = COMMON_WORDS.contains(&lower.as_str())
                || MONTHS.contains(&lower.as_str())
                || DRUG_SUFFIXES.iter().any(|suffix| lower.ends_with(suffix));
            let dot_after = self.char_at(index) == Some('.');
            let gap_before = match tokens.last() {
                Some(previous) => self.slice(previous.end, start).to_string(),
                None => String::new(),
            };
            tokens.push(WordToken { text: text.to_string(), lower, start, end: index, name_like, common, dot_after, gap_before });
        }
        tokens
    }
}

/// A word of the text, for the name heuristic.
struct WordToken {
    text: String,
    lower: String,
    /// Character indices.
    start: usize,
    end: usize,
    /// Capitalised: an upper-case first letter and lower-case letters after it (in each part of
    /// a hyphenated or apostrophed word).
    name_like: bool,
    /// A common or clinical word that is never part of a name.
    common: bool,
    /// Followed directly by a full stop (`M.`, `Dr.`).
    dot_after: bool,
    /// The text between the previous word and this one.
    gap_before: String,
}

impl WordToken {
    /// Whether this word follows `previous` with only one or two spaces between them, or (after
    /// a title or an initial) a full stop and a space.
    fn follows_space_of(&self, previous: &WordToken) -> bool {
        let gap = self.gap_before.strip_prefix('.').filter(|_| previous.dot_after).unwrap_or(&self.gap_before);
        self.start == previous.end + self.gap_before.chars().count() && matches!(gap, " " | "  ")
    }
}

/// An upper-case letter followed by lower-case letters, in every part of a word joined by
/// hyphens or apostrophes (`Rossi`, `Anne-Marie`, `O'Brien`, `D'Amico`). All-caps words
/// (`CRP`, `DOB`) and mixed case (`IgA`) are not.
fn is_capitalised(word: &str) -> bool {
    let mut parts = word.split(['-', '\'', '’']).filter(|part| !part.is_empty());
    let Some(first) = parts.next() else { return false };
    let capitalised = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(char::is_uppercase) && chars.clone().count() >= 1 && chars.all(char::is_lowercase)
    };
    // `O'Brien`: a single capital before an apostrophe is a prefix.
    let first_ok = capitalised(first) || (first.chars().count() == 1 && first.chars().all(char::is_uppercase) && word.len() > 2);
    first_ok && parts.all(capitalised)
}

#[cfg(test)]
mod tests {
    use crate::privacy::{PrivacyKind, identifying_data_warnings};

    /// Runs the scanner over `text` and describes the difference from the expected kinds and
    /// excerpts, if any.
    fn mismatch(text: &str, expected: &[(PrivacyKind, &str)]) -> Option<String> {
        let found: Vec<(PrivacyKind, String)> =
            identifying_data_warnings(text).into_iter().map(|warning| (warning.kind, warning.excerpt)).collect();
        let expected: Vec<(PrivacyKind, String)> = expected.iter().map(|(kind, excerpt)| (*kind, excerpt.to_string())).collect();
        (found != expected).then(|| format!("scanning {text:?}\n  found:    {found:?}\n  expected: {expected:?}"))
    }

    fn check(text: &str, expected: &[(PrivacyKind, &str)]) {
        if let Some(difference) = mismatch(text, expected) {
            panic!("{difference}");
        }
    }

    use PrivacyKind::{DateOfBirth, EmailAddress, PersonalName, PhoneNumber, RecordNumber};

    #[test]
    fn identifying_data_is_warned_about() {
        let cases: &[(&str, &str, &[(PrivacyKind, &str)])] = &[
            (
                "a name, a date of birth and a record number",
                "Mario Rossi, DOB 12/03/2015, MRN 4481223",
                &[(PersonalName, "Mario Rossi"), (DateOfBirth, "12/03/2015"), (RecordNumber, "4481223")],
            ),
            ("an Italian birth date", "nata il 03.11.2014 a Milano", &[(DateOfBirth, "03.11.2014")]),
            ("an ISO birth date", "born 2014-11-03 at term", &[(DateOfBirth, "2014-11-03")]),
            ("a date of birth after the date", "12/03/2015 (date of birth)", &[(DateOfBirth, "12/03/2015")]),
            ("a birth date in words", "born on 12 March 2015", &[(DateOfBirth, "12 March 2015")]),
            ("an NHS number with spaces", "NHS 943 476 5919", &[(RecordNumber, "943 476 5919")]),
            ("an NHS-style number with hyphens", "ref 943-476-5919", &[(RecordNumber, "943-476-5919")]),
            ("a hospital number", "hospital number 00123456", &[(RecordNumber, "00123456")]),
            ("a short number after a record word", "MRN 44812", &[(RecordNumber, "44812")]),
            ("a record number glued to its prefix", "MRN4481223 on file", &[(RecordNumber, "MRN4481223")]),
            ("a bare long digit run", "see 7734512 in the chart", &[(RecordNumber, "7734512")]),
            ("an Italian tax code", "CF RSSMRA80A01H501U", &[(RecordNumber, "RSSMRA80A01H501U")]),
            ("an e-mail address", "contact mario.rossi@example.it.", &[(EmailAddress, "mario.rossi@example.it")]),
            ("an international phone number", "call +39 02 5503 2345", &[(PhoneNumber, "+39 02 5503 2345")]),
            ("a national phone number", "mother's mobile 0161 496 0000", &[(PhoneNumber, "0161 496 0000")]),
            ("a phone number in parentheses", "(020) 7405 9200 ext", &[(PhoneNumber, "(020) 7405 9200")]),
            ("a phone number after a phone word", "tel. 555-123-45", &[(PhoneNumber, "555-123-45")]),
            ("a name with a title", "referred by Dr Smith", &[(PersonalName, "Dr Smith")]),
            ("a name with an Italian title", "seen by Dott.ssa Bianchi", &[(PersonalName, "Dott.ssa Bianchi")]),
            ("a name with an initial", "letter from M. Rossi", &[(PersonalName, "M. Rossi")]),
            ("a hyphenated first name", "Anne-Marie Dupont attended", &[(PersonalName, "Anne-Marie Dupont")]),
            ("a surname with an apostrophe", "Giulia D'Amico", &[(PersonalName, "Giulia D'Amico")]),
            ("a name with a surname that is also an eponym", "Mary Johnson came", &[(PersonalName, "Mary Johnson")]),
            ("a three-word name", "Maria Grazia Esposito", &[(PersonalName, "Maria Grazia Esposito")]),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(name, text, expected)| mismatch(text, expected).map(|difference| format!("{name}: {difference}")))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn clinical_text_is_not_warned_about() {
        let cases: &[(&str, &str)] = &[
            ("a weight-based dose", "Anakinra started 2 mg/kg/day"),
            ("a dose change with dates", "Dose increased to 4 mg/kg/day on 2012-03-04 after flare"),
            ("a treatment date in European form", "Canakinumab from 12/03/2015, good response"),
            ("an eponym", "Wiskott Aldrich syndrome, confirmed by sequencing"),
            ("a hyphenated eponym", "Wiskott-Aldrich syndrome"),
            ("an institution", "Transplanted at Great Ormond Street Hospital"),
            ("an Italian institution", "Gene therapy at San Raffaele Telethon"),
            ("an organism", "EBV reactivation; Epstein Barr virus load 12000 copies/mL"),
            ("a platelet count", "platelets 250000/uL, then 150000 cells per microlitre"),
            ("HPO identifiers", "targets HP:0001369 and HP:0002037"),
            ("a trial registration", "enrolled in NCT01515462"),
            ("a transcript", "NM_000377.3 c.631C>T"),
            ("sentence-initial words", "Patient Started on steroids. After Anakinra the fever resolved."),
            ("a drug switch", "Switched from Anakinra to Canakinumab due to injection site reactions"),
            ("immunoglobulins", "IgG IgA low, IgE raised"),
            ("a month and year", "Relapse in March 2014; Steroids stopped"),
            ("abbreviations", "CRP 212 mg/L, ESR 80 mm/h, MPV 4.9 fL"),
            ("an HLA match", "HLA 10/10 matched unrelated donor"),
            ("a decimal value", "vector copy number 1.2345678 per cell"),
            ("a conditioning regimen", "reduced-intensity busulfan-based conditioning, per protocol"),
            ("a lentiviral vector", "lentiviral w1.6_hWASP_WPRE"),
            ("a response note", "afebrile; CRP near normal; occasional loose stools"),
            ("a year range", "followed 2011-2024"),
            ("an empty note", ""),
        ];
        let failures: Vec<String> =
            cases.iter().filter_map(|(name, text)| mismatch(text, &[]).map(|difference| format!("{name}: {difference}"))).collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn warnings_quote_what_was_seen_without_a_full_stop() {
        let warnings = identifying_data_warnings("Mario Rossi, DOB 12/03/2015, MRN 4481223");
        for warning in &warnings {
            let message = warning.message();
            assert!(message.contains(&warning.excerpt), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
        assert_eq!(warnings[1].range, 17..27);
    }

    #[test]
    fn multi_byte_text_is_scanned_by_character() {
        check("Né le 12/03/2015 à Paris – José Álvarez", &[(DateOfBirth, "12/03/2015"), (PersonalName, "José Álvarez")]);
    }
}
