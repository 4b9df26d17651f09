//! virtio-blk over the modern (1.x) PCI transport: feature negotiation,
//! one split virtqueue, read/write/flush, capacity.

mod queue;
mod transport;

use super::BlkError;
use super::driver::{Driver, Op, Request};
use super::probe::Found;
use super::slots::Slots;
use crate::dma::{DmaBuffer, Segment};
use crate::irqlock::IrqMutex;
use crate::pci::{Interrupt, PciDevice};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use queue::Queue;
use transport::{Transport, common};

const STATUS_ACKNOWLEDGE: u8 = 1;
const STATUS_DRIVER: u8 = 2;
const STATUS_DRIVER_OK: u8 = 4;
const STATUS_FEATURES_OK: u8 = 8;
const STATUS_FAILED: u8 = 128;

const F_SEG_MAX: u64 = 1 << 2;
const F_FLUSH: u64 = 1 << 9;
const F_VERSION_1: u64 = 1 << 32;

const REQUEST_IN: u32 = 0;
const REQUEST_OUT: u32 = 1;
const REQUEST_FLUSH: u32 = 4;
const NO_VECTOR: u16 = 0xFFFF;

/// Data segments per request, and the bytes that guarantees.
const MAX_SEGMENTS: usize = 32;
const MAX_TRANSFER: u64 = 128 << 10;
/// Bytes of header + status per slot in the header buffer.
const HEADER_STRIDE: usize = 32;

struct Virtio {
    transport: Transport,
    queue: IrqMutex<Queue>,
    headers: DmaBuffer,
    slots: Slots,
    /// Descriptors reserved per slot: header, data, status.
    block: u16,
    max_segments: usize,
    notify_offset: u64,
    has_flush: bool,
    /// Without MSI-X the ISR register is read on every poll (it also
    /// deasserts a legacy interrupt line).
    read_isr: bool,
}

/// Brings up a virtio-blk device; completions go to `interrupt` (MSI-X
/// only; without it the queue is polled).
pub(super) fn init(
    pci: &PciDevice,
    interrupt: Option<Interrupt>,
) -> Result<vec::Vec<Found>, BlkError> {
    let t = Transport::find(pci)?;
    t.set_status(0);
    let deadline = crate::clock::now_ns() + 1_000_000_000;
    while t.status() != 0 {
        if crate::clock::now_ns() > deadline {
            return Err(BlkError::Init("virtio reset did not complete"));
        }
    }
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    let offered = t.device_features();
    if offered & F_VERSION_1 == 0 {
        t.set_status(STATUS_FAILED);
        return Err(BlkError::Init("device does not offer VIRTIO_F_VERSION_1"));
    }
    let accepted = offered & (F_VERSION_1 | F_FLUSH | F_SEG_MAX);
    t.set_driver_features(accepted);
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if t.status() & STATUS_FEATURES_OK == 0 {
        t.set_status(STATUS_FAILED);
        return Err(BlkError::Init("device refused the feature set"));
    }
    let seg_max = if accepted & F_SEG_MAX != 0 {
        usize::try_from(t.device.read32(12)).unwrap_or(MAX_SEGMENTS)
    } else {
        1
    };
    let max_segments = MAX_SEGMENTS.min(seg_max).max(1);
    let block = u16::try_from(max_segments + 2).unwrap_or(u16::MAX);
    t.common.write16(common::MSIX_CONFIG, NO_VECTOR);
    t.common.write16(common::QUEUE_SELECT, 0);
    let size = t.common.read16(common::QUEUE_SIZE).min(256);
    if size < block || !size.is_power_of_two() {
        t.set_status(STATUS_FAILED);
        return Err(BlkError::Init("virtqueue too small"));
    }
    let queue = Queue::new(size)?;
    t.common.write16(common::QUEUE_SIZE, size);
    if let Some(Interrupt::MsiX { .. }) = interrupt {
        t.common.write16(common::QUEUE_MSIX_VECTOR, 0);
        if t.common.read16(common::QUEUE_MSIX_VECTOR) != 0 {
            t.set_status(STATUS_FAILED);
            return Err(BlkError::Init("device refused the MSI-X vector"));
        }
    } else {
        t.common.write16(common::QUEUE_MSIX_VECTOR, NO_VECTOR);
    }
    let (desc, driver, device) = queue.addresses();
    t.common.write64(common::QUEUE_DESC, desc);
    t.common.write64(common::QUEUE_DRIVER, driver);
    t.common.write64(common::QUEUE_DEVICE, device);
    let notify_offset =
        u64::from(t.common.read16(common::QUEUE_NOTIFY_OFF)) * u64::from(t.notify_multiplier);
    t.common.write16(common::QUEUE_ENABLE, 1);
    t.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    let sectors = t.device_u64(0);
    let slot_count = usize::from(size / block);
    let driver = Virtio {
        headers: DmaBuffer::new(slot_count * HEADER_STRIDE)?,
        transport: t,
        queue: IrqMutex::new(queue),
        slots: Slots::new(slot_count),
        block,
        max_segments,
        notify_offset,
        has_flush: accepted & F_FLUSH != 0,
        read_isr: !matches!(interrupt, Some(Interrupt::MsiX { .. })),
    };
    Ok(vec![(
        String::new(),
        (512, sectors),
        Box::new(driver) as Box<dyn Driver>,
    )])
}

impl Driver for Virtio {
    fn slots(&self) -> &Slots {
        &self.slots
    }

    fn max_transfer(&self) -> u64 {
        MAX_TRANSFER.min(self.max_segments as u64 * 4096)
    }

    fn max_segments(&self) -> usize {
        self.max_segments
    }

    fn submit(&self, slot: u16, request: &Request<'_>) -> Result<(), BlkError> {
        let kind = match request.op {
            Op::Read => REQUEST_IN,
            Op::Write => REQUEST_OUT,
            Op::Flush if !self.has_flush => {
                // Without VIRTIO_BLK_F_FLUSH the device writes through.
                self.slots.finish(slot, Ok(()));
                return Ok(());
            }
            Op::Flush => REQUEST_FLUSH,
        };
        if request.segments.len() > self.max_segments {
            return Err(BlkError::BadBuffer);
        }
        let at = usize::from(slot) * HEADER_STRIDE;
        self.headers.write(at, kind);
        self.headers.write(at + 4, 0u32);
        self.headers.write(at + 8, request.lba);
        self.headers.write(at + 16, 0xFFu8);
        let header = Segment {
            phys: self.headers.phys() + at as u64,
            len: 16,
        };
        let status = Segment {
            phys: header.phys + 16,
            len: 1,
        };
        let head = slot * self.block;
        let device_writes_data = request.op == Op::Read;
        let mut queue = self.queue.lock();
        queue.push(head, header, request.segments, device_writes_data, status);
        self.transport.notify.write16(self.notify_offset, 0);
        Ok(())
    }

    fn poll(&self) {
        if self.read_isr {
            self.transport.isr.read8(0);
        }
        let mut queue = self.queue.lock();
        while let Some(head) = queue.pop_used() {
            let slot = head / self.block;
            let status: u8 = self.headers.read(usize::from(slot) * HEADER_STRIDE + 16);
            let result = if status == 0 {
                Ok(())
            } else {
                Err(u32::from(status))
            };
            self.slots.finish(slot, result);
        }
    }
}
