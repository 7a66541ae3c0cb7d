//! `parse(write(x)) == x` for every message type, and the writer's output is stable.

use casebook_phenopackets::vrs::{
    Allele, ChromosomeLocation, CopyNumber, CytobandInterval, DefiniteRange, DerivedSequenceExpression, Gene, Haplotype, IndefiniteRange,
    LiteralSequenceExpression, Number, RepeatedSequenceExpression, SequenceInterval, SequenceLocation, SequenceState, SimpleInterval, Text,
    Variation, VariationSet, haplotype, variation_set,
};
use casebook_phenopackets::{
    Age, AgeRange, Biosample, Cohort, ComplexValue, Diagnosis, Disease, DoseInterval, Evidence, Expression, Extension, ExternalReference,
    Family, File, GeneDescriptor, GenomicInterpretation, GestationalAge, Individual, Interpretation, Measurement, MedicalAction, Message,
    MetaData, OntologyClass, Pedigree, Phenopacket, PhenotypicFeature, Procedure, Quantity, RadiationTherapy, ReferenceRange, Resource,
    TherapeuticRegimen, TimeElement, TimeInterval, Treatment, TypedQuantity, Update, Value, VariantInterpretation, VariationDescriptor,
    VcfRecord, VitalStatus, pedigree,
};

use crate::support::{fixtures_dir, json_files, read};

/// Reads `text` as `M`, writes it, reads that back, and checks both the value and the text.
fn round_trip<M: Message>(text: &str) {
    let message = M::from_json(text).unwrap_or_else(|error| panic!("{}: {error}", M::full_name()));
    assert_ne!(message, M::default(), "{}: the sample sets no field", M::full_name());
    let written = message.to_json();
    let again = M::from_json(&written).unwrap_or_else(|error| panic!("{}: {error}\n{written}", M::full_name()));
    assert_eq!(again, message, "{}", M::full_name());
    assert_eq!(again.to_json(), written, "{}", M::full_name());
    assert_eq!(M::default().to_json(), "{}", "{}", M::full_name());
    assert_eq!(M::from_json("{}").unwrap(), M::default(), "{}", M::full_name());
}

const CLASS: &str = r#"{"id": "HP:0001369", "label": "Arthritis"}"#;
const QUANTITY: &str = r#"{"unit": {"id": "UCUM:mg", "label": "mg"}, "value": 2.5, "referenceRange": {"unit": {"id": "UCUM:mg", "label": "mg"}, "low": 1, "high": 3}}"#;

