//! x86 port I/O. Crate-private: drivers in `hal` wrap it in safe APIs.

use core::arch::asm;

/// Writes a byte to an I/O port.
///
/// # Safety
/// The port must belong to a device this caller drives; writing may have
/// any side effect the device defines.
pub(crate) unsafe fn outb(port: u16, value: u8) {
    // SAFETY: the caller guarantees the port write is meaningful and safe.
    unsafe {
        asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack, preserves_flags))
    }
}

/// Reads a byte from an I/O port.
///
/// # Safety
/// As for [`outb`]: reads can have side effects (e.g. popping a FIFO).
pub(crate) unsafe fn inb(port: u16) -> u8 {
    let value: u8;
    // SAFETY: the caller guarantees the port read is meaningful and safe.
    unsafe {
        asm!("in al, dx", out("al") value, in("dx") port, options(nomem, nostack, preserves_flags))
    }
    value
}

/// Writes a 16-bit word to an I/O port.
///
/// # Safety
/// As for [`outb`].
pub(crate) unsafe fn outw(port: u16, value: u16) {
    // SAFETY: the caller guarantees the port write is meaningful and safe.
    unsafe {
        asm!("out dx, ax", in("dx") port, in("ax") value, options(nomem, nostack, preserves_flags))
    }
}
