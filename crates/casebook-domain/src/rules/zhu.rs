//! The Zhu/Ochs clinical score of Wiskott-Aldrich syndrome, computed from a clinical profile.
//!
//! The published score (Zhu 1995/1997, refined by Ochs 2009) is a table of profiles, not an
//! algorithm: a clinician picks the column that fits the patient best. This module implements
//! the calculator specified in clinical.md §2.4, which turns that table into a deterministic
//! profile rule (the "max" reading, not the additive one of Rivers 2019):
//!
//! 1. autoimmunity or malignancy gives score 5, subclassified 5A, 5M or 5AM (Bosticardo 2009);
//! 2. congenital neutropenia without thrombocytopenia gives score 0 (X-linked neutropenia);
//! 3. no thrombocytopenia and normal platelet size cannot be scored;
//! 4. otherwise the worse of the eczema and infection levels (0..3) gives <1 or 1, 2, 3 or 4.
//!
//! The result also flags a *discordant* profile (eczema and infection levels two or more apart,
//! where a clinician may assign a half score) and an *indeterminate* one (an infant with a
//! predicted-severe genotype whose score is still below 3, per wiskott.org).
//!
//! Whether autoinflammatory manifestations (IBD, arthritis, vasculitis, pyoderma gangrenosum)
//! count as autoimmunity for score 5 is a study setting, [`ZhuSettings`], and every result
//! records the setting and the rule version that produced it, so a stored score can be
//! reproduced. The clinician's own score is stored separately by the caller; this module never
//! overrides it.

use std::fmt;

use crate::drug::parse_key;
use crate::error::DomainError;

/// Identifies this implementation of the rule; stored with every computed score so that a later
/// change of the rule never silently changes what an old score meant.
pub const ZHU_RULE_VERSION: &str = "casebook-zhu-1 (Ochs 2009 profile rule, clinical.md §2.4)";

/// Age below which a low score in a patient with a predicted-severe genotype is indeterminate:
/// 2 years (wiskott.org, clinical.md §2.2).
pub const INDETERMINATE_BELOW_AGE_MONTHS: i64 = 24;

/// Thrombocytopenia as seen over the assessment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Thrombocytopenia {
    /// Normal platelet counts.
    None,
    /// Platelet counts that are low only at times (the iXLT profile).
    Intermittent,
    /// Persistently low platelet counts.
    Present,
}

impl Thrombocytopenia {
    /// Every value, in order of severity.
    pub const ALL: [Thrombocytopenia; 3] = [Thrombocytopenia::None, Thrombocytopenia::Intermittent, Thrombocytopenia::Present];

    /// The stable keyword stored and exchanged for this value.
    pub fn key(self) -> &'static str {
        match self {
            Thrombocytopenia::None => "none",
            Thrombocytopenia::Intermittent => "intermittent",
            Thrombocytopenia::Present => "present",
        }
    }

    /// Parses a keyword produced by [`Thrombocytopenia::key`].
    pub fn parse(text: &str) -> Result<Thrombocytopenia, DomainError> {
        parse_key("thrombocytopenia", text, &Thrombocytopenia::ALL, |value| value.key())
    }
}

/// Eczema as graded by the Zhu/Ochs table (legend wording from wiskott.org, clinical.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Eczema {
    /// No eczema (level 0).
    None,
    /// Mild, transient eczema (level 1).
    Mild,
    /// Persistent but therapy-responsive eczema (level 2).
    Persistent,
    /// Eczema that is difficult to control (level 3).
    DifficultToControl,
}

impl Eczema {
    /// Every value, in order of severity.
    pub const ALL: [Eczema; 4] = [Eczema::None, Eczema::Mild, Eczema::Persistent, Eczema::DifficultToControl];

    /// The stable keyword stored and exchanged for this value.
    pub fn key(self) -> &'static str {
        match self {
            Eczema::None => "none",
            Eczema::Mild => "mild",
            Eczema::Persistent => "persistent",
            Eczema::DifficultToControl => "difficult-to-control",
        }
    }

    /// Parses a keyword produced by [`Eczema::key`].
    pub fn parse(text: &str) -> Result<Eczema, DomainError> {
        parse_key("eczema", text, &Eczema::ALL, |value| value.key())
    }

    /// The level 0..3 that step 4 of the calculator compares with the infection level.
    pub fn level(self) -> u8 {
        match self {
            Eczema::None => 0,
            Eczema::Mild => 1,
            Eczema::Persistent => 2,
            Eczema::DifficultToControl => 3,
        }
    }
}

