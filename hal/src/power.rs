//! Leaving the machine: ACPI soft-off and QEMU's debug-exit device.

use crate::port::{inb, outb, outw};

/// QEMU `isa-debug-exit` port (`-device isa-debug-exit,iobase=0xf4`).
const DEBUG_EXIT_PORT: u16 = 0xF4;

/// Status written to `isa-debug-exit` after a kernel panic or fault
/// (QEMU exits with `(code << 1) | 1` = 3).
pub const EXIT_PANIC: u8 = 1;
/// Status written when in-kernel tests failed (QEMU exits with 5).
pub const EXIT_TESTS_FAILED: u8 = 2;

/// Asks QEMU to exit with status `(code << 1) | 1`. Returns if there is no
/// such device (real hardware), so callers halt afterwards.
pub fn qemu_exit(code: u8) {
    // SAFETY: port 0xF4 is QEMU's debug-exit device on the machines AIOS
    // is tested on; on other machines no device decodes it and the write
    // is ignored.
    unsafe { outb(DEBUG_EXIT_PORT, code) }
}

/// ACPI sleep registers for soft-off (S5), from the FADT and the DSDT.
#[derive(Debug, Clone, Copy)]
pub struct SoftOff {
    /// PM1a control block I/O port.
    pub pm1a_control: u16,
    /// PM1b control block I/O port, if the platform has one.
    pub pm1b_control: Option<u16>,
    /// `SLP_TYPa` from the `\_S5` package.
    pub slp_typ_a: u8,
    /// `SLP_TYPb` from the `\_S5` package.
    pub slp_typ_b: u8,
    /// SMI command port and value that switch the chipset into ACPI mode.
    pub acpi_enable: Option<(u16, u8)>,
}

/// Enters ACPI S5 (power off). Returns only if the platform ignored it.
pub fn acpi_soft_off(regs: &SoftOff) {
    const SLP_EN: u16 = 1 << 13;
    const SCI_EN: u16 = 1;
    // SAFETY: the ports come from the firmware's FADT, which names them as
    // the PM1 control blocks; writing SLP_TYP|SLP_EN there is the ACPI
    // defined way to power off. The SMI command write is the FADT's own
    // ACPI-enable handshake.
    unsafe {
        if let Some((smi_port, value)) = regs.acpi_enable
            && inb_w(regs.pm1a_control) & SCI_EN == 0
            && smi_port != 0
            && value != 0
        {
            outb(smi_port, value);
            let mut spins = 0;
            while inb_w(regs.pm1a_control) & SCI_EN == 0 && spins < 1_000_000 {
                spins += 1;
            }
        }
        outw(
            regs.pm1a_control,
            (u16::from(regs.slp_typ_a & 7) << 10) | SLP_EN,
        );
        if let Some(port) = regs.pm1b_control {
            outw(port, (u16::from(regs.slp_typ_b & 7) << 10) | SLP_EN);
        }
    }
}

/// Reads a 16-bit PM1 register as two byte reads.
///
/// # Safety
/// `port` must be a PM1 control block from the FADT.
unsafe fn inb_w(port: u16) -> u16 {
    // SAFETY: guaranteed by the caller; reading PM1 control has no effects.
    unsafe { u16::from(inb(port)) | (u16::from(inb(port + 1)) << 8) }
}
