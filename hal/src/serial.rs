//! The 16550 UART on COM1: the kernel log and the console line.

use crate::port::{inb, outb};
use core::sync::atomic::{AtomicBool, Ordering};
use spin::Mutex;

const COM1: u16 = 0x3F8;
const LINE_STATUS: u16 = COM1 + 5;

static INITIALISED: AtomicBool = AtomicBool::new(false);
static WRITER: Mutex<()> = Mutex::new(());

/// Programs COM1 for 115200 baud, 8N1, no interrupts. Idempotent.
///
/// The FIFO control register is left as the firmware set it: toggling the
/// FIFO enable bit clears the receive FIFO, which would lose console input
/// typed (or piped) before the kernel started.
pub fn init() {
    if INITIALISED.swap(true, Ordering::AcqRel) {
        return;
    }
    // SAFETY: COM1 is the platform UART owned by this module only.
    unsafe {
        outb(COM1 + 1, 0x00);
        outb(COM1 + 3, 0x80);
        outb(COM1, 0x01);
        outb(COM1 + 1, 0x00);
        outb(COM1 + 3, 0x03);
        outb(COM1 + 4, 0x03);
    }
}

fn write_raw(byte: u8) {
    // SAFETY: polling the line status and writing the transmit register of
    // COM1, which this module owns.
    unsafe {
        let mut spins = 0u32;
        while inb(LINE_STATUS) & 0x20 == 0 && spins < 100_000 {
            spins += 1;
        }
        outb(COM1, byte);
    }
}

/// Writes bytes as one unit (no interleaving with other CPUs); `\n`
/// becomes `\r\n`.
pub fn write_bytes(bytes: &[u8]) {
    let _guard = WRITER.lock();
    for &b in bytes {
        if b == b'\n' {
            write_raw(b'\r');
        }
        write_raw(b);
    }
}

/// Writes without taking the lock: for panic and fault reports, when the
/// lock holder may be the code that failed.
pub fn write_bytes_unlocked(bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' {
            write_raw(b'\r');
        }
        write_raw(b);
    }
}

/// Returns a received byte, if one is waiting.
pub fn try_read() -> Option<u8> {
    // SAFETY: reading COM1's line status and receive registers.
    unsafe { (inb(LINE_STATUS) & 1 != 0).then(|| inb(COM1)) }
}

/// A `core::fmt::Write` sink on the serial port (unlocked per call; wrap
/// whole messages with [`write_bytes`] where interleaving matters).
pub struct SerialWriter;

impl core::fmt::Write for SerialWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// A `core::fmt::Write` sink that never takes the serial lock: for fault
/// and panic reports.
pub struct UnlockedWriter;

impl core::fmt::Write for UnlockedWriter {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        write_bytes_unlocked(s.as_bytes());
        Ok(())
    }
}