/// Infections as graded by the Zhu/Ochs table (legend wording from wiskott.org, clinical.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Infections {
    /// No infections beyond the ordinary (level 0).
    None,
    /// Mild, infrequent infections without sequelae (level 1).
    Mild,
    /// Recurrent infections requiring antibiotics and often IVIG prophylaxis (level 2).
    Recurrent,
    /// Severe, life-threatening infections (level 3).
    Severe,
}

impl Infections {
    /// Every value, in order of severity.
    pub const ALL: [Infections; 4] = [Infections::None, Infections::Mild, Infections::Recurrent, Infections::Severe];

    /// The stable keyword stored and exchanged for this value.
    pub fn key(self) -> &'static str {
        match self {
            Infections::None => "none",
            Infections::Mild => "mild",
            Infections::Recurrent => "recurrent",
            Infections::Severe => "severe",
        }
    }

    /// Parses a keyword produced by [`Infections::key`].
    pub fn parse(text: &str) -> Result<Infections, DomainError> {
        parse_key("infections", text, &Infections::ALL, |value| value.key())
    }

    /// The level 0..3 that step 4 of the calculator compares with the eczema level.
    pub fn level(self) -> u8 {
        match self {
            Infections::None => 0,
            Infections::Mild => 1,
            Infections::Recurrent => 2,
            Infections::Severe => 3,
        }
    }
}

/// Laboratory immunodeficiency. Recorded because the table lists it, but it does not drive the
/// score: its columns overlap too much to separate profiles (clinical.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImmunodeficiencyLab {
    /// No laboratory immunodeficiency.
    Absent,
    /// Mild laboratory immunodeficiency.
    Mild,
    /// Laboratory immunodeficiency present.
    Present,
}

impl ImmunodeficiencyLab {
    /// Every value, in order of severity.
    pub const ALL: [ImmunodeficiencyLab; 3] = [ImmunodeficiencyLab::Absent, ImmunodeficiencyLab::Mild, ImmunodeficiencyLab::Present];

    /// The stable keyword stored and exchanged for this value.
    pub fn key(self) -> &'static str {
        match self {
            ImmunodeficiencyLab::Absent => "absent",
            ImmunodeficiencyLab::Mild => "mild",
            ImmunodeficiencyLab::Present => "present",
        }
    }

    /// Parses a keyword produced by [`ImmunodeficiencyLab::key`].
    pub fn parse(text: &str) -> Result<ImmunodeficiencyLab, DomainError> {
        parse_key("immunodeficiency", text, &ImmunodeficiencyLab::ALL, |value| value.key())
    }
}

/// The clinical profile at one assessment. Every combination of values is a valid input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZhuInputs {
    /// Thrombocytopenia over the assessment period; intermittent turns score 1 into <1.
    pub thrombocytopenia: Thrombocytopenia,
    /// Small platelets (low MPV, HP:0005537).
    pub small_platelets: bool,
    /// Congenital neutropenia; without thrombocytopenia it gives score 0 (X-linked neutropenia).
    pub congenital_neutropenia: bool,
    /// Eczema level, compared with the infection level in step 4.
    pub eczema: Eczema,
    /// Infection level, compared with the eczema level in step 4.
    pub infections: Infections,
    /// Informational only: it does not change the score.
    pub immunodeficiency: ImmunodeficiencyLab,
    /// Autoimmune manifestations such as AIHA, ITP or autoimmune neutropenia.
    pub autoimmunity: bool,
    /// Autoinflammatory manifestations such as IBD, arthritis, vasculitis or pyoderma
    /// gangrenosum; whether they count towards score 5 is a [`ZhuSettings`] choice.
    pub autoinflammation: bool,
    /// Malignancy such as lymphoma; it gives score 5M (5AM with autoimmunity).
    pub malignancy: bool,
    /// Age at the assessment in completed months, when the birth date allows it.
    pub age_months: Option<i64>,
    /// For example absent WASP, or a nonsense or frameshift variant (clinical.md §8.2).
    pub predicted_severe_genotype: bool,
}

