//! Property tests over random delegation trees: attenuation never widens,
//! quota is conserved, revocation removes exactly the subtree.

use aios_abi::Handle;
use aios_abi::payload::{CapKind, rights};
use aios_cap::{CapError, CapSpace, CapView, Resource};
use proptest::prelude::*;

const AGENTS: u64 = 4;

#[derive(Debug, Clone)]
enum Op {
    /// `widen` keeps the request as drawn; otherwise it is clamped to the
    /// source's rights, quota and expiry, so most derivations are valid and
    /// trees grow deep.
    Derive {
        source: usize,
        to: u64,
        rights: u32,
        widen: bool,
        quota: Option<u64>,
        expires_ns: Option<u64>,
    },
    Consume {
        source: usize,
        amount: u64,
    },
    Revoke {
        source: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), 1..=AGENTS, 0..=rights::ALL, proptest::bool::weighted(0.2),
              proptest::option::weighted(0.9, 0..200u64), proptest::option::weighted(0.8, 1..2000u64))
            .prop_map(|(source, to, rights, widen, quota, expires_ns)| Op::Derive { source, to, rights, widen, quota, expires_ns }),
        2 => (any::<usize>(), 0..50u64).prop_map(|(source, amount)| Op::Consume { source, amount }),
        1 => any::<usize>().prop_map(|source| Op::Revoke { source }),
    ]
}

/// The test's own record of every capability ever issued.
struct Issued {
    agent: u64,
    handle: Handle,
    parent: Option<usize>,
    alive: bool,
}

fn view(space: &CapSpace, cap: &Issued) -> Result<CapView, CapError> {
    space.check(cap.agent, cap.handle, CapKind::SpawnBudget, 0, 0)
}

/// Marks `root` and everything issued from it dead; returns how many were alive.
fn kill_subtree(issued: &mut [Issued], root: usize) -> usize {
    let mut died = 0;
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        if issued[i].alive {
            issued[i].alive = false;
            died += 1;
        }
        stack.extend((0..issued.len()).filter(|&c| issued[c].parent == Some(i) && issued[c].alive));
    }
    died
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn delegation_trees_keep_their_invariants(
        root_rights in 0..=rights::ALL,
        root_quota in 0..500u64,
        root_expiry in proptest::option::of(1..2000u64),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut space = CapSpace::new();
        for agent in 1..=AGENTS {
            space.add_agent(agent);
        }
        let root_rights = root_rights | rights::GRANT;
        let handle = space.mint(1, Resource::SpawnBudget, root_rights, Some(root_quota), root_expiry).unwrap();
        let mut issued = vec![Issued { agent: 1, handle, parent: None, alive: true }];
        let mut spent = 0u64;

        for op in ops {
            match op {
                Op::Derive { source, to, rights, widen, quota, expires_ns } => {
                    // Derive mostly from live capabilities; dead ones are
                    // exercised by the other operations.
                    let live: Vec<usize> = (0..issued.len()).filter(|&i| issued[i].alive).collect();
                    let source = live[source % live.len()];
                    let before = view(&space, &issued[source]);
                    let (rights, quota, expires_ns) = match &before {
                        Ok(parent) if !widen => (
                            (rights | rights::GRANT) & parent.rights,
                            quota.map(|q| q.min(parent.quota.unwrap_or(u64::MAX))),
                            expires_ns.map(|e| e.min(parent.expires_ns.unwrap_or(u64::MAX))),
                        ),
                        _ => (rights, quota, expires_ns),
                    };
                    let count = space.count();
                    let result = space.derive(issued[source].agent, issued[source].handle, to, rights, quota, expires_ns, 0);
                    match result {
                        Ok(handle) => {
                            let parent = before.unwrap();
                            let child = space.check(to, handle, CapKind::SpawnBudget, 0, 0).unwrap();
                            prop_assert_eq!(child.rights & !parent.rights, 0);
                            prop_assert!(parent.rights & rights::GRANT != 0);
                            let (given, had) = (child.quota.unwrap(), parent.quota.unwrap());
                            prop_assert!(given <= had);
                            prop_assert_eq!(view(&space, &issued[source]).unwrap().quota, Some(had - given));
                            prop_assert!(child.expires_ns.unwrap_or(u64::MAX) <= parent.expires_ns.unwrap_or(u64::MAX));
                            if parent.expires_ns.is_some() {
                                prop_assert!(child.expires_ns.is_some());
                            }
                            issued.push(Issued { agent: to, handle, parent: Some(source), alive: true });
                        }
                        Err(_) => {
                            prop_assert_eq!(space.count(), count);
                            prop_assert_eq!(view(&space, &issued[source]), before);
                        }
                    }
                }
                Op::Consume { source, amount } => {
                    let cap = &issued[source % issued.len()];
                    match space.consume(cap.agent, cap.handle, amount, 0) {
                        Ok(_) => spent += amount,
                        Err(error) => prop_assert!(matches!(error, CapError::QuotaExceeded | CapError::StaleHandle)),
                    }
                }
                // The root is revoked at the end, so trees can grow first.
                Op::Revoke { source } if issued.len() > 1 => {
                    let source = 1 + source % (issued.len() - 1);
                    let result = space.revoke(issued[source].agent, issued[source].handle);
                    if issued[source].alive {
                        prop_assert_eq!(result, Ok(kill_subtree(&mut issued, source)));
                    } else {
                        prop_assert_eq!(result, Err(CapError::StaleHandle));
                    }
                }
                Op::Revoke { .. } => {}
            }
            // Dead handles stay dead, live ones stay valid, and quota is
            // conserved: what is left everywhere plus what was spent.
            let mut remaining = 0u64;
            for cap in &issued {
                let checked = view(&space, cap);
                prop_assert_eq!(checked.is_ok(), cap.alive);
                if let Ok(v) = checked {
                    remaining += v.quota.unwrap();
                }
            }
            prop_assert_eq!(space.count(), issued.iter().filter(|c| c.alive).count());
            if issued[0].alive {
                prop_assert_eq!(remaining + spent, root_quota);
            }
        }
        if issued[0].alive {
            prop_assert_eq!(space.revoke(1, issued[0].handle).map(|n| n > 0), Ok(true));
        }
        prop_assert_eq!(space.count(), 0);
    }

    #[test]
    fn remove_agent_kills_exactly_what_it_held_and_derived(
        ops in proptest::collection::vec((any::<usize>(), 1..=AGENTS), 1..40),
        victim in 1..=AGENTS,
    ) {
        let mut space = CapSpace::new();
        let mut issued = Vec::new();
        for agent in 1..=AGENTS {
            space.add_agent(agent);
            let handle = space.mint(agent, Resource::Console, rights::ALL, None, None).unwrap();
            issued.push(Issued { agent, handle, parent: None, alive: true });
        }
        for (source, to) in ops {
            let source = source % issued.len();
            let (agent, from) = (issued[source].agent, issued[source].handle);
            let handle = space.derive(agent, from, to, rights::ALL, None, None, 0).unwrap();
            issued.push(Issued { agent: to, handle, parent: Some(source), alive: true });
        }
        let mut expected = 0;
        for i in 0..issued.len() {
            if issued[i].agent == victim {
                expected += kill_subtree(&mut issued, i);
            }
        }
        prop_assert_eq!(space.remove_agent(victim), expected);
        for cap in &issued {
            let checked = space.check(cap.agent, cap.handle, CapKind::Console, 0, 0);
            prop_assert_eq!(checked.is_ok(), cap.alive);
        }
        for agent in 1..=AGENTS {
            space.remove_agent(agent);
        }
        prop_assert_eq!(space.count(), 0);
    }
}
