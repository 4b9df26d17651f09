//! The public face of a disk: synchronous reads, writes and flushes of
//! any size, and tickets for requests left in flight.

use super::disk::{Disk, DiskKind, REQUEST_TIMEOUT_NS};
use super::driver::{Op, Request};
use super::{BlkError, DiskStats};
use crate::dma::{DmaBuffer, Segment};
use alloc::vec::Vec;

/// Caller buffers at addresses that are not a multiple of this go
/// through a bounce buffer: NVMe needs dword-aligned PRPs and AHCI
/// word-aligned, even-length PRDs.
const DIRECT_ALIGN: usize = 4;

impl Disk {
    /// Which driver runs the disk.
    pub fn kind(&self) -> DiskKind {
        self.shared.kind
    }

    /// Its name: driver and PCI address, e.g. `nvme 00:04.0`.
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// Bytes per sector.
    pub fn sector_size(&self) -> u32 {
        self.shared.sector_size
    }

    /// Number of sectors.
    pub fn sectors(&self) -> u64 {
        self.shared.sectors
    }

    /// Largest transfer the device takes in one request; bigger reads and
    /// writes are split and kept in flight together.
    pub fn max_transfer(&self) -> u64 {
        self.shared.driver.max_transfer()
    }

    /// True if completions arrive by interrupt (false: polled).
    pub fn uses_interrupts(&self) -> bool {
        self.shared.irq_cpu.is_some()
    }

    /// Counters since the disk was probed.
    pub fn stats(&self) -> DiskStats {
        self.shared.stats()
    }

    /// Reads `buf.len()` bytes (a sector multiple) starting at `lba`.
    pub fn read(&self, lba: u64, buf: &mut [u8]) -> Result<(), BlkError> {
        self.shared.check(lba, buf.len())?;
        if !(buf.as_ptr() as usize).is_multiple_of(DIRECT_ALIGN) {
            let bounce = DmaBuffer::new(buf.len())?;
            self.shared
                .transfer(Op::Read, lba, &[whole(&bounce, buf.len())])?;
            bounce.copy_out(0, buf);
            return Ok(());
        }
        // The device writes straight into `buf`, which stays borrowed
        // until every piece completed or the device lost bus mastering.
        let segments = crate::dma::segments(buf, u64::MAX)?;
        self.shared.transfer(Op::Read, lba, &segments)
    }

    /// Writes `buf` (a sector multiple of bytes) starting at `lba`.
    pub fn write(&self, lba: u64, buf: &[u8]) -> Result<(), BlkError> {
        self.shared.check(lba, buf.len())?;
        if !(buf.as_ptr() as usize).is_multiple_of(DIRECT_ALIGN) {
            let bounce = DmaBuffer::new(buf.len())?;
            bounce.copy_in(0, buf);
            return self
                .shared
                .transfer(Op::Write, lba, &[whole(&bounce, buf.len())]);
        }
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        let segments = crate::dma::segments(buf, u64::MAX)?;
        self.shared.transfer(Op::Write, lba, &segments)
    }

    /// Makes every completed write durable.
    pub fn flush(&self) -> Result<(), BlkError> {
        self.shared.transfer_flush()
    }

    /// Starts reading `len` bytes (a sector multiple, at most
    /// [`Disk::max_transfer`]) at `lba` into a DMA buffer of its own.
    pub fn submit_read(&self, lba: u64, len: usize) -> Result<Ticket, BlkError> {
        self.submit(Op::Read, lba, len, None)
    }

    /// Starts writing `data` (a sector multiple, at most
    /// [`Disk::max_transfer`]) at `lba`.
    pub fn submit_write(&self, lba: u64, data: &[u8]) -> Result<Ticket, BlkError> {
        self.submit(Op::Write, lba, data.len(), Some(data))
    }

    fn submit(
        &self,
        op: Op,
        lba: u64,
        len: usize,
        data: Option<&[u8]>,
    ) -> Result<Ticket, BlkError> {
        let sectors = self.shared.check(lba, len)?;
        if len as u64 > self.max_transfer() {
            return Err(BlkError::BadBuffer);
        }
        let buffer = DmaBuffer::new(len)?;
        if let Some(data) = data {
            buffer.copy_in(0, data);
        }
        let segment = [whole(&buffer, len)];
        let request = Request {
            op,
            lba,
            sectors: u32::try_from(sectors).map_err(|_| BlkError::BadBuffer)?,
            segments: &segment,
        };
        let slot = self.shared.start(&request)?;
        Ok(Ticket {
            disk: self.clone(),
            slot: Some(slot),
            op,
            len,
            buffer: Some(buffer),
            deadline: crate::clock::now_ns().saturating_add(REQUEST_TIMEOUT_NS),
        })
    }

    /// True once the ticket's request is no longer with the device.
    pub fn poll(&self, ticket: &Ticket) -> bool {
        ticket.slot.is_none_or(|slot| self.shared.is_done(slot))
    }

    /// Waits for the ticket until its deadline ([`REQUEST_TIMEOUT_NS`]
    /// after submission; use [`Disk::poll`] to wait less) and returns the
    /// data read (empty for writes).
    pub fn wait(&self, mut ticket: Ticket) -> Result<Vec<u8>, BlkError> {
        let result = ticket.finish();
        let mut data = Vec::new();
        if result.is_ok() && ticket.op == Op::Read {
            data.resize(ticket.len, 0);
            if let Some(buffer) = &ticket.buffer {
                buffer.copy_out(0, &mut data);
            }
        }
        result.map(|()| data)
    }
}

fn whole(buffer: &DmaBuffer, len: usize) -> Segment {
    Segment {
        phys: buffer.phys(),
        len: len as u64,
    }
}

/// A request in flight. Its DMA buffer lives as long as the request: if
/// a ticket is dropped unwaited, the drop waits for the device, and if
/// the device never answers the buffer is leaked rather than reused.
pub struct Ticket {
    disk: Disk,
    slot: Option<u16>,
    op: Op,
    len: usize,
    buffer: Option<DmaBuffer>,
    deadline: u64,
}

impl Ticket {
    fn finish(&mut self) -> Result<(), BlkError> {
        let Some(slot) = self.slot.take() else {
            return Ok(());
        };
        let shared = &self.disk.shared;
        let result = shared.finish(slot, self.op, self.len as u64, self.deadline);
        if self.disk.shared.driver.slots().busy(slot) {
            // Still owned by a device that stopped answering: never reuse.
            core::mem::forget(self.buffer.take());
        }
        result
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}
