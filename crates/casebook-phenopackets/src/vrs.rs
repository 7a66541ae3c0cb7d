//! `ga4gh/vrs/v1/vrs.proto`: the GA4GH Variation Representation Specification 1.x, as far as
//! Phenopacket v2 uses it (`VariationDescriptor.variation`).
//!
//! The `_id` fields of VRS have the JSON name `Id` (the protobuf lowerCamelCase of `_id`); the
//! reader also accepts `_id`.

message! {
    /// A variation: an allele, haplotype, copy number, free text or a set of variations.
    pub struct Variation = "org.ga4gh.vrs.v1.Variation" {
        /// The kind of variation.
        variation: Option<variation::Variation> = oneof,
    }
}

/// The oneof of [`Variation`].
pub mod variation {
    use crate::vrs::{Allele, CopyNumber, Haplotype, Text, VariationSet};

    oneof! {
        /// The kinds of [`crate::vrs::Variation`].
        pub enum Variation = "variation" {
            /// A sequence state at a location.
            Allele(Allele) = (1, "allele", "allele"),
            /// Alleles on one chromosome.
            Haplotype(Haplotype) = (2, "haplotype", "haplotype"),
            /// A number of copies of a sequence or gene.
            CopyNumber(CopyNumber) = (3, "copyNumber", "copy_number"),
            /// A variation VRS cannot yet represent, as text.
            Text(Text) = (4, "text", "text"),
            /// A set of variations.
            VariationSet(VariationSet) = (5, "variationSet", "variation_set"),
        }
    }
}

message! {
    /// A sequence state at a location.
    pub struct Allele = "org.ga4gh.vrs.v1.Allele" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// Where the allele is.
        location: Option<allele::Location> = oneof,
        /// What sequence is there.
        state: Option<allele::State> = oneof,
    }
}

/// The oneofs of [`Allele`].
pub mod allele {
    use crate::vrs::{
        ChromosomeLocation, DerivedSequenceExpression, LiteralSequenceExpression, RepeatedSequenceExpression, SequenceLocation,
        SequenceState,
    };

    oneof! {
        /// The location of a [`crate::vrs::Allele`].
        pub enum Location = "location" {
            /// A reference to a location by CURIE.
            Curie(String) = (2, "curie", "curie"),
            /// A cytoband location.
            ChromosomeLocation(ChromosomeLocation) = (3, "chromosomeLocation", "chromosome_location"),
            /// An interval on a sequence.
            SequenceLocation(SequenceLocation) = (4, "sequenceLocation", "sequence_location"),
        }
    }

    oneof! {
        /// The state of a [`crate::vrs::Allele`], in field-number order.
        pub enum State = "state" {
            /// A literal sequence.
            LiteralSequenceExpression(LiteralSequenceExpression) = (5, "literalSequenceExpression", "literal_sequence_expression"),
            /// A sequence derived from a location.
            DerivedSequenceExpression(DerivedSequenceExpression) = (6, "derivedSequenceExpression", "derived_sequence_expression"),
            /// A repeated sequence.
            RepeatedSequenceExpression(RepeatedSequenceExpression) = (7, "repeatedSequenceExpression", "repeated_sequence_expression"),
            /// A sequence (deprecated in VRS 1.2 in favour of the expressions).
            SequenceState(SequenceState) = (100, "sequenceState", "sequence_state"),
        }
    }
}

message! {
    /// A location on a chromosome given by cytobands.
    pub struct ChromosomeLocation = "org.ga4gh.vrs.v1.ChromosomeLocation" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// The species, e.g. `taxonomy:9606`.
        species_id: String = (2, "speciesId", "species_id"),
        /// The chromosome name, e.g. `11`.
        chr: String = (3, "chr", "chr"),
        /// The cytoband interval.
        interval: Option<CytobandInterval> = (4, "interval", "interval"),
    }
}

message! {
    /// An interval between two cytobands.
    pub struct CytobandInterval = "org.ga4gh.vrs.v1.CytobandInterval" {
        /// The first band, e.g. `q22.3`.
        start: String = (1, "start", "start"),
        /// The last band.
        end: String = (2, "end", "end"),
    }
}

message! {
    /// A location on a sequence.
    pub struct SequenceLocation = "org.ga4gh.vrs.v1.SequenceLocation" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// The sequence, e.g. `ga4gh:SQ...` or a RefSeq accession.
        sequence_id: String = (2, "sequenceId", "sequence_id"),
        /// The interval on the sequence.
        interval: Option<sequence_location::Interval> = oneof,
    }
}

/// The oneof of [`SequenceLocation`].
pub mod sequence_location {
    use crate::vrs::{SequenceInterval, SimpleInterval};

    oneof! {
        /// The interval of a [`crate::vrs::SequenceLocation`], in field-number order.
        pub enum Interval = "interval" {
            /// An interval whose ends may be ranges.
            SequenceInterval(SequenceInterval) = (3, "sequenceInterval", "sequence_interval"),
            /// Two exact positions (deprecated in VRS 1.2).
            SimpleInterval(SimpleInterval) = (100, "simpleInterval", "simple_interval"),
        }
    }
}

