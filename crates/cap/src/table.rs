//! One agent's handle table: slots with generations, so a handle to a freed
//! slot never names anything again.

use crate::error::CapError;
use aios_abi::Handle;
use alloc::vec::Vec;

/// Slots in each agent's table; allocating beyond them fails with
/// [`CapError::TableFull`].
pub const TABLE_SLOTS: usize = 1024;

/// Kernel-wide identity of a capability in the derivation tree. Never
/// reused, unlike table slots.
pub(crate) type CapId = u64;

/// Generation of a slot's first occupant. Starting at 1 means the raw
/// handle 0 is never valid, so a zeroed argument cannot name a capability.
const FIRST_GENERATION: u16 = 1;

#[derive(Debug)]
struct Slot {
    generation: u16,
    cap: Option<CapId>,
}

/// Handle table of one agent.
#[derive(Debug, Default)]
pub(crate) struct Table {
    slots: Vec<Slot>,
    /// Indices of empty, reusable slots (retired slots are not listed).
    free: Vec<u16>,
}

impl Table {
    /// Places `cap` in a free slot and returns its handle.
    pub(crate) fn insert(&mut self, cap: CapId) -> Result<Handle, CapError> {
        if let Some(index) = self.free.pop() {
            let slot = self
                .slots
                .get_mut(usize::from(index))
                .ok_or(CapError::TableFull)?;
            slot.cap = Some(cap);
            return Ok(Handle::new(index, slot.generation));
        }
        if self.slots.len() >= TABLE_SLOTS {
            return Err(CapError::TableFull);
        }
        let index = u16::try_from(self.slots.len()).map_err(|_| CapError::TableFull)?;
        self.slots.push(Slot {
            generation: FIRST_GENERATION,
            cap: Some(cap),
        });
        Ok(Handle::new(index, FIRST_GENERATION))
    }

    /// The capability `handle` names, if it is current.
    pub(crate) fn get(&self, handle: Handle) -> Option<CapId> {
        let slot = self.slots.get(usize::from(handle.index()))?;
        if slot.generation == handle.generation() {
            slot.cap
        } else {
            None
        }
    }

    /// Empties the slot `handle` names and bumps its generation so the
    /// handle goes stale. A slot whose generation would wrap is retired
    /// instead: reusing generation 1 would revive handles from long ago.
    pub(crate) fn free(&mut self, handle: Handle) {
        let index = handle.index();
        let Some(slot) = self.slots.get_mut(usize::from(index)) else {
            return;
        };
        if slot.generation != handle.generation() || slot.cap.is_none() {
            return;
        }
        slot.cap = None;
        if let Some(next) = slot.generation.checked_add(1) {
            slot.generation = next;
            self.free.push(index);
        }
    }

    /// Every occupied slot's handle and capability, by index.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (Handle, CapId)> + '_ {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            let cap = slot.cap?;
            let index = u16::try_from(index).ok()?;
            Some((Handle::new(index, slot.generation), cap))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_slot_is_reused_with_a_new_generation() {
        let mut table = Table::default();
        let first = table.insert(10).unwrap();
        table.free(first);
        assert_eq!(table.get(first), None);
        let second = table.insert(11).unwrap();
        assert_eq!(second.index(), first.index());
        assert_ne!(second.generation(), first.generation());
        assert_eq!(table.get(first), None);
        assert_eq!(table.get(second), Some(11));
    }

    #[test]
    fn slot_is_retired_when_its_generation_would_wrap() {
        let mut table = Table::default();
        let mut handle = table.insert(0).unwrap();
        let index = handle.index();
        // Cycle the slot through every generation it may carry.
        for cap in 1..=u64::from(u16::MAX - FIRST_GENERATION) {
            table.free(handle);
            handle = table.insert(cap).unwrap();
            assert_eq!(handle.index(), index);
        }
        assert_eq!(handle.generation(), u16::MAX);
        table.free(handle);
        let fresh = table.insert(99).unwrap();
        assert_ne!(fresh.index(), index, "a retired slot must not be reused");
        assert_eq!(table.get(Handle::new(index, FIRST_GENERATION)), None);
    }

    #[test]
    fn full_table_refuses() {
        let mut table = Table::default();
        for cap in 0..TABLE_SLOTS as u64 {
            table.insert(cap).unwrap();
        }
        assert_eq!(table.insert(5000), Err(CapError::TableFull));
    }

    #[test]
    fn double_free_and_stale_free_are_ignored() {
        let mut table = Table::default();
        let handle = table.insert(1).unwrap();
        table.free(handle);
        table.free(handle);
        let a = table.insert(2).unwrap();
        let b = table.insert(3).unwrap();
        assert_ne!(a.index(), b.index(), "slot must be on the free list once");
        table.free(handle);
        assert_eq!(table.get(a), Some(2));
    }
}
