//! A patient as the registry stores it: the record's native JSON text and that text's SHA-256,
//! made once, where the patient is made, so that an import serializes each record on the cores
//! that read it rather than again in the store.

use casebook_domain::patient::{Patient, SourceDocument};
use sha2::{Digest, Sha256};

use crate::native::folder::patient_to_json;

/// A patient with its native JSON ([`patient_to_json`]) and the lowercase hex SHA-256 of that
/// text. The fields are private: the text is always the patient's own.
#[derive(Debug, Clone)]
pub struct EncodedRecord {
    patient: Patient,
    json: String,
    sha256: String,
}

impl EncodedRecord {
    /// Serializes and hashes a patient.
    pub fn new(patient: Patient) -> EncodedRecord {
        let json = patient_to_json(&patient);
        let sha256 = sha256_hex(json.as_bytes());
        EncodedRecord { patient, json, sha256 }
    }

    /// Attaches a source document to a patient that has none, with the record's fingerprint
    /// (the SHA-256 of its JSON without the document, see
    /// [`crate::phenopacket::import::record_fingerprint`]), serializing the record once for both.
    ///
    /// `sourceDocument` is the last member of a record's JSON, so the text with the document is
    /// the text without it, its closing brace replaced by the document's member. A test compares
    /// this with [`patient_to_json`] of the whole patient.
    pub fn with_source_document(mut patient: Patient, format: &str, content: String) -> EncodedRecord {
        debug_assert!(patient.source_document.is_none(), "the fingerprint leaves the document out");
        let without_document = patient_to_json(&patient);
        // Everything up to the last member's end: the text less its `\n}\n`. Both texts start
        // with it, so it is hashed once for both.
        let members = without_document.trim_end().strip_suffix('}').expect("a record's JSON is an object").trim_end();
        let mut hasher = Sha256::new();
        hasher.update(members.as_bytes());
        let record_fingerprint = hex(hasher.clone().chain_update(&without_document.as_bytes()[members.len()..]).finalize());
        // serde_json's pretty printer: two-space indent, `": "`, the raw document as it is.
        let quoted = |text: &str| serde_json::to_string(text).expect("a string always serializes");
        let document_member = [
            ",\n  \"sourceDocument\": {\n    \"format\": ",
            &quoted(format),
            ",\n    \"recordFingerprint\": ",
            &quoted(&record_fingerprint),
            ",\n    \"content\": ",
            &content,
            "\n  }\n}\n",
        ];
        let mut json = String::with_capacity(members.len() + document_member.iter().map(|part| part.len()).sum::<usize>());
        json.push_str(members);
        for part in document_member {
            json.push_str(part);
            hasher.update(part.as_bytes());
        }
        let sha256 = hex(hasher.finalize());
        patient.source_document = Some(SourceDocument { format: format.to_string(), content, record_fingerprint });
        EncodedRecord { patient, json, sha256 }
    }

    /// The patient.
    pub fn patient(&self) -> &Patient {
        &self.patient
    }

    /// The record's native JSON.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The lowercase hex SHA-256 of [`EncodedRecord::json`].
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// The lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(Sha256::digest(bytes))
}

fn hex(digest: impl IntoIterator<Item = u8>) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}
