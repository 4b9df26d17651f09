//! Versioning, persistence, leases, quotas and access checks of the fabric.

mod common;

use aios_fabric::{Fabric, FabricConfig, FabricError, Quota, RegionKind, StoreRequest};
use common::FakePersist;

const OWNER: u64 = 1;
const STRANGER: u64 = 9;

fn fabric(max_versions: usize) -> Fabric<FakePersist> {
    let mut config = FabricConfig::new(4);
    config.max_versions = max_versions;
    Fabric::new(config, FakePersist::default()).expect("valid config")
}

#[test]
fn every_update_is_a_new_version_and_old_ones_can_be_read() {
    let mut fabric = fabric(2);
    let region = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    for (i, value) in [b"one", b"two", b"thr"].iter().enumerate() {
        let version = fabric
            .store(OWNER, region, StoreRequest::new("k", *value), i as u64)
            .expect("store");
        assert_eq!(version, i as u64 + 1);
    }
    assert_eq!(
        fabric.get(OWNER, region, "k", None).expect("get").value,
        b"thr"
    );
    assert_eq!(
        fabric.get(OWNER, region, "k", Some(2)).expect("get").value,
        b"two"
    );
    assert_eq!(
        fabric.get(OWNER, region, "k", Some(1)),
        Err(FabricError::UnknownVersion(1))
    );
    assert_eq!(
        fabric.versions(OWNER, region, "k").expect("versions"),
        [2, 3]
    );
    fabric.delete(OWNER, region, "k").expect("delete");
    assert_eq!(
        fabric.get(OWNER, region, "k", None),
        Err(FabricError::UnknownKey)
    );
    assert_eq!(
        fabric.delete(OWNER, region, "k"),
        Err(FabricError::UnknownKey)
    );
}

#[test]
fn persistent_regions_write_through_and_a_failed_write_changes_nothing() {
    let mut fabric = fabric(4);
    let region = fabric
        .create_region(OWNER, RegionKind::Persistent, Quota::UNLIMITED)
        .expect("region");
    fabric
        .store(OWNER, region, StoreRequest::new("k", b"v1"), 0)
        .expect("store");
    fabric
        .store(OWNER, region, StoreRequest::new("k", b"v2"), 1)
        .expect("store");
    let stored = &fabric.persist().records[&(region.0, "k".to_string())];
    assert_eq!(
        (stored.version, stored.value.as_slice()),
        (2, b"v2".as_slice())
    );
    fabric.persist_mut().fail = Some("disk full");
    let refused = fabric.store(OWNER, region, StoreRequest::new("k", b"v3"), 2);
    assert_eq!(refused, Err(FabricError::PersistFailed("disk full")));
    assert_eq!(
        fabric.get(OWNER, region, "k", None).expect("get").version,
        2
    );
    assert!(fabric.delete(OWNER, region, "k").is_err());
    fabric.persist_mut().fail = None;
    fabric.delete(OWNER, region, "k").expect("delete");
    assert!(fabric.persist().records.is_empty());
    assert_eq!(fabric.persist().calls, 5);

    let ephemeral = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    fabric
        .store(OWNER, ephemeral, StoreRequest::new("k", b"v"), 0)
        .expect("store");
    assert_eq!(
        fabric.persist().calls,
        5,
        "ephemeral regions are never persisted"
    );
}

