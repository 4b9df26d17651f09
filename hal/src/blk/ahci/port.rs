//! One AHCI port with a SATA disk: command list, received-FIS area and
//! one command table per slot; commands are issued and reaped by slot bit.

use crate::dma::{DmaBuffer, DmaError, Segment};
use crate::pci::Mmio;

pub(super) const PORT_IS: u64 = 0x10;
pub(super) const PORT_IE: u64 = 0x14;
const PORT_CMD: u64 = 0x18;
pub(super) const PORT_TFD: u64 = 0x20;
const PORT_SIG: u64 = 0x24;
const PORT_SERR: u64 = 0x30;
pub(super) const PORT_CI: u64 = 0x38;
const CMD_START: u32 = 1;
const CMD_FIS_RECEIVE: u32 = 1 << 4;
const CMD_FIS_RUNNING: u32 = 1 << 14;
const CMD_LIST_RUNNING: u32 = 1 << 15;
/// Device-to-host FIS, PIO setup, set-device-bits, descriptor processed,
/// and the error interrupts (interface, host bus, task file).
const INTERRUPTS: u32 = 0x7800_002B;

/// Physical region descriptors per command table, and the table stride.
pub(super) const MAX_PRDT: usize = 48;
const TABLE_STRIDE: usize = 1024;

/// The DMA structures of one port.
pub(super) struct Port {
    pub registers: Mmio,
    list: DmaBuffer,
    fis: DmaBuffer,
    tables: DmaBuffer,
}

impl Port {
    /// Stops the port, gives it fresh structures for `slots` commands and
    /// starts it with interrupts enabled.
    pub fn start(registers: Mmio, slots: usize) -> Result<Port, DmaError> {
        let port = Port {
            registers,
            list: DmaBuffer::new(1024)?,
            fis: DmaBuffer::new(256)?,
            tables: DmaBuffer::new(slots * TABLE_STRIDE)?,
        };
        port.stop();
        for slot in 0..slots {
            let table = port.tables.phys() + (slot * TABLE_STRIDE) as u64;
            port.list.write(slot * 32 + 8, table);
        }
        port.registers.write64(0x00, port.list.phys());
        port.registers.write64(0x08, port.fis.phys());
        port.restart();
        Ok(port)
    }

    /// Waits (up to 100 ms) for the device signature; true if it is
    /// `expected`.
    pub fn wait_signature(&self, expected: u32) -> bool {
        let deadline = crate::clock::now_ns() + 100_000_000;
        loop {
            let signature = self.registers.read32(PORT_SIG);
            if signature != u32::MAX || crate::clock::now_ns() > deadline {
                return signature == expected;
            }
            core::hint::spin_loop();
        }
    }

    /// Masks the port's interrupts, clears ST and FRE and waits (bounded)
    /// for the engines to stop. A port left stopped (no ATA disk: an ATAPI
    /// drive, say) must not raise interrupts nobody clears: with one MSI for
    /// the whole HBA, its pending status would re-raise the vector forever.
    pub fn stop(&self) {
        self.registers.write32(PORT_IE, 0);
        self.registers.write32(PORT_IS, u32::MAX);
        let cmd = self.registers.read32(PORT_CMD);
        self.registers
            .write32(PORT_CMD, cmd & !(CMD_START | CMD_FIS_RECEIVE));
        let deadline = crate::clock::now_ns() + 500_000_000;
        while self.registers.read32(PORT_CMD) & (CMD_LIST_RUNNING | CMD_FIS_RUNNING) != 0
            && crate::clock::now_ns() < deadline
        {
            core::hint::spin_loop();
        }
    }

    /// Clears errors and pending interrupts and (re)starts the port; used
    /// at start and to recover after a task-file error.
    pub fn restart(&self) {
        self.stop();
        self.registers.write32(PORT_SERR, u32::MAX);
        self.registers.write32(PORT_IS, u32::MAX);
        let cmd = self.registers.read32(PORT_CMD) | CMD_FIS_RECEIVE;
        self.registers.write32(PORT_CMD, cmd);
        self.registers.write32(PORT_CMD, cmd | CMD_START);
        self.registers.write32(PORT_IE, INTERRUPTS);
    }

    /// Fills slot `slot`'s header and table for ATA `command` and issues
    /// it. `write` marks host-to-device data.
    pub fn issue(
        &self,
        slot: u16,
        command: u8,
        lba: u64,
        count: u16,
        data: &[Segment],
        write: bool,
    ) {
        let slot_index = usize::from(slot);
        let table = slot_index * TABLE_STRIDE;
        #[rustfmt::skip]
        let fis: [u8; 20] = [
            0x27, 0x80, command, 0,
            lba as u8, (lba >> 8) as u8, (lba >> 16) as u8, 0x40,
            (lba >> 24) as u8, (lba >> 32) as u8, (lba >> 40) as u8, 0,
            count as u8, (count >> 8) as u8, 0, 0,
            0, 0, 0, 0,
        ];
        for (i, byte) in fis.iter().enumerate() {
            self.tables.write(table + i, *byte);
        }
        for (i, segment) in data.iter().enumerate() {
            let entry = table + 0x80 + 16 * i;
            self.tables.write(entry, segment.phys);
            self.tables.write(entry + 8, 0u32);
            self.tables
                .write(entry + 12, (segment.len as u32).wrapping_sub(1) & 0x3F_FFFF);
        }
        let flags = 5 | if write { 1 << 6 } else { 0 } | ((data.len() as u32) << 16);
        self.list.write(slot_index * 32, flags);
        self.list.write(slot_index * 32 + 4, 0u32);
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
        self.registers.write32(PORT_CI, 1 << slot);
    }
}
