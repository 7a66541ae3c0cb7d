//! Deterministic resource ids: the same study exports to the same ids, byte for byte.
//!
//! Every resource is named by a key built from the study id, the patient's pseudonym and the
//! record's kind and index (`casebook:fhir:was-anti-il1/WAS-IT1-01/feature/3`). The key is hashed
//! into a name-based UUID (RFC 9562 version 8, whose 122 free bits hold a 128-bit FNV-1a hash
//! passed through MurmurHash3's finalizer, so that keys differing in one digit get unlike ids),
//! which serves both as the FHIR `id` (it fits `[A-Za-z0-9\-\.]{1,64}`) and, as `urn:uuid:<id>`,
//! as the entry's `fullUrl` and the target of every reference. Hashing keeps ids within 64
//! characters and free of the `_` that pseudonyms and slugs may contain but FHIR ids may not.
//! The key names only the pseudonym, never anything else about the patient.

use casebook_domain::patient::{Pseudonym, Slug};

/// Builds the keys of one study's resources.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    study: &'a str,
}

impl<'a> Keys<'a> {
    pub fn new(study: &'a Slug) -> Keys<'a> {
        Keys { study: study.as_str() }
    }

    pub fn organization(&self, center: &Slug) -> String {
        format!("casebook:fhir:{}/center/{}", self.study, center)
    }

    pub fn patient(&self, pseudonym: &Pseudonym) -> String {
        format!("casebook:fhir:{}/{}", self.study, pseudonym)
    }

    /// The `index`th record of `kind` in the patient's record (`feature`, `course`, ...).
    pub fn record(&self, pseudonym: &Pseudonym, kind: &str, index: usize) -> String {
        format!("{}/{kind}/{index}", self.patient(pseudonym))
    }
}

/// The FHIR id of the resource with this key: a version-8 UUID in lowercase hex.
pub fn resource_id(key: &str) -> String {
    let mut hash = finalize(fnv1a_128(key.as_bytes()));
    // RFC 9562: version 8 in bits 48-51, variant 0b10 in bits 64-65 (counting from the left).
    hash = (hash & !(0xF << 76)) | (0x8 << 76);
    hash = (hash & !(0b11 << 62)) | (0b10 << 62);
    let hex = format!("{hash:032x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The `fullUrl` of a resource id, and the text of every reference to it.
pub fn full_url(id: &str) -> String {
    format!("urn:uuid:{id}")
}

/// 128-bit FNV-1a: a small, fixed, well-distributed hash; not used for anything secret.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET_BASIS: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes.iter().fold(OFFSET_BASIS, |hash, byte| (hash ^ u128::from(*byte)).wrapping_mul(PRIME))
}

/// Spreads every input bit over the whole value: MurmurHash3's `fmix64` on each half, each half
/// mixed into the other. Bijective, so it adds no collisions to the hash.
fn finalize(hash: u128) -> u128 {
    fn fmix64(mut k: u64) -> u64 {
        k ^= k >> 33;
        k = k.wrapping_mul(0xff51afd7ed558ccd);
        k ^= k >> 33;
        k = k.wrapping_mul(0xc4ceb9fe1a85ec53);
        k ^ (k >> 33)
    }
    let (high, low) = ((hash >> 64) as u64, hash as u64);
    let low = fmix64(low ^ high.rotate_left(29));
    let high = fmix64(high ^ low);
    (u128::from(high) << 64) | u128::from(low)
}

#[cfg(test)]
mod tests {
    use crate::ids::{fnv1a_128, resource_id};

    #[test]
    fn fnv1a_128_matches_the_published_test_vectors() {
        assert_eq!(fnv1a_128(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv1a_128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
    }

    #[test]
    fn resource_ids_are_version_8_uuids_that_fhir_accepts() {
        let id = resource_id("casebook:fhir:was-anti-il1/WAS-IT1-01");
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "8", "{id} must carry version 8");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id} must carry the RFC 9562 variant");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'), "{id}");
        assert_eq!(id, resource_id("casebook:fhir:was-anti-il1/WAS-IT1-01"), "ids are deterministic");
        let neighbour = resource_id("casebook:fhir:was-anti-il1/WAS-IT1-02");
        let shared = id.chars().zip(neighbour.chars()).filter(|(a, b)| a == b && *a != '-').count();
        assert!(shared < 12, "keys one digit apart must get unlike ids: {id} and {neighbour}");
    }
}
