//! Sharing: read-only and read-write grants, copy-on-write, merge, revoke.

mod common;

use aios_fabric::{Access, Fabric, FabricConfig, FabricError, Quota, RegionKind, StoreRequest};
use common::FakePersist;

const OWNER: u64 = 1;
const READER: u64 = 2;
const WRITER: u64 = 3;

fn shared() -> (Fabric<FakePersist>, aios_fabric::RegionId) {
    let mut fabric = Fabric::new(FabricConfig::new(4), FakePersist::default()).expect("config");
    let region = fabric
        .create_region(OWNER, RegionKind::Persistent, Quota::UNLIMITED)
        .expect("region");
    fabric
        .store(OWNER, region, StoreRequest::new("plan", b"base"), 0)
        .expect("store");
    fabric
        .store(OWNER, region, StoreRequest::new("notes", b"n"), 0)
        .expect("store");
    fabric
        .share(OWNER, region, READER, Access::ReadOnly)
        .expect("share");
    fabric
        .share(OWNER, region, WRITER, Access::ReadWrite)
        .expect("share");
    (fabric, region)
}

#[test]
fn read_only_grants_read_but_refuse_writes() {
    let (mut fabric, region) = shared();
    assert_eq!(
        fabric
            .get(READER, region, "plan", None)
            .expect("read")
            .value,
        b"base"
    );
    let write = fabric.store(READER, region, StoreRequest::new("plan", b"x"), 1);
    assert_eq!(write, Err(FabricError::ReadOnly(region)));
    assert_eq!(
        fabric.delete(READER, region, "plan"),
        Err(FabricError::ReadOnly(region))
    );
    assert_eq!(
        fabric.share(READER, region, 7, Access::ReadWrite),
        Err(FabricError::NotOwner(region))
    );
}

#[test]
fn writes_through_a_read_write_grant_are_copy_on_write() {
    let (mut fabric, region) = shared();
    let calls = fabric.persist().calls;
    let version = fabric
        .store(WRITER, region, StoreRequest::new("plan", b"draft"), 1)
        .expect("store");
    assert_eq!(version, 2, "the overlay continues the owner's numbering");
    fabric.delete(WRITER, region, "notes").expect("hide");
    fabric
        .store(WRITER, region, StoreRequest::new("extra", b"e"), 1)
        .expect("store");
    assert_eq!(
        fabric.persist().calls,
        calls,
        "overlays are drafts, not persisted"
    );

    // The writer sees its layer over the owner's; older versions come from the owner.
    assert_eq!(
        fabric.get(WRITER, region, "plan", None).expect("get").value,
        b"draft"
    );
    assert_eq!(
        fabric
            .get(WRITER, region, "plan", Some(1))
            .expect("get")
            .value,
        b"base"
    );
    assert_eq!(
        fabric.versions(WRITER, region, "plan").expect("versions"),
        [1, 2]
    );
    assert_eq!(
        fabric.get(WRITER, region, "notes", None),
        Err(FabricError::UnknownKey)
    );
    // The owner and the reader still see the unchanged owner layer.
    for agent in [OWNER, READER] {
        assert_eq!(
            fabric.get(agent, region, "plan", None).expect("get").value,
            b"base"
        );
        assert_eq!(
            fabric.get(agent, region, "plan", Some(2)),
            Err(FabricError::UnknownVersion(2))
        );
        assert!(fabric.get(agent, region, "notes", None).is_ok());
        assert_eq!(
            fabric.get(agent, region, "extra", None),
            Err(FabricError::UnknownKey)
        );
    }
    assert_eq!(fabric.usage(OWNER, region).expect("usage").entries, 4);
}

#[test]
fn merge_applies_unconflicted_keys_and_keeps_conflicts() {
    let (mut fabric, region) = shared();
    fabric
        .store(WRITER, region, StoreRequest::new("plan", b"draft"), 1)
        .expect("store");
    fabric
        .store(WRITER, region, StoreRequest::new("notes", b"writer"), 1)
        .expect("store");
    fabric
        .store(WRITER, region, StoreRequest::new("extra", b"e"), 1)
        .expect("store");
    // The owner changes "notes" after the writer forked it: a conflict.
    fabric
        .store(OWNER, region, StoreRequest::new("notes", b"owner"), 2)
        .expect("store");
    assert_eq!(
        fabric.merge(WRITER, region, WRITER),
        Err(FabricError::NotOwner(region))
    );
    let report = fabric.merge(OWNER, region, WRITER).expect("merge");
    assert_eq!(report.merged, ["extra", "plan"]);
    assert_eq!(report.conflicts, ["notes"]);
    let plan = fabric.get(OWNER, region, "plan", None).expect("get");
    assert_eq!(
        (plan.version, plan.value.as_slice(), plan.owner),
        (2, b"draft".as_slice(), WRITER)
    );
    assert_eq!(
        fabric
            .get(OWNER, region, "plan", Some(1))
            .expect("get")
            .value,
        b"base"
    );
    assert_eq!(
        fabric.get(OWNER, region, "notes", None).expect("get").value,
        b"owner"
    );
    assert_eq!(
        fabric
            .get(WRITER, region, "notes", None)
            .expect("get")
            .value,
        b"writer"
    );
    assert_eq!(
        fabric.persist().records[&(region.0, "plan".to_string())].value,
        b"draft"
    );
    fabric.discard(WRITER, region, WRITER).expect("discard");
    assert_eq!(
        fabric
            .get(WRITER, region, "notes", None)
            .expect("get")
            .value,
        b"owner"
    );
}

#[test]
fn merging_a_deletion_deletes_and_revoking_drops_access_and_overlay() {
    let (mut fabric, region) = shared();
    fabric.delete(WRITER, region, "notes").expect("hide");
    let report = fabric.merge(OWNER, region, WRITER).expect("merge");
    assert_eq!(report.merged, ["notes"]);
    assert_eq!(
        fabric.get(OWNER, region, "notes", None),
        Err(FabricError::UnknownKey)
    );
    assert!(
        !fabric
            .persist()
            .records
            .contains_key(&(region.0, "notes".to_string()))
    );

    let grant = fabric
        .share(OWNER, region, WRITER, Access::ReadWrite)
        .expect("reshare");
    fabric
        .store(WRITER, region, StoreRequest::new("plan", b"draft"), 1)
        .expect("store");
    fabric.revoke(OWNER, region, grant.id).expect("revoke");
    let denied = FabricError::PermissionDenied {
        agent: WRITER,
        region,
    };
    assert_eq!(
        fabric.get(WRITER, region, "plan", None).map(|e| e.version),
        Err(denied)
    );
    assert_eq!(
        fabric.revoke(OWNER, region, grant.id),
        Err(FabricError::UnknownGrant(grant.id))
    );
    fabric
        .share(OWNER, region, WRITER, Access::ReadWrite)
        .expect("share again");
    assert_eq!(
        fabric.get(WRITER, region, "plan", None).expect("get").value,
        b"base",
        "overlay was dropped"
    );
}