/// The study-level choices of the calculator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZhuSettings {
    /// Whether autoinflammatory manifestations count as autoimmunity for score 5.
    pub count_autoinflammation_as_autoimmunity: bool,
}

impl Default for ZhuSettings {
    /// Counts autoinflammation as autoimmunity, matching the WAS literature, which lists
    /// arthritis, vasculitis and IBD among the autoimmune complications (Dupuis-Girod 2003;
    /// ESID). The Blood 2024 commentary separates the two, so a study may switch it off
    /// (clinical.md §2.4).
    fn default() -> ZhuSettings {
        ZhuSettings { count_autoinflammation_as_autoimmunity: true }
    }
}

/// Why a score is 5: the Bosticardo 2009 subclassification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreFiveSubclass {
    /// 5A.
    Autoimmunity,
    /// 5M.
    Malignancy,
    /// 5AM.
    AutoimmunityAndMalignancy,
}

/// A Zhu score as written in the literature: 0, <1, 1 to 4, 5A/5M/5AM, or unscorable.
///
/// Score 5 always carries its subclass, so a bare "5" cannot be represented and every score
/// survives display and re-parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZhuScore {
    /// 0: X-linked neutropenia.
    Zero,
    /// <1: intermittent thrombocytopenia with small platelets.
    BelowOne,
    /// 1: thrombocytopenia and small platelets only.
    One,
    /// 2: plus mild eczema or mild infections.
    Two,
    /// 3: persistent eczema or recurrent infections.
    Three,
    /// 4: eczema difficult to control or severe infections.
    Four,
    /// 5A, 5M or 5AM: autoimmunity and/or malignancy.
    Five(ScoreFiveSubclass),
    /// No WAS-spectrum platelet phenotype and no neutropenia: the table does not apply.
    Unscorable,
}

impl ZhuScore {
    /// Every score, in the order of the table.
    pub const ALL: [ZhuScore; 10] = [
        ZhuScore::Zero,
        ZhuScore::BelowOne,
        ZhuScore::One,
        ZhuScore::Two,
        ZhuScore::Three,
        ZhuScore::Four,
        ZhuScore::Five(ScoreFiveSubclass::Autoimmunity),
        ZhuScore::Five(ScoreFiveSubclass::Malignancy),
        ZhuScore::Five(ScoreFiveSubclass::AutoimmunityAndMalignancy),
        ZhuScore::Unscorable,
    ];

    /// The score as written: "0", "<1", "1" … "4", "5A", "5M", "5AM" or "unscorable".
    pub fn key(self) -> &'static str {
        match self {
            ZhuScore::Zero => "0",
            ZhuScore::BelowOne => "<1",
            ZhuScore::One => "1",
            ZhuScore::Two => "2",
            ZhuScore::Three => "3",
            ZhuScore::Four => "4",
            ZhuScore::Five(ScoreFiveSubclass::Autoimmunity) => "5A",
            ZhuScore::Five(ScoreFiveSubclass::Malignancy) => "5M",
            ZhuScore::Five(ScoreFiveSubclass::AutoimmunityAndMalignancy) => "5AM",
            ZhuScore::Unscorable => "unscorable",
        }
    }

    /// Parses a score written as [`ZhuScore::key`] writes it. A bare "5" is refused because the
    /// registry always records why a score is 5.
    pub fn parse(text: &str) -> Result<ZhuScore, DomainError> {
        parse_key("Zhu score", text, &ZhuScore::ALL, |score| score.key())
    }

    /// Score 3 or higher, 5A/5M/5AM included: the "severe WAS" of the gene therapy trials
    /// (Ferrua 2019, clinical.md §2.3).
    pub fn is_severe(self) -> bool {
        matches!(self, ZhuScore::Three | ZhuScore::Four | ZhuScore::Five(_))
    }

    /// The phenotype class the literature attaches to this score (clinical.md §2.3).
    pub fn phenotype_class(self) -> PhenotypeClass {
        match self {
            ZhuScore::Zero => PhenotypeClass::Xln,
            ZhuScore::BelowOne => PhenotypeClass::Ixlt,
            ZhuScore::One | ZhuScore::Two => PhenotypeClass::Xlt,
            ZhuScore::Three | ZhuScore::Four => PhenotypeClass::ClassicWas,
            ZhuScore::Five(_) => PhenotypeClass::WasOrXltWithAutoimmunityOrMalignancy,
            ZhuScore::Unscorable => PhenotypeClass::Unscorable,
        }
    }

    /// A numeric score strictly below 3. Score 5 and "unscorable" are not: 5 is above 3, and
    /// "unscorable" is no score at all.
    fn is_below_three(self) -> bool {
        matches!(self, ZhuScore::Zero | ZhuScore::BelowOne | ZhuScore::One | ZhuScore::Two)
    }
}

