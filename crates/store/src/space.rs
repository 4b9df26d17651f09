//! The free-space map: one bit per block, in memory, persisted at every
//! checkpoint. Blocks the live tree stops using are only *pending* until
//! the checkpoint that stops referencing them is durable, so a crash never
//! finds them overwritten.

use alloc::vec;
use alloc::vec::Vec;

/// The allocator.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    bits: Vec<u64>,
    total: u64,
    free: u64,
    cursor: u64,
    pending: Vec<(u64, u64)>,
    /// Blocks the live tree dropped that a snapshot might still share; the
    /// next garbage collection decides.
    retained: Vec<(u64, u64)>,
}

impl Space {
    /// All `total` blocks free.
    pub(crate) fn new(total: u64) -> Space {
        Space {
            bits: vec![0; total.div_ceil(64) as usize],
            total,
            free: total,
            cursor: 0,
            pending: Vec::new(),
            retained: Vec::new(),
        }
    }

    /// Rebuilds from persisted bytes (bit set = used).
    pub(crate) fn from_bytes(total: u64, bytes: &[u8]) -> Space {
        let mut space = Space::new(total);
        for block in 0..total {
            let byte = bytes.get((block / 8) as usize).copied().unwrap_or(0xFF);
            if byte & (1 << (block % 8)) != 0 {
                space.mark(block, 1);
            }
        }
        space
    }

    /// The persisted form: what is used once pending frees are done.
    pub(crate) fn to_bytes(&self, exclude: &[(u64, u64)]) -> Vec<u8> {
        let mut copy = self.clone();
        for &(start, len) in self.pending.iter().chain(exclude) {
            copy.unmark(start, len);
        }
        let mut out = vec![0u8; self.total.div_ceil(8) as usize];
        for (i, word) in copy.bits.iter().enumerate() {
            for (j, byte) in word.to_le_bytes().iter().enumerate() {
                if let Some(slot) = out.get_mut(i * 8 + j) {
                    *slot = *byte;
                }
            }
        }
        out
    }

    /// Whether `block` is in use (or pending).
    pub(crate) fn is_used(&self, block: u64) -> bool {
        block >= self.total || self.bits[(block / 64) as usize] & (1 << (block % 64)) != 0
    }

    /// Free blocks now (pending frees not counted).
    pub(crate) fn free(&self) -> u64 {
        self.free
    }

    /// Blocks on the device.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// Marks `len` blocks from `start` used.
    pub(crate) fn mark(&mut self, start: u64, len: u64) {
        for b in start..start.saturating_add(len).min(self.total) {
            let (w, m) = ((b / 64) as usize, 1u64 << (b % 64));
            if self.bits[w] & m == 0 {
                self.bits[w] |= m;
                self.free -= 1;
            }
        }
    }

    /// Frees `len` blocks from `start` now (they were never durable).
    pub(crate) fn unmark(&mut self, start: u64, len: u64) {
        for b in start..start.saturating_add(len).min(self.total) {
            let (w, m) = ((b / 64) as usize, 1u64 << (b % 64));
            if self.bits[w] & m != 0 {
                self.bits[w] &= !m;
                self.free += 1;
            }
        }
    }

    /// Frees blocks after the next checkpoint.
    pub(crate) fn free_later(&mut self, start: u64, len: u64) {
        self.pending.push((start, len));
    }

    /// Notes blocks dropped by the live tree but maybe shared.
    pub(crate) fn retain(&mut self, start: u64, len: u64) {
        self.retained.push((start, len));
    }

    /// Blocks retained for possible sharing.
    pub(crate) fn retained(&self) -> &[(u64, u64)] {
        &self.retained
    }

    /// The checkpoint is durable: pending blocks become free.
    pub(crate) fn release_pending(&mut self) {
        for (start, len) in core::mem::take(&mut self.pending) {
            self.unmark(start, len);
        }
    }

    /// Blocks waiting for a checkpoint.
    pub(crate) fn pending_blocks(&self) -> u64 {
        self.pending.iter().map(|p| p.1).sum()
    }

    /// Allocates a run of 1..=`max` contiguous blocks, keeping `reserve`
    /// blocks free; `None` when no block can be given.
    pub(crate) fn allocate(&mut self, max: u64, reserve: u64) -> Option<(u64, u64)> {
        if self.free <= reserve || max == 0 {
            return None;
        }
        let max = max.min(self.free - reserve);
        let start = self.find_free(self.cursor).or_else(|| self.find_free(0))?;
        let mut len = 1;
        while len < max && start + len < self.total && !self.is_used(start + len) {
            len += 1;
        }
        self.mark(start, len);
        self.cursor = start + len;
        Some((start, len))
    }

    fn find_free(&self, from: u64) -> Option<u64> {
        let mut b = from;
        while b < self.total {
            let word = self.bits[(b / 64) as usize];
            if b.is_multiple_of(64) && word == u64::MAX {
                b += 64;
                continue;
            }
            if word & (1 << (b % 64)) == 0 {
                return Some(b);
            }
            b += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_runs_and_respects_reserve_and_pending() {
        let mut s = Space::new(100);
        s.mark(0, 10);
        assert_eq!(s.allocate(20, 0), Some((10, 20)));
        assert_eq!(s.free(), 70);
        s.free_later(10, 20);
        assert_eq!(s.free(), 70, "pending blocks are not free yet");
        assert!(s.is_used(15));
        s.release_pending();
        assert_eq!(s.free(), 90);
        assert_eq!(
            s.allocate(1000, 5),
            Some((30, 70)),
            "next fit from the cursor, run stops at the end"
        );
        assert_eq!(s.allocate(100, 15), Some((10, 5)), "reserve kept");
        assert_eq!(s.allocate(5, 15), None, "reserve kept");
        assert_eq!(s.allocate(100, 0), Some((15, 15)), "wraps to the start");
        assert_eq!(s.free(), 0);
    }

    #[test]
    fn bytes_round_trip_without_pending() {
        let mut s = Space::new(77);
        s.mark(3, 40);
        s.free_later(3, 2);
        let bytes = s.to_bytes(&[(40, 3)]);
        let back = Space::from_bytes(77, &bytes);
        assert_eq!(back.free(), 77 - 35);
        assert!(!back.is_used(3) && back.is_used(5) && !back.is_used(41) && back.is_used(39));
    }
}
