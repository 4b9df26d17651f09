//! A split virtqueue: descriptor table, available (driver) ring and used
//! (device) ring in one DMA buffer, with the driver's cursors. Which
//! descriptors a chain uses is the driver's choice (virtio-blk gives each
//! request slot a fixed block, virtio-net one descriptor per buffer), so
//! descriptors are never allocated here and nothing here allocates: it
//! runs under the drivers' `IrqMutex`es.

use super::VirtioError;
use crate::dma::{DmaBuffer, Segment};
use core::sync::atomic::{Ordering, fence};

const DESC_NEXT: u16 = 1;
const DESC_WRITE: u16 = 2;
/// Available-ring flag: the driver does not want used-buffer interrupts.
const AVAIL_NO_INTERRUPT: u16 = 1;

/// Who may write the memory a descriptor points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// The device only reads it (a request header, a frame to send).
    DeviceReads,
    /// The device writes it (data read from a disk, a received frame).
    DeviceWrites,
}

/// One entry of the used ring, as the device wrote it: unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Used {
    /// The head descriptor of the chain the device returned.
    pub id: u32,
    /// Bytes the device wrote into the chain's writable descriptors.
    pub len: u32,
}

/// Ring memory and the driver's cursors.
pub(crate) struct Queue {
    size: u16,
    ring: DmaBuffer,
    avail: usize,
    used: usize,
    next_avail: u16,
    last_used: u16,
}

impl Queue {
    /// Allocates rings for `size` descriptors (a power of two).
    pub fn new(size: u16) -> Result<Queue, VirtioError> {
        if size == 0 || !size.is_power_of_two() {
            return Err(VirtioError::QueueTooSmall);
        }
        let n = usize::from(size);
        let avail = n * 16;
        let used = (avail + 6 + 2 * n).next_multiple_of(4096);
        let ring = DmaBuffer::new(used + 6 + 8 * n)?;
        Ok(Queue {
            size,
            ring,
            avail,
            used,
            next_avail: 0,
            last_used: 0,
        })
    }

    /// Number of descriptors.
    pub fn size(&self) -> u16 {
        self.size
    }

    /// Physical addresses of the descriptor table, driver and device areas.
    pub fn addresses(&self) -> (u64, u64, u64) {
        let base = self.ring.phys();
        (base, base + self.avail as u64, base + self.used as u64)
    }

    fn descriptor(&self, index: u16, segment: Segment, flags: u16, next: u16) {
        let at = usize::from(index) * 16;
        self.ring.write(at, segment.phys);
        self.ring.write(at + 8, segment.len as u32);
        self.ring.write(at + 12, flags);
        self.ring.write(at + 14, next);
    }

    /// Writes `chain` into descriptors `head`, `head + 1`, … and publishes
    /// it in the available ring. Refuses (publishing nothing) a chain that
    /// would run past the descriptor table.
    pub fn push(
        &mut self,
        head: u16,
        chain: impl IntoIterator<Item = (Segment, Access)>,
    ) -> Result<(), VirtioError> {
        let mut chain = chain.into_iter().peekable();
        let mut index = head;
        while let Some((segment, access)) = chain.next() {
            if index >= self.size {
                return Err(VirtioError::ChainTooLong);
            }
            let mut flags = match access {
                Access::DeviceReads => 0,
                Access::DeviceWrites => DESC_WRITE,
            };
            if chain.peek().is_some() {
                flags |= DESC_NEXT;
            }
            let next = index.wrapping_add(1);
            self.descriptor(index, segment, flags, next);
            index = next;
        }
        if index == head {
            return Err(VirtioError::ChainTooLong);
        }
        let slot = usize::from(self.next_avail % self.size);
        self.ring.write(self.avail + 4 + 2 * slot, head);
        fence(Ordering::SeqCst);
        self.next_avail = self.next_avail.wrapping_add(1);
        self.ring.write(self.avail + 2, self.next_avail);
        fence(Ordering::SeqCst);
        Ok(())
    }

    /// True if the device has returned a chain not yet popped.
    pub fn has_used(&self) -> bool {
        let device_index: u16 = self.ring.read(self.used + 2);
        device_index != self.last_used
    }

    /// The next chain the device returned, if any. The entry is what the
    /// device wrote: the caller checks `id` and `len` before using them.
    pub fn pop_used(&mut self) -> Option<Used> {
        if !self.has_used() {
            return None;
        }
        fence(Ordering::SeqCst);
        let slot = usize::from(self.last_used % self.size);
        let entry = self.used + 4 + 8 * slot;
        let used = Used {
            id: self.ring.read(entry),
            len: self.ring.read(entry + 4),
        };
        self.last_used = self.last_used.wrapping_add(1);
        Some(used)
    }

    /// Asks the device for an interrupt on each returned chain (`true`)
    /// or for none (a hint the device may ignore). Chains returned before
    /// interrupts were turned back on raise none: check [`Queue::has_used`].
    pub fn set_interrupts(&mut self, on: bool) {
        let flags = if on { 0 } else { AVAIL_NO_INTERRUPT };
        self.ring.write(self.avail, flags);
        fence(Ordering::SeqCst);
    }
}
