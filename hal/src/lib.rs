//! The x86_64 hardware layer: the one crate (with `boot`) that holds
//! `unsafe` code. Everything it exports is safe to call.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

pub mod cpu;
pub mod entry;
pub mod memory;
pub mod power;
pub mod serial;

mod port;
mod pvh;

pub use aios_bootinfo::BootInfo;

/// Reports an unrecoverable boot error on the serial port and stops: exits
/// QEMU with the panic status, or halts on real hardware.
pub fn fatal(message: &str) -> ! {
    serial::init();
    serial::write_bytes_unlocked(b"FATAL: ");
    serial::write_bytes_unlocked(message.as_bytes());
    serial::write_bytes_unlocked(b"\n");
    power::qemu_exit(power::EXIT_PANIC);
    cpu::halt_forever()
}