impl fmt::Display for ZhuScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The phenotype a score stands for (clinical.md §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhenotypeClass {
    /// X-linked neutropenia (score 0).
    Xln,
    /// Intermittent X-linked thrombocytopenia (score <1).
    Ixlt,
    /// X-linked thrombocytopenia (scores 1 and 2).
    Xlt,
    /// Classic Wiskott-Aldrich syndrome (scores 3 and 4).
    ClassicWas,
    /// Score 5, which does not by itself separate WAS from XLT.
    WasOrXltWithAutoimmunityOrMalignancy,
    /// No score could be computed.
    Unscorable,
}

impl PhenotypeClass {
    /// Every class, in the order of the table.
    pub const ALL: [PhenotypeClass; 6] = [
        PhenotypeClass::Xln,
        PhenotypeClass::Ixlt,
        PhenotypeClass::Xlt,
        PhenotypeClass::ClassicWas,
        PhenotypeClass::WasOrXltWithAutoimmunityOrMalignancy,
        PhenotypeClass::Unscorable,
    ];

    /// The stable keyword stored and exchanged for this class.
    pub fn key(self) -> &'static str {
        match self {
            PhenotypeClass::Xln => "xln",
            PhenotypeClass::Ixlt => "ixlt",
            PhenotypeClass::Xlt => "xlt",
            PhenotypeClass::ClassicWas => "classic-was",
            PhenotypeClass::WasOrXltWithAutoimmunityOrMalignancy => "was-or-xlt-with-autoimmunity-or-malignancy",
            PhenotypeClass::Unscorable => "unscorable",
        }
    }

    /// Parses a keyword produced by [`PhenotypeClass::key`].
    pub fn parse(text: &str) -> Result<PhenotypeClass, DomainError> {
        parse_key("phenotype class", text, &PhenotypeClass::ALL, |class| class.key())
    }

    /// The name a clinician reads.
    pub fn label(self) -> &'static str {
        match self {
            PhenotypeClass::Xln => "X-linked neutropenia (XLN)",
            PhenotypeClass::Ixlt => "intermittent X-linked thrombocytopenia (iXLT)",
            PhenotypeClass::Xlt => "X-linked thrombocytopenia (XLT)",
            PhenotypeClass::ClassicWas => "classic Wiskott-Aldrich syndrome",
            PhenotypeClass::WasOrXltWithAutoimmunityOrMalignancy => "WAS/XLT with autoimmunity or malignancy",
            PhenotypeClass::Unscorable => "unscorable",
        }
    }
}

impl fmt::Display for PhenotypeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A computed score with its derived fields and what is needed to reproduce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZhuResult {
    /// The computed score.
    pub score: ZhuScore,
    /// The phenotype the score stands for (clinical.md §2.3).
    pub phenotype_class: PhenotypeClass,
    /// Score 3 or higher, 5A/5M/5AM included.
    pub severe: bool,
    /// The eczema and infection levels differ by two or more, so the profile fits no single
    /// column and a clinician may assign a half score. Only set when those levels produced the
    /// score (step 4): for 0, 5 and "unscorable" they play no part.
    pub discordant: bool,
    /// Under 2 years, a predicted-severe genotype and a score of 0, <1, 1 or 2: the phenotype
    /// may still declare itself.
    pub indeterminate: bool,
    /// [`ZHU_RULE_VERSION`].
    pub rule_version: &'static str,
    /// The setting in force, whether or not this patient had autoinflammation.
    pub counted_autoinflammation_as_autoimmunity: bool,
}

