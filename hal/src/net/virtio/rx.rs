//! The receive queue: every buffer posted to the device, each returned
//! frame lent to the stack in place and then posted again.

use super::RX_QUEUE;
use super::buffers::{Buffers, HEADER, Mask};
use crate::irqlock::IrqMutex;
use crate::net::MAX_FRAME;
use crate::virtio::{Access, Queue, Transport, Used, VirtioError};
use core::sync::atomic::{AtomicU64, Ordering};

/// Shortest frame passed on: an Ethernet header.
const MIN_FRAME: usize = 14;

struct State {
    queue: Queue,
    /// Buffers the device holds (posted, not yet returned).
    posted: Mask,
}

impl State {
    /// Whether the device returned a buffer. Finding none turns the
    /// queue's interrupts back on (after [`Rx::quiet`]) and looks once
    /// more: a buffer returned in between raised no interrupt.
    fn has_used(&mut self) -> bool {
        if self.queue.has_used() {
            return true;
        }
        self.queue.set_interrupts(true);
        self.queue.has_used()
    }

    /// The next buffer the device returned, as [`State::has_used`] looks.
    fn pop_used(&mut self) -> Option<Used> {
        if !self.has_used() {
            return None;
        }
        self.queue.pop_used()
    }
}

pub(super) struct Rx {
    state: IrqMutex<State>,
    buffers: Buffers,
    notify_offset: u64,
    dropped: AtomicU64,
}

impl Rx {
    /// Posts a buffer for each descriptor (the device sees them once the
    /// driver is ready and [`Rx::start`] notified it).
    pub fn new(queue: Queue, notify_offset: u64) -> Result<Rx, VirtioError> {
        let buffers = Buffers::new(queue.size())?;
        let rx = Rx {
            state: IrqMutex::new(State {
                queue,
                posted: Mask::default(),
            }),
            buffers,
            notify_offset,
            dropped: AtomicU64::new(0),
        };
        {
            let mut state = rx.state.lock();
            for index in rx.buffers.all().iter() {
                rx.post(&mut state, index)?;
            }
        }
        Ok(rx)
    }

    /// Tells the device about the posted buffers (after DRIVER_OK).
    pub fn start(&self, transport: &Transport) {
        transport.notify(self.notify_offset, RX_QUEUE);
    }

    fn post(&self, state: &mut State, index: u16) -> Result<(), VirtioError> {
        let buffer = self.buffers.segment(index, self.buffers.slot_len());
        state.queue.push(index, [(buffer, Access::DeviceWrites)])?;
        state.posted.insert(index);
        Ok(())
    }

    /// True if the device returned a buffer (a frame, or one to drop).
    pub fn ready(&self) -> bool {
        self.state.lock().has_used()
    }

    /// Stops the queue's interrupts until [`Rx::ready`] finds it empty:
    /// the interrupt that asked for a poll has been taken, and the frames
    /// that come before the poll drains the queue need no other.
    pub fn quiet(&self) {
        self.state.lock().queue.set_interrupts(false);
    }

    /// Frames dropped: bad lengths, used-ring entries naming no posted
    /// buffer, buffers that could not be posted again.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Lends the next good frame to `consume` and posts its buffer again;
    /// returns its length. Entries the device got wrong are dropped and
    /// counted on the way.
    pub fn receive(&self, transport: &Transport, consume: &mut dyn FnMut(&[u8])) -> Option<usize> {
        loop {
            let (index, written) = {
                let mut state = self.state.lock();
                let used = state.pop_used()?;
                match self.buffers.index(used.id) {
                    Some(index) if state.posted.remove(index) => (index, used.len),
                    _ => {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
            };
            let frame = usize::try_from(written)
                .ok()
                .and_then(|len| len.checked_sub(HEADER))
                .filter(|len| (MIN_FRAME..=MAX_FRAME).contains(len));
            let lent = frame.and_then(|len| {
                let at = self.buffers.offset(index) + HEADER;
                // SAFETY: the device returned buffer `index` (its used
                // entry was popped above, and the entry was taken for a
                // buffer the device held: `posted` had it and no longer
                // does, so a repeated or stray entry cannot lend it
                // twice). It is not posted again before `lend` returns,
                // so the device does not write it meanwhile; and the
                // common layer serialises `receive`, so no other slice
                // of it exists.
                unsafe { self.buffers.memory().lend(at, len, |bytes| consume(bytes)) }.map(|()| len)
            });
            let reposted = self.post(&mut self.state.lock(), index).is_ok();
            if reposted {
                transport.notify(self.notify_offset, RX_QUEUE);
            }
            if lent.is_none() || !reposted {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            if lent.is_some() {
                return lent;
            }
        }
    }
}
