//! Tests of the ACPI tables as the kernel uses them.

use super::{ensure, ktests};
use alloc::string::String;

ktests!(madt_lists_the_boot_cpu, poweroff_registers_are_known);

fn tables() -> Result<&'static aios_acpi::AcpiInfo, String> {
    crate::acpi::get().ok_or_else(|| String::from("ACPI tables were not parsed"))
}

fn madt_lists_the_boot_cpu() -> Result<(), String> {
    let boot_apic = crate::system::get()
        .ok_or("no system facts")?
        .boot_cpu
        .apic_id;
    ensure!(
        tables()?.enabled_cpus().any(|c| c.apic_id == boot_apic),
        "boot CPU (APIC {}) missing from the MADT",
        boot_apic
    );
    Ok(())
}

fn poweroff_registers_are_known() -> Result<(), String> {
    let t = tables()?;
    ensure!(t.pm1a_control.is_some(), "no PM1a control block");
    ensure!(t.s5.is_some(), "no \\_S5 package found in the DSDT");
    ensure!(
        t.tables.iter().any(|x| &x.signature == b"FACP"),
        "no FADT listed"
    );
    Ok(())
}
