//! Payloads of the memory-fabric syscalls. The region is named by the
//! MemoryRegion handle passed with the request (its resource).

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// An entry to store (`memory_store`); every store makes a new version.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct MemoryStoreRequest {
    /// Key within the region.
    #[n(0)]
    pub key: String,
    /// The value.
    #[n(1)]
    #[cbor(with = "minicbor::bytes")]
    pub value: Vec<u8>,
    /// Tags to query by.
    #[n(2)]
    pub tags: Vec<String>,
    /// An embedding given by the agent.
    #[n(3)]
    pub embedding: Option<Vec<f32>>,
    /// Text for the kernel's model to embed (instead of `embedding`).
    #[n(4)]
    pub embed_text: Option<String>,
    /// Lease: the entry expires this many ns from now.
    #[n(5)]
    pub lease_ns: Option<u64>,
    /// Keep the region in the object store across reboots. It decides the
    /// kind of a region the store creates; a store into an existing region
    /// must ask for the same kind (`InvalidArgument` otherwise). Refused
    /// with a lease (`InvalidArgument`) and when no store is mounted
    /// (`Unavailable`). Absent means false: ephemeral, for this boot only.
    #[n(6)]
    #[cbor(default)]
    pub persistent: bool,
}

/// A query (`memory_query`): by key (and version), by tags, by
/// similarity to a vector or a text, or by tags and similarity.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct MemoryQueryRequest {
    /// Entries must carry every one of these tags.
    #[n(0)]
    pub tags: Vec<String>,
    /// Rank by similarity to this vector.
    #[n(1)]
    pub vector: Option<Vec<f32>>,
    /// Rank by similarity to the kernel model's embedding of this text.
    #[n(2)]
    pub text: Option<String>,
    /// Most hits (0: 10).
    #[n(3)]
    pub k: u32,
    /// Drop hits scoring below this, in thousandths (vector queries).
    #[n(4)]
    pub min_score_permille: i32,
    /// Read this key instead of querying.
    #[n(5)]
    pub key: Option<String>,
    /// With `key`: this version instead of the newest.
    #[n(6)]
    pub version: Option<u64>,
}

/// One entry found.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct MemoryHit {
    /// Key.
    #[n(0)]
    pub key: String,
    /// Value.
    #[n(1)]
    #[cbor(with = "minicbor::bytes")]
    pub value: Vec<u8>,
    /// Tags.
    #[n(2)]
    pub tags: Vec<String>,
    /// Version.
    #[n(3)]
    pub version: u64,
    /// Similarity in thousandths (1000 for key and tag-only hits).
    #[n(4)]
    pub score_permille: i32,
}

/// Reply of `memory_query`, best first.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct MemoryHits {
    /// The hits.
    #[n(0)]
    pub hits: Vec<MemoryHit>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode};
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn requests_and_hits_round_trip() {
        let store = MemoryStoreRequest {
            key: "k".to_string(),
            value: b"the launch code".to_vec(),
            tags: vec!["note".to_string()],
            embed_text: Some("the launch code".to_string()),
            ..MemoryStoreRequest::default()
        };
        assert_eq!(decode::<MemoryStoreRequest>(&encode(&store)), Ok(store));
        let query = MemoryQueryRequest {
            text: Some("where".to_string()),
            k: 3,
            min_score_permille: 200,
            ..MemoryQueryRequest::default()
        };
        assert_eq!(decode::<MemoryQueryRequest>(&encode(&query)), Ok(query));
        let hits = MemoryHits {
            hits: vec![MemoryHit {
                key: "k".to_string(),
                value: vec![1],
                tags: vec![],
                version: 2,
                score_permille: 870,
            }],
        };
        assert_eq!(decode::<MemoryHits>(&encode(&hits)), Ok(hits));
    }

    #[test]
    fn persistence_is_asked_for_and_defaults_to_ephemeral() {
        let store = MemoryStoreRequest {
            key: "k".to_string(),
            persistent: true,
            ..MemoryStoreRequest::default()
        };
        assert_eq!(decode::<MemoryStoreRequest>(&encode(&store)), Ok(store));
        // A request from before the field existed: key, value, tags, no 6.
        let old = [0xa3, 0x00, 0x61, b'k', 0x01, 0x40, 0x02, 0x80];
        let decoded = decode::<MemoryStoreRequest>(&old).map(|r| r.persistent);
        assert_eq!(decoded, Ok(false));
    }
}
