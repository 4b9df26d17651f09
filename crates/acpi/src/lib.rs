//! Parser for the ACPI tables AIOS needs (RSDP, XSDT/RSDT, MADT, FADT, MCFG, HPET, DSDT/SSDT `\_S5`).
//!
//! Firmware memory is read through [`PhysMemory`], so the parser runs unchanged
//! in the kernel and on the host against fake memory. Every byte read is
//! treated as untrusted: reads are bounds-checked, lengths are capped, and a
//! malformed table is skipped and recorded in [`AcpiInfo::skipped`] instead of
//! failing the whole parse. Only an unusable RSDP or root table is fatal.
#![no_std]

extern crate alloc;

mod aml;
mod bytes;
mod error;
mod fadt;
mod hpet;
mod info;
mod madt;
mod mcfg;
mod memory;
mod parse;
mod rsdp;
mod table;

pub use error::Error;
pub use info::{
    AcpiInfo, Cpu, Ecam, InterruptOverride, IoApic, PmTimer, ResetRegister, SkippedTable,
    SleepType, TableInfo,
};
pub use memory::PhysMemory;
pub use parse::parse;
pub use rsdp::find_rsdp;
