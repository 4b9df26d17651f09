//! Storage for the level-0 records that keeps each one on cache-line
//! boundaries.
//!
//! A node's codes are 6 cache lines at 384 dimensions when they start on a
//! line, 7 when they do not; the walk reads hundreds of them per query, so
//! the records are laid out on lines: each record's length is a whole
//! number of lines, and the storage starts its first record on a line
//! whatever address the allocator returns.

use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};

/// `u32` words per 64-byte cache line.
pub(super) const LINE_WORDS: usize = 16;

/// A growable run of zero-initialised `u32` words whose first word starts
/// a cache line.
#[derive(Debug, Default)]
pub(super) struct LineAligned {
    buffer: Vec<u32>,
    /// Index in `buffer` of the first word (a line start).
    offset: usize,
    len: usize,
}

impl LineAligned {
    /// Appends `extra` zero words.
    pub(super) fn extend_zeroed(&mut self, extra: usize) {
        let len = self.len + extra;
        // Room to start on a line wherever the buffer lands.
        self.buffer.resize(len + LINE_WORDS - 1, 0);
        let offset = words_to_line(self.buffer.as_ptr());
        if offset != self.offset {
            // The buffer moved to a different place within a line.
            self.buffer
                .copy_within(self.offset..self.offset + self.len, offset);
        }
        self.buffer[offset + self.len..offset + len].fill(0);
        self.offset = offset;
        self.len = len;
    }
}

/// Words from `at` to the next cache-line start (0 if it is one).
fn words_to_line(at: *const u32) -> usize {
    let bytes = LINE_WORDS * 4;
    (bytes - at as usize % bytes) % bytes / 4
}

impl Deref for LineAligned {
    type Target = [u32];

    fn deref(&self) -> &[u32] {
        &self.buffer[self.offset..self.offset + self.len]
    }
}

impl DerefMut for LineAligned {
    fn deref_mut(&mut self) -> &mut [u32] {
        &mut self.buffer[self.offset..self.offset + self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::{LINE_WORDS, LineAligned};

    #[test]
    fn words_start_on_a_line_and_survive_every_move() {
        let mut words = LineAligned::default();
        assert!(words.is_empty());
        let mut expected = alloc::vec::Vec::new();
        for round in 0..200u32 {
            let extra = 1 + (round as usize * 7) % 40;
            words.extend_zeroed(extra);
            expected.resize(expected.len() + extra, 0);
            assert!(words.iter().rev().take(extra).all(|&w| w == 0));
            // Mark every new word so a misplaced move would show.
            let len = words.len();
            for (i, word) in words[len - extra..].iter_mut().enumerate() {
                *word = round * 1000 + i as u32;
            }
            for (i, word) in expected[len - extra..].iter_mut().enumerate() {
                *word = round * 1000 + i as u32;
            }
            assert_eq!(&words[..], &expected[..]);
            assert_eq!(words.as_ptr() as usize % (LINE_WORDS * 4), 0);
        }
    }
}
