//! The codes Casebook writes into phenopackets, each verified in the domain research
//! (standards.md §1.2–1.3, clinical.md §3), and the resources that declare their prefixes.
//!
//! Where no verified code exists (canakinumab, weekly schedules), Casebook writes a code of its
//! own `CASEBOOK` namespace, declared as a resource, rather than guess an external one.

use casebook_domain::drug::{Frequency, Route};
use casebook_domain::patient::{ResponseGrade, Zygosity};

/// A code and its label.
pub type Term = (&'static str, &'static str);

/// The prefix of Casebook's own codes.
pub const CASEBOOK_PREFIX: &str = "CASEBOOK";

pub fn route(route: Route) -> Option<Term> {
    match route {
        Route::Subcutaneous => Some(("NCIT:C38299", "Subcutaneous Route of Administration")),
        Route::Intravenous => Some(("NCIT:C38276", "Intravenous Route of Administration")),
        Route::Oral => Some(("NCIT:C38288", "Oral Route of Administration")),
        Route::Topical | Route::Intramuscular => None,
    }
}

pub fn route_from(id: &str) -> Option<Route> {
    [Route::Subcutaneous, Route::Intravenous, Route::Oral].into_iter().find(|r| route(*r).is_some_and(|(code, _)| code == id))
}

/// The schedule frequency: NCIT where verified, a Casebook code otherwise.
pub fn frequency(frequency: Frequency) -> (String, String) {
    let verified = match frequency {
        Frequency::Daily => Some(("NCIT:C125004", "Once Daily")),
        Frequency::TwiceDaily => Some(("NCIT:C64496", "Twice Daily")),
        Frequency::ThreeTimesDaily => Some(("NCIT:C64527", "Three Times Daily")),
        Frequency::Once => Some(("NCIT:C64576", "Once")),
        _ => None,
    };
    match verified {
        Some((id, label)) => (id.to_string(), label.to_string()),
        None => (format!("{CASEBOOK_PREFIX}:frequency-{}", frequency.key()), frequency.label().to_string()),
    }
}

pub fn frequency_from(id: &str) -> Option<Frequency> {
    Frequency::ALL.into_iter().find(|f| frequency(*f).0 == id)
}

/// Response grades as the NCIT response terms phenopacket-tools uses. Very good and good
/// responses are both "Favorable Response": the grade itself travels in the Casebook record.
pub fn response(grade: ResponseGrade) -> Option<Term> {
    match grade {
        ResponseGrade::Complete => Some(("NCIT:C4870", "Complete Remission")),
        ResponseGrade::VeryGood | ResponseGrade::Good => Some(("NCIT:C123584", "Favorable Response")),
        ResponseGrade::Partial => Some(("NCIT:C18058", "Partial Remission")),
        ResponseGrade::None => Some(("NCIT:C123600", "No Response")),
        ResponseGrade::NotEvaluable => None,
    }
}

pub fn response_from(id: &str) -> Option<ResponseGrade> {
    match id {
        "NCIT:C4870" => Some(ResponseGrade::Complete),
        "NCIT:C123584" => Some(ResponseGrade::Good),
        "NCIT:C18058" => Some(ResponseGrade::Partial),
        "NCIT:C123600" | "NCIT:C70604" => Some(ResponseGrade::None),
        _ => None,
    }
}

/// Allelic state in the Genotype Ontology.
pub fn zygosity(zygosity: Zygosity) -> Option<Term> {
    match zygosity {
        Zygosity::Hemizygous => Some(("GENO:0000134", "hemizygous")),
        Zygosity::Heterozygous => Some(("GENO:0000135", "heterozygous")),
        Zygosity::Homozygous => Some(("GENO:0000136", "homozygous")),
        Zygosity::Unknown => None,
    }
}

pub fn zygosity_from(id: &str) -> Zygosity {
    [Zygosity::Hemizygous, Zygosity::Heterozygous, Zygosity::Homozygous]
        .into_iter()
        .find(|z| zygosity(*z).is_some_and(|(code, _)| code == id))
        .unwrap_or(Zygosity::Unknown)
}

/// The laboratory assays with a verified LOINC code, by analyte key, with their UCUM unit.
pub const LAB_ASSAYS: &[(&str, &str, &str, &str, &str)] = &[
    ("crp", "LOINC:1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "UCUM:mg/L", "milligram per liter"),
    ("platelets", "LOINC:777-3", "Platelets [#/volume] in Blood by Automated count", "UCUM:10*9/L", "billion per liter"),
];

/// Every resource a Casebook phenopacket may cite, declared in `metaData.resources`.
pub fn resource(prefix: &str, hpo_release: &str) -> Option<serde_json::Value> {
    let (id, name, url, version, iri) = match prefix {
        "HP" => {
            ("hp", "human phenotype ontology", "http://purl.obolibrary.org/obo/hp.owl", hpo_release, "http://purl.obolibrary.org/obo/HP_")
        }
        "MONDO" => (
            "mondo",
            "Mondo Disease Ontology",
            "http://purl.obolibrary.org/obo/mondo.owl",
            "unknown",
            "http://purl.obolibrary.org/obo/MONDO_",
        ),
        "OMIM" => (
            "omim",
            "An Online Catalog of Human Genes and Genetic Disorders",
            "https://www.omim.org",
            "unknown",
            "https://www.omim.org/entry/",
        ),
        "ORPHA" => ("orpha", "Orphanet", "https://www.orpha.net", "unknown", "https://www.orpha.net/en/disease/detail/"),
        "HGNC" => (
            "hgnc",
            "HUGO Gene Nomenclature Committee",
            "https://www.genenames.org",
            "unknown",
            "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
        ),
        "GENO" => {
            ("geno", "Genotype Ontology", "http://purl.obolibrary.org/obo/geno.owl", "unknown", "http://purl.obolibrary.org/obo/GENO_")
        }
        "NCIT" => ("ncit", "NCI Thesaurus", "http://purl.obolibrary.org/obo/ncit.owl", "unknown", "http://purl.obolibrary.org/obo/NCIT_"),
        "LOINC" => ("loinc", "Logical Observation Identifiers Names and Codes", "https://loinc.org", "unknown", "https://loinc.org/"),
        "UCUM" => ("ucum", "Unified Code for Units of Measure", "https://ucum.org", "2.1", "https://ucum.org/"),
        "DrugBank" => ("drugbank", "DrugBank", "https://go.drugbank.com", "unknown", "https://go.drugbank.com/drugs/"),
        "CHEBI" => (
            "chebi",
            "Chemical Entities of Biological Interest",
            "http://purl.obolibrary.org/obo/chebi.owl",
            "unknown",
            "http://purl.obolibrary.org/obo/CHEBI_",
        ),
        "MAXO" => (
            "maxo",
            "Medical Action Ontology",
            "http://purl.obolibrary.org/obo/maxo.owl",
            "2024-07-29",
            "http://purl.obolibrary.org/obo/MAXO_",
        ),
        CASEBOOK_PREFIX => ("casebook", "Casebook local codes", "urn:casebook", "1", "urn:casebook:"),
        _ => return None,
    };
    Some(serde_json::json!({ "id": id, "name": name, "url": url, "version": version, "namespacePrefix": prefix, "iriPrefix": iri }))
}
