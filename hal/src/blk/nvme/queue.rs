//! An NVMe submission/completion queue pair in DMA memory, with its
//! doorbells and the phase-tag bookkeeping.

use crate::dma::{DmaBuffer, DmaError};
use crate::pci::Mmio;

/// One 64-byte submission entry, as dwords.
pub(super) type Command = [u32; 16];

/// A queue pair: `depth` entries each way.
pub(super) struct QueuePair {
    pub sq: DmaBuffer,
    pub cq: DmaBuffer,
    depth: u16,
    sq_tail: u16,
    cq_head: u16,
    phase: bool,
    sq_doorbell: u64,
    cq_doorbell: u64,
}

impl QueuePair {
    /// Allocates queue `id`'s rings; `stride` is the doorbell stride.
    pub fn new(id: u16, depth: u16, stride: u64) -> Result<QueuePair, DmaError> {
        let depth_bytes = usize::from(depth);
        Ok(QueuePair {
            sq: DmaBuffer::new(depth_bytes * 64)?,
            cq: DmaBuffer::new(depth_bytes * 16)?,
            depth,
            sq_tail: 0,
            cq_head: 0,
            phase: true,
            sq_doorbell: 0x1000 + u64::from(2 * id) * stride,
            cq_doorbell: 0x1000 + u64::from(2 * id + 1) * stride,
        })
    }

    /// Copies `command` into the next submission entry and rings the
    /// doorbell.
    pub fn submit(&mut self, registers: &Mmio, command: &Command) {
        let at = usize::from(self.sq_tail) * 64;
        for (i, dword) in command.iter().enumerate() {
            self.sq.write(at + 4 * i, *dword);
        }
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        self.sq_tail = (self.sq_tail + 1) % self.depth;
        registers.write32(self.sq_doorbell, u32::from(self.sq_tail));
    }

    /// Takes every new completion: calls `done(command id, status)` for
    /// each (status 0 = success), then updates the head doorbell.
    pub fn reap(&mut self, registers: &Mmio, mut done: impl FnMut(u16, u16)) -> usize {
        let mut count = 0;
        loop {
            let at = usize::from(self.cq_head) * 16;
            let dword3: u32 = self.cq.read(at + 12);
            if (dword3 & (1 << 16) != 0) != self.phase {
                break;
            }
            core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
            done(dword3 as u16, (dword3 >> 17) as u16);
            count += 1;
            self.cq_head += 1;
            if self.cq_head == self.depth {
                self.cq_head = 0;
                self.phase = !self.phase;
            }
        }
        if count > 0 {
            registers.write32(self.cq_doorbell, u32::from(self.cq_head));
        }
        count
    }
}
