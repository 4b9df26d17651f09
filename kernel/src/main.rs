//! The AIOS kernel: assembles the subsystems and runs the main loop.
#![no_std]
#![no_main]

use aios_hal::BootInfo;

aios_hal::kernel_entry!(kernel_main);

fn kernel_main(_info: &'static BootInfo) -> ! {
    aios_hal::serial::write_bytes(b"AIOS 0.1.0 ready\n");
    aios_hal::power::qemu_exit(0);
    aios_hal::cpu::halt_forever()
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    aios_hal::fatal("panic")
}
