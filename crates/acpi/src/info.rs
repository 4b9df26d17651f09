//! What the parser learned from the tables, as plain data for the kernel.

use alloc::vec::Vec;

use crate::error::Error;

/// One processor from the MADT (local APIC or x2APIC entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpu {
    /// ACPI processor UID.
    pub uid: u32,
    /// Local APIC (or x2APIC) ID.
    pub apic_id: u32,
    /// The processor is usable now.
    pub enabled: bool,
    /// The processor is disabled but may be brought online later.
    pub online_capable: bool,
}

/// One I/O APIC from the MADT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoApic {
    /// I/O APIC ID.
    pub id: u8,
    /// Physical address of its registers.
    pub address: u32,
    /// First global system interrupt it handles.
    pub gsi_base: u32,
}

/// An ISA IRQ routed to a different global system interrupt (MADT type 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterruptOverride {
    /// The ISA IRQ.
    pub bus_irq: u8,
    /// The global system interrupt it is wired to.
    pub gsi: u32,
    /// MPS INTI flags: polarity in bits 0–1, trigger mode in bits 2–3.
    pub flags: u16,
}

/// The ACPI power-management timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmTimer {
    /// I/O port of the counter.
    pub port: u16,
    /// The counter is 32 bits wide (else 24).
    pub extended_32bit: bool,
}

/// The FADT reset register: write `value` to `address` to reset the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetRegister {
    /// Generic address space ID: 0 memory, 1 I/O port, 2 PCI configuration.
    pub address_space: u8,
    /// Address within that space.
    pub address: u64,
    /// Byte to write.
    pub value: u8,
}

/// `SLP_TYPa`/`SLP_TYPb` values for the S5 (soft-off) state, from `\_S5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SleepType {
    /// Value for PM1a_CNT.SLP_TYP.
    pub slp_typ_a: u8,
    /// Value for PM1b_CNT.SLP_TYP.
    pub slp_typ_b: u8,
}

/// One PCI Express ECAM window from the MCFG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ecam {
    /// Physical base address (of bus 0 of the segment, as the MCFG defines it).
    pub base: u64,
    /// PCI segment group.
    pub segment: u16,
    /// First bus decoded.
    pub bus_start: u8,
    /// Last bus decoded (inclusive).
    pub bus_end: u8,
}

/// A table the parser looked at, valid or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableInfo {
    /// Signature from the header.
    pub signature: [u8; 4],
    /// Physical address of the header.
    pub phys: u64,
    /// Length from the header.
    pub length: u32,
    /// Revision from the header.
    pub revision: u8,
    /// Whether the bytes sum to zero.
    pub checksum_ok: bool,
}

/// A table that was listed but not used, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedTable {
    /// Physical address it was listed at.
    pub phys: u64,
    /// Why it was skipped.
    pub error: Error,
}

/// Everything AIOS takes from the ACPI tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcpiInfo {
    /// OEM ID from the RSDP.
    pub oem_id: [u8; 6],
    /// RSDP revision (0 for ACPI 1.0, 2 for 2.0 and later).
    pub revision: u8,
    /// Local APIC base, from the 64-bit override entry if present; `None` without a MADT.
    pub local_apic_address: Option<u64>,
    /// Processors in MADT order.
    pub cpus: Vec<Cpu>,
    /// I/O APICs in MADT order.
    pub io_apics: Vec<IoApic>,
    /// ISA interrupt source overrides.
    pub overrides: Vec<InterruptOverride>,
    /// Dual 8259 PICs are present and must be masked (MADT `PCAT_COMPAT`).
    pub legacy_pics: bool,
    /// PM1a control block I/O port.
    pub pm1a_control: Option<u16>,
    /// PM1b control block I/O port.
    pub pm1b_control: Option<u16>,
    /// The PM timer, if the FADT has one in I/O space.
    pub pm_timer: Option<PmTimer>,
    /// The reset register, if the FADT declares it supported.
    pub reset: Option<ResetRegister>,
    /// CMOS RTC index of the century register; 0 if absent.
    pub century: u8,
    /// Physical address of the DSDT.
    pub dsdt: Option<u64>,
    /// The SCI interrupt (an ISA IRQ or GSI).
    pub sci_irq: u16,
    /// Port to write `acpi_enable` to for switching to ACPI mode; 0 if the
    /// machine is already in ACPI mode.
    pub smi_command_port: u32,
    /// Value that enables ACPI mode through `smi_command_port`.
    pub acpi_enable: u8,
    /// S5 sleep type, from the DSDT or else the first SSDT that has one.
    pub s5: Option<SleepType>,
    /// PCI Express ECAM windows.
    pub pci_ecam: Vec<Ecam>,
    /// Physical base of the HPET registers.
    pub hpet_address: Option<u64>,
    /// Every table looked at, in the order visited (root table first).
    pub tables: Vec<TableInfo>,
    /// Tables listed but not used, with the reason.
    pub skipped: Vec<SkippedTable>,
}

impl AcpiInfo {
    /// The processors that are enabled now.
    pub fn enabled_cpus(&self) -> impl Iterator<Item = &Cpu> {
        self.cpus.iter().filter(|cpu| cpu.enabled)
    }
}
