//! The legacy 8259 PICs: remapped away from the exception vectors and
//! fully masked, since AIOS takes interrupts through the APICs only.

use crate::port::outb;

/// First vector of the remapped PICs (0x30..0x3F; all masked).
const PIC_BASE_VECTOR: u8 = 0x30;

/// Remaps both PICs to `PIC_BASE_VECTOR` and masks every line. Without
/// this, the firmware's mapping sends the PIT's IRQ 0 to vector 8, where
/// it would look like a double fault.
pub(crate) fn disable() {
    // SAFETY: ports 0x20/0x21 and 0xA0/0xA1 are the 8259 command and data
    // ports; the sequence is the standard ICW1-ICW4 initialisation,
    // followed by masking all lines.
    unsafe {
        outb(0x20, 0x11);
        outb(0xA0, 0x11);
        outb(0x21, PIC_BASE_VECTOR);
        outb(0xA1, PIC_BASE_VECTOR + 8);
        outb(0x21, 4);
        outb(0xA1, 2);
        outb(0x21, 1);
        outb(0xA1, 1);
        outb(0x21, 0xFF);
        outb(0xA1, 0xFF);
    }
}
