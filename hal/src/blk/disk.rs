//! The disk handle: request splitting, waiting (halting until the
//! completion interrupt, or polling), deadlines and failure marking.

use super::driver::{Driver, Op, Request};
use super::{BlkError, DiskStats};
use crate::pci::{COMMAND_BUS_MASTER, PciDevice};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Every request must complete within this time after submission.
pub const REQUEST_TIMEOUT_NS: u64 = 10_000_000_000;

/// Which driver runs a disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskKind {
    /// virtio-blk (modern PCI transport).
    Virtio,
    /// NVMe namespace.
    Nvme,
    /// SATA disk behind an AHCI controller.
    Ahci,
}

/// State shared by every handle of one disk and its interrupt route.
pub(crate) struct Shared {
    pub(crate) name: String,
    pub(crate) kind: DiskKind,
    pub(crate) sector_size: u32,
    pub(crate) sectors: u64,
    pub(crate) driver: Box<dyn Driver>,
    pub(crate) pci: PciDevice,
    /// CPU index that receives the completion interrupts (None: polled).
    pub(crate) irq_cpu: Option<usize>,
    failed: AtomicBool,
    /// Waiters halted on CPUs other than `irq_cpu`, to be woken by IPI.
    remote_waiters: AtomicUsize,
    requests: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
    errors: AtomicU64,
    interrupts: AtomicU64,
}

/// A block device: a cheap handle, usable from any CPU.
#[derive(Clone)]
pub struct Disk {
    pub(crate) shared: Arc<Shared>,
}

impl Shared {
    pub(crate) fn new(
        name: String,
        kind: DiskKind,
        geometry: (u32, u64),
        driver: Box<dyn Driver>,
        pci: PciDevice,
        irq_cpu: Option<usize>,
    ) -> Shared {
        Shared {
            name,
            kind,
            sector_size: geometry.0,
            sectors: geometry.1,
            driver,
            pci,
            irq_cpu,
            failed: AtomicBool::new(false),
            remote_waiters: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
            bytes_read: AtomicU64::new(0),
            bytes_written: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            interrupts: AtomicU64::new(0),
        }
    }

    /// The completion interrupt: finish slots, wake remote waiters.
    pub(crate) fn on_interrupt(&self) {
        self.interrupts.fetch_add(1, Ordering::Relaxed);
        self.driver.poll();
        if self.remote_waiters.load(Ordering::SeqCst) > 0 {
            crate::smp::wake_others();
        }
    }

    /// Marks the disk failed and stops the device mastering the bus, so a
    /// late completion can no longer write into memory we gave back.
    fn fail(&self) {
        self.pci.disable(COMMAND_BUS_MASTER);
        if !self.failed.swap(true, Ordering::SeqCst) {
            crate::serial::write_bytes(b"blk: a request timed out; disk marked failed\n");
        }
    }

    /// Claims a slot, waiting (bounded) for one to free up.
    pub(crate) fn claim(&self, deadline: u64) -> Result<u16, BlkError> {
        loop {
            if self.failed.load(Ordering::Acquire) {
                return Err(BlkError::Failed);
            }
            if let Some(slot) = self.driver.slots().claim() {
                return Ok(slot);
            }
            if crate::clock::now_ns() > deadline {
                return Err(BlkError::Timeout);
            }
            self.driver.poll();
            core::hint::spin_loop();
        }
    }

    /// Submits one request (already split to the driver's limits).
    pub(crate) fn start(&self, request: &Request<'_>) -> Result<u16, BlkError> {
        let deadline = crate::clock::now_ns().saturating_add(REQUEST_TIMEOUT_NS);
        let slot = self.claim(deadline)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = self.driver.submit(slot, request) {
            self.driver.slots().release(slot);
            self.errors.fetch_add(1, Ordering::Relaxed);
            return Err(e);
        }
        Ok(slot)
    }

    /// True once `slot`'s request is no longer with the device.
    pub(crate) fn is_done(&self, slot: u16) -> bool {
        if !self.driver.slots().busy(slot) {
            return true;
        }
        if self.irq_cpu.is_none() || !crate::irqlock::interrupts_enabled() {
            self.driver.poll();
        }
        !self.driver.slots().busy(slot)
    }

    /// Waits for `slot` until `deadline`; counts the bytes on success.
    pub(crate) fn finish(
        &self,
        slot: u16,
        op: Op,
        bytes: u64,
        deadline: u64,
    ) -> Result<(), BlkError> {
        loop {
            if let Some(result) = self.driver.slots().take(slot) {
                match (result, op) {
                    (Ok(()), Op::Read) => self.bytes_read.fetch_add(bytes, Ordering::Relaxed),
                    (Ok(()), Op::Write) => self.bytes_written.fetch_add(bytes, Ordering::Relaxed),
                    (Ok(()), Op::Flush) => 0,
                    (Err(_), _) => self.errors.fetch_add(1, Ordering::Relaxed),
                };
                return result;
            }
            if self.failed.load(Ordering::Acquire) {
                return Err(BlkError::Failed);
            }
            if crate::clock::now_ns() > deadline {
                self.errors.fetch_add(1, Ordering::Relaxed);
                self.fail();
                return Err(BlkError::Timeout);
            }
            self.pause(slot);
        }
    }

    /// Halts until the next interrupt when completions arrive by interrupt
    /// and this CPU may take them; otherwise polls the device.
    fn pause(&self, slot: u16) {
        if self.irq_cpu.is_none() || !crate::irqlock::interrupts_enabled() {
            self.driver.poll();
            core::hint::spin_loop();
            return;
        }
        let remote = crate::percpu::try_index() != self.irq_cpu;
        if remote {
            self.remote_waiters.fetch_add(1, Ordering::SeqCst);
        }
        crate::cpu::disable_interrupts();
        if self.driver.slots().busy(slot) {
            // Atomic STI;HLT: the completion interrupt cannot slip in
            // between the check above and the halt.
            crate::cpu::wait_for_interrupt();
        } else {
            crate::cpu::enable_interrupts();
        }
        if remote {
            self.remote_waiters.fetch_sub(1, Ordering::SeqCst);
        }
    }

    pub(crate) fn stats(&self) -> DiskStats {
        DiskStats {
            requests: self.requests.load(Ordering::Relaxed),
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            bytes_written: self.bytes_written.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            interrupts: self.interrupts.load(Ordering::Relaxed),
        }
    }

    /// Checks a transfer of `len` bytes at `lba` against the disk.
    pub(crate) fn check(&self, lba: u64, len: usize) -> Result<u64, BlkError> {
        let sector = u64::from(self.sector_size);
        let len = len as u64;
        if len == 0 || !len.is_multiple_of(sector) {
            return Err(BlkError::BadBuffer);
        }
        let count = len / sector;
        match lba.checked_add(count) {
            Some(end) if end <= self.sectors => Ok(count),
            _ => Err(BlkError::OutOfRange),
        }
    }
}
