//! AHCI: HBA reset and AHCI mode, port detection, and one driver per
//! port with a SATA disk: IDENTIFY DEVICE, READ/WRITE DMA EXT and FLUSH
//! CACHE EXT through the command list, completion by MSI/MSI-X.

mod port;

use super::BlkError;
use super::driver::{Driver, Op, Request};
use super::probe::Found;
use super::slots::Slots;
use crate::dma::{DmaBuffer, Segment};
use crate::irqlock::IrqMutex;
use crate::pci::{Interrupt, Mmio, PciDevice};
use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;
use port::{MAX_PRDT, PORT_CI, PORT_IE, PORT_IS, PORT_TFD, Port};

const HBA_CAP: u64 = 0x00;
const HBA_GHC: u64 = 0x04;
const HBA_IS: u64 = 0x08;
const HBA_PI: u64 = 0x0C;
const GHC_RESET: u32 = 1;
const GHC_INTERRUPTS: u32 = 1 << 1;
const GHC_AHCI: u32 = 1 << 31;
const SIGNATURE_ATA: u32 = 0x0000_0101;
const IS_TASK_FILE_ERROR: u32 = 1 << 30;

const ATA_IDENTIFY: u8 = 0xEC;
const ATA_READ_DMA_EXT: u8 = 0x25;
const ATA_WRITE_DMA_EXT: u8 = 0x35;
const ATA_FLUSH_CACHE_EXT: u8 = 0xEA;
const MAX_TRANSFER: u64 = 128 << 10;

struct Ahci {
    hba: Mmio,
    number: u32,
    port: Port,
    /// Slots issued and not yet reaped (bit per slot).
    issued: IrqMutex<u32>,
    slots: Slots,
    wide_dma: bool,
}

/// Resets an AHCI controller and brings up every port with a SATA disk.
pub(super) fn init(pci: &PciDevice, interrupt: Option<Interrupt>) -> Result<Vec<Found>, BlkError> {
    let hba = pci
        .map_bar(5)
        .ok_or(BlkError::Init("ABAR (BAR5) unusable"))?;
    hba.write32(HBA_GHC, GHC_AHCI);
    hba.write32(HBA_GHC, GHC_AHCI | GHC_RESET);
    let deadline = crate::clock::now_ns() + 1_000_000_000;
    while hba.read32(HBA_GHC) & GHC_RESET != 0 {
        if crate::clock::now_ns() > deadline {
            return Err(BlkError::Init("HBA reset did not complete"));
        }
    }
    hba.write32(HBA_GHC, GHC_AHCI);
    let cap = hba.read32(HBA_CAP);
    let slot_count = ((cap >> 8) & 0x1F) as usize + 1;
    let wide_dma = cap & (1 << 31) != 0;
    let implemented = hba.read32(HBA_PI);
    let mut found = Vec::new();
    for number in (0..32u32).filter(|n| implemented & (1 << n) != 0) {
        let Some(registers) = hba.window(0x100 + u64::from(number) * 0x80, 0x80) else {
            continue;
        };
        if registers.read32(0x28) & 0xF != 3 {
            continue;
        }
        // The device's signature arrives once FIS receive is on.
        let port = Port::start(registers, slot_count)?;
        if !port.wait_signature(SIGNATURE_ATA) {
            port.stop();
            continue;
        }
        let driver = Ahci {
            hba,
            number,
            port,
            issued: IrqMutex::new(0),
            slots: Slots::new(slot_count),
            wide_dma,
        };
        let sectors = driver.identify()?;
        found.push((
            format!(" port {}", number),
            (512, sectors),
            Box::new(driver) as Box<dyn Driver>,
        ));
    }
    // Ports we do not drive keep their interrupts masked and their status
    // clear (firmware may have left either set on ports it used).
    for number in (0..32u32).filter(|n| implemented & (1 << n) != 0) {
        if found_port(&found, number) {
            continue;
        }
        if let Some(registers) = hba.window(0x100 + u64::from(number) * 0x80, 0x80) {
            registers.write32(PORT_IE, 0);
            registers.write32(PORT_IS, u32::MAX);
        }
    }
    if interrupt.is_some() {
        hba.write32(HBA_IS, u32::MAX);
        hba.write32(HBA_GHC, GHC_AHCI | GHC_INTERRUPTS);
    }
    Ok(found)
}

