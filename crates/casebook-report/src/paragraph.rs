//! The results paragraph, written from the statistics so that every number in it links to the
//! statistic, and so to the patients, behind it.

use casebook_domain::study::Study;

use crate::build::{format_age_months, mid_sentence};
use crate::model::{Sentence, SentencePart, Statistic};

/// Builds one sentence from text and linked numbers.
struct Writer<'a> {
    statistics: &'a [Statistic],
    section: &'static str,
    parts: Vec<SentencePart>,
}

impl<'a> Writer<'a> {
    fn new(statistics: &'a [Statistic]) -> Writer<'a> {
        Writer { statistics, section: "cohort", parts: Vec::new() }
    }

    fn get(&self, id: &str) -> Option<&'a Statistic> {
        self.statistics.iter().find(|s| s.id == id)
    }

    fn text(&mut self, text: impl Into<String>) -> &mut Self {
        self.parts.push(SentencePart::Text { text: text.into() });
        self
    }

    fn number(&mut self, text: impl Into<String>, statistic: &Statistic) -> &mut Self {
        self.parts.push(SentencePart::Number { text: text.into(), statistic: statistic.id.clone() });
        self
    }

    fn term(&mut self, text: impl Into<String>, statistic: &Statistic) -> &mut Self {
        self.parts.push(SentencePart::Term { text: text.into(), statistic: statistic.id.clone() });
        self
    }

    /// "all 7 patients", "both patients", "5/7 patients".
    fn patients(&mut self, statistic: &Statistic) -> &mut Self {
        match (statistic.numerator, statistic.denominator) {
            (2, 2) => self.number("both", statistic).text(" patients"),
            (k, n) if k == n && n > 2 => self.text("all ").number(n.to_string(), statistic).text(" patients"),
            (k, n) => self.number(format!("{k}/{n}"), statistic).text(" patients"),
        }
    }

    fn finish(&mut self, sentences: &mut Vec<Sentence>) {
        if !self.parts.is_empty() {
            sentences.push(Sentence { section: self.section.to_string(), parts: std::mem::take(&mut self.parts) });
        }
    }
}

