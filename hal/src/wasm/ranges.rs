//! First-fit allocator of page-aligned virtual ranges in the Wasm window:
//! freed ranges merge with their neighbours and are handed out again.

use alloc::vec::Vec;

/// Ranges handed out from `[base, end)`: everything below `top` except
/// the holes is in use.
pub(super) struct Ranges {
    base: u64,
    end: u64,
    top: u64,
    /// Free ranges below `top` as `(start, end)`: sorted, disjoint and
    /// never adjacent to each other or to `top` (they are merged).
    holes: Vec<(u64, u64)>,
    /// Bytes handed out and not freed.
    in_use: u64,
}

impl Ranges {
    /// An allocator of `[base, end)` with nothing handed out.
    pub(super) const fn new(base: u64, end: u64) -> Ranges {
        Ranges {
            base,
            end,
            top: base,
            holes: Vec::new(),
            in_use: 0,
        }
    }

    /// Bytes handed out and not freed.
    pub(super) fn in_use(&self) -> u64 {
        self.in_use
    }

    /// The start of a free range of `len` bytes (a multiple of 4096, not
    /// zero): the lowest hole that fits, else fresh space above `top`.
    pub(super) fn allocate(&mut self, len: u64) -> Option<u64> {
        let fit = self.holes.iter().position(|&(s, e)| e - s >= len);
        let start = match fit {
            Some(i) => {
                let (start, end) = self.holes[i];
                if end - start == len {
                    self.holes.remove(i);
                } else {
                    self.holes[i].0 = start + len;
                }
                start
            }
            None => {
                let start = self.top;
                let new_top = start.checked_add(len).filter(|&t| t <= self.end)?;
                self.top = new_top;
                start
            }
        };
        self.in_use += len;
        Some(start)
    }

    /// True if all of `[start, end)` is handed out.
    pub(super) fn contains(&self, start: u64, end: u64) -> bool {
        if start < self.base || end > self.top || start >= end {
            return false;
        }
        // The last hole starting before `end` is the only one that can
        // reach into the range: the ones before it end before it starts.
        let after = self.holes.partition_point(|&(s, _)| s < end);
        after == 0 || self.holes[after - 1].1 <= start
    }

    /// Returns `[start, end)`, which must be handed out (see `contains`).
    /// If the hole list cannot grow the range is never reused; false then.
    pub(super) fn free(&mut self, start: u64, end: u64) -> bool {
        let i = self.holes.partition_point(|&(s, _)| s < start);
        let joins_previous = i > 0 && self.holes[i - 1].1 == start;
        let joins_next = i < self.holes.len() && self.holes[i].0 == end;
        match (joins_previous, joins_next) {
            (true, true) => {
                self.holes[i - 1].1 = self.holes[i].1;
                self.holes.remove(i);
            }
            (true, false) => self.holes[i - 1].1 = end,
            (false, true) => self.holes[i].0 = start,
            (false, false) if end == self.top => self.top = start,
            (false, false) => {
                if self.holes.try_reserve(1).is_err() {
                    return false;
                }
                self.holes.insert(i, (start, end));
            }
        }
        self.in_use -= end - start;
        if let Some(&(last_start, last_end)) = self.holes.last()
            && last_end == self.top
        {
            self.top = last_start;
            self.holes.pop();
        }
        true
    }
}
