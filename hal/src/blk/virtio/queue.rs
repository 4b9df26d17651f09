//! A split virtqueue whose descriptors are divided into fixed blocks, one
//! per request slot, so requests never contend for descriptors.

use crate::dma::{DmaBuffer, DmaError, Segment};

const DESC_NEXT: u16 = 1;
const DESC_WRITE: u16 = 2;

/// Ring memory and the driver's cursors.
pub(super) struct Queue {
    pub size: u16,
    pub ring: DmaBuffer,
    avail: usize,
    used: usize,
    next_avail: u16,
    last_used: u16,
}

impl Queue {
    /// Allocates rings for `size` descriptors (a power of two).
    pub fn new(size: u16) -> Result<Queue, DmaError> {
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

    /// Writes a request's chain starting at `head` (the header the device
    /// reads, the data, which the device writes if `device_writes_data`,
    /// and the status byte it writes) and publishes it in the available
    /// ring. Allocates nothing: it runs under the queue's `IrqMutex`.
    pub fn push(
        &mut self,
        head: u16,
        header: Segment,
        data: &[Segment],
        device_writes_data: bool,
        status: Segment,
    ) {
        let data_flags = if device_writes_data { DESC_WRITE } else { 0 };
        let chain = core::iter::once((header, 0))
            .chain(data.iter().map(|s| (*s, data_flags)))
            .chain(core::iter::once((status, DESC_WRITE)));
        let last = data.len() + 1;
        for (i, (segment, flags)) in chain.enumerate() {
            let index = head.wrapping_add(i as u16);
            let flags = if i < last { flags | DESC_NEXT } else { flags };
            self.descriptor(index, segment, flags, index.wrapping_add(1));
        }
        let slot = usize::from(self.next_avail % self.size);
        self.ring.write(self.avail + 4 + 2 * slot, head);
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        self.next_avail = self.next_avail.wrapping_add(1);
        self.ring.write(self.avail + 2, self.next_avail);
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    }

    /// The head of the next used chain, if the device returned one.
    pub fn pop_used(&mut self) -> Option<u16> {
        let device_index: u16 = self.ring.read(self.used + 2);
        if device_index == self.last_used {
            return None;
        }
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        let slot = usize::from(self.last_used % self.size);
        let id: u32 = self.ring.read(self.used + 4 + 8 * slot);
        self.last_used = self.last_used.wrapping_add(1);
        u16::try_from(id).ok()
    }
}
