//! Building a clean memory map (sorted, non-overlapping, merged) from
//! firmware ranges, without allocating.

use crate::{MemoryKind, MemoryRegion};

const PAGE: u64 = 4096;

/// Why a memory map could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    /// More regions than the builder's capacity.
    Full,
}

/// A fixed-capacity memory map under construction.
///
/// Ranges are added in any order; later [`carve`](Self::carve) calls
/// override what was there. Usable memory is rounded inwards to pages, all
/// other kinds outwards, so a partial page is never handed out as free.
pub struct MemoryMapBuilder<const N: usize> {
    regions: [MemoryRegion; N],
    len: usize,
}

impl<const N: usize> Default for MemoryMapBuilder<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> MemoryMapBuilder<N> {
    /// An empty map.
    pub const fn new() -> Self {
        MemoryMapBuilder {
            regions: [MemoryRegion {
                start: 0,
                len: 0,
                kind: 0,
                reserved: 0,
            }; N],
            len: 0,
        }
    }

    /// The regions so far, sorted by start address.
    pub fn regions(&self) -> &[MemoryRegion] {
        &self.regions[..self.len]
    }

    /// Sets `[start, start+len)` to `kind`, overriding whatever overlapped.
    pub fn carve(&mut self, start: u64, len: u64, kind: MemoryKind) -> Result<(), MapError> {
        let (start, end) = if kind == MemoryKind::Usable {
            (align_up(start), align_down(start.saturating_add(len)))
        } else {
            (align_down(start), align_up(start.saturating_add(len)))
        };
        if end <= start {
            return Ok(());
        }
        self.remove_range(start, end)?;
        self.insert(MemoryRegion::new(start, end - start, kind))?;
        self.merge();
        Ok(())
    }

    /// Cuts `[start, end)` out of every region (splitting where needed).
    fn remove_range(&mut self, start: u64, end: u64) -> Result<(), MapError> {
        let mut i = 0;
        while i < self.len {
            let r = self.regions[i];
            let (rs, re) = (r.start, r.end());
            if re <= start || rs >= end {
                i += 1;
                continue;
            }
            let left = (rs < start).then(|| MemoryRegion {
                len: start - rs,
                ..r
            });
            let right = (re > end).then(|| MemoryRegion {
                start: end,
                len: re - end,
                ..r
            });
            self.remove_at(i);
            if let Some(l) = left {
                self.insert(l)?;
                i += 1;
            }
            if let Some(rt) = right {
                self.insert(rt)?;
                i += 1;
            }
        }
        Ok(())
    }

    fn remove_at(&mut self, i: usize) {
        self.regions.copy_within(i + 1..self.len, i);
        self.len -= 1;
    }

    fn insert(&mut self, region: MemoryRegion) -> Result<(), MapError> {
        if self.len == N {
            return Err(MapError::Full);
        }
        let at = self.regions[..self.len]
            .iter()
            .position(|r| r.start > region.start)
            .unwrap_or(self.len);
        self.regions.copy_within(at..self.len, at + 1);
        self.regions[at] = region;
        self.len += 1;
        Ok(())
    }

    fn merge(&mut self) {
        let mut i = 0;
        while i + 1 < self.len {
            let (a, b) = (self.regions[i], self.regions[i + 1]);
            if a.kind == b.kind && a.end() == b.start {
                self.regions[i].len += b.len;
                self.remove_at(i + 1);
            } else {
                i += 1;
            }
        }
    }
}

fn align_down(x: u64) -> u64 {
    x & !(PAGE - 1)
}

fn align_up(x: u64) -> u64 {
    align_down(x.saturating_add(PAGE - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MemoryKind::*;

    #[test]
    fn carving_splits_and_merges() {
        let mut b = MemoryMapBuilder::<16>::new();
        b.carve(0, 0x10_0000, Usable).unwrap();
        b.carve(0x20_0000, 0x10_0000, Usable).unwrap();
        b.carve(0x10_0000, 0x10_0000, Usable).unwrap();
        assert_eq!(b.regions(), &[MemoryRegion::new(0, 0x30_0000, Usable)]);
        b.carve(0x1_0800, 0x1000, Kernel).unwrap();
        let r = b.regions();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0], MemoryRegion::new(0, 0x1_0000, Usable));
        assert_eq!(r[1], MemoryRegion::new(0x1_0000, 0x2000, Kernel));
        assert_eq!(
            r[2],
            MemoryRegion::new(0x1_2000, 0x30_0000 - 0x1_2000, Usable)
        );
    }

    #[test]
    fn usable_rounds_inwards_and_full_is_an_error() {
        let mut b = MemoryMapBuilder::<2>::new();
        b.carve(0x800, 0x1000, Usable).unwrap();
        assert!(b.regions().is_empty());
        b.carve(0x800, 0x2000, Usable).unwrap();
        assert_eq!(b.regions(), &[MemoryRegion::new(0x1000, 0x1000, Usable)]);
        b.carve(0x10_0000, 0x1000, Reserved).unwrap();
        assert_eq!(b.carve(0x20_0000, 0x1000, Kernel), Err(MapError::Full));
    }
}
