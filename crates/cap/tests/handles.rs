//! Handle validity: forged, stale and reused handles, checks and listings.

use aios_abi::Handle;
use aios_abi::payload::{CapKind, rights};
use aios_cap::{CapError, CapSpace, Resource, TABLE_SLOTS};
use proptest::prelude::*;

fn space_with(agents: &[u64]) -> CapSpace {
    let mut space = CapSpace::new();
    for agent in agents {
        space.add_agent(*agent);
    }
    space
}

#[test]
fn check_reports_errors_in_order() {
    let mut space = space_with(&[1]);
    let h = space
        .mint(1, Resource::Console, rights::WRITE, None, Some(100))
        .unwrap();
    let view = space
        .check(1, h, CapKind::Console, rights::WRITE, 0)
        .unwrap();
    assert_eq!(
        (view.handle, view.rights, view.expires_ns),
        (h, rights::WRITE, Some(100))
    );
    assert_eq!(view.resource, Resource::Console);
    // Wrong kind is reported before missing rights, expiry before both.
    assert_eq!(
        space.check(1, h, CapKind::System, rights::CONTROL, 0),
        Err(CapError::WrongKind)
    );
    assert_eq!(
        space.check(1, h, CapKind::Console, rights::READ, 0),
        Err(CapError::PermissionDenied)
    );
    assert_eq!(
        space.check(1, h, CapKind::System, rights::CONTROL, 100),
        Err(CapError::Expired)
    );
    assert_eq!(
        space.check(2, h, CapKind::Console, 0, 0),
        Err(CapError::StaleHandle)
    );
    assert_eq!(
        space.check(1, Handle(0), CapKind::Console, 0, 0),
        Err(CapError::StaleHandle)
    );
}

#[test]
fn handles_are_per_agent() {
    let mut space = space_with(&[1, 2]);
    let h = space
        .mint(1, Resource::System, rights::ALL, None, None)
        .unwrap();
    assert!(
        space
            .check(1, h, CapKind::System, rights::CONTROL, 0)
            .is_ok()
    );
    assert_eq!(
        space.check(2, h, CapKind::System, 0, 0),
        Err(CapError::StaleHandle)
    );
}

#[test]
fn old_handle_is_refused_after_its_slot_is_reused() {
    let mut space = space_with(&[1]);
    let old = space
        .mint(1, Resource::Agent(5), rights::KILL, None, None)
        .unwrap();
    assert_eq!(space.revoke(1, old), Ok(1));
    let new = space
        .mint(1, Resource::Agent(6), rights::KILL, None, None)
        .unwrap();
    assert_eq!(new.index(), old.index(), "the freed slot is reused");
    assert_eq!(
        space.check(1, old, CapKind::Agent, 0, 0),
        Err(CapError::StaleHandle)
    );
    assert_eq!(space.revoke(1, old), Err(CapError::StaleHandle));
    assert_eq!(space.consume(1, old, 0, 0), Err(CapError::StaleHandle));
    let view = space
        .check(1, new, CapKind::Agent, rights::KILL, 0)
        .unwrap();
    assert_eq!(view.resource, Resource::Agent(6));
}

#[test]
fn table_is_bounded() {
    let mut space = space_with(&[1, 2]);
    let mut handles = Vec::new();
    for _ in 0..TABLE_SLOTS {
        handles.push(
            space
                .mint(1, Resource::SpawnBudget, rights::GRANT, None, None)
                .unwrap(),
        );
    }
    assert_eq!(
        space.mint(1, Resource::Console, 0, None, None),
        Err(CapError::TableFull)
    );
    // Deriving into a full table is refused and leaves the source as it was.
    let source = space
        .mint(2, Resource::SpawnBudget, rights::GRANT, Some(9), None)
        .unwrap();
    assert_eq!(
        space.derive(2, source, 1, 0, Some(4), None, 0),
        Err(CapError::TableFull)
    );
    assert_eq!(
        space
            .check(2, source, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(9)
    );
    assert_eq!(space.count(), TABLE_SLOTS + 1);
    space.revoke(1, handles[7]).unwrap();
    assert!(space.derive(2, source, 1, 0, Some(4), None, 0).is_ok());
}

#[test]
fn unknown_agents() {
    let mut space = space_with(&[1]);
    assert_eq!(
        space.mint(9, Resource::Console, 0, None, None),
        Err(CapError::NoSuchAgent)
    );
    let h = space
        .mint(1, Resource::Console, rights::GRANT, None, None)
        .unwrap();
    assert_eq!(
        space.derive(1, h, 9, 0, None, None, 0),
        Err(CapError::NoSuchAgent)
    );
    assert!(space.list(9, 0).is_empty());
    assert_eq!(space.remove_agent(9), 0);
}

#[test]
fn list_is_ordered_and_skips_expired() {
    let mut space = space_with(&[1]);
    let a = space
        .mint(
            1,
            Resource::Intent("demo.*".into()),
            rights::READ,
            None,
            None,
        )
        .unwrap();
    let b = space
        .mint(
            1,
            Resource::Model("mini".into()),
            rights::READ,
            None,
            Some(50),
        )
        .unwrap();
    let c = space
        .mint(1, Resource::SpawnBudget, rights::SPAWN, Some(3), None)
        .unwrap();
    let listed: Vec<Handle> = space.list(1, 0).iter().map(|v| v.handle).collect();
    assert_eq!(listed, vec![a, b, c]);
    let later: Vec<Handle> = space.list(1, 50).iter().map(|v| v.handle).collect();
    assert_eq!(later, vec![a, c]);
    let info = space.list(1, 0)[0].to_info();
    assert_eq!(
        (info.handle, info.resource.as_str()),
        (a.raw(), "intent demo.*")
    );
}

proptest! {
    #[test]
    fn forged_handles_are_refused(raws in proptest::collection::vec(any::<u32>(), 1..64)) {
        let mut space = space_with(&[1]);
        let mut issued = Vec::new();
        for i in 0..16 {
            issued.push(space.mint(1, Resource::Agent(i), rights::ALL, None, None).unwrap());
        }
        for raw in raws {
            let forged = Handle(raw);
            let result = space.check(1, forged, CapKind::Agent, 0, 0);
            prop_assert_eq!(result.is_ok(), issued.contains(&forged));
        }
    }
}

#[test]
fn holds_kind_sees_live_unexpired_capabilities_only() {
    let mut space = space_with(&[1, 2]);
    assert!(!space.holds_kind(1, CapKind::Console, 0));
    let h = space
        .mint(1, Resource::Console, rights::READ, None, Some(100))
        .unwrap();
    assert!(space.holds_kind(1, CapKind::Console, 99));
    assert!(!space.holds_kind(1, CapKind::Console, 100), "expired");
    assert!(!space.holds_kind(1, CapKind::System, 0), "other kind");
    assert!(!space.holds_kind(2, CapKind::Console, 0), "other agent");
    space.revoke(1, h).unwrap();
    assert!(!space.holds_kind(1, CapKind::Console, 0), "revoked");
}
