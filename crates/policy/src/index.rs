//! Pre-indexes rules by operation, and within an operation by exact agent
//! name, so evaluation visits only candidates.

use crate::bytes;
use crate::rule::Rule;
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

/// For every operation named exactly somewhere in the policy, the rules
/// that can apply to it (exact rules for that name and globbed rules whose
/// pattern matches it), in policy order; and separately the rules with a
/// globbed operation, for operations no rule names exactly.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpIndex {
    exact: Vec<Entry>,
    /// Open-addressed hash table over `exact`: slot → entry index + 1,
    /// 0 for empty. Its length is a power of two, at least twice the
    /// entries, so probes are short and always reach an empty slot.
    slots: Box<[u16]>,
    globbed: Candidates,
}

#[derive(Debug, Clone)]
struct Entry {
    hash: u32,
    name: Box<str>,
    candidates: Candidates,
}

/// The rules that may apply to one operation, split by their agent clause:
/// rules naming one agent exactly, grouped by that name (sorted, for
/// binary search), and the rest (no agent clause, or a glob). Both lists
/// are in policy order; evaluation merges the subject's group with the
/// rest, so the first match is still the first in policy order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Candidates {
    /// Sorted by hash then name.
    named: Box<[Named]>,
    others: Box<[u32]>,
    total: usize,
}

impl Candidates {
    fn build<'r>(rules: impl Iterator<Item = (u32, &'r Rule)> + Clone) -> Candidates {
        fn exact_agent(rule: &Rule) -> Option<&str> {
            rule.agent
                .as_ref()
                .filter(|p| p.is_exact())
                .map(|p| p.as_str())
        }
        let mut names: Vec<&str> = rules.clone().filter_map(|(_, r)| exact_agent(r)).collect();
        names.sort_unstable();
        names.dedup();
        let named = names
            .iter()
            .map(|name| {
                let list: Box<[u32]> = rules
                    .clone()
                    .filter(|(_, r)| exact_agent(r) == Some(name))
                    .map(|(i, _)| i)
                    .collect();
                (bytes::hash(name.as_bytes()), Box::<str>::from(*name), list)
            })
            .collect::<Vec<_>>();
        let mut named = named;
        named.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let named = named.into_boxed_slice();
        let others: Box<[u32]> = rules
            .clone()
            .filter(|(_, r)| exact_agent(r).is_none())
            .map(|(i, _)| i)
            .collect();
        Candidates {
            named,
            others,
            total: rules.count(),
        }
    }

    /// The candidates for agent `name`, in policy order.
    pub(crate) fn for_agent<'a>(&'a self, name: &str) -> impl Iterator<Item = u32> + 'a {
        let mine: &[u32] = if self.named.is_empty() {
            &[]
        } else {
            // Integer comparisons to find the hash, then one name check
            // per entry of that hash (collisions are rare and handled).
            let hash = bytes::hash(name.as_bytes());
            let start = self.named.partition_point(|(h, _, _)| *h < hash);
            self.named
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|(h, _, _)| *h == hash)
                .find(|(_, n, _)| bytes::same(n.as_bytes(), name.as_bytes()))
                .map_or(&[], |(_, _, list)| list)
        };
        Merge {
            a: mine,
            b: &self.others,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.total
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// One agent's rules: (hash of its name, the name, the rules in policy
/// order).
type Named = (u32, Box<str>, Box<[u32]>);

/// Two ascending lists merged into one ascending sequence.
struct Merge<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl Iterator for Merge<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut self.a } else { &mut self.b };
        let (first, rest) = list.split_first()?;
        *list = rest;
        Some(*first)
    }
}

impl OpIndex {
    pub(crate) fn build(rules: &[Rule]) -> OpIndex {
        let indices = || (0u32..).zip(rules);
        let mut names: Vec<&str> = rules
            .iter()
            .filter(|rule| rule.operation.is_exact())
            .map(|rule| rule.operation.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let exact: Vec<Entry> = names
            .into_iter()
            .map(|name| Entry {
                hash: bytes::hash(name.as_bytes()),
                name: name.into(),
                candidates: Candidates::build(
                    indices().filter(|(_, rule)| rule.operation.matches(name)),
                ),
            })
            .collect();
        let mut slots = vec![0u16; (exact.len() * 2).next_power_of_two()];
        let mask = slots.len() - 1;
        for (number, entry) in (1u16..).zip(&exact) {
            let mut slot = entry.hash as usize & mask;
            while slots.get(slot).is_some_and(|&taken| taken != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(free) = slots.get_mut(slot) {
                *free = number;
            }
        }
        let globbed = Candidates::build(indices().filter(|(_, rule)| !rule.operation.is_exact()));
        OpIndex {
            exact,
            slots: slots.into(),
            globbed,
        }
    }

    /// The rules that may apply to `operation`, in policy order, and
    /// whether their operation patterns are already known to match it.
    pub(crate) fn candidates(&self, operation: &str) -> (&Candidates, bool) {
        match self.lookup(operation) {
            Some(entry) => (&entry.candidates, true),
            None => (&self.globbed, false),
        }
    }

    fn lookup(&self, operation: &str) -> Option<&Entry> {
        let mask = self.slots.len().checked_sub(1)?;
        let hash = bytes::hash(operation.as_bytes());
        let mut slot = hash as usize & mask;
        loop {
            let number = usize::from(*self.slots.get(slot)?);
            let entry = self.exact.get(number.checked_sub(1)?)?;
            if entry.hash == hash && bytes::same(entry.name.as_bytes(), operation.as_bytes()) {
                return Some(entry);
            }
            slot = (slot + 1) & mask;
        }
    }
}
