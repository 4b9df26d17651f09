//! The transmit queue: a free buffer filled in place by the stack and
//! handed to the device; buffers come back in `reclaim` (the driver's
//! `poll`). Completions raise no interrupt while buffers are free; once
//! none is (`ready` finds none, or `transmit` answers `Busy`), the next
//! completion does, so a stack waiting for a buffer hears about it.

use super::TX_QUEUE;
use super::buffers::{Buffers, HEADER, Mask};
use crate::irqlock::IrqMutex;
use crate::net::{MAX_FRAME, NetError};
use crate::virtio::{Access, Queue, Transport, VirtioError};
use core::sync::atomic::{AtomicU64, Ordering};

struct State {
    queue: Queue,
    /// Buffers being filled or held by the device.
    taken: Mask,
    /// Buffers held by the device (posted, not yet returned).
    posted: Mask,
}

pub(super) struct Tx {
    state: IrqMutex<State>,
    buffers: Buffers,
    notify_offset: u64,
    dropped: AtomicU64,
}

impl Tx {
    /// Buffers for each descriptor, all free; completion interrupts off.
    pub fn new(mut queue: Queue, notify_offset: u64) -> Result<Tx, VirtioError> {
        queue.set_interrupts(false);
        Ok(Tx {
            buffers: Buffers::new(queue.size())?,
            state: IrqMutex::new(State {
                queue,
                taken: Mask::default(),
                posted: Mask::default(),
            }),
            notify_offset,
            dropped: AtomicU64::new(0),
        })
    }

    /// True if a buffer is free. If none is, completion interrupts go on
    /// and the used ring is looked at once more: a completion is then
    /// either reclaimed here or raises an interrupt, never neither.
    pub fn ready(&self) -> bool {
        let mut state = self.state.lock();
        if self.buffers.all().first_not_in(state.taken).is_some() {
            return true;
        }
        state.queue.set_interrupts(true);
        self.reclaim_locked(&mut state)
    }

    /// Used-ring entries that named no buffer the device held.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Lets `fill` write a `len`-byte frame into a free buffer and hands
    /// it to the device. `Busy` if none is free: completions are not
    /// reclaimed here (that is `ready`'s and `reclaim`'s job), so a full
    /// ring answers `Busy` until the caller asks `ready` or polls.
    pub fn transmit(
        &self,
        transport: &Transport,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(), NetError> {
        if len == 0 || len > MAX_FRAME {
            return Err(NetError::BadLength);
        }
        let index = {
            let mut state = self.state.lock();
            let Some(index) = self.buffers.all().first_not_in(state.taken) else {
                state.queue.set_interrupts(true);
                return Err(NetError::Busy);
            };
            state.taken.insert(index);
            index
        };
        let at = self.buffers.offset(index);
        // The header asks for nothing: no checksum offload, no GSO.
        self.buffers.memory().write(at, 0u64);
        self.buffers.memory().write(at + 8, 0u32);
        // SAFETY: buffer `index` was not in `taken`, so the device does
        // not hold it (never posted, or returned and reclaimed), and it
        // is posted only below, after `lend_mut` returned. `taken` now
        // holds it, so no other transmit lends it; the common layer
        // serialises `transmit` anyway.
        let filled = unsafe {
            self.buffers
                .memory()
                .lend_mut(at + HEADER, len, |bytes| fill(bytes))
        };
        let mut state = self.state.lock();
        let frame = self.buffers.segment(index, HEADER + len);
        let pushed = filled.ok_or(NetError::BadLength).and_then(|()| {
            state
                .queue
                .push(index, [(frame, Access::DeviceReads)])
                .map_err(NetError::from)
        });
        if let Err(e) = pushed {
            state.taken.remove(index);
            return Err(e);
        }
        state.posted.insert(index);
        drop(state);
        transport.notify(self.notify_offset, TX_QUEUE);
        Ok(())
    }

    /// Takes back the buffers the device finished with; completion
    /// interrupts go off again once one is free.
    pub fn reclaim(&self) {
        self.reclaim_locked(&mut self.state.lock());
    }

    /// `reclaim` under the caller's lock; true if a buffer came back.
    fn reclaim_locked(&self, state: &mut State) -> bool {
        let mut reclaimed = false;
        while let Some(used) = state.queue.pop_used() {
            match self.buffers.index(used.id) {
                Some(index) if state.posted.remove(index) => {
                    state.taken.remove(index);
                    reclaimed = true;
                }
                _ => {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        if reclaimed {
            state.queue.set_interrupts(false);
        }
        reclaimed
    }
}