/// Computes the Zhu score of a clinical profile by the rule of clinical.md §2.4.
pub fn compute_zhu_score(inputs: &ZhuInputs, settings: &ZhuSettings) -> ZhuResult {
    let eczema_level = inputs.eczema.level();
    let infection_level = inputs.infections.level();
    let autoimmunity = inputs.autoimmunity || (inputs.autoinflammation && settings.count_autoinflammation_as_autoimmunity);

    // Steps 1 to 4 of the specification, in order: the first that applies decides the score.
    let (score, scored_on_eczema_and_infections) = if let Some(subclass) = score_five_subclass(autoimmunity, inputs.malignancy) {
        (ZhuScore::Five(subclass), false)
    } else if inputs.congenital_neutropenia && inputs.thrombocytopenia == Thrombocytopenia::None {
        (ZhuScore::Zero, false)
    } else if !inputs.small_platelets && inputs.thrombocytopenia == Thrombocytopenia::None {
        (ZhuScore::Unscorable, false)
    } else {
        let score = match eczema_level.max(infection_level) {
            0 if inputs.thrombocytopenia == Thrombocytopenia::Intermittent => ZhuScore::BelowOne,
            0 => ZhuScore::One,
            1 => ZhuScore::Two,
            2 => ZhuScore::Three,
            _ => ZhuScore::Four,
        };
        (score, true)
    };

    // Step 5.
    let discordant = scored_on_eczema_and_infections && eczema_level.abs_diff(infection_level) >= 2;
    // Step 6. An unknown age cannot be shown to be under 2 years, so it never makes a score
    // indeterminate.
    let under_two_years = inputs.age_months.is_some_and(|months| months < INDETERMINATE_BELOW_AGE_MONTHS);
    let indeterminate = under_two_years && inputs.predicted_severe_genotype && score.is_below_three();

    ZhuResult {
        score,
        phenotype_class: score.phenotype_class(),
        severe: score.is_severe(),
        discordant,
        indeterminate,
        rule_version: ZHU_RULE_VERSION,
        counted_autoinflammation_as_autoimmunity: settings.count_autoinflammation_as_autoimmunity,
    }
}