/// Whether port `number` is among the ports brought up.
fn found_port(found: &[Found], number: u32) -> bool {
    found
        .iter()
        .any(|(name, _, _)| *name == format!(" port {}", number))
}

impl Ahci {
    /// IDENTIFY DEVICE, polled; returns the LBA48 sector count.
    fn identify(&self) -> Result<u64, BlkError> {
        let data = DmaBuffer::new(512)?;
        let slot = self.slots.claim().ok_or(BlkError::Init("no free slot"))?;
        let segment = Segment {
            phys: data.phys(),
            len: 512,
        };
        *self.issued.lock() |= 1 << slot;
        self.port.issue(slot, ATA_IDENTIFY, 0, 0, &[segment], false);
        let deadline = crate::clock::now_ns() + 5_000_000_000;
        let result = loop {
            self.poll();
            if let Some(result) = self.slots.take(slot) {
                break result;
            }
            if crate::clock::now_ns() > deadline {
                break Err(BlkError::Init("IDENTIFY DEVICE timed out"));
            }
            core::hint::spin_loop();
        };
        result?;
        let sectors: u64 = data.read(200);
        let logical_size_word: u16 = data.read(212);
        if sectors == 0 || logical_size_word & 0xD000 == 0x5000 {
            return Err(BlkError::Init(
                "no LBA48 capacity or sectors other than 512 bytes",
            ));
        }
        Ok(sectors)
    }
}

impl Driver for Ahci {
    fn slots(&self) -> &Slots {
        &self.slots
    }

    fn max_transfer(&self) -> u64 {
        MAX_TRANSFER
    }

    fn max_segments(&self) -> usize {
        MAX_PRDT
    }

    fn submit(&self, slot: u16, request: &Request<'_>) -> Result<(), BlkError> {
        let narrow = !self.wide_dma && request.segments.iter().any(|s| s.phys + s.len > 1 << 32);
        let odd = request
            .segments
            .iter()
            .any(|s| s.phys % 2 != 0 || s.len % 2 != 0);
        if narrow || odd || request.segments.len() > MAX_PRDT {
            return Err(BlkError::BadBuffer);
        }
        let (command, write) = match request.op {
            Op::Read => (ATA_READ_DMA_EXT, false),
            Op::Write => (ATA_WRITE_DMA_EXT, true),
            Op::Flush => (ATA_FLUSH_CACHE_EXT, false),
        };
        // A count of 0 means 65536 sectors in the EXT commands.
        let count = u16::try_from(request.sectors).map_err(|_| BlkError::BadBuffer)?;
        let mut issued = self.issued.lock();
        *issued |= 1 << slot;
        self.port
            .issue(slot, command, request.lba, count, request.segments, write);
        Ok(())
    }

    fn poll(&self) {
        let mut issued = self.issued.lock();
        let status = self.port.registers.read32(PORT_IS);
        self.port.registers.write32(PORT_IS, status);
        self.hba.write32(HBA_IS, 1 << self.number);
        if status & IS_TASK_FILE_ERROR != 0 {
            // The port stopped on the failing command; fail everything it
            // held and restart it.
            let task_file = self.port.registers.read32(PORT_TFD) & 0xFFFF;
            for slot in (0..32u16).filter(|s| *issued & (1 << s) != 0) {
                self.slots.finish(slot, Err(task_file));
            }
            *issued = 0;
            self.port.restart();
            return;
        }
        let pending = self.port.registers.read32(PORT_CI);
        let done = *issued & !pending;
        for slot in (0..32u16).filter(|s| done & (1 << s) != 0) {
            self.slots.finish(slot, Ok(()));
        }
        *issued &= pending;
    }
}
