//! Coded values: an identifier in a named system, with the label a person reads.
//!
//! Identifiers are parsed by their system's rule (`HP:` and seven digits, `MONDO:` and seven
//! digits, ...), so a typo such as `HP:96400` never reaches the registry.

use std::fmt;

use crate::error::DomainError;

/// The code systems Casebook knows the shape of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeSystem {
    /// Human Phenotype Ontology, `HP:0000964`.
    Hpo,
    /// Mondo Disease Ontology, `MONDO:0010518`.
    Mondo,
    /// Online Mendelian Inheritance in Man, `OMIM:301000`.
    Omim,
    /// Orphanet, `ORPHA:906`.
    Orphanet,
    /// HUGO Gene Nomenclature Committee, `HGNC:12731`.
    Hgnc,
    /// Medical Action Ontology, `MAXO:0001488`.
    Maxo,
    /// NCI Thesaurus, `NCIT:C41338`.
    Ncit,
    /// DrugBank, `DrugBank:DB00026`.
    DrugBank,
    /// Chemical Entities of Biological Interest, `CHEBI:8382`.
    Chebi,
}

impl CodeSystem {
    /// Every system, in the order used for messages.
    pub const ALL: [CodeSystem; 9] = [
        CodeSystem::Hpo,
        CodeSystem::Mondo,
        CodeSystem::Omim,
        CodeSystem::Orphanet,
        CodeSystem::Hgnc,
        CodeSystem::Maxo,
        CodeSystem::Ncit,
        CodeSystem::DrugBank,
        CodeSystem::Chebi,
    ];

    /// The CURIE prefix, as used in Phenopackets (`HP`, `MONDO`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            CodeSystem::Hpo => "HP",
            CodeSystem::Mondo => "MONDO",
            CodeSystem::Omim => "OMIM",
            CodeSystem::Orphanet => "ORPHA",
            CodeSystem::Hgnc => "HGNC",
            CodeSystem::Maxo => "MAXO",
            CodeSystem::Ncit => "NCIT",
            CodeSystem::DrugBank => "DrugBank",
            CodeSystem::Chebi => "CHEBI",
        }
    }

    /// What the local part after the prefix must look like, for error messages.
    pub fn expected_shape(self) -> &'static str {
        match self {
            CodeSystem::Hpo => "`HP:` followed by 7 digits, e.g. HP:0000964",
            CodeSystem::Mondo => "`MONDO:` followed by 7 digits, e.g. MONDO:0010518",
            CodeSystem::Omim => "`OMIM:` followed by 6 digits, e.g. OMIM:301000",
            CodeSystem::Orphanet => "`ORPHA:` followed by 1 to 7 digits, e.g. ORPHA:906",
            CodeSystem::Hgnc => "`HGNC:` followed by 1 to 6 digits, e.g. HGNC:12731",
            CodeSystem::Maxo => "`MAXO:` followed by 7 digits, e.g. MAXO:0001488",
            CodeSystem::Ncit => "`NCIT:C` followed by digits, e.g. NCIT:C41338",
            CodeSystem::DrugBank => "`DrugBank:DB` followed by 5 digits, e.g. DrugBank:DB00026",
            CodeSystem::Chebi => "`CHEBI:` followed by digits, e.g. CHEBI:8382",
        }
    }

    fn local_part_is_valid(self, local: &str) -> bool {
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match self {
            CodeSystem::Hpo | CodeSystem::Mondo | CodeSystem::Maxo => local.len() == 7 && all_digits(local),
            CodeSystem::Omim => local.len() == 6 && all_digits(local),
            CodeSystem::Orphanet => local.len() <= 7 && all_digits(local),
            CodeSystem::Hgnc => local.len() <= 6 && all_digits(local),
            CodeSystem::Ncit => local.strip_prefix('C').is_some_and(all_digits),
            CodeSystem::DrugBank => local.strip_prefix("DB").is_some_and(|d| d.len() == 5 && all_digits(d)),
            CodeSystem::Chebi => local.len() <= 7 && all_digits(local),
        }
    }

    /// The system a CURIE prefix names, if Casebook knows it.
    pub fn from_prefix(prefix: &str) -> Option<CodeSystem> {
        CodeSystem::ALL.into_iter().find(|system| system.prefix() == prefix)
    }
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// A compact identifier (`PREFIX:LOCAL`) whose shape has been checked for its system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Curie {
    system: CodeSystem,
    /// The whole identifier, `PREFIX:LOCAL`, kept whole so that comparisons and lookups need no
    /// formatting.
    text: String,
}

