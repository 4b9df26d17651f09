//! The frame buffers of one queue: fixed-size slots in one DMA buffer,
//! buffer `i` always described by descriptor `i`, and the mask of which
//! slots the device holds.

use crate::dma::{DmaBuffer, Segment};
use crate::net::MAX_FRAME;
use crate::virtio::VirtioError;

/// Bytes of the `virtio_net_hdr` in front of every frame (VERSION_1).
pub(super) const HEADER: usize = 12;
/// Bytes per slot: the header and the largest frame fit, and two slots
/// share a page, so no slot straddles one.
const SLOT: usize = 2048;
const _: () = assert!(HEADER + MAX_FRAME <= SLOT);

/// One queue's buffer memory.
pub(super) struct Buffers {
    memory: DmaBuffer,
    count: u16,
}

impl Buffers {
    /// `count` slots (at most 64, the width of a [`Mask`]).
    pub fn new(count: u16) -> Result<Buffers, VirtioError> {
        Ok(Buffers {
            memory: DmaBuffer::new(usize::from(count) * SLOT)?,
            count,
        })
    }

    /// Slot `index` (below the count) as the device sees it: `len` bytes
    /// from its start, at most the slot.
    pub fn segment(&self, index: u16, len: usize) -> Segment {
        Segment {
            phys: self.memory.phys() + self.offset(index) as u64,
            len: len.min(SLOT) as u64,
        }
    }

    /// The whole slot's length.
    pub fn slot_len(&self) -> usize {
        SLOT
    }

    /// Byte offset of slot `index` in the memory.
    pub fn offset(&self, index: u16) -> usize {
        usize::from(index) * SLOT
    }

    /// The DMA memory itself, for reads, writes and loans.
    pub fn memory(&self) -> &DmaBuffer {
        &self.memory
    }

    /// The mask with a bit for every slot.
    pub fn all(&self) -> Mask {
        Mask(u64::MAX >> (64 - u32::from(self.count.clamp(1, 64))))
    }

    /// The slot a used-ring id names, if it is one.
    pub fn index(&self, id: u32) -> Option<u16> {
        u16::try_from(id).ok().filter(|&index| index < self.count)
    }
}

/// A set of slots, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Mask(u64);

impl Mask {
    /// True if slot `index` is in the set.
    pub fn has(self, index: u16) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }

    /// Adds slot `index`.
    pub fn insert(&mut self, index: u16) {
        if index < 64 {
            self.0 |= 1 << index;
        }
    }

    /// Removes slot `index`; true if it was in the set.
    pub fn remove(&mut self, index: u16) -> bool {
        let had = self.has(index);
        if had {
            self.0 &= !(1 << index);
        }
        had
    }

    /// The lowest slot in `self` but not in `other`.
    pub fn first_not_in(self, other: Mask) -> Option<u16> {
        let rest = self.0 & !other.0;
        (rest != 0).then(|| rest.trailing_zeros() as u16)
    }

    /// The slots in the set, lowest first.
    pub fn iter(self) -> impl Iterator<Item = u16> {
        (0..64u16).filter(move |&index| self.has(index))
    }
}
