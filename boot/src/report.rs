//! Console output: the banner, progress lines, and the refusal that ends a
//! failed boot. OVMF mirrors the console to the serial port.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, Ordering};

use uefi::system;

use crate::error::BootError;

/// Set once boot services are exited: the console is gone with them.
static CONSOLE_GONE: AtomicBool = AtomicBool::new(false);

/// Stops all printing; called just before exiting boot services.
pub fn console_gone() {
    CONSOLE_GONE.store(true, Ordering::SeqCst);
}

/// Prints `AIOS boot: loader <version>`.
pub fn banner() {
    note(format_args!("loader {}", env!("CARGO_PKG_VERSION")));
}

/// Prints one `AIOS boot: ...` line while boot services are up.
pub fn note(args: fmt::Arguments) {
    if CONSOLE_GONE.load(Ordering::SeqCst) {
        return;
    }
    system::with_stdout(|out| {
        // A console that fails to print leaves nothing better to do.
        let _ = writeln!(out, "AIOS boot: {args}");
    });
}

/// The first eight bytes of a digest as 16 hex digits.
pub struct HexPrefix<'a>(pub &'a [u8; 32]);

impl fmt::Display for HexPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0[..8].iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Prints `AIOS boot: REFUSED: <reason>` and halts forever: a refused boot
/// never reaches the kernel.
pub fn refuse(error: &BootError) -> ! {
    note(format_args!("REFUSED: {error}"));
    halt_forever()
}

/// Stops this CPU for good (the watchdog is disarmed, interrupts masked).
pub fn halt_forever() -> ! {
    loop {
        // SAFETY: `cli; hlt` masks interrupts and stops the CPU; it touches
        // no memory. The loop only guards against a non-maskable wake-up.
        unsafe { core::arch::asm!("cli", "hlt", options(nomem, nostack)) };
    }
}
