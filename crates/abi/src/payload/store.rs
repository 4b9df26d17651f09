//! Payloads of the object-store syscalls. Every request names its
//! namespace; the handle passed with it must cover that namespace (its
//! resource is the namespace's name, a `prefix.*` pattern, or `*`).

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Largest chunk of object data one `store_put` or `store_get` moves.
pub const STORE_CHUNK: usize = 512 * 1024;

/// A chunk of an object being written (`store_put`). Chunks of one object
/// come in order, from offset 0; the chunk with `last` commits the object
/// (a single-chunk put is one call with offset 0 and `last`).
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct StorePut {
    /// Namespace.
    #[n(0)]
    pub ns: String,
    /// Object key (UTF-8, 1 to 255 bytes).
    #[n(1)]
    pub key: String,
    /// Where this chunk starts in the object.
    #[n(2)]
    pub offset: u64,
    /// The chunk's bytes (at most [`STORE_CHUNK`]).
    #[n(3)]
    #[cbor(with = "minicbor::bytes")]
    pub data: Vec<u8>,
    /// This chunk completes the object: commit it.
    #[n(4)]
    pub last: bool,
    /// Content type (`text/plain`, ...).
    #[n(5)]
    pub content_type: String,
    /// Tags the object can be listed by.
    #[n(6)]
    pub tags: Vec<String>,
    /// An embedding kept with the object.
    #[n(7)]
    pub embedding: Option<Vec<f32>>,
}

/// Which object (`store_delete`), in a namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct StoreKey {
    /// Namespace.
    #[n(0)]
    pub ns: String,
    /// Object key.
    #[n(1)]
    pub key: String,
}

/// A range of an object to read (`store_get`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct StoreGet {
    /// Namespace.
    #[n(0)]
    pub ns: String,
    /// Object key.
    #[n(1)]
    pub key: String,
    /// First byte to read.
    #[n(2)]
    pub offset: u64,
    /// Most bytes to return (capped at [`STORE_CHUNK`] and by the buffer).
    #[n(3)]
    pub max: u32,
    /// Read as of this snapshot instead of now.
    #[n(4)]
    pub snapshot: Option<String>,
}

/// What the store knows about an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct StoreObjectInfo {
    /// Key.
    #[n(0)]
    pub key: String,
    /// Size in bytes.
    #[n(1)]
    pub size: u64,
    /// Version, from 1, one more on every update.
    #[n(2)]
    pub version: u64,
    /// Created, ns since boot of the node that wrote it.
    #[n(3)]
    pub created_ns: u64,
    /// Last modified, likewise.
    #[n(4)]
    pub modified_ns: u64,
    /// Content type.
    #[n(5)]
    pub content_type: String,
    /// Tags.
    #[n(6)]
    pub tags: Vec<String>,
    /// An embedding is stored with it.
    #[n(7)]
    pub has_embedding: bool,
}

/// Reply of `store_get`: the object's description and the bytes read.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct StoreData {
    /// The object.
    #[n(0)]
    pub info: StoreObjectInfo,
    /// Offset of `data` in the object.
    #[n(1)]
    pub offset: u64,
    /// The bytes read (empty at or past the end).
    #[n(2)]
    #[cbor(with = "minicbor::bytes")]
    pub data: Vec<u8>,
    /// The embedding, on the read at offset 0.
    #[n(3)]
    pub embedding: Option<Vec<f32>>,
}

/// A listing query (`store_list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct StoreListRequest {
    /// Namespace.
    #[n(0)]
    pub ns: String,
    /// Only keys starting with this.
    #[n(1)]
    pub prefix: String,
    /// Only objects carrying every one of these tags.
    #[n(2)]
    pub tags: Vec<String>,
    /// Continue after this key (the last of the previous page).
    #[n(3)]
    pub after: Option<String>,
    /// Most objects to return (0: the kernel's page size).
    #[n(4)]
    pub limit: u32,
    /// List as of this snapshot instead of now.
    #[n(5)]
    pub snapshot: Option<String>,
}

