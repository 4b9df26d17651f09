//! AIOS UEFI loader: reads the kernel, boot bundle and command line from the
//! ESP, verifies them against the ML-DSA-65 key built into this binary,
//! loads the kernel, builds its page tables and `BootInfo`, and enters it.
//! On any failure it prints `AIOS boot: REFUSED: <reason>` and halts.
#![no_std]
#![no_main]

extern crate alloc;

mod elf;
mod error;
mod files;
mod firmware;
mod handoff;
mod load;
mod memmap;
mod pages;
mod paging;
mod report;
mod verify;

use uefi::{Status, boot, entry};

/// The watchdog code passed when disarming the firmware watchdog.
const WATCHDOG_CODE: u64 = 0x1_0000;

#[entry]
fn main() -> Status {
    report::banner();
    // The firmware resets the machine after 5 minutes unless the watchdog is
    // disarmed; a refused boot must stay on screen instead.
    if let Err(e) = boot::set_watchdog_timer(0, WATCHDOG_CODE, None) {
        report::note(format_args!(
            "cannot disarm the watchdog ({:?})",
            e.status()
        ));
    }
    match prepare_boot() {
        Ok(prepared) => handoff::enter(prepared),
        Err(error) => report::refuse(&error),
    }
}

/// Reads, verifies and loads everything the kernel needs.
fn prepare_boot() -> Result<handoff::Prepared, error::BootError<'static>> {
    let files = files::read_all()?;
    let measurements = verify::verify(&files)?;
    let image = elf::KernelElf::parse(&files.kernel)?;
    let kernel = load::load_kernel(&files.kernel, &image)?;
    handoff::prepare(&files, &measurements, &kernel)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    report::refuse(&error::BootError::Panic(info))
}