#[test]
fn leases_expire_only_in_ephemeral_regions() {
    let mut fabric = fabric(4);
    let region = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    fabric
        .store(
            OWNER,
            region,
            StoreRequest::new("short", b"x").lease(100),
            1_000,
        )
        .expect("store");
    fabric
        .store(OWNER, region, StoreRequest::new("forever", b"x"), 1_000)
        .expect("store");
    assert_eq!(
        fabric
            .get(OWNER, region, "short", None)
            .expect("get")
            .expires,
        Some(1_100)
    );
    assert_eq!(fabric.expire(1_099), 0);
    assert_eq!(fabric.expire(1_100), 1);
    assert_eq!(
        fabric.get(OWNER, region, "short", None),
        Err(FabricError::UnknownKey)
    );
    assert!(fabric.get(OWNER, region, "forever", None).is_ok());
    let overflow = fabric.store(
        OWNER,
        region,
        StoreRequest::new("k", b"x").lease(u64::MAX),
        1,
    );
    assert_eq!(overflow, Err(FabricError::LeaseOverflow));
    let persistent = fabric
        .create_region(OWNER, RegionKind::Persistent, Quota::UNLIMITED)
        .expect("region");
    let refused = fabric.store(OWNER, persistent, StoreRequest::new("k", b"x").lease(5), 1);
    assert_eq!(refused, Err(FabricError::LeaseOnPersistent));
}

#[test]
fn quotas_count_keys_and_kept_bytes() {
    let mut fabric = fabric(2);
    let quota = Quota {
        max_entries: 2,
        max_bytes: 20,
    };
    let region = fabric
        .create_region(OWNER, RegionKind::Ephemeral, quota)
        .expect("region");
    fabric
        .store(OWNER, region, StoreRequest::new("a", b"12345"), 0)
        .expect("6 bytes");
    fabric
        .store(OWNER, region, StoreRequest::new("b", b"12345"), 0)
        .expect("12 bytes");
    let third = fabric.store(OWNER, region, StoreRequest::new("c", b""), 0);
    assert_eq!(third, Err(FabricError::EntryQuota { limit: 2 }));
    fabric
        .store(OWNER, region, StoreRequest::new("a", b"1234567"), 0)
        .expect("20 bytes");
    let big = fabric.store(OWNER, region, StoreRequest::new("b", b"123456"), 0);
    assert_eq!(big, Err(FabricError::ByteQuota { limit: 20 }));
    // A third version of "a" evicts the first (6 bytes), so it fits.
    fabric
        .store(OWNER, region, StoreRequest::new("a", b"12345"), 0)
        .expect("evicts v1");
    let usage = fabric.usage(OWNER, region).expect("usage");
    assert_eq!((usage.entries, usage.bytes), (2, 20));
}

#[test]
fn bad_input_and_strangers_are_refused() {
    let mut fabric = fabric(2);
    let region = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    let denied = FabricError::PermissionDenied {
        agent: STRANGER,
        region,
    };
    assert_eq!(
        fabric.store(STRANGER, region, StoreRequest::new("k", b"v"), 0),
        Err(denied.clone())
    );
    fabric
        .store(OWNER, region, StoreRequest::new("k", b"v"), 0)
        .expect("store");
    assert_eq!(
        fabric.get(STRANGER, region, "k", None).map(|e| e.version),
        Err(denied.clone())
    );
    assert_eq!(fabric.delete(STRANGER, region, "k"), Err(denied));
    assert_eq!(
        fabric.store(OWNER, region, StoreRequest::new("", b"v"), 0),
        Err(FabricError::InvalidKey)
    );
    let wrong = fabric.store(
        OWNER,
        region,
        StoreRequest::new("k", b"v").embedding(&[1.0; 3]),
        0,
    );
    assert_eq!(
        wrong,
        Err(FabricError::DimensionMismatch {
            expected: 4,
            found: 3
        })
    );
    let zero = fabric.store(
        OWNER,
        region,
        StoreRequest::new("k", b"v").embedding(&[0.0; 4]),
        0,
    );
    assert_eq!(zero, Err(FabricError::InvalidVector));
    assert_eq!(
        fabric.drop_region(STRANGER, region),
        Err(FabricError::PermissionDenied {
            agent: STRANGER,
            region
        })
    );
    fabric.drop_region(OWNER, region).expect("drop");
    assert_eq!(
        fabric.get(OWNER, region, "k", None).map(|e| e.version),
        Err(FabricError::UnknownRegion(region))
    );
    assert!(
        FabricError::ByteQuota { limit: 5 }
            .to_string()
            .contains("byte quota of 5")
    );
}