#[test]
fn every_message_survives_a_round_trip() {
    round_trip::<OntologyClass>(CLASS);
    round_trip::<ExternalReference>(r#"{"id": "PMID:1", "reference": "https://x", "description": "d"}"#);
    round_trip::<Evidence>(&format!(r#"{{"evidenceCode": {CLASS}, "reference": {{"id": "PMID:1"}}}}"#));
    round_trip::<Procedure>(&format!(r#"{{"code": {CLASS}, "bodySite": {CLASS}, "performed": {{"age": {{"iso8601duration": "P1Y"}}}}}}"#));
    round_trip::<GestationalAge>(r#"{"weeks": 32, "days": 4}"#);
    round_trip::<Age>(r#"{"iso8601duration": "P3Y6M"}"#);
    round_trip::<AgeRange>(r#"{"start": {"iso8601duration": "P2M"}, "end": {"iso8601duration": "P6M"}}"#);
    round_trip::<TimeInterval>(r#"{"start": "2022-03-01T00:00:00Z", "end": "2022-04-15T00:00:00.123Z"}"#);
    for element in [
        r#"{"age": {"iso8601duration": "P1Y"}}"#,
        r#"{"ageRange": {"start": {}, "end": {}}}"#,
        r#"{"ontologyClass": {"id": "HP:0003593"}}"#,
        r#"{"timestamp": "2022-03-20T00:00:00Z"}"#,
        r#"{"interval": {}}"#,
        r#"{"gestationalAge": {"weeks": 30}}"#,
    ] {
        round_trip::<TimeElement>(element);
    }
    round_trip::<File>(r#"{"uri": "file:///a.vcf", "individualToFileIdentifiers": {"P1": "S1"}, "fileAttributes": {"fileFormat": "VCF"}}"#);
    // A map's keys come from the document and are escaped when written; field names never need it.
    round_trip::<File>(r#"{"uri": "a", "fileAttributes": {"odd \"key\"\n": "v"}}"#);
    round_trip::<Individual>(&format!(
        r#"{{"id": "P1", "alternateIds": ["a"], "dateOfBirth": "2018-01-01T00:00:00Z", "timeAtLastEncounter": {{"age": {{"iso8601duration": "P6Y"}}}},
            "vitalStatus": {{"status": "ALIVE"}}, "sex": "FEMALE", "karyotypicSex": "XXY", "gender": {CLASS}, "taxonomy": {CLASS}}}"#
    ));
    round_trip::<VitalStatus>(&format!(
        r#"{{"status": "DECEASED", "timeOfDeath": {{"age": {{"iso8601duration": "P9Y"}}}}, "causeOfDeath": {CLASS}, "survivalTimeInDays": 12}}"#
    ));
    round_trip::<PhenotypicFeature>(&format!(
        r#"{{"description": "d", "type": {CLASS}, "excluded": true, "severity": {CLASS}, "modifiers": [{CLASS}], "onset": {{"ontologyClass": {CLASS}}},
            "resolution": {{"timestamp": "2022-01-01T00:00:00Z"}}, "evidence": [{{"evidenceCode": {CLASS}}}]}}"#
    ));
    round_trip::<Measurement>(&format!(
        r#"{{"description": "d", "assay": {CLASS}, "value": {{"quantity": {QUANTITY}}}, "timeObserved": {{"interval": {{}}}}, "procedure": {{"code": {CLASS}}}}}"#
    ));
    round_trip::<Measurement>(&format!(r#"{{"complexValue": {{"typedQuantities": [{{"type": {CLASS}, "quantity": {QUANTITY}}}]}}}}"#));
    round_trip::<Value>(&format!(r#"{{"ontologyClass": {CLASS}}}"#));
    round_trip::<ComplexValue>(&format!(r#"{{"typedQuantities": [{{"type": {CLASS}}}]}}"#));
    round_trip::<TypedQuantity>(&format!(r#"{{"type": {CLASS}, "quantity": {QUANTITY}}}"#));
    round_trip::<Quantity>(QUANTITY);
    round_trip::<ReferenceRange>(r#"{"low": -1.5, "high": 1e300}"#);
    round_trip::<Biosample>(&format!(
        r#"{{"id": "B1", "individualId": "P1", "derivedFromId": "B0", "description": "d", "sampledTissue": {CLASS}, "sampleType": {CLASS},
            "phenotypicFeatures": [{{"type": {CLASS}}}], "measurements": [{{"assay": {CLASS}}}], "taxonomy": {CLASS}, "timeOfCollection": {{"age": {{"iso8601duration": "P1Y"}}}},
            "histologicalDiagnosis": {CLASS}, "tumorProgression": {CLASS}, "tumorGrade": {CLASS}, "pathologicalStage": {CLASS}, "pathologicalTnmFinding": [{CLASS}],
            "diagnosticMarkers": [{CLASS}], "procedure": {{"code": {CLASS}}}, "files": [{{"uri": "u"}}], "materialSample": {CLASS}, "sampleProcessing": {CLASS}, "sampleStorage": {CLASS}}}"#
    ));
    round_trip::<Disease>(&format!(
        r#"{{"term": {CLASS}, "excluded": true, "onset": {{"age": {{"iso8601duration": "P1Y"}}}}, "resolution": {{"age": {{"iso8601duration": "P2Y"}}}},
            "diseaseStage": [{CLASS}], "clinicalTnmFinding": [{CLASS}], "primarySite": {CLASS}, "laterality": {CLASS}}}"#
    ));
    round_trip::<Interpretation>(&format!(
        r#"{{"id": "I", "progressStatus": "UNSOLVED", "diagnosis": {{"disease": {CLASS}}}, "summary": "s"}}"#
    ));
    round_trip::<Diagnosis>(&format!(r#"{{"disease": {CLASS}, "genomicInterpretations": [{{"subjectOrBiosampleId": "P1"}}]}}"#));
    round_trip::<GenomicInterpretation>(
        r#"{"subjectOrBiosampleId": "P1", "interpretationStatus": "REJECTED", "gene": {"valueId": "HGNC:1", "symbol": "A"}}"#,
    );
    round_trip::<VariantInterpretation>(
        r#"{"acmgPathogenicityClassification": "LIKELY_BENIGN", "therapeuticActionability": "ACTIONABLE", "variationDescriptor": {"id": "v"}}"#,
    );
    round_trip::<GeneDescriptor>(
        r#"{"valueId": "HGNC:1", "symbol": "A", "description": "d", "alternateIds": ["x"], "alternateSymbols": ["y"], "xrefs": ["z"]}"#,
    );
    round_trip::<VariationDescriptor>(&format!(
        r#"{{"id": "v", "variation": {{"text": {{"definition": "t"}}}}, "label": "l", "description": "d", "geneContext": {{"symbol": "A"}}, "expressions": [{{"syntax": "hgvs.c"}}],
            "vcfRecord": {{"pos": "1"}}, "xrefs": ["x"], "alternateLabels": ["a"], "extensions": [{{"name": "n"}}], "moleculeContext": "transcript",
            "structuralType": {CLASS}, "vrsRefAlleleSeq": "A", "allelicState": {CLASS}}}"#
    ));
    round_trip::<Expression>(r#"{"syntax": "hgvs.p", "value": "NP_1:p.(Arg1Trp)", "version": "21"}"#);
    round_trip::<VcfRecord>(
        r#"{"genomeAssembly": "GRCh38", "chrom": "1", "pos": 1, "id": "rs1", "ref": "A", "alt": "G", "qual": "9", "filter": "PASS", "info": "X"}"#,
    );
    round_trip::<Extension>(r#"{"name": "n", "value": "v"}"#);
    round_trip::<MedicalAction>(&format!(
        r#"{{"procedure": {{"code": {CLASS}}}, "treatmentTarget": {CLASS}, "treatmentIntent": {CLASS}, "responseToTreatment": {CLASS}, "adverseEvents": [{CLASS}], "treatmentTerminationReason": {CLASS}}}"#
    ));
    round_trip::<Treatment>(&format!(
        r#"{{"agent": {CLASS}, "routeOfAdministration": {CLASS}, "doseIntervals": [{{"quantity": {QUANTITY}}}], "drugType": "ADMINISTRATION_RELATED_TO_PROCEDURE", "cumulativeDose": {QUANTITY}}}"#
    ));
    round_trip::<DoseInterval>(&format!(
        r#"{{"quantity": {QUANTITY}, "scheduleFrequency": {CLASS}, "interval": {{"start": "2022-01-01T00:00:00Z"}}}}"#
    ));
    round_trip::<RadiationTherapy>(&format!(r#"{{"modality": {CLASS}, "bodySite": {CLASS}, "dosage": 20, "fractions": -1}}"#));
    round_trip::<TherapeuticRegimen>(
        r#"{"externalReference": {"id": "x"}, "startTime": {"age": {"iso8601duration": "P1Y"}}, "endTime": {"age": {}}, "regimenStatus": "STARTED"}"#,
    );
    round_trip::<MetaData>(
        r#"{"created": "2025-01-01T00:00:00Z", "createdBy": "a", "submittedBy": "b", "resources": [{"id": "hp"}], "updates": [{"comment": "c"}],
            "phenopacketSchemaVersion": "2.0", "externalReferences": [{"id": "PMID:1"}]}"#,
    );
    round_trip::<Resource>(r#"{"id": "hp", "name": "n", "url": "u", "version": "v", "namespacePrefix": "HP", "iriPrefix": "i"}"#);
    round_trip::<Update>(r#"{"timestamp": "2025-01-01T00:00:00Z", "updatedBy": "a", "comment": "c"}"#);
    round_trip::<Pedigree>(
        r#"{"persons": [{"familyId": "F", "individualId": "I", "paternalId": "P", "maternalId": "M", "sex": "OTHER_SEX", "affectedStatus": "UNAFFECTED"}]}"#,
    );
    round_trip::<pedigree::Person>(r#"{"familyId": "F", "affectedStatus": "AFFECTED"}"#);
    round_trip::<Phenopacket>(
        r#"{"id": "p", "subject": {"id": "s"}, "phenotypicFeatures": [{}], "measurements": [{}], "biosamples": [{}], "interpretations": [{}], "diseases": [{}],
            "medicalActions": [{}], "files": [{}], "metaData": {}}"#,
    );
    round_trip::<Family>(
        r#"{"id": "f", "proband": {}, "relatives": [{}], "consanguinousParents": true, "pedigree": {}, "files": [{}], "metaData": {}}"#,
    );
    round_trip::<Cohort>(r#"{"id": "c", "description": "d", "members": [{}], "files": [{}], "metaData": {}}"#);
}

#[test]
fn every_vrs_message_survives_a_round_trip() {
    round_trip::<Variation>(r#"{"allele": {"Id": "ga4gh:VA.1", "curie": "ga4gh:VSL.1", "sequenceState": {"sequence": "T"}}}"#);
    round_trip::<Allele>(r#"{"_id": "x", "chromosomeLocation": {"chr": "X"}, "literalSequenceExpression": {"sequence": "A"}}"#);
    round_trip::<ChromosomeLocation>(
        r#"{"Id": "x", "speciesId": "taxonomy:9606", "chr": "X", "interval": {"start": "p11", "end": "p12"}}"#,
    );
    round_trip::<CytobandInterval>(r#"{"start": "q1", "end": "q2"}"#);
    round_trip::<SequenceLocation>(r#"{"Id": "x", "sequenceId": "refseq:NC_1", "simpleInterval": {"start": 1, "end": 2}}"#);
    round_trip::<SequenceInterval>(
        r#"{"startDefiniteRange": {"min": 1, "max": 2}, "endIndefiniteRange": {"value": 9, "comparator": ">="}}"#,
    );
    round_trip::<Number>(r#"{"value": "18446744073709551615"}"#);
    round_trip::<IndefiniteRange>(r#"{"value": 3, "comparator": "<="}"#);
    round_trip::<DefiniteRange>(r#"{"min": 1, "max": 2}"#);
    round_trip::<SimpleInterval>(r#"{"start": 1, "end": 2}"#);
    round_trip::<SequenceState>(r#"{"sequence": "ACGT"}"#);
    round_trip::<LiteralSequenceExpression>(r#"{"sequence": "ACGT"}"#);
    round_trip::<DerivedSequenceExpression>(r#"{"location": {"sequenceId": "s"}, "reverseComplement": true}"#);
    round_trip::<RepeatedSequenceExpression>(r#"{"derivedSequenceExpression": {}, "definiteRange": {"min": 2, "max": 5}}"#);
    round_trip::<Haplotype>(r#"{"Id": "h", "members": [{"curie": "ga4gh:VA.1"}, {"allele": {}}]}"#);
    round_trip::<haplotype::Member>(r#"{"curie": ""}"#);
    round_trip::<CopyNumber>(r#"{"Id": "c", "haplotype": {}, "indefiniteRange": {"value": 3}}"#);
    round_trip::<Gene>(r#"{"geneId": "ncbigene:1"}"#);
    round_trip::<Text>(r#"{"Id": "t", "definition": "d"}"#);
    round_trip::<VariationSet>(
        r#"{"Id": "s", "members": [{"curie": "a"}, {"copyNumber": {"curie": "b"}}, {"variationSet": {"members": [{"text": {}}]}}]}"#,
    );
    round_trip::<variation_set::Member>(r#"{"haplotype": {"members": []}}"#);
}

#[test]
fn a_set_oneof_member_is_written_even_when_it_is_a_default_value() {
    // `curie: ""` sets the oneof; MessageToJson prints it, so must we.
    let member = haplotype::Member::from_json(r#"{"curie": ""}"#).unwrap();
    assert_eq!(member.to_json(), "{\n  \"curie\": \"\"\n}");
}

#[test]
fn the_conformance_fixtures_survive_a_round_trip() {
    let files = json_files(&fixtures_dir());
    assert_eq!(files.len(), 4);
    for path in files {
        let document =
            casebook_phenopackets::Document::from_json(&read(&path)).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let written = document.to_json();
        assert_eq!(casebook_phenopackets::Document::from_json(&written).unwrap(), document, "{}", path.display());
    }
}
