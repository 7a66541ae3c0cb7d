//! `ga4gh/vrsatile/v1/vrsatile.proto`: descriptions of variants and genes around a VRS variation.

use crate::OntologyClass;
use crate::vrs::Variation;

message! {
    /// A gene: its official identifier and symbol.
    pub struct GeneDescriptor = "org.ga4gh.vrsatile.v1.GeneDescriptor" {
        /// The official identifier, e.g. `HGNC:12731`. Required.
        value_id: String = (1, "valueId", "value_id"),
        /// The official symbol, e.g. `WAS`. Required.
        symbol: String = (2, "symbol", "symbol"),
        /// A free-text description.
        description: String = (3, "description", "description"),
        /// Other identifiers of the gene.
        alternate_ids: Vec<String> = (4, "alternateIds", "alternate_ids"),
        /// Other symbols of the gene.
        alternate_symbols: Vec<String> = (5, "alternateSymbols", "alternate_symbols"),
        /// Related identifiers, e.g. of orthologs.
        xrefs: Vec<String> = (6, "xrefs", "xrefs"),
    }
}

message! {
    /// A variant described for people: expressions (HGVS), a VCF record, the gene context and the
    /// allelic state, around an optional computable VRS variation.
    pub struct VariationDescriptor = "org.ga4gh.vrsatile.v1.VariationDescriptor" {
        /// An identifier of the descriptor. Required.
        id: String = (1, "id", "id"),
        /// The variation in VRS 1.x form.
        variation: Option<Variation> = (2, "variation", "variation"),
        /// A label for people.
        label: String = (3, "label", "label"),
        /// A free-text description.
        description: String = (4, "description", "description"),
        /// The gene the variant is in or acts on.
        gene_context: Option<GeneDescriptor> = (5, "geneContext", "gene_context"),
        /// The variant in nomenclatures such as HGVS.
        expressions: Vec<Expression> = (6, "expressions", "expressions"),
        /// The variant as a VCF line.
        vcf_record: Option<VcfRecord> = (7, "vcfRecord", "vcf_record"),
        /// Identifiers of the variant elsewhere, e.g. ClinVar.
        xrefs: Vec<String> = (8, "xrefs", "xrefs"),
        /// Other labels.
        alternate_labels: Vec<String> = (9, "alternateLabels", "alternate_labels"),
        /// Name-value pairs not covered by the schema.
        extensions: Vec<Extension> = (10, "extensions", "extensions"),
        /// Genomic, transcript or protein level.
        molecule_context: MoleculeContext = (11, "moleculeContext", "molecule_context"),
        /// The structural type, e.g. a Sequence Ontology class such as `SO:1000002`.
        structural_type: Option<OntologyClass> = (12, "structuralType", "structural_type"),
        /// The reference allele's sequence.
        vrs_ref_allele_seq: String = (13, "vrsRefAlleleSeq", "vrs_ref_allele_seq"),
        /// Zygosity, a GENO class such as `GENO:0000134` (hemizygous).
        allelic_state: Option<OntologyClass> = (14, "allelicState", "allelic_state"),
    }
}

message! {
    /// A variant in a nomenclature, e.g. `{"syntax": "hgvs.c", "value": "NM_000377.3:c.1369C>T"}`.
    pub struct Expression = "org.ga4gh.vrsatile.v1.Expression" {
        /// The nomenclature, e.g. `hgvs.c`, `hgvs.g`, `hgvs.p`, `iscn`. Required.
        syntax: String = (1, "syntax", "syntax"),
        /// The expression. Required.
        value: String = (2, "value", "value"),
        /// The nomenclature's version.
        version: String = (3, "version", "version"),
    }
}

message! {
    /// A variant as a line of a VCF file.
    pub struct VcfRecord = "org.ga4gh.vrsatile.v1.VcfRecord" {
        /// The assembly, e.g. `hg38` or `GRCh38`. Required.
        genome_assembly: String = (1, "genomeAssembly", "genome_assembly"),
        /// The chromosome, e.g. `chrX`. Required.
        chrom: String = (2, "chrom", "chrom"),
        /// The 1-based position (uint64: a JSON string in canonical form). Required.
        pos: u64 = (3, "pos", "pos"),
        /// The ID column.
        id: String = (4, "id", "id"),
        /// The reference bases. Required.
        r#ref: String = (5, "ref", "ref"),
        /// The alternate bases. Required.
        alt: String = (6, "alt", "alt"),
        /// The QUAL column.
        qual: String = (7, "qual", "qual"),
        /// The FILTER column.
        filter: String = (8, "filter", "filter"),
        /// The INFO column.
        info: String = (9, "info", "info"),
    }
}

message! {
    /// A name-value pair not covered by the schema.
    pub struct Extension = "org.ga4gh.vrsatile.v1.Extension" {
        /// The name. Required.
        name: String = (1, "name", "name"),
        /// The value. Required.
        value: String = (2, "value", "value"),
    }
}

proto_enum! {
    /// The level a variant is described at. The schema's value names are lower-case.
    pub enum MoleculeContext = "org.ga4gh.vrsatile.v1.MoleculeContext" {
        /// `unspecified_molecule_context` (the default).
        UnspecifiedMoleculeContext = (0, "unspecified_molecule_context"),
        /// `genomic`.
        Genomic = (1, "genomic"),
        /// `transcript`.
        Transcript = (2, "transcript"),
        /// `protein`.
        Protein = (3, "protein"),
    }
}
