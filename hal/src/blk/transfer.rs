//! Whole transfers: a read or write of any size cut into device-sized
//! requests that are kept in flight together, and flushes.

use super::BlkError;
use super::disk::{REQUEST_TIMEOUT_NS, Shared};
use super::driver::{Op, Request};
use crate::dma::Segment;
use alloc::collections::VecDeque;

impl Shared {
    /// One flush request, waited for.
    pub(crate) fn transfer_flush(&self) -> Result<(), BlkError> {
        let request = Request {
            op: Op::Flush,
            lba: 0,
            sectors: 0,
            segments: &[],
        };
        let slot = self.start(&request)?;
        let deadline = crate::clock::now_ns().saturating_add(REQUEST_TIMEOUT_NS);
        self.finish(slot, Op::Flush, 0, deadline)
    }
}

/// A piece of a larger transfer that is with the device.
struct Piece {
    slot: u16,
    bytes: u64,
    deadline: u64,
}

impl Shared {
    /// Splits `segments` (for `lba`) into requests of at most the driver's
    /// maximum and submits them, waiting for the oldest when the queue is
    /// full; returns when all completed (or the first error, after every
    /// submitted piece finished or the disk failed).
    pub(crate) fn transfer(&self, op: Op, lba: u64, segments: &[Segment]) -> Result<(), BlkError> {
        let sector = u64::from(self.sector_size);
        let max = (self.driver.max_transfer() / sector).max(1) * sector;
        let mut pending: VecDeque<Piece> = VecDeque::new();
        let mut result = Ok(());
        let mut pieces =
            super::split::Splitter::new(segments, (max, self.driver.max_segments()), sector);
        let mut next_lba = lba;
        while let Some(piece) = pieces.next_piece() {
            let bytes: u64 = piece.iter().map(|s| s.len).sum();
            let sectors = u32::try_from(bytes / sector).map_err(|_| BlkError::BadBuffer)?;
            if pending.len() >= self.driver.slots().len()
                && let Some(oldest) = pending.pop_front()
            {
                let r = self.finish(oldest.slot, op, oldest.bytes, oldest.deadline);
                result = result.and(r);
            }
            if result.is_err() {
                break;
            }
            let request = Request {
                op,
                lba: next_lba,
                sectors,
                segments: &piece,
            };
            match self.start(&request) {
                Ok(slot) => pending.push_back(Piece {
                    slot,
                    bytes,
                    deadline: crate::clock::now_ns().saturating_add(REQUEST_TIMEOUT_NS),
                }),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            next_lba += u64::from(sectors);
        }
        for piece in pending {
            let r = self.finish(piece.slot, op, piece.bytes, piece.deadline);
            result = result.and(r);
        }
        result
    }
}