/// The English name of a country, for the few countries whose code reads badly in a sentence.
fn country_name(code: &str) -> String {
    let name = match code {
        "IT" => "Italy",
        "GB" => "the United Kingdom",
        "US" => "the United States",
        "FR" => "France",
        "DE" => "Germany",
        "ES" => "Spain",
        "NL" => "the Netherlands",
        "BE" => "Belgium",
        "CH" => "Switzerland",
        "AT" => "Austria",
        "SE" => "Sweden",
        "TR" => "Turkey",
        "IL" => "Israel",
        other => other,
    };
    name.to_string()
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Writes the results paragraph.
pub fn results_paragraph(study: &Study, statistics: &[Statistic]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut w = Writer::new(statistics);

    if let (Some(patients), Some(centers)) = (w.get("cohort.patients"), w.get("cohort.centers")) {
        let mut countries: Vec<String> = Vec::new();
        for center in study.centers.iter().filter(|c| statistics.iter().any(|s| s.id == format!("cohort.center.{}", c.id))) {
            let name = country_name(center.country.as_str());
            if !countries.contains(&name) {
                countries.push(name);
            }
        }
        w.number(patients.numerator.to_string(), patients)
            .text(" patients were identified in ")
            .number(centers.numerator.to_string(), centers);
        w.text(format!(" centers in {}.", join_and(&countries)));
        w.finish(&mut sentences);
    }
    if let Some(severe) = w.get("cohort.zhu.severe") {
        w.text("The Zhu clinical score was severe in ").patients(severe).text(".");
        w.finish(&mut sentences);
    }

    w.section = "manifestations";
    // Manifestation groupings in the configured order; single-term groupings with the same
    // numbers are told together ("A and B were present in 4 patients each").
    let groupings: Vec<(&casebook_domain::study::ManifestationGroup, &Statistic)> = study
        .report
        .groupings
        .iter()
        .filter_map(|g| w.get(&format!("manifestation.group.{}", g.id)).map(|s| (g, s)))
        .filter(|(_, s)| s.denominator > 0)
        .collect();
    let mut index = 0;
    while index < groupings.len() {
        let (group, statistic) = groupings[index];
        if group.terms.len() > 1 {
            w.text(format!("{} was present in ", group.label)).patients(statistic);
            let members: Vec<&Statistic> =
                group.terms.iter().filter_map(|t| w.get(&format!("manifestation.term.{t}"))).filter(|s| s.numerator > 0).collect();
            if !members.is_empty() {
                w.text(" and included ");
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        w.text(if i + 1 == members.len() { " and " } else { ", " });
                    }
                    w.text(format!("{} (n=", member.label.to_lowercase())).number(member.numerator.to_string(), member).text(")");
                }
            }
            w.text(".");
            w.finish(&mut sentences);
            index += 1;
            continue;
        }
        let same: Vec<(&casebook_domain::study::ManifestationGroup, &Statistic)> = groupings[index..]
            .iter()
            .take_while(|(g, s)| g.terms.len() == 1 && s.numerator == statistic.numerator && s.denominator == statistic.denominator)
            .copied()
            .collect();
        if same.len() > 1 {
            for (i, (g, s)) in same.iter().enumerate() {
                if i > 0 {
                    w.text(if i + 1 == same.len() { " and " } else { ", " });
                }
                let label = if i == 0 { g.label.clone() } else { g.label.to_lowercase() };
                w.term(label, s);
            }
            w.text(" were present in ")
                .number(statistic.numerator.to_string(), statistic)
                .text(format!(" of {} patients each.", statistic.denominator));
        } else {
            w.text(format!("{} was present in ", group.label)).patients(statistic).text(".");
        }
        w.finish(&mut sentences);
        index += same.len().max(1);
    }

    w.section = "treatments";
    for line in crate::build::configured_or_recorded_lines(study, statistics) {
        let prefix = format!("treatment.{}", line.0);
        let Some(exposed) = w.get(&format!("{prefix}.exposed")) else { continue };
        if exposed.numerator == 0 {
            continue;
        }
        let name = mid_sentence(&line.1);
        match (exposed.numerator, exposed.denominator) {
            (k, n) if k == n && n > 1 => w.text("All ").number(n.to_string(), exposed).text(format!(" patients received {name}")),
            (k, n) => w.number(format!("{k}/{n}"), exposed).text(format!(" patients received {name}")),
        };
        if let Some(age) = w.get(&format!("{prefix}.age-at-start")).filter(|s| s.numerator > 1) {
            w.text(", at ages from ")
                .number(format_age_months(age.min.unwrap_or_default()), age)
                .text(" to ")
                .number(format_age_months(age.max.unwrap_or_default()), age);
        }
        if let Some(response) = w.get(&format!("{prefix}.response.very-good-or-complete")).filter(|s| s.numerator > 0) {
            w.text(", with a very good or complete response in ").patients(response);
        } else if let Some(response) = w.get(&format!("{prefix}.response.good")).filter(|s| s.numerator > 0) {
            w.text(", with a good response in ").patients(response);
        } else if let Some(response) = w.get(&format!("{prefix}.response.partial")).filter(|s| s.numerator > 0) {
            w.text(", with only a partial response in ").patients(response);
        }
        if let Some(stopped) = w.get(&format!("{prefix}.steroids-discontinued")).filter(|s| s.numerator > 0) {
            w.text(", allowing corticosteroid discontinuation in ").patients(stopped);
        }
        w.text(".");
        w.finish(&mut sentences);
        // Daily drugs are dosed per day; drugs given every few weeks per dose.
        let daily = w.get(&format!("{prefix}.dosing-interval-days")).and_then(|s| s.max).is_some_and(|days| days <= 1.0);
        let (dose_id, unit) = if daily { ("dose-mg-per-kg-per-day", "mg/kg/day") } else { ("dose-mg-per-kg-per-dose", "mg/kg per dose") };
        if let Some(dose) = w.get(&format!("{prefix}.{dose_id}")).filter(|s| s.numerator > 1) {
            w.text(format!("Doses of {name} ranged between "))
                .number(crate::build::format_number(dose.min.unwrap_or_default()), dose)
                .text(" and ")
                .number(crate::build::format_number(dose.max.unwrap_or_default()), dose)
                .text(format!(" {unit} in the "))
                .number(dose.numerator.to_string(), dose)
                .text(format!(" of {} patients with available data.", dose.denominator));
            w.finish(&mut sentences);
        }
        if let Some(significant) = w.get(&format!("{prefix}.adverse-events.significant")) {
            if significant.numerator == 0 {
                w.text(format!("No serious or grade 3 or higher adverse event of {name} was recorded ("))
                    .number(format!("0/{}", significant.denominator), significant)
                    .text(" patients).");
            } else {
                w.text(format!("Serious or grade 3 or higher adverse events of {name} occurred in ")).patients(significant).text(".");
            }
            w.finish(&mut sentences);
        }
    }

    w.section = "definitive-therapy";
    if let (Some(gene_therapy), Some(hsct)) = (w.get("definitive.gene-therapy"), w.get("definitive.hsct"))
        && gene_therapy.numerator + hsct.numerator > 0
    {
        w.text("Definitive treatment was gene therapy in ")
            .number(format!("{}/{}", gene_therapy.numerator, gene_therapy.denominator), gene_therapy)
            .text(" patients and HSCT in ")
            .number(format!("{}/{}", hsct.numerator, hsct.denominator), hsct)
            .text(".");
        w.finish(&mut sentences);
        for (kind, label) in [("gene-therapy", "gene therapy"), ("hsct", "HSCT")] {
            let lines = crate::build::configured_or_recorded_lines(study, statistics);
            let after: Vec<(String, &Statistic)> = lines
                .iter()
                .filter_map(|line| {
                    Some((mid_sentence(&line.1), w.get(&format!("definitive.{kind}.{}-after", line.0)).filter(|s| s.denominator > 0)?))
                })
                .collect();
            let (used, unused): (Vec<_>, Vec<_>) = after.into_iter().partition(|(_, s)| s.numerator > 0);
            if !used.is_empty() {
                w.text(format!("Treatment after {label}: "));
                for (i, (name, statistic)) in used.iter().enumerate() {
                    if i > 0 {
                        w.text(if i + 1 == used.len() { " and " } else { ", " });
                    }
                    w.text(format!("{name} in ")).patients(statistic);
                }
                w.text(".");
                w.finish(&mut sentences);
            }
            if let Some((_, first)) = unused.first() {
                let names: Vec<String> = unused.iter().map(|(name, _)| name.clone()).collect();
                w.text(format!("No patient received {} after {label} (", join_or(&names)))
                    .number(format!("0/{}", first.denominator), first)
                    .text(").");
                w.finish(&mut sentences);
            }
        }
        if let Some(mixed) = w.get("definitive.hsct.myeloid-chimerism.mixed").filter(|s| s.numerator > 0) {
            w.text("Myeloid chimerism at the last assessment was mixed in ").patients(mixed).text(" after HSCT.");
            w.finish(&mut sentences);
        }
    }
    for statistic in statistics.iter().filter(|s| s.id.contains(".switch.") && s.numerator > 0) {
        let (line_id, target) = statistic.id.trim_start_matches("treatment.").split_once(".switch.").unwrap_or_default();
        let from = crate::build::configured_or_recorded_lines(study, statistics)
            .into_iter()
            .find(|l| l.0 == line_id)
            .map_or(line_id.to_string(), |l| l.1);
        let target_name = study.drugs.get(target).map_or(target.to_string(), |d| d.name().to_string());
        w.number(format!("{}/{}", statistic.numerator, statistic.denominator), statistic)
            .text(format!(" patients were switched from {} to {target_name}", from.to_lowercase()));
        let target_line =
            crate::build::configured_or_recorded_lines(study, statistics).into_iter().find(|l| l.2.as_deref() == Some(target));
        if let Some(target_line) = target_line {
            for grade in ["complete", "very-good", "good", "partial"] {
                if let Some(response) = w.get(&format!("treatment.{}.response.{grade}", target_line.0)).filter(|s| s.numerator > 0) {
                    w.text(format!(", with a {} response in ", grade.replace('-', " "))).patients(response);
                    break;
                }
            }
        }
        w.text(".");
        w.finish(&mut sentences);
    }
    sentences
}