/// Reply of `store_list`, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct StoreListing {
    /// The objects.
    #[n(0)]
    pub objects: Vec<StoreObjectInfo>,
    /// More objects follow the last one.
    #[n(1)]
    pub more: bool,
}

/// What `store_snapshot` does.
pub mod snapshot_action {
    /// Take a snapshot named `name`.
    pub const CREATE: u8 = 0;
    /// Delete the snapshot named `name`.
    pub const DELETE: u8 = 1;
    /// List the snapshots (reply: SnapshotList).
    pub const LIST: u8 = 2;
}

/// A snapshot operation on a namespace, or on the whole volume when
/// `ns` is `*` (which needs a `*` handle). Also the request of
/// `store_rollback` (its `action` is ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SnapshotRequest {
    /// Namespace, or `*` for the volume.
    #[n(0)]
    pub ns: String,
    /// Snapshot name.
    #[n(1)]
    pub name: String,
    /// One of [`snapshot_action`].
    #[n(2)]
    pub action: u8,
}

/// One snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SnapshotEntry {
    /// Name.
    #[n(0)]
    pub name: String,
    /// When it was taken.
    #[n(1)]
    pub created_ns: u64,
}

/// Reply of a snapshot listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SnapshotList {
    /// The snapshots, oldest first.
    #[n(0)]
    pub snapshots: Vec<SnapshotEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode};
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn a_put_round_trips_and_carries_its_data_as_one_byte_string() {
        let put = StorePut {
            ns: "notes".to_string(),
            key: "a".to_string(),
            offset: 0,
            data: vec![0xAB; 300],
            last: true,
            content_type: "text/plain".to_string(),
            tags: vec!["x".to_string()],
            embedding: Some(vec![0.5, -1.0]),
        };
        let bytes = encode(&put);
        assert_eq!(decode::<StorePut>(&bytes), Ok(put));
        // A byte string of 300 (0x59 0x01 0x2C) rather than an array of 300
        // small integers: a chunk costs its size, not twice it.
        assert!(bytes.windows(3).any(|w| w == [0x59, 0x01, 0x2C]));
        assert!(bytes.len() < 400);
    }

    #[test]
    fn replies_round_trip() {
        let data = StoreData {
            info: StoreObjectInfo {
                key: "k".to_string(),
                size: 3,
                version: 2,
                ..StoreObjectInfo::default()
            },
            offset: 0,
            data: vec![1, 2, 3],
            embedding: None,
        };
        assert_eq!(decode::<StoreData>(&encode(&data)), Ok(data.clone()));
        let listing = StoreListing {
            objects: vec![data.info],
            more: true,
        };
        assert_eq!(decode::<StoreListing>(&encode(&listing)), Ok(listing));
        let snap = SnapshotRequest {
            ns: "*".to_string(),
            name: "before".to_string(),
            action: snapshot_action::LIST,
        };
        assert_eq!(decode::<SnapshotRequest>(&encode(&snap)), Ok(snap));
    }
}

#[cfg(test)]
mod documented {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    /// The example in docs/abi.md, byte for byte.
    #[test]
    fn the_documented_put_example_is_exact() {
        let put = StorePut {
            ns: "notes".to_string(),
            key: "todo".to_string(),
            data: b"hi".to_vec(),
            last: true,
            ..StorePut::default()
        };
        let mut expected: Vec<u8> = alloc::vec![0xa7, 0x00, 0x65];
        expected.extend_from_slice(b"notes");
        expected.extend_from_slice(&[0x01, 0x64]);
        expected.extend_from_slice(b"todo");
        expected.extend_from_slice(&[0x02, 0x00, 0x03, 0x42]);
        expected.extend_from_slice(b"hi");
        expected.extend_from_slice(&[0x04, 0xf5, 0x05, 0x60, 0x06, 0x80]);
        assert_eq!(crate::encode(&put), expected);
    }
}