impl Curie {
    /// Parses any CURIE of a known system.
    pub fn parse(text: &str) -> Result<Curie, DomainError> {
        let text = text.trim();
        let Some((prefix, local)) = text.split_once(':') else {
            return Err(DomainError::InvalidCode {
                system: "ontology",
                value: text.to_string(),
                expected: "PREFIX:ID, e.g. HP:0000964 or MONDO:0010518",
            });
        };
        let system = CodeSystem::from_prefix(prefix).ok_or_else(|| DomainError::InvalidCode {
            system: "ontology",
            value: text.to_string(),
            expected: "a known prefix: HP, MONDO, OMIM, ORPHA, HGNC, MAXO, NCIT, DrugBank or CHEBI",
        })?;
        Curie::parse_in(system, text).map_err(|_| DomainError::InvalidCode {
            system: system.prefix(),
            value: local.to_string(),
            expected: system.expected_shape(),
        })
    }

    /// Parses a CURIE that must belong to `system`.
    pub fn parse_in(system: CodeSystem, text: &str) -> Result<Curie, DomainError> {
        let invalid = || DomainError::InvalidCode { system: system.prefix(), value: text.to_string(), expected: system.expected_shape() };
        let trimmed = text.trim();
        let local = trimmed.strip_prefix(system.prefix()).and_then(|rest| rest.strip_prefix(':')).ok_or_else(invalid)?;
        if !system.local_part_is_valid(local) {
            return Err(invalid());
        }
        // `trimmed` is `PREFIX:local` exactly, as checked above.
        Ok(Curie { system, text: trimmed.to_string() })
    }

    /// The system the identifier belongs to.
    pub fn system(&self) -> CodeSystem {
        self.system
    }

    /// The part after `PREFIX:`, e.g. `0000964` for `HP:0000964`.
    pub fn local_id(&self) -> &str {
        &self.text[self.system.prefix().len() + 1..]
    }

    /// The identifier as text, `PREFIX:LOCAL`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Curie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A coded value: identifier plus the label shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code {
    id: Curie,
    label: String,
}

impl Code {
    /// A code with a non-empty label.
    pub fn new(id: Curie, label: &str) -> Result<Code, DomainError> {
        let label = label.trim();
        if label.is_empty() {
            return Err(DomainError::InvalidText { field: "label", reason: format!("of {id} must not be empty") });
        }
        Ok(Code { id, label: label.to_string() })
    }

    /// Parses the identifier, which must belong to `system`, and attaches the label.
    pub fn parse_in(system: CodeSystem, id: &str, label: &str) -> Result<Code, DomainError> {
        Code::new(Curie::parse_in(system, id)?, label)
    }

    /// The checked identifier.
    pub fn id(&self) -> &Curie {
        &self.id
    }

    /// The label shown to people, trimmed and never empty.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_identifiers_parse_and_display_unchanged() {
        for text in [
            "HP:0000964",
            "MONDO:0010518",
            "OMIM:301000",
            "ORPHA:906",
            "HGNC:12731",
            "MAXO:0001488",
            "NCIT:C41338",
            "DrugBank:DB00026",
            "CHEBI:8382",
        ] {
            assert_eq!(Curie::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn malformed_identifiers_are_rejected_with_the_expected_shape() {
        let cases = [
            ("HP:96400", "7 digits"),
            ("HP:00009640", "7 digits"),
            ("HPO:0000964", "known prefix"),
            ("hp:0000964", "known prefix"),
            ("HP0000964", "PREFIX:ID"),
            ("MONDO:10518", "7 digits"),
            ("NCIT:41338", "NCIT:C"),
            ("HP:000096a", "7 digits"),
        ];
        for (text, expected_hint) in cases {
            let message = Curie::parse(text).unwrap_err().to_string();
            assert!(message.contains(expected_hint), "`{text}` gave `{message}`, which does not mention `{expected_hint}`");
        }
    }

    #[test]
    fn an_identifier_of_another_system_is_rejected_where_one_system_is_required() {
        assert!(Curie::parse_in(CodeSystem::Hpo, "MONDO:0010518").is_err());
        assert!(Curie::parse_in(CodeSystem::Mondo, "MONDO:0010518").is_ok());
    }

    #[test]
    fn codes_need_a_label() {
        assert!(Code::parse_in(CodeSystem::Hpo, "HP:0000964", "  ").is_err());
        assert_eq!(Code::parse_in(CodeSystem::Hpo, "HP:0000964", "Eczematoid dermatitis").unwrap().label(), "Eczematoid dermatitis");
    }
}
