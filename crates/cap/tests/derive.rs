//! Delegation: attenuation rules, quota carving, consumption and expiry.

use aios_abi::payload::{CapKind, rights};
use aios_cap::{CapError, CapSpace, Resource};

const RW_GRANT: u32 = rights::READ | rights::WRITE | rights::GRANT;

fn space() -> CapSpace {
    let mut space = CapSpace::new();
    for agent in 1..=3 {
        space.add_agent(agent);
    }
    space
}

#[test]
fn derive_needs_grant_and_a_subset_of_rights() {
    let mut space = space();
    let topic = Resource::EventTopic("boot".into());
    let no_grant = space
        .mint(1, topic.clone(), rights::READ, None, None)
        .unwrap();
    assert_eq!(
        space.derive(1, no_grant, 2, rights::READ, None, None, 0),
        Err(CapError::PermissionDenied)
    );
    let root = space.mint(1, topic.clone(), RW_GRANT, None, None).unwrap();
    assert_eq!(
        space.derive(1, root, 2, rights::KILL, None, None, 0),
        Err(CapError::NotAttenuated)
    );
    let child = space
        .derive(1, root, 2, rights::READ, None, None, 0)
        .unwrap();
    let view = space
        .check(2, child, CapKind::EventTopic, rights::READ, 0)
        .unwrap();
    assert_eq!((view.rights, view.resource), (rights::READ, topic));
    assert_eq!(
        space.check(2, child, CapKind::EventTopic, rights::WRITE, 0),
        Err(CapError::PermissionDenied)
    );
    // Without GRANT the child cannot delegate further.
    assert_eq!(
        space.derive(2, child, 3, rights::READ, None, None, 0),
        Err(CapError::PermissionDenied)
    );
}

#[test]
fn quota_is_carved_out_of_the_source() {
    let mut space = space();
    let budget = space
        .mint(
            1,
            Resource::SpawnBudget,
            rights::SPAWN | rights::GRANT,
            Some(10),
            None,
        )
        .unwrap();
    assert_eq!(
        space.derive(1, budget, 2, rights::SPAWN, None, None, 0),
        Err(CapError::NotAttenuated)
    );
    assert_eq!(
        space.derive(1, budget, 2, rights::SPAWN, Some(11), None, 0),
        Err(CapError::QuotaExceeded)
    );
    let child = space
        .derive(1, budget, 2, rights::SPAWN, Some(4), None, 0)
        .unwrap();
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(6)
    );
    assert_eq!(
        space
            .check(2, child, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(4)
    );
    assert_eq!(
        space.derive(1, budget, 3, rights::SPAWN, Some(7), None, 0),
        Err(CapError::QuotaExceeded)
    );
    assert!(
        space
            .derive(1, budget, 3, rights::SPAWN, Some(6), None, 0)
            .is_ok()
    );
    assert_eq!(space.consume(1, budget, 1, 0), Err(CapError::QuotaExceeded));
    assert_eq!(space.consume(1, budget, 0, 0), Ok(0));
}

#[test]
fn unlimited_source_may_give_any_quota_without_losing_any() {
    let mut space = space();
    let root = space
        .mint(
            1,
            Resource::StoreNamespace("logs".into()),
            RW_GRANT,
            None,
            None,
        )
        .unwrap();
    let child = space
        .derive(1, root, 2, rights::WRITE, Some(100), None, 0)
        .unwrap();
    assert_eq!(
        space
            .check(1, root, CapKind::StoreNamespace, 0, 0)
            .unwrap()
            .quota,
        None
    );
    assert_eq!(space.consume(1, root, 1_000, 0), Ok(u64::MAX));
    assert_eq!(space.consume(2, child, 30, 0), Ok(70));
}

#[test]
fn consumption_is_all_or_nothing() {
    let mut space = space();
    let budget = space
        .mint(1, Resource::SpawnBudget, rights::SPAWN, Some(5), None)
        .unwrap();
    assert_eq!(space.consume(1, budget, 3, 0), Ok(2));
    assert_eq!(space.consume(1, budget, 3, 0), Err(CapError::QuotaExceeded));
    assert_eq!(space.consume(1, budget, 2, 0), Ok(0));
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(0)
    );
}

#[test]
fn expiry_only_narrows_and_is_enforced() {
    let mut space = space();
    let model = Resource::Model("mini".into());
    let root = space
        .mint(1, model, RW_GRANT, Some(50), Some(1_000))
        .unwrap();
    assert_eq!(
        space.derive(1, root, 2, rights::READ, Some(1), None, 0),
        Err(CapError::NotAttenuated)
    );
    assert_eq!(
        space.derive(1, root, 2, rights::READ, Some(1), Some(1_001), 0),
        Err(CapError::NotAttenuated)
    );
    let child = space
        .derive(1, root, 2, rights::READ, Some(5), Some(500), 0)
        .unwrap();
    assert!(
        space
            .check(2, child, CapKind::Model, rights::READ, 499)
            .is_ok()
    );
    assert_eq!(
        space.check(2, child, CapKind::Model, rights::READ, 500),
        Err(CapError::Expired)
    );
    assert_eq!(space.consume(2, child, 1, 500), Err(CapError::Expired));
    assert_eq!(
        space.derive(1, root, 3, rights::READ, Some(1), Some(900), 1_000),
        Err(CapError::Expired)
    );
    // An unexpiring source may give any expiry.
    let forever = space
        .mint(1, Resource::Console, RW_GRANT, None, None)
        .unwrap();
    assert!(
        space
            .derive(1, forever, 2, rights::WRITE, None, Some(u64::MAX), 0)
            .is_ok()
    );
}

#[test]
fn sweeping_expired_capabilities_frees_them_and_returns_quota() {
    let mut space = space();
    let start = space.count();
    let budget = space
        .mint(
            1,
            Resource::SpawnBudget,
            rights::SPAWN | rights::GRANT,
            Some(10),
            None,
        )
        .unwrap();
    let child = space
        .derive(
            1,
            budget,
            2,
            rights::SPAWN | rights::GRANT,
            Some(6),
            Some(100),
            0,
        )
        .unwrap();
    space
        .derive(2, child, 3, rights::SPAWN, Some(2), Some(50), 0)
        .unwrap();
    space.consume(2, child, 1, 0).unwrap();
    assert_eq!(space.sweep_expired(49), 0);
    assert_eq!(space.sweep_expired(50), 1);
    assert_eq!(
        space
            .check(2, child, CapKind::SpawnBudget, 0, 60)
            .unwrap()
            .quota,
        Some(5)
    );
    assert_eq!(space.sweep_expired(100), 1);
    assert!(space.list(2, 100).is_empty());
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 100)
            .unwrap()
            .quota,
        Some(9)
    );
    assert_eq!(space.count(), start + 1);
}
