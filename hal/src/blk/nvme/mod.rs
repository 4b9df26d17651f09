//! NVMe: controller reset and enable, the admin queue, Identify of the
//! controller and namespace 1, one I/O queue pair with MSI-X completion,
//! and read/write/flush with PRP lists.

mod admin;
mod queue;

use super::BlkError;
use super::driver::{Driver, Op, Request};
use super::probe::Found;
use super::slots::Slots;
use crate::dma::{DmaBuffer, Segment};
use crate::irqlock::IrqMutex;
use crate::pci::{Interrupt, Mmio, PciDevice};
use admin::{admin_command, wait_ready};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use queue::{Command, QueuePair};

const REG_CAP: u64 = 0x00;
const REG_CC: u64 = 0x14;
const REG_CSTS: u64 = 0x1C;
const REG_AQA: u64 = 0x24;
const REG_ASQ: u64 = 0x28;
const REG_ACQ: u64 = 0x30;

const ADMIN_CREATE_SQ: u32 = 0x01;
const ADMIN_CREATE_CQ: u32 = 0x05;
const ADMIN_IDENTIFY: u32 = 0x06;
const IO_FLUSH: u32 = 0x00;
const IO_WRITE: u32 = 0x01;
const IO_READ: u32 = 0x02;

const ADMIN_DEPTH: u16 = 16;
const IO_DEPTH: u16 = 64;
const PAGE: u64 = 4096;
/// Largest request we issue (also bounded by the controller's MDTS).
const MAX_TRANSFER: u64 = 512 << 10;
const NAMESPACE: u32 = 1;

struct Nvme {
    registers: Mmio,
    io: IrqMutex<QueuePair>,
    /// One PRP list page per slot.
    prp_lists: DmaBuffer,
    slots: Slots,
    max_transfer: u64,
}

/// Brings up an NVMe controller and its namespace 1.
pub(super) fn init(pci: &PciDevice, interrupt: Option<Interrupt>) -> Result<Vec<Found>, BlkError> {
    let registers = pci.map_bar(0).ok_or(BlkError::Init("BAR0 unusable"))?;
    let cap = registers.read64(REG_CAP);
    let stride = 4u64 << ((cap >> 32) & 0xF);
    let timeout_ns = (((cap >> 24) & 0xFF).max(1)) * 500_000_000;
    let max_entries = u16::try_from((cap & 0xFFFF) + 1).unwrap_or(u16::MAX);
    registers.write32(REG_CC, 0);
    wait_ready(&registers, false, timeout_ns)?;
    let mut admin = QueuePair::new(0, ADMIN_DEPTH, stride)?;
    let depth = u32::from(ADMIN_DEPTH - 1);
    registers.write32(REG_AQA, (depth << 16) | depth);
    registers.write64(REG_ASQ, admin.sq.phys());
    registers.write64(REG_ACQ, admin.cq.phys());
    // 4 KiB pages, NVM command set, 64-byte SQ and 16-byte CQ entries.
    registers.write32(REG_CC, (6 << 16) | (4 << 20) | 1);
    wait_ready(&registers, true, timeout_ns)?;

    let identify = DmaBuffer::new(4096)?;
    admin_command(
        &registers,
        &mut admin,
        ADMIN_IDENTIFY,
        0,
        identify.phys(),
        [1, 0],
    )?;
    let mdts: u8 = identify.read(77);
    let mdts_bytes = if mdts == 0 {
        u64::MAX
    } else {
        PAGE << mdts.min(20)
    };
    admin_command(
        &registers,
        &mut admin,
        ADMIN_IDENTIFY,
        NAMESPACE,
        identify.phys(),
        [0, 0],
    )?;
    let sectors: u64 = identify.read(0);
    let format = usize::from(identify.read::<u8>(26) & 0xF);
    let block_shift = (identify.read::<u32>(128 + 4 * format) >> 16) & 0xFF;
    if sectors == 0 || !(9..=16).contains(&block_shift) {
        return Err(BlkError::Init(
            "namespace 1 missing or with an unusable block size",
        ));
    }

    let io_depth = IO_DEPTH.min(max_entries);
    let io = QueuePair::new(1, io_depth, stride)?;
    let (interrupts_on, vector) = match interrupt {
        Some(Interrupt::MsiX { .. }) | Some(Interrupt::Msi { .. }) => (1u32 << 1, 0u32),
        None => (0, 0),
    };
    let cq_flags = (vector << 16) | interrupts_on | 1;
    let queue_size = (u32::from(io_depth) - 1) << 16;
    admin_command(
        &registers,
        &mut admin,
        ADMIN_CREATE_CQ,
        0,
        io.cq.phys(),
        [queue_size | 1, cq_flags],
    )?;
    admin_command(
        &registers,
        &mut admin,
        ADMIN_CREATE_SQ,
        0,
        io.sq.phys(),
        [queue_size | 1, (1 << 16) | 1],
    )?;
    // The admin queue's rings are dropped here; no more admin commands.
    let slot_count = usize::from(io_depth - 1);
    let driver = Nvme {
        registers,
        io: IrqMutex::new(io),
        prp_lists: DmaBuffer::new(slot_count * PAGE as usize)?,
        slots: Slots::new(slot_count),
        max_transfer: MAX_TRANSFER.min(mdts_bytes),
    };
    let geometry = (1u32 << block_shift, sectors);
    Ok(vec![(
        String::new(),
        geometry,
        Box::new(driver) as Box<dyn Driver>,
    )])
}

