//! `phenopackets/schema/v2/core/meta_data.proto`: who made the document, when, and with which
//! ontologies.

use crate::{ExternalReference, Timestamp};

message! {
    /// Provenance of a document and the resources (ontologies) its classes come from.
    pub struct MetaData = "org.phenopackets.schema.v2.core.MetaData" {
        /// When the document was created. Required.
        created: Option<Timestamp> = (1, "created", "created"),
        /// Who created it. Required.
        created_by: String = (2, "createdBy", "created_by"),
        /// Who submitted it.
        submitted_by: String = (3, "submittedBy", "submitted_by"),
        /// Every ontology or terminology whose classes the document uses.
        resources: Vec<Resource> = (4, "resources", "resources"),
        /// Changes since creation.
        updates: Vec<Update> = (5, "updates", "updates"),
        /// The schema version, e.g. `2.0.2`. Required.
        phenopacket_schema_version: String = (6, "phenopacketSchemaVersion", "phenopacket_schema_version"),
        /// References for the whole document, e.g. the publication a case comes from.
        external_references: Vec<ExternalReference> = (7, "externalReferences", "external_references"),
    }
}

message! {
    /// An ontology or terminology, e.g. HPO release 2025-01-16 with prefix `HP`.
    pub struct Resource = "org.phenopackets.schema.v2.core.Resource" {
        /// A short identifier, e.g. `hp`. Required.
        id: String = (1, "id", "id"),
        /// The full name. Required.
        name: String = (2, "name", "name"),
        /// Where it is published. Required.
        url: String = (3, "url", "url"),
        /// The release used. Required.
        version: String = (4, "version", "version"),
        /// The CURIE prefix of its classes, e.g. `HP`. Required.
        namespace_prefix: String = (5, "namespacePrefix", "namespace_prefix"),
        /// The IRI a local id is appended to, e.g. `http://purl.obolibrary.org/obo/HP_`. Required.
        iri_prefix: String = (6, "iriPrefix", "iri_prefix"),
    }
}

message! {
    /// A change to a document.
    pub struct Update = "org.phenopackets.schema.v2.core.Update" {
        /// When. Required.
        timestamp: Option<Timestamp> = (1, "timestamp", "timestamp"),
        /// By whom.
        updated_by: String = (2, "updatedBy", "updated_by"),
        /// What changed.
        comment: String = (3, "comment", "comment"),
    }
}