message! {
    /// An interval whose start and end are each an exact number or a range.
    pub struct SequenceInterval = "org.ga4gh.vrs.v1.SequenceInterval" {
        /// The start.
        start: Option<sequence_interval::Start> = oneof,
        /// The end.
        end: Option<sequence_interval::End> = oneof,
    }
}

/// The oneofs of [`SequenceInterval`].
pub mod sequence_interval {
    use crate::vrs::{DefiniteRange, IndefiniteRange, Number};

    oneof! {
        /// The start of a [`crate::vrs::SequenceInterval`].
        pub enum Start = "start" {
            /// An exact position.
            StartNumber(Number) = (1, "startNumber", "start_number"),
            /// An open-ended range.
            StartIndefiniteRange(IndefiniteRange) = (2, "startIndefiniteRange", "start_indefinite_range"),
            /// A closed range.
            StartDefiniteRange(DefiniteRange) = (3, "startDefiniteRange", "start_definite_range"),
        }
    }

    oneof! {
        /// The end of a [`crate::vrs::SequenceInterval`].
        pub enum End = "end" {
            /// An exact position.
            EndNumber(Number) = (4, "endNumber", "end_number"),
            /// An open-ended range.
            EndIndefiniteRange(IndefiniteRange) = (5, "endIndefiniteRange", "end_indefinite_range"),
            /// A closed range.
            EndDefiniteRange(DefiniteRange) = (6, "endDefiniteRange", "end_definite_range"),
        }
    }
}

message! {
    /// An exact number.
    pub struct Number = "org.ga4gh.vrs.v1.Number" {
        /// The number (uint64: a JSON string in canonical form).
        value: u64 = (1, "value", "value"),
    }
}

message! {
    /// A range open on one side, e.g. `>= 5`.
    pub struct IndefiniteRange = "org.ga4gh.vrs.v1.IndefiniteRange" {
        /// The bound (uint64).
        value: u64 = (1, "value", "value"),
        /// `<=` or `>=`.
        comparator: String = (2, "comparator", "comparator"),
    }
}

message! {
    /// A closed range.
    pub struct DefiniteRange = "org.ga4gh.vrs.v1.DefiniteRange" {
        /// The lower bound (uint64).
        min: u64 = (1, "min", "min"),
        /// The upper bound (uint64).
        max: u64 = (2, "max", "max"),
    }
}

message! {
    /// Two exact positions (deprecated in VRS 1.2).
    pub struct SimpleInterval = "org.ga4gh.vrs.v1.SimpleInterval" {
        /// The start (uint64).
        start: u64 = (1, "start", "start"),
        /// The end (uint64).
        end: u64 = (2, "end", "end"),
    }
}

message! {
    /// A sequence (deprecated in VRS 1.2).
    pub struct SequenceState = "org.ga4gh.vrs.v1.SequenceState" {
        /// The bases or residues.
        sequence: String = (1, "sequence", "sequence"),
    }
}

message! {
    /// A literal sequence.
    pub struct LiteralSequenceExpression = "org.ga4gh.vrs.v1.LiteralSequenceExpression" {
        /// The bases or residues.
        sequence: String = (1, "sequence", "sequence"),
    }
}

message! {
    /// A sequence taken from a location, optionally reverse-complemented.
    pub struct DerivedSequenceExpression = "org.ga4gh.vrs.v1.DerivedSequenceExpression" {
        /// Where the sequence comes from.
        location: Option<SequenceLocation> = (1, "location", "location"),
        /// Whether it is reverse-complemented.
        reverse_complement: bool = (2, "reverseComplement", "reverse_complement"),
    }
}

message! {
    /// A sequence repeated a number of times.
    pub struct RepeatedSequenceExpression = "org.ga4gh.vrs.v1.RepeatedSequenceExpression" {
        /// The repeated sequence.
        seq_expr: Option<repeated_sequence_expression::SeqExpr> = oneof,
        /// How often it is repeated.
        count: Option<repeated_sequence_expression::Count> = oneof,
    }
}

/// The oneofs of [`RepeatedSequenceExpression`].
pub mod repeated_sequence_expression {
    use crate::vrs::{DefiniteRange, DerivedSequenceExpression, IndefiniteRange, LiteralSequenceExpression, Number};

    oneof! {
        /// The sequence of a [`crate::vrs::RepeatedSequenceExpression`].
        pub enum SeqExpr = "seq_expr" {
            /// A literal sequence.
            LiteralSequenceExpression(LiteralSequenceExpression) = (1, "literalSequenceExpression", "literal_sequence_expression"),
            /// A derived sequence.
            DerivedSequenceExpression(DerivedSequenceExpression) = (2, "derivedSequenceExpression", "derived_sequence_expression"),
        }
    }

    oneof! {
        /// The count of a [`crate::vrs::RepeatedSequenceExpression`].
        pub enum Count = "count" {
            /// An exact count.
            Number(Number) = (3, "number", "number"),
            /// An open-ended count.
            IndefiniteRange(IndefiniteRange) = (4, "indefiniteRange", "indefinite_range"),
            /// A closed range of counts.
            DefiniteRange(DefiniteRange) = (5, "definiteRange", "definite_range"),
        }
    }
}