impl Nvme {
    /// PRP1, PRP2 for a request: PRP2 is the second page or, for more
    /// than two pages, this slot's PRP list.
    fn prps(&self, slot: u16, segments: &[Segment]) -> Result<(u64, u64), BlkError> {
        let mut pages: Vec<u64> = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            let end = segment
                .phys
                .checked_add(segment.len)
                .ok_or(BlkError::BadBuffer)?;
            let inner = i > 0 && !segment.phys.is_multiple_of(PAGE);
            let cut = i + 1 < segments.len() && !end.is_multiple_of(PAGE);
            if inner || cut || !segment.phys.is_multiple_of(4) {
                return Err(BlkError::BadBuffer);
            }
            let mut page = segment.phys;
            while page < end {
                pages.push(page);
                page = (page & !(PAGE - 1)) + PAGE;
            }
        }
        match pages.as_slice() {
            [] => Ok((0, 0)),
            [one] => Ok((*one, 0)),
            [one, two] => Ok((*one, *two)),
            [one, rest @ ..] if rest.len() <= 512 => {
                let base = usize::from(slot) * PAGE as usize;
                for (i, page) in rest.iter().enumerate() {
                    self.prp_lists.write(base + 8 * i, *page);
                }
                Ok((*one, self.prp_lists.phys() + base as u64))
            }
            _ => Err(BlkError::BadBuffer),
        }
    }
}

impl Driver for Nvme {
    fn slots(&self) -> &Slots {
        &self.slots
    }

    fn max_transfer(&self) -> u64 {
        self.max_transfer
    }

    fn max_segments(&self) -> usize {
        (self.max_transfer / PAGE) as usize + 1
    }

    fn submit(&self, slot: u16, request: &Request<'_>) -> Result<(), BlkError> {
        let mut command: Command = [0; 16];
        command[0] = u32::from(slot) << 16;
        command[1] = NAMESPACE;
        match request.op {
            Op::Flush => command[0] |= IO_FLUSH,
            Op::Read | Op::Write => {
                command[0] |= if request.op == Op::Read {
                    IO_READ
                } else {
                    IO_WRITE
                };
                let (prp1, prp2) = self.prps(slot, request.segments)?;
                let count = request
                    .sectors
                    .checked_sub(1)
                    .filter(|&c| c <= 0xFFFF)
                    .ok_or(BlkError::BadBuffer)?;
                command[6] = prp1 as u32;
                command[7] = (prp1 >> 32) as u32;
                command[8] = prp2 as u32;
                command[9] = (prp2 >> 32) as u32;
                command[10] = request.lba as u32;
                command[11] = (request.lba >> 32) as u32;
                command[12] = count;
            }
        }
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        self.io.lock().submit(&self.registers, &command);
        Ok(())
    }

    fn poll(&self) {
        let slots = &self.slots;
        self.io.lock().reap(&self.registers, |id, status| {
            slots.finish(
                id,
                if status == 0 {
                    Ok(())
                } else {
                    Err(u32::from(status))
                },
            );
        });
    }
}
