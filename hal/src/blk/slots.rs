//! Request slots: one per request a driver can keep in flight. The
//! submitter claims a slot, the completion path (interrupt or poll)
//! finishes it, and the waiter takes the result and frees it.

use super::BlkError;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};

const FREE: u8 = 0;
const BUSY: u8 = 1;
const DONE_OK: u8 = 2;
const DONE_ERROR: u8 = 3;

/// The in-flight table of one device queue.
pub(crate) struct Slots {
    state: Vec<AtomicU8>,
    status: Vec<AtomicU32>,
}

impl Slots {
    /// A table of `count` free slots.
    pub(crate) fn new(count: usize) -> Slots {
        Slots {
            state: (0..count).map(|_| AtomicU8::new(FREE)).collect(),
            status: (0..count).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// Number of slots.
    pub(crate) fn len(&self) -> usize {
        self.state.len()
    }

    /// Claims a free slot, if any.
    pub(crate) fn claim(&self) -> Option<u16> {
        self.state.iter().enumerate().find_map(|(i, s)| {
            s.compare_exchange(FREE, BUSY, Ordering::AcqRel, Ordering::Relaxed)
                .ok()
                .and_then(|_| u16::try_from(i).ok())
        })
    }

    /// Returns a claimed slot that was never submitted.
    pub(crate) fn release(&self, slot: u16) {
        if let Some(s) = self.state.get(usize::from(slot)) {
            let _ = s.compare_exchange(BUSY, FREE, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    /// Records the device's answer for a busy slot. Answers for slots
    /// that are not busy (a confused device) are ignored.
    pub(crate) fn finish(&self, slot: u16, result: Result<(), u32>) {
        let i = usize::from(slot);
        let (Some(state), Some(status)) = (self.state.get(i), self.status.get(i)) else {
            return;
        };
        let done = match result {
            Ok(()) => DONE_OK,
            Err(code) => {
                status.store(code, Ordering::Relaxed);
                DONE_ERROR
            }
        };
        let _ = state.compare_exchange(BUSY, done, Ordering::AcqRel, Ordering::Relaxed);
    }

    /// True if a slot's request is still with the device.
    pub(crate) fn busy(&self, slot: u16) -> bool {
        self.state
            .get(usize::from(slot))
            .is_some_and(|s| s.load(Ordering::Acquire) == BUSY)
    }

    /// Takes a finished slot's result and frees the slot.
    pub(crate) fn take(&self, slot: u16) -> Option<Result<(), BlkError>> {
        let i = usize::from(slot);
        let state = self.state.get(i)?;
        let result = match state.load(Ordering::Acquire) {
            DONE_OK => Ok(()),
            DONE_ERROR => Err(BlkError::Device {
                status: self.status.get(i)?.load(Ordering::Relaxed),
            }),
            _ => return None,
        };
        state.store(FREE, Ordering::Release);
        Some(result)
    }
}
