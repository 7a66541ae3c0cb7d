//! Every real document on hand is read, written back and read again unchanged.

use std::collections::BTreeMap;

use casebook_phenopackets::genomic_interpretation::Call;
use casebook_phenopackets::{Document, DocumentKind, Message};

use crate::support::{examples_dir, json_files, read, store_dir};

/// Reads every file, checks `parse(write(parse(file))) == parse(file)` and that writing is
/// stable, and counts the documents by kind.
fn read_write_read(folder: &std::path::Path) -> BTreeMap<DocumentKind, usize> {
    let mut kinds = BTreeMap::new();
    let mut failures = Vec::new();
    for path in json_files(folder) {
        let name = path.strip_prefix(folder).unwrap().display().to_string();
        let document = match Document::from_json(&read(&path)) {
            Ok(document) => document,
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        *kinds.entry(document.kind()).or_insert(0) += 1;
        let written = document.to_json();
        match Document::from_json(&written) {
            Ok(again) if again == document => assert_eq!(again.to_json(), written, "{name}: writing is not stable"),
            Ok(_) => failures.push(format!("{name}: the document changed in the round trip")),
            Err(error) => failures.push(format!("{name}: the written JSON does not read back: {error}")),
        }
    }
    assert!(failures.is_empty(), "{} files failed:\n{}", failures.len(), failures.join("\n"));
    kinds
}

#[test]
fn every_phenopacket_store_file_reads_and_survives_a_round_trip() {
    let kinds = read_write_read(&store_dir());
    assert_eq!(kinds, BTreeMap::from([(DocumentKind::Phenopacket, 1508)]));
}

#[test]
fn every_example_file_reads_and_survives_a_round_trip() {
    let kinds = read_write_read(&examples_dir());
    assert_eq!(kinds, BTreeMap::from([(DocumentKind::Phenopacket, 4), (DocumentKind::Family, 1), (DocumentKind::Cohort, 1)]));
}

#[test]
fn the_examples_keep_their_treatments_and_families() {
    let covid = Document::from_json(&read(&examples_dir().join("covid19.json"))).unwrap();
    let Document::Phenopacket(covid) = covid else { panic!("covid19.json is a Phenopacket") };
    assert!(covid.medical_actions.len() >= 4, "{:?}", covid.medical_actions);

    let family = casebook_phenopackets::Family::from_json(&read(&examples_dir().join("comprehensive-family.json"))).unwrap();
    assert!(family.proband.is_some() && !family.relatives.is_empty() && family.pedigree.is_some());
}

#[test]
fn store_files_with_a_numeric_vcf_position_keep_their_variant() {
    // The `phenopackets` crate drops a variantInterpretation whose `pos` is a string, and the
    // store writes it as a number; both forms must survive here.
    let mut with_position = 0;
    for path in json_files(&store_dir()) {
        let Ok(Document::Phenopacket(phenopacket)) = Document::from_json(&read(&path)) else { panic!("{}", path.display()) };
        for interpretation in &phenopacket.interpretations {
            for genomic in interpretation.diagnosis.iter().flat_map(|diagnosis| &diagnosis.genomic_interpretations) {
                if let Some(Call::VariantInterpretation(variant)) = &genomic.call
                    && variant
                        .variation_descriptor
                        .as_ref()
                        .and_then(|descriptor| descriptor.vcf_record.as_ref())
                        .is_some_and(|vcf| vcf.pos > 0)
                {
                    with_position += 1;
                }
            }
        }
    }
    assert_eq!(with_position, 1406, "variants with a VCF position");
}
