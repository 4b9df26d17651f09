//! Cuts a transfer's physical segments into device-sized requests.

use crate::dma::Segment;
use alloc::vec::Vec;

/// Yields pieces of at most `max_bytes` (a sector multiple) and at most
/// `max_segments` segments; a piece ends early only at a segment limit,
/// on a sector boundary.
pub(crate) struct Splitter<'a> {
    segments: &'a [Segment],
    /// Bytes of `segments[0]` already handed out.
    consumed: u64,
    max_bytes: u64,
    max_segments: usize,
    /// Pieces cut early (segment limit) are trimmed to a multiple of it.
    sector: u64,
}

impl<'a> Splitter<'a> {
    pub(crate) fn new(segments: &'a [Segment], limits: (u64, usize), sector: u64) -> Self {
        Splitter {
            segments,
            consumed: 0,
            max_bytes: limits.0,
            max_segments: limits.1.max(1),
            sector: sector.max(1),
        }
    }

    /// The next piece, or `None` when everything was handed out.
    pub(crate) fn next_piece(&mut self) -> Option<Vec<Segment>> {
        let mut piece: Vec<Segment> = Vec::new();
        let mut total = 0u64;
        let mut index = 0usize;
        let mut consumed = self.consumed;
        while total < self.max_bytes && piece.len() < self.max_segments {
            let Some(segment) = self.segments.get(index) else {
                break;
            };
            let left = segment.len - consumed;
            let take = left.min(self.max_bytes - total);
            piece.push(Segment {
                phys: segment.phys + consumed,
                len: take,
            });
            total += take;
            if take == left {
                index += 1;
                consumed = 0;
            } else {
                consumed += take;
            }
        }
        // Trim to a sector multiple; the trimmed bytes start the next piece.
        let mut excess = total % self.sector;
        while excess > 0 {
            let last = piece.last_mut()?;
            let cut = excess.min(last.len);
            last.len -= cut;
            excess -= cut;
            if consumed == 0 && cut > 0 {
                index = index.checked_sub(1)?;
                consumed = self.segments.get(index)?.len;
            }
            consumed -= cut;
            if last.len == 0 {
                piece.pop();
            }
        }
        if piece.is_empty() {
            return None;
        }
        self.segments = &self.segments[index..];
        self.consumed = consumed;
        Some(piece)
    }
}
