//! virtio-blk over the modern (1.x) PCI transport: feature negotiation,
//! one split virtqueue, read/write/flush, capacity.

use super::BlkError;
use super::driver::{Driver, Op, Request};
use super::probe::Found;
use super::slots::Slots;
use crate::dma::{DmaBuffer, Segment};
use crate::irqlock::IrqMutex;
use crate::pci::{Interrupt, PciDevice};
use crate::virtio::{Access, Queue, Transport, VirtioError};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;

const F_SEG_MAX: u64 = 1 << 2;
const F_FLUSH: u64 = 1 << 9;

const REQUEST_IN: u32 = 0;
const REQUEST_OUT: u32 = 1;
const REQUEST_FLUSH: u32 = 4;
/// The request queue's index.
const REQUEST_QUEUE: u16 = 0;

/// Data segments per request, and the bytes that guarantees.
const MAX_SEGMENTS: usize = 32;
const MAX_TRANSFER: u64 = 128 << 10;
/// Bytes of header + status per slot in the header buffer.
const HEADER_STRIDE: usize = 32;

impl From<VirtioError> for BlkError {
    fn from(e: VirtioError) -> Self {
        match e {
            VirtioError::NoMemory => BlkError::NoMemory,
            VirtioError::ChainTooLong => BlkError::BadBuffer,
            other => BlkError::Init(other.reason()),
        }
    }
}

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
    let accepted = t.negotiate(F_FLUSH | F_SEG_MAX)?;
    let seg_max = if accepted & F_SEG_MAX != 0 {
        t.device_config(|config| usize::try_from(config.read32(12)).unwrap_or(MAX_SEGMENTS))
    } else {
        1
    };
    let max_segments = MAX_SEGMENTS.min(seg_max).max(1);
    let block = u16::try_from(max_segments + 2).unwrap_or(u16::MAX);
    let size = t.queue_size(REQUEST_QUEUE).min(256);
    if size < block || !size.is_power_of_two() {
        return Err(t.fail(VirtioError::QueueTooSmall).into());
    }
    let queue = Queue::new(size)?;
    let msix_entry = matches!(interrupt, Some(Interrupt::MsiX { .. })).then_some(0);
    let notify_offset = t.enable_queue(REQUEST_QUEUE, &queue, msix_entry)?;
    t.driver_ok();
    let sectors = t.device_config(|config| config.read64(0));
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
        let data_access = if request.op == Op::Read {
            Access::DeviceWrites
        } else {
            Access::DeviceReads
        };
        let chain = core::iter::once((header, Access::DeviceReads))
            .chain(request.segments.iter().map(|s| (*s, data_access)))
            .chain(core::iter::once((status, Access::DeviceWrites)));
        let mut queue = self.queue.lock();
        queue.push(head, chain)?;
        self.transport.notify(self.notify_offset, REQUEST_QUEUE);
        Ok(())
    }

    fn poll(&self) {
        if self.read_isr {
            self.transport.acknowledge_isr();
        }
        let mut queue = self.queue.lock();
        while let Some(used) = queue.pop_used() {
            let Ok(head) = u16::try_from(used.id) else {
                break;
            };
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
