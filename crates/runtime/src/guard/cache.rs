//! Each agent's cache of the policy's allow decisions, so a syscall the
//! policy allows costs a lookup, not an evaluation. Only decisions that
//! depend on nothing but the agent, the operation and its resource are
//! kept (`Policy::evaluate_reusable`), only allows (a denial or an audit
//! must be audited every time), and all of them are dropped when the
//! policy changes: installing a policy bumps a generation every cache
//! compares with before it answers.

use super::decide::Operation;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::sync::atomic::{AtomicU64, Ordering};

/// Most decisions one agent keeps (syscalls times resources it uses).
const ENTRIES: usize = 16;

/// The policy generation: bumped, under the policy lock, each time a
/// policy is installed.
#[derive(Clone, Default)]
pub(crate) struct Generation(Arc<AtomicU64>);

impl Generation {
    pub(crate) fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    pub(crate) fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// One allowed (operation, resource).
struct Allowed {
    operation: &'static str,
    resource: Option<String>,
}

struct Entries {
    /// The generation the entries were decided under.
    generation: u64,
    allowed: Vec<Allowed>,
    /// Where the next entry goes once full (round robin).
    next: usize,
}

/// An agent's allow decisions. Lives in the agent's store: only the CPU
/// running the agent touches it.
pub(crate) struct DecisionCache {
    generation: Generation,
    entries: RefCell<Entries>,
}

impl DecisionCache {
    pub(crate) fn new(generation: Generation) -> DecisionCache {
        let current = generation.current();
        DecisionCache {
            generation,
            entries: RefCell::new(Entries {
                generation: current,
                allowed: Vec::new(),
                next: 0,
            }),
        }
    }

    /// Whether the policy in force is known to allow `op`.
    #[inline]
    pub(crate) fn allows(&self, op: &Operation<'_>) -> bool {
        let current = self.generation.current();
        let mut entries = self.entries.borrow_mut();
        if entries.generation != current {
            entries.generation = current;
            entries.allowed.clear();
            entries.next = 0;
            return false;
        }
        // Operation names are literals: the same call site passes the same
        // pointer, so most lookups compare two addresses, not two strings.
        entries.allowed.iter().any(|a| {
            (core::ptr::eq(a.operation, op.name) || a.operation == op.name)
                && a.resource.as_deref() == op.resource
        })
    }

    /// Keeps an allow of `op` decided under `generation`.
    pub(crate) fn remember(&self, op: &Operation<'_>, generation: u64) {
        let mut entries = self.entries.borrow_mut();
        if entries.generation != generation {
            return;
        }
        let allowed = Allowed {
            operation: op.name,
            resource: op.resource.map(String::from),
        };
        if entries.allowed.len() < ENTRIES {
            entries.allowed.push(allowed);
        } else {
            let at = entries.next;
            entries.allowed[at] = allowed;
            entries.next = (at + 1) % ENTRIES;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_only_what_was_remembered_under_the_current_generation() {
        let generation = Generation::default();
        let cache = DecisionCache::new(generation.clone());
        let null = Operation::plain("null");
        let send = Operation::on("semantic_send", "demo.echo");
        assert!(!cache.allows(&null));
        cache.remember(&null, generation.current());
        assert!(cache.allows(&null));
        assert!(!cache.allows(&send));
        assert!(!cache.allows(&Operation::on("semantic_send", "demo.other")));
        cache.remember(&send, generation.current());
        assert!(cache.allows(&send));
        generation.bump();
        assert!(!cache.allows(&null) && !cache.allows(&send));
        // A decision made under the old policy is not kept.
        cache.remember(&null, generation.current() - 1);
        assert!(!cache.allows(&null));
    }

    #[test]
    fn a_full_cache_replaces_its_oldest_entries() {
        let generation = Generation::default();
        let cache = DecisionCache::new(generation.clone());
        let names: Vec<&'static str> = (0..ENTRIES + 2)
            .map(|i| &*alloc::boxed::Box::leak(alloc::format!("op{i}").into_boxed_str()))
            .collect();
        for name in &names {
            cache.remember(&Operation::plain(name), generation.current());
        }
        assert!(!cache.allows(&Operation::plain(names[0])));
        assert!(!cache.allows(&Operation::plain(names[1])));
        assert!(cache.allows(&Operation::plain(names[ENTRIES + 1])));
        assert!(cache.allows(&Operation::plain(names[2])));
        // The same name at another address is the same operation.
        let copy: &'static str =
            alloc::boxed::Box::leak(alloc::format!("op{}", ENTRIES + 1).into_boxed_str());
        assert!(cache.allows(&Operation::plain(copy)));
    }
}
