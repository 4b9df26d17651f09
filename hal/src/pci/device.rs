//! One PCI function: its address, identity and configuration registers.

use super::config;
use core::fmt;

/// Where a function sits: segment, bus, device, function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address {
    /// PCI segment group.
    pub segment: u16,
    /// Bus number.
    pub bus: u8,
    /// Device number (0..32).
    pub device: u8,
    /// Function number (0..8).
    pub function: u8,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segment != 0 {
            write!(f, "{:04x}:", self.segment)?;
        }
        write!(f, "{:02x}:{:02x}.{}", self.bus, self.device, self.function)
    }
}

/// A present PCI function with its configuration page mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PciDevice {
    /// Where it is.
    pub address: Address,
    /// Vendor ID.
    pub vendor: u16,
    /// Device ID.
    pub device: u16,
    /// Base class code.
    pub class: u8,
    /// Subclass code.
    pub subclass: u8,
    /// Programming interface.
    pub prog_if: u8,
    /// Header type (0 = endpoint, 1 = PCI-to-PCI bridge), without the
    /// multi-function bit.
    pub header_type: u8,
    /// Virtual address of the 4 KiB configuration page.
    pub(super) page: u64,
}

impl PciDevice {
    /// Reads the function at `phys` (its config page) if one is present.
    pub(super) fn probe(address: Address, phys: u64) -> Option<PciDevice> {
        let page = config::map_function(phys)?;
        let id = config::read_dword(page, 0);
        let vendor = id as u16;
        if vendor == 0xFFFF || vendor == 0 {
            return None;
        }
        let class = config::read_dword(page, 8);
        let header = config::read_dword(page, 0x0C);
        Some(PciDevice {
            address,
            vendor,
            device: (id >> 16) as u16,
            class: (class >> 24) as u8,
            subclass: (class >> 16) as u8,
            prog_if: (class >> 8) as u8,
            header_type: ((header >> 16) as u8) & 0x7F,
            page,
        })
    }

    /// True if function 0 says the device has more functions.
    pub(super) fn multi_function(&self) -> bool {
        config::read_dword(self.page, 0x0C) & (1 << 23) != 0
    }

    /// Reads a configuration byte.
    pub fn read8(&self, offset: u16) -> u8 {
        (self.read32(offset) >> ((offset & 3) * 8)) as u8
    }

    /// Reads a configuration word (`offset` even).
    pub fn read16(&self, offset: u16) -> u16 {
        (self.read32(offset) >> ((offset & 2) * 8)) as u16
    }

    /// Reads a configuration dword (`offset` rounded down to 4).
    pub fn read32(&self, offset: u16) -> u32 {
        config::read_dword(self.page, offset & 0xFFC)
    }

    /// Writes a configuration dword. Crate-only: a BAR or bridge window
    /// written carelessly could place device registers over RAM.
    pub(crate) fn write32(&self, offset: u16, value: u32) {
        config::write_dword(self.page, offset & 0xFFC, value);
    }

    /// Writes a configuration word (`offset` even), keeping its neighbour.
    pub(crate) fn write16(&self, offset: u16, value: u16) {
        let shift = (offset & 2) * 8;
        let old = self.read32(offset);
        let new = (old & !(0xFFFF << shift)) | (u32::from(value) << shift);
        self.write32(offset, new);
    }

    /// The command register.
    pub fn command(&self) -> u16 {
        self.read16(0x04)
    }

    /// Sets bits of the command register (see [`super::COMMAND_MEMORY`]
    /// and friends); the status half is written as zero, so no status bit
    /// is cleared by accident.
    pub fn enable(&self, bits: u16) {
        let command = self.command() | bits;
        self.write32(0x04, u32::from(command));
    }

    /// Clears bits of the command register, e.g. bus mastering to stop a
    /// device that no longer answers from touching memory.
    pub fn disable(&self, bits: u16) {
        let command = self.command() & !bits;
        self.write32(0x04, u32::from(command));
    }

    /// For a bridge (header type 1): its secondary and subordinate buses.
    pub fn bridge_buses(&self) -> Option<(u8, u8)> {
        if self.header_type != 1 {
            return None;
        }
        let buses = self.read32(0x18);
        Some(((buses >> 8) as u8, (buses >> 16) as u8))
    }
}
