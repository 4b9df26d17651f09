//! Restoring persisted entries after a reboot: kept as written (version,
//! writer, embedding), never written through again, and checked.

mod common;

use aios_fabric::{
    Entry, Fabric, FabricConfig, FabricError, Query, Quota, RegionId, RegionKind, StoreRequest,
};
use common::FakePersist;

const OWNER: u64 = 1;
const GRANTEE: u64 = 2;

fn fabric() -> Fabric<FakePersist> {
    Fabric::new(FabricConfig::new(4), FakePersist::default()).expect("valid config")
}

/// What a store would have kept of `key` at `version`.
fn stored(key: &str, version: u64, embedding: Option<Vec<f32>>) -> Entry {
    Entry {
        key: key.to_string(),
        value: b"kept".to_vec(),
        tags: vec!["note".to_string()],
        embedding,
        version,
        owner: GRANTEE,
        region: RegionId(99),
        created: 5,
        expires: None,
    }
}

#[test]
fn a_restored_entry_is_kept_as_stored_and_later_versions_follow_it() {
    let mut fabric = fabric();
    let region = fabric
        .create_region(OWNER, RegionKind::Persistent, Quota::UNLIMITED)
        .expect("region");
    // A unit vector whose components are not exact after normalising again.
    let third = (1.0f32 / 3.0).sqrt();
    let embedding = vec![third, third, third, 0.0];
    fabric
        .restore(region, stored("k", 7, Some(embedding.clone())))
        .expect("restore");
    assert_eq!(fabric.persist().calls, 0, "restoring writes nothing");
    let entry = fabric.get(OWNER, region, "k", None).expect("get");
    assert_eq!(entry.version, 7);
    assert_eq!(entry.owner, GRANTEE, "the writer is kept");
    assert_eq!(entry.region, region, "the entry joins its new region id");
    assert_eq!(entry.embedding.as_deref(), Some(embedding.as_slice()));
    let query = Query {
        tags: vec!["note".to_string()],
        vector: Some(embedding.clone()),
        text_vector: None,
        k: 1,
        min_score: 0.99,
    };
    let hits = fabric.query(OWNER, &[region], &query).expect("query");
    assert_eq!(hits.len(), 1, "the restored embedding is indexed");
    let version = fabric
        .store(OWNER, region, StoreRequest::new("k", b"new"), 9)
        .expect("store");
    assert_eq!(version, 8);
    assert_eq!(
        fabric.persist().calls,
        1,
        "new versions are written through"
    );
}

#[test]
fn bad_records_are_refused_and_change_nothing() {
    let mut fabric = fabric();
    let persistent = fabric
        .create_region(OWNER, RegionKind::Persistent, Quota::UNLIMITED)
        .expect("region");
    let ephemeral = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    assert_eq!(
        fabric.restore(ephemeral, stored("k", 1, None)),
        Err(FabricError::NotPersistent(ephemeral))
    );
    assert_eq!(
        fabric.restore(persistent, stored("k", 0, None)),
        Err(FabricError::VersionOrder(0))
    );
    assert_eq!(
        fabric.restore(persistent, stored("", 1, None)),
        Err(FabricError::InvalidKey)
    );
    assert_eq!(
        fabric.restore(persistent, stored("k", 1, Some(vec![1.0; 3]))),
        Err(FabricError::DimensionMismatch {
            expected: 4,
            found: 3
        })
    );
    assert_eq!(
        fabric.restore(persistent, stored("k", 1, Some(vec![2.0, 0.0, 0.0, 0.0]))),
        Err(FabricError::InvalidVector),
        "a stored embedding is unit length"
    );
    assert_eq!(
        fabric.restore(
            persistent,
            stored("k", 1, Some(vec![f32::NAN, 0.0, 0.0, 1.0]))
        ),
        Err(FabricError::InvalidVector)
    );
    let mut leased = stored("k", 1, None);
    leased.expires = Some(10);
    assert_eq!(
        fabric.restore(persistent, leased),
        Err(FabricError::LeaseOnPersistent)
    );
    assert_eq!(
        fabric.get(OWNER, persistent, "k", None),
        Err(FabricError::UnknownKey)
    );
    fabric
        .restore(persistent, stored("k", 3, None))
        .expect("restore");
    assert_eq!(
        fabric.restore(persistent, stored("k", 3, None)),
        Err(FabricError::VersionOrder(3)),
        "a version must follow the newest"
    );
    let small = fabric
        .create_region(
            OWNER,
            RegionKind::Persistent,
            Quota {
                max_entries: 1,
                max_bytes: 1 << 20,
            },
        )
        .expect("region");
    fabric
        .restore(small, stored("a", 1, None))
        .expect("restore");
    assert_eq!(
        fabric.restore(small, stored("b", 1, None)),
        Err(FabricError::EntryQuota { limit: 1 })
    );
    assert_eq!(fabric.usage(OWNER, small).expect("usage").entries, 1);
}
