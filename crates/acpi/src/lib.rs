//! Parser for the ACPI tables AIOS needs (RSDP, XSDT, MADT, FADT, MCFG, DSDT _S5).
#![no_std]
