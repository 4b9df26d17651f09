//! Revocation through the derivation tree and agent removal.

use aios_abi::payload::{CapKind, rights};
use aios_cap::{CapError, CapSpace, Resource};

const DELEGATE: u32 = rights::READ | rights::GRANT;

fn space(agents: u64) -> CapSpace {
    let mut space = CapSpace::new();
    for agent in 1..=agents {
        space.add_agent(agent);
    }
    space
}

#[test]
fn revoking_a_root_removes_descendants_in_every_table() {
    let mut space = space(4);
    let start = space.count();
    let intent = Resource::Intent("demo.echo".into());
    let root = space.mint(1, intent.clone(), DELEGATE, None, None).unwrap();
    let unrelated = space.mint(1, intent, DELEGATE, None, None).unwrap();
    let a = space.derive(1, root, 2, DELEGATE, None, None, 0).unwrap();
    let b = space.derive(2, a, 3, DELEGATE, None, None, 0).unwrap();
    let c = space.derive(3, b, 4, rights::READ, None, None, 0).unwrap();
    let d = space
        .derive(1, root, 4, rights::READ, None, None, 0)
        .unwrap();
    let kept = space
        .derive(1, unrelated, 2, rights::READ, None, None, 0)
        .unwrap();
    assert_eq!(space.revoke(1, root), Ok(5));
    for (agent, handle) in [(1, root), (2, a), (3, b), (4, c), (4, d)] {
        assert_eq!(
            space.check(agent, handle, CapKind::Intent, 0, 0),
            Err(CapError::StaleHandle)
        );
    }
    assert!(
        space
            .check(2, kept, CapKind::Intent, rights::READ, 0)
            .is_ok()
    );
    assert_eq!(space.count(), start + 2);
}

#[test]
fn revoking_a_middle_link_keeps_its_ancestors() {
    let mut space = space(3);
    let root = space
        .mint(1, Resource::Console, DELEGATE, None, None)
        .unwrap();
    let a = space.derive(1, root, 2, DELEGATE, None, None, 0).unwrap();
    let b = space.derive(2, a, 3, rights::READ, None, None, 0).unwrap();
    assert_eq!(space.revoke(2, a), Ok(2));
    assert!(
        space
            .check(1, root, CapKind::Console, rights::READ, 0)
            .is_ok()
    );
    assert_eq!(
        space.check(3, b, CapKind::Console, 0, 0),
        Err(CapError::StaleHandle)
    );
    // The root can delegate again; the tree no longer lists the dead child.
    let again = space
        .derive(1, root, 2, rights::READ, None, None, 0)
        .unwrap();
    assert_eq!(space.revoke(1, root), Ok(2));
    assert_eq!(
        space.check(2, again, CapKind::Console, 0, 0),
        Err(CapError::StaleHandle)
    );
    assert_eq!(space.count(), 0);
}

#[test]
fn revoked_unspent_quota_returns_to_the_source() {
    let mut space = space(3);
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
            None,
            0,
        )
        .unwrap();
    let grandchild = space
        .derive(2, child, 3, rights::SPAWN, Some(4), None, 0)
        .unwrap();
    space.consume(2, child, 1, 0).unwrap();
    space.consume(3, grandchild, 3, 0).unwrap();
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(4)
    );
    // Child has 1 left, grandchild 1: both come back; the 4 spent do not.
    assert_eq!(space.revoke(2, child), Ok(2));
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(6)
    );
}

#[test]
fn deep_chains_revoke_without_recursion() {
    let mut space = space(2);
    let root = space
        .mint(1, Resource::System, DELEGATE, None, None)
        .unwrap();
    let mut handle = root;
    // Alternate tables so each stays within its slot bound.
    for depth in 0..2000u64 {
        let (from, to) = if depth % 2 == 0 { (1, 2) } else { (2, 1) };
        handle = space
            .derive(from, handle, to, DELEGATE, None, None, 0)
            .unwrap();
    }
    assert_eq!(space.count(), 2001);
    assert_eq!(space.revoke(1, root), Ok(2001));
    assert_eq!(space.count(), 0);
    assert!(space.list(1, 0).is_empty() && space.list(2, 0).is_empty());
}

#[test]
fn remove_agent_frees_its_caps_and_everything_derived_from_them() {
    let mut space = space(3);
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
    let topic = space
        .mint(2, Resource::EventTopic("t".into()), DELEGATE, None, None)
        .unwrap();
    // Agent 2 holds a budget from agent 1 and delegates part of it to 3.
    let given = space
        .derive(
            1,
            budget,
            2,
            rights::SPAWN | rights::GRANT,
            Some(5),
            None,
            0,
        )
        .unwrap();
    let onward = space
        .derive(2, given, 3, rights::SPAWN, Some(2), None, 0)
        .unwrap();
    let topic_to_3 = space
        .derive(2, topic, 3, rights::READ, None, None, 0)
        .unwrap();
    let topic_to_1 = space
        .derive(2, topic, 1, rights::READ, None, None, 0)
        .unwrap();
    space.consume(2, given, 1, 0).unwrap();
    assert_eq!(space.remove_agent(2), 5);
    assert_eq!(space.remove_agent(2), 0);
    assert_eq!(
        space.check(3, onward, CapKind::SpawnBudget, 0, 0),
        Err(CapError::StaleHandle)
    );
    assert_eq!(
        space.check(3, topic_to_3, CapKind::EventTopic, 0, 0),
        Err(CapError::StaleHandle)
    );
    assert_eq!(
        space.check(1, topic_to_1, CapKind::EventTopic, 0, 0),
        Err(CapError::StaleHandle)
    );
    // The budget agent 2 had not spent goes back to agent 1.
    assert_eq!(
        space
            .check(1, budget, CapKind::SpawnBudget, 0, 0)
            .unwrap()
            .quota,
        Some(9)
    );
    assert_eq!(
        space.mint(2, Resource::Console, 0, None, None),
        Err(CapError::NoSuchAgent)
    );
    assert_eq!(space.remove_agent(1), 1);
    assert_eq!(space.remove_agent(3), 0);
    assert_eq!(space.count(), start);
}