fn score_five_subclass(autoimmunity: bool, malignancy: bool) -> Option<ScoreFiveSubclass> {
    match (autoimmunity, malignancy) {
        (true, true) => Some(ScoreFiveSubclass::AutoimmunityAndMalignancy),
        (true, false) => Some(ScoreFiveSubclass::Autoimmunity),
        (false, true) => Some(ScoreFiveSubclass::Malignancy),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one row of the reference table expects.
    struct Expected {
        score: ZhuScore,
        class: PhenotypeClass,
        severe: bool,
        discordant: bool,
        indeterminate: bool,
    }

    fn expected(score: ZhuScore, class: PhenotypeClass, severe: bool) -> Expected {
        Expected { score, class, severe, discordant: false, indeterminate: false }
    }

    const COUNTED: ZhuSettings = ZhuSettings { count_autoinflammation_as_autoimmunity: true };
    const NOT_COUNTED: ZhuSettings = ZhuSettings { count_autoinflammation_as_autoimmunity: false };

    /// Nothing abnormal at all: the starting point that each case changes.
    fn normal() -> ZhuInputs {
        ZhuInputs {
            thrombocytopenia: Thrombocytopenia::None,
            small_platelets: false,
            congenital_neutropenia: false,
            eczema: Eczema::None,
            infections: Infections::None,
            immunodeficiency: ImmunodeficiencyLab::Absent,
            autoimmunity: false,
            autoinflammation: false,
            malignancy: false,
            age_months: Some(60),
            predicted_severe_genotype: false,
        }
    }

    /// Thrombocytopenia with small platelets and nothing else: case 1 of clinical.md §2.4.
    fn platelet_profile() -> ZhuInputs {
        ZhuInputs { thrombocytopenia: Thrombocytopenia::Present, small_platelets: true, ..normal() }
    }

    fn check(case: &str, inputs: ZhuInputs, settings: ZhuSettings, expected: Expected) {
        let result = compute_zhu_score(&inputs, &settings);
        assert_eq!(result.score, expected.score, "{case}: score");
        assert_eq!(result.phenotype_class, expected.class, "{case}: phenotype class");
        assert_eq!(result.severe, expected.severe, "{case}: severe");
        assert_eq!(result.discordant, expected.discordant, "{case}: discordant");
        assert_eq!(result.indeterminate, expected.indeterminate, "{case}: indeterminate");
        assert_eq!(result.rule_version, ZHU_RULE_VERSION, "{case}: rule version");
        assert_eq!(
            result.counted_autoinflammation_as_autoimmunity, settings.count_autoinflammation_as_autoimmunity,
            "{case}: recorded setting"
        );
    }

    #[test]
    fn the_fifteen_reference_cases_of_the_specification_score_as_listed() {
        use PhenotypeClass::*;
        let five_a = ZhuScore::Five(ScoreFiveSubclass::Autoimmunity);
        let score_four_profile = ZhuInputs { eczema: Eczema::DifficultToControl, infections: Infections::Recurrent, ..platelet_profile() };
        let cases = [
            ("case 1", platelet_profile(), COUNTED, expected(ZhuScore::One, Xlt, false)),
            ("case 2", ZhuInputs { eczema: Eczema::Mild, ..platelet_profile() }, COUNTED, expected(ZhuScore::Two, Xlt, false)),
            ("case 3", ZhuInputs { infections: Infections::Mild, ..platelet_profile() }, COUNTED, expected(ZhuScore::Two, Xlt, false)),
            (
                "case 4",
                ZhuInputs {
                    eczema: Eczema::Persistent,
                    infections: Infections::Recurrent,
                    immunodeficiency: ImmunodeficiencyLab::Present,
                    ..platelet_profile()
                },
                COUNTED,
                expected(ZhuScore::Three, ClassicWas, true),
            ),
            ("case 5", score_four_profile, COUNTED, expected(ZhuScore::Four, ClassicWas, true)),
            (
                "case 6",
                ZhuInputs { eczema: Eczema::Persistent, infections: Infections::Severe, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Four, ClassicWas, true),
            ),
            (
                "case 7",
                ZhuInputs { autoimmunity: true, ..platelet_profile() },
                COUNTED,
                expected(five_a, WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "case 8",
                ZhuInputs { malignancy: true, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::Malignancy), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "case 9",
                ZhuInputs { autoimmunity: true, malignancy: true, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::AutoimmunityAndMalignancy), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "case 10",
                ZhuInputs { thrombocytopenia: Thrombocytopenia::Intermittent, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::BelowOne, Ixlt, false),
            ),
            ("case 11", ZhuInputs { congenital_neutropenia: true, ..normal() }, COUNTED, expected(ZhuScore::Zero, Xln, false)),
            (
                "case 12",
                ZhuInputs { eczema: Eczema::DifficultToControl, ..platelet_profile() },
                COUNTED,
                Expected { discordant: true, ..expected(ZhuScore::Four, ClassicWas, true) },
            ),
            (
                "case 13",
                ZhuInputs { eczema: Eczema::Mild, age_months: Some(10), predicted_severe_genotype: true, ..platelet_profile() },
                COUNTED,
                Expected { indeterminate: true, ..expected(ZhuScore::Two, Xlt, false) },
            ),
            (
                "case 14, autoinflammation counted",
                ZhuInputs { autoinflammation: true, ..score_four_profile },
                COUNTED,
                expected(five_a, WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "case 14, autoinflammation not counted",
                ZhuInputs { autoinflammation: true, ..score_four_profile },
                NOT_COUNTED,
                expected(ZhuScore::Four, ClassicWas, true),
            ),
            ("case 15", normal(), COUNTED, expected(ZhuScore::Unscorable, Unscorable, false)),
        ];
        for (case, inputs, settings, expected) in cases {
            check(case, inputs, settings, expected);
        }
    }

    #[test]
    fn choices_made_where_the_specification_is_silent() {
        use PhenotypeClass::*;
        let infant_with_severe_genotype = ZhuInputs { age_months: Some(10), predicted_severe_genotype: true, ..platelet_profile() };
        let cases = [
            (
                "score 1 in an infant with a predicted-severe genotype is indeterminate",
                infant_with_severe_genotype,
                COUNTED,
                Expected { indeterminate: true, ..expected(ZhuScore::One, Xlt, false) },
            ),
            (
                "score <1 in an infant with a predicted-severe genotype is indeterminate",
                ZhuInputs { thrombocytopenia: Thrombocytopenia::Intermittent, ..infant_with_severe_genotype },
                COUNTED,
                Expected { indeterminate: true, ..expected(ZhuScore::BelowOne, Ixlt, false) },
            ),
            (
                "score 3 in an infant with a predicted-severe genotype is not indeterminate",
                ZhuInputs { eczema: Eczema::Persistent, infections: Infections::Recurrent, ..infant_with_severe_genotype },
                COUNTED,
                expected(ZhuScore::Three, ClassicWas, true),
            ),
            (
                "score 5 in an infant with a predicted-severe genotype is not indeterminate",
                ZhuInputs { autoimmunity: true, ..infant_with_severe_genotype },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::Autoimmunity), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "an unscorable infant with a predicted-severe genotype is not indeterminate",
                ZhuInputs { age_months: Some(10), predicted_severe_genotype: true, ..normal() },
                COUNTED,
                expected(ZhuScore::Unscorable, Unscorable, false),
            ),
            (
                "exactly 24 months is no longer indeterminate",
                ZhuInputs { age_months: Some(24), ..infant_with_severe_genotype },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
            (
                "23 months is still indeterminate",
                ZhuInputs { age_months: Some(23), ..infant_with_severe_genotype },
                COUNTED,
                Expected { indeterminate: true, ..expected(ZhuScore::One, Xlt, false) },
            ),
            (
                "an unknown age is never indeterminate",
                ZhuInputs { age_months: None, ..infant_with_severe_genotype },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
            (
                "an infant without a predicted-severe genotype is not indeterminate",
                ZhuInputs { predicted_severe_genotype: false, ..infant_with_severe_genotype },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
            (
                "discordant eczema and infections are not flagged once autoimmunity makes the score 5",
                ZhuInputs { eczema: Eczema::DifficultToControl, autoimmunity: true, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::Autoimmunity), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "severe infections without eczema are discordant",
                ZhuInputs { infections: Infections::Severe, ..platelet_profile() },
                COUNTED,
                Expected { discordant: true, ..expected(ZhuScore::Four, ClassicWas, true) },
            ),
            (
                "levels one apart are not discordant",
                ZhuInputs { eczema: Eczema::Persistent, infections: Infections::Mild, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Three, ClassicWas, true),
            ),
            (
                "autoinflammation with malignancy, counted, is 5AM",
                ZhuInputs { autoinflammation: true, malignancy: true, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::AutoimmunityAndMalignancy), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "autoinflammation with malignancy, not counted, is 5M",
                ZhuInputs { autoinflammation: true, malignancy: true, ..platelet_profile() },
                NOT_COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::Malignancy), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "autoimmunity makes 5 even without any platelet phenotype",
                ZhuInputs { autoimmunity: true, ..normal() },
                COUNTED,
                expected(ZhuScore::Five(ScoreFiveSubclass::Autoimmunity), WasOrXltWithAutoimmunityOrMalignancy, true),
            ),
            (
                "neutropenia with thrombocytopenia is scored on the platelet profile",
                ZhuInputs { congenital_neutropenia: true, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
            (
                "neutropenia outranks eczema and infections when platelets are normal",
                ZhuInputs { congenital_neutropenia: true, eczema: Eczema::DifficultToControl, ..normal() },
                COUNTED,
                expected(ZhuScore::Zero, Xln, false),
            ),
            (
                "small platelets without thrombocytopenia score by step 4 as written",
                ZhuInputs { thrombocytopenia: Thrombocytopenia::None, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
            (
                "intermittent thrombocytopenia with normal-sized platelets is scored",
                ZhuInputs { thrombocytopenia: Thrombocytopenia::Intermittent, small_platelets: false, ..normal() },
                COUNTED,
                expected(ZhuScore::BelowOne, Ixlt, false),
            ),
            (
                "intermittent thrombocytopenia with mild eczema is 2",
                ZhuInputs { thrombocytopenia: Thrombocytopenia::Intermittent, eczema: Eczema::Mild, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::Two, Xlt, false),
            ),
            (
                "laboratory immunodeficiency does not change the score",
                ZhuInputs { immunodeficiency: ImmunodeficiencyLab::Present, ..platelet_profile() },
                COUNTED,
                expected(ZhuScore::One, Xlt, false),
            ),
        ];
        for (case, inputs, settings, expected) in cases {
            check(case, inputs, settings, expected);
        }
    }

    #[test]
    fn every_input_combination_gives_a_consistent_result() {
        let mut n_combinations = 0;
        for thrombocytopenia in Thrombocytopenia::ALL {
            for eczema in Eczema::ALL {
                for infections in Infections::ALL {
                    for immunodeficiency in ImmunodeficiencyLab::ALL {
                        for age_months in [None, Some(0), Some(23), Some(24), Some(400)] {
                            for flags in 0..64u32 {
                                let bit = |i: u32| flags & (1 << i) != 0;
                                let inputs = ZhuInputs {
                                    thrombocytopenia,
                                    small_platelets: bit(0),
                                    congenital_neutropenia: bit(1),
                                    eczema,
                                    infections,
                                    immunodeficiency,
                                    autoimmunity: bit(2),
                                    autoinflammation: bit(3),
                                    malignancy: bit(4),
                                    age_months,
                                    predicted_severe_genotype: bit(5),
                                };
                                for settings in [COUNTED, NOT_COUNTED] {
                                    n_combinations += 1;
                                    let case = format!("{inputs:?} with {settings:?}");
                                    let result = compute_zhu_score(&inputs, &settings);
                                    let counts_as_autoimmunity =
                                        inputs.autoimmunity || (inputs.autoinflammation && settings.count_autoinflammation_as_autoimmunity);
                                    assert_eq!(
                                        matches!(result.score, ZhuScore::Five(_)),
                                        counts_as_autoimmunity || inputs.malignancy,
                                        "{case}: score 5"
                                    );
                                    assert_eq!(result.severe, result.score.is_severe(), "{case}: severe");
                                    assert_eq!(result.phenotype_class, result.score.phenotype_class(), "{case}: class");
                                    if result.indeterminate {
                                        assert!(
                                            inputs.predicted_severe_genotype && age_months.is_some_and(|m| m < 24) && !result.severe,
                                            "{case}: indeterminate"
                                        );
                                    }
                                    if result.discordant {
                                        assert!(eczema.level().abs_diff(infections.level()) >= 2 && result.severe, "{case}: discordant");
                                    }
                                    let unchanged_by_lab = compute_zhu_score(
                                        &ZhuInputs { immunodeficiency: ImmunodeficiencyLab::Absent, ..inputs },
                                        &settings,
                                    );
                                    assert_eq!(result, unchanged_by_lab, "{case}: immunodeficiency must not change the result");
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(n_combinations, 3 * 4 * 4 * 3 * 5 * 64 * 2);
    }

    #[test]
    fn every_score_survives_display_and_reparse() {
        let written: Vec<String> = ZhuScore::ALL.iter().map(|score| score.to_string()).collect();
        assert_eq!(written, ["0", "<1", "1", "2", "3", "4", "5A", "5M", "5AM", "unscorable"]);
        for score in ZhuScore::ALL {
            assert_eq!(ZhuScore::parse(&score.to_string()), Ok(score), "score {score}");
        }
    }

    #[test]
    fn scores_the_registry_cannot_hold_are_refused() {
        for text in ["5", "2.5", "5a", "6", "", " 1", "Unscorable", "<0"] {
            let error = ZhuScore::parse(text).unwrap_err().to_string();
            assert!(error.contains("5AM"), "`{text}` must be refused with the accepted scores listed, got: {error}");
        }
    }

    #[test]
    fn every_input_keyword_parses_back_to_its_value() {
        for value in Thrombocytopenia::ALL {
            assert_eq!(Thrombocytopenia::parse(value.key()), Ok(value), "thrombocytopenia {value:?}");
        }
        for value in Eczema::ALL {
            assert_eq!(Eczema::parse(value.key()), Ok(value), "eczema {value:?}");
        }
        for value in Infections::ALL {
            assert_eq!(Infections::parse(value.key()), Ok(value), "infections {value:?}");
        }
        for value in ImmunodeficiencyLab::ALL {
            assert_eq!(ImmunodeficiencyLab::parse(value.key()), Ok(value), "immunodeficiency {value:?}");
        }
        for value in PhenotypeClass::ALL {
            assert_eq!(PhenotypeClass::parse(value.key()), Ok(value), "phenotype class {value:?}");
        }
        assert!(Eczema::parse("Difficult").is_err(), "keywords are exact");
    }

    #[test]
    fn levels_run_from_0_to_3_in_order_of_severity() {
        assert_eq!(Eczema::ALL.map(Eczema::level), [0, 1, 2, 3]);
        assert_eq!(Infections::ALL.map(Infections::level), [0, 1, 2, 3]);
    }

    #[test]
    fn autoimmunity_and_malignancy_are_counted_by_default() {
        assert_eq!(ZhuSettings::default(), COUNTED);
    }
}
