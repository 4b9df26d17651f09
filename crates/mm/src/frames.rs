//! A bitmap allocator of 4 KiB physical frames.

use crate::error::Error;

/// Size of one physical frame.
pub const FRAME_SIZE: u64 = 4096;

/// Frames tracked per bitmap word.
const BITS: u64 = u64::BITS as u64;

/// Hands out 4 KiB physical frames, one bit per frame in a bitmap the kernel
/// provides (set bit = in use).
///
/// Only frames passed to [`add_free_range`](Self::add_free_range) are ever
/// handed out. Bits of frames beyond the tracked range stay set, so the
/// search never has to check the end of memory.
pub struct FrameAllocator<'a> {
    bitmap: &'a mut [u64],
    /// Frames tracked: `[0, frames * FRAME_SIZE)`.
    frames: u64,
    free: u64,
    total: u64,
    /// Word where the next single-frame search starts (next fit).
    next_word: usize,
}

impl<'a> FrameAllocator<'a> {
    /// Words of bitmap needed to track physical memory `[0, max_phys)`.
    pub fn bitmap_words(max_phys: u64) -> usize {
        usize::try_from((max_phys / FRAME_SIZE).div_ceil(BITS)).unwrap_or(usize::MAX)
    }

    /// Creates an allocator tracking `[0, max_phys)` (a trailing partial frame
    /// is not tracked) with every frame in use.
    ///
    /// Fails if `bitmap` is shorter than [`bitmap_words`](Self::bitmap_words).
    pub fn new(bitmap: &'a mut [u64], max_phys: u64) -> Result<Self, Error> {
        let needed = Self::bitmap_words(max_phys);
        let provided = bitmap.len();
        let bitmap = bitmap
            .get_mut(..needed)
            .ok_or(Error::BitmapTooSmall { needed, provided })?;
        bitmap.fill(u64::MAX);
        Ok(FrameAllocator {
            bitmap,
            frames: max_phys / FRAME_SIZE,
            free: 0,
            total: 0,
            next_word: 0,
        })
    }

    /// Makes the whole frames inside `[start, start + len)` available,
    /// clipped to the tracked range.
    pub fn add_free_range(&mut self, start: u64, len: u64) {
        let first = start.div_ceil(FRAME_SIZE);
        let end = (start.saturating_add(len) / FRAME_SIZE).min(self.frames);
        let mut added = 0;
        self.for_each_word(first, end, |word, mask| {
            added += u64::from((*word & mask).count_ones());
            *word &= !mask;
        });
        self.free += added;
        self.total += added;
    }

    /// Marks every frame touching `[start, start + len)` as in use, so it is
    /// never handed out. Frames already allocated are unaffected (freeing
    /// them later makes them available again).
    pub fn reserve_range(&mut self, start: u64, len: u64) {
        if len == 0 {
            return;
        }
        let first = start / FRAME_SIZE;
        let end = start
            .saturating_add(len)
            .div_ceil(FRAME_SIZE)
            .min(self.frames);
        let mut removed = 0;
        self.for_each_word(first, end, |word, mask| {
            removed += u64::from((!*word & mask).count_ones());
            *word |= mask;
        });
        self.free -= removed;
        self.total -= removed;
    }

    /// Allocates one frame and returns its physical address.
    pub fn alloc(&mut self) -> Option<u64> {
        if self.free == 0 {
            return None;
        }
        let words = self.bitmap.len();
        for step in 0..words {
            let index = (self.next_word + step) % words;
            let word = self.bitmap[index];
            if word != u64::MAX {
                let bit = (!word).trailing_zeros();
                self.bitmap[index] = word | (1 << bit);
                self.free -= 1;
                self.next_word = index;
                let frame = u64::try_from(index).ok()? * BITS + u64::from(bit);
                return Some(frame * FRAME_SIZE);
            }
        }
        None
    }

    /// Allocates `frames` contiguous frames whose first frame number is a
    /// multiple of `align_frames` (0 counts as 1) and which all end at or
    /// below physical address `below`; returns the first frame's address.
    pub fn alloc_contiguous(
        &mut self,
        frames: usize,
        align_frames: usize,
        below: u64,
    ) -> Option<u64> {
        let count = u64::try_from(frames).ok().filter(|&count| count != 0)?;
        let align = u64::try_from(align_frames).ok()?.max(1);
        if count > self.free {
            return None;
        }
        let limit = (below / FRAME_SIZE).min(self.frames);
        let mut first: u64 = 0;
        loop {
            let end = first.checked_add(count)?;
            if end > limit {
                return None;
            }
            match self.first_used(first, end) {
                Some(used) => first = (used + 1).checked_next_multiple_of(align)?,
                None => {
                    self.for_each_word(first, end, |word, mask| *word |= mask);
                    self.free -= count;
                    return Some(first * FRAME_SIZE);
                }
            }
        }
    }

    /// Returns the frame at `phys` to the pool.
    ///
    /// Fails on an address that is not frame aligned, beyond the tracked
    /// range, or already free. A frame that is in use without having been
    /// allocated (reserved, or never added) cannot be told apart and is
    /// accepted.
    pub fn free(&mut self, phys: u64) -> Result<(), Error> {
        if !phys.is_multiple_of(FRAME_SIZE) {
            return Err(Error::Unaligned { phys });
        }
        let frame = phys / FRAME_SIZE;
        if frame >= self.frames {
            return Err(Error::OutOfRange { phys });
        }
        let index = usize::try_from(frame / BITS).map_err(|_| Error::OutOfRange { phys })?;
        let bit = 1u64 << (frame % BITS);
        let word = self
            .bitmap
            .get_mut(index)
            .ok_or(Error::OutOfRange { phys })?;
        if *word & bit == 0 {
            return Err(Error::DoubleFree { phys });
        }
        *word &= !bit;
        self.free += 1;
        self.next_word = index;
        Ok(())
    }

    /// Frames available for allocation now.
    pub fn free_frames(&self) -> u64 {
        self.free
    }

    /// Frames the allocator manages: added as free and not reserved since,
    /// whether currently free or allocated.
    pub fn total_frames(&self) -> u64 {
        self.total
    }

    /// The first in-use frame in `[first, end)`, if any.
    fn first_used(&self, first: u64, end: u64) -> Option<u64> {
        let mut frame = first;
        while frame < end {
            let (index, mask, span) = word_span(frame, end)?;
            let used = self.bitmap.get(index)? & mask;
            if used != 0 {
                return Some(frame - frame % BITS + u64::from(used.trailing_zeros()));
            }
            frame += span;
        }
        None
    }

    /// Calls `apply(word, mask)` for every bitmap word overlapping frames
    /// `[first, end)`, `mask` selecting the frames of that word in the range.
    fn for_each_word(&mut self, first: u64, end: u64, mut apply: impl FnMut(&mut u64, u64)) {
        let mut frame = first;
        while frame < end {
            let Some((index, mask, span)) = word_span(frame, end) else {
                return;
            };
            let Some(word) = self.bitmap.get_mut(index) else {
                return;
            };
            apply(word, mask);
            frame += span;
        }
    }
}

/// For the run of frames from `frame` to `end` (exclusive) within one word:
/// the word index, the mask of those frames, and how many there are.
fn word_span(frame: u64, end: u64) -> Option<(usize, u64, u64)> {
    let bit = frame % BITS;
    let span = (BITS - bit).min(end - frame);
    let mask = if span == BITS {
        u64::MAX
    } else {
        ((1 << span) - 1) << bit
    };
    Some((usize::try_from(frame / BITS).ok()?, mask, span))
}
