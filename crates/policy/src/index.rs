//! Pre-indexes rules by operation so evaluation visits only candidates.

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
    globbed: Box<[u32]>,
}

#[derive(Debug, Clone)]
struct Entry {
    hash: u32,
    name: Box<str>,
    candidates: Box<[u32]>,
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
                candidates: indices()
                    .filter(|(_, rule)| rule.operation.matches(name))
                    .map(|(index, _)| index)
                    .collect(),
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
        let globbed = indices()
            .filter(|(_, rule)| !rule.operation.is_exact())
            .map(|(index, _)| index)
            .collect();
        OpIndex {
            exact,
            slots: slots.into(),
            globbed,
        }
    }

    /// The rules that may apply to `operation`, in policy order, and
    /// whether their operation patterns are already known to match it.
    pub(crate) fn candidates(&self, operation: &str) -> (&[u32], bool) {
        match self.lookup(operation) {
            Some(entry) => (&entry.candidates, true),
            None => (&self.globbed, false),
        }
    }

    fn lookup(&self, operation: &str) -> Option<&Entry> {
        let hash = bytes::hash(operation.as_bytes());
        let mask = self.slots.len().checked_sub(1)?;
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