message! {
    /// Alleles on one chromosome.
    pub struct Haplotype = "org.ga4gh.vrs.v1.Haplotype" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// The alleles.
        members: Vec<haplotype::Member> = (2, "members", "members"),
    }
}

/// The nested message of [`Haplotype`].
pub mod haplotype {
    message! {
        /// One allele of a [`crate::vrs::Haplotype`], inline or by CURIE.
        pub struct Member = "org.ga4gh.vrs.v1.Haplotype.Member" {
            /// The allele.
            value: Option<member::Value> = oneof,
        }
    }

    /// The oneof of [`Member`].
    pub mod member {
        use crate::vrs::Allele;

        oneof! {
            /// The allele of a [`crate::vrs::haplotype::Member`].
            pub enum Value = "value" {
                /// The allele itself.
                Allele(Allele) = (1, "allele", "allele"),
                /// A reference to the allele.
                Curie(String) = (2, "curie", "curie"),
            }
        }
    }
}

message! {
    /// A number of copies of a molecule or sequence.
    pub struct CopyNumber = "org.ga4gh.vrs.v1.CopyNumber" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// What is copied.
        subject: Option<copy_number::Subject> = oneof,
        /// How many copies.
        copies: Option<copy_number::Copies> = oneof,
    }
}

/// The oneofs of [`CopyNumber`].
pub mod copy_number {
    use crate::vrs::{
        Allele, DefiniteRange, DerivedSequenceExpression, Gene, Haplotype, IndefiniteRange, LiteralSequenceExpression, Number,
        RepeatedSequenceExpression,
    };

    oneof! {
        /// What a [`crate::vrs::CopyNumber`] counts.
        pub enum Subject = "subject" {
            /// An allele.
            Allele(Allele) = (2, "allele", "allele"),
            /// A haplotype.
            Haplotype(Haplotype) = (3, "haplotype", "haplotype"),
            /// A gene.
            Gene(Gene) = (4, "gene", "gene"),
            /// A literal sequence.
            LiteralSequenceExpression(LiteralSequenceExpression) = (5, "literalSequenceExpression", "literal_sequence_expression"),
            /// A derived sequence.
            DerivedSequenceExpression(DerivedSequenceExpression) = (6, "derivedSequenceExpression", "derived_sequence_expression"),
            /// A repeated sequence.
            RepeatedSequenceExpression(RepeatedSequenceExpression) = (7, "repeatedSequenceExpression", "repeated_sequence_expression"),
            /// A reference by CURIE.
            Curie(String) = (8, "curie", "curie"),
        }
    }

    oneof! {
        /// The count of a [`crate::vrs::CopyNumber`].
        pub enum Copies = "copies" {
            /// An exact count.
            Number(Number) = (9, "number", "number"),
            /// An open-ended count.
            IndefiniteRange(IndefiniteRange) = (10, "indefiniteRange", "indefinite_range"),
            /// A closed range of counts.
            DefiniteRange(DefiniteRange) = (11, "definiteRange", "definite_range"),
        }
    }
}

message! {
    /// A gene by identifier.
    pub struct Gene = "org.ga4gh.vrs.v1.Gene" {
        /// The gene's identifier, e.g. `ncbigene:7157`.
        gene_id: String = (1, "geneId", "gene_id"),
    }
}

message! {
    /// A variation VRS cannot yet represent, as text.
    pub struct Text = "org.ga4gh.vrs.v1.Text" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// The text.
        definition: String = (2, "definition", "definition"),
    }
}

message! {
    /// A set of variations.
    pub struct VariationSet = "org.ga4gh.vrs.v1.VariationSet" {
        /// The computed identifier (JSON name `Id`).
        id: String = (1, "Id", "_id"),
        /// The variations.
        members: Vec<variation_set::Member> = (2, "members", "members"),
    }
}

/// The nested message of [`VariationSet`].
pub mod variation_set {
    message! {
        /// One variation of a [`crate::vrs::VariationSet`], inline or by CURIE.
        pub struct Member = "org.ga4gh.vrs.v1.VariationSet.Member" {
            /// The variation.
            value: Option<member::Value> = oneof,
        }
    }

    /// The oneof of [`Member`].
    pub mod member {
        use crate::vrs::{Allele, CopyNumber, Haplotype, Text, VariationSet};

        oneof! {
            /// The variation of a [`crate::vrs::variation_set::Member`].
            pub enum Value = "value" {
                /// A reference by CURIE.
                Curie(String) = (1, "curie", "curie"),
                /// An allele.
                Allele(Allele) = (2, "allele", "allele"),
                /// A haplotype.
                Haplotype(Haplotype) = (3, "haplotype", "haplotype"),
                /// A copy number.
                CopyNumber(CopyNumber) = (4, "copyNumber", "copy_number"),
                /// A text variation.
                Text(Text) = (5, "text", "text"),
                /// A nested set.
                VariationSet(VariationSet) = (6, "variationSet", "variation_set"),
            }
        }
    }
}
