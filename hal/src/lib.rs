//! The x86_64 hardware layer: the one crate (with `boot`) that holds
//! `unsafe` code. Everything it exports is safe to call.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

extern crate alloc;

pub mod blk;
pub mod clock;
pub mod cpu;
pub mod dma;
pub mod entropy;
pub mod entry;
pub mod fpu;
pub mod frames;
pub mod heap;
pub mod interrupts;
pub mod memory;
pub mod net;
pub mod paging;
pub mod pci;
pub mod percpu;
pub mod power;
pub mod profile;
pub mod rtc;
pub mod serial;
pub mod smp;
pub mod wasm;

mod apic;
mod gdt;
mod irqlock;
mod pic;
mod port;
mod pvh;
mod virtio;

pub use aios_bootinfo::BootInfo;

use core::sync::atomic::Ordering;
use spin::Mutex;

static BOOT_CPU_TABLES: Mutex<gdt::CpuTables> = Mutex::new(gdt::CpuTables::new());

/// What bringing up the boot CPU measured.
#[derive(Debug, Clone, Copy)]
pub struct BootCpu {
    /// Timer calibration.
    pub calibration: clock::Calibration,
    /// Physical memory managed by the frame allocator.
    pub frames: frames::FrameStats,
    /// Local APIC ID of the boot CPU.
    pub apic_id: u32,
    /// The vector state the boot CPU turned on.
    pub vectors: fpu::VectorState,
}

/// Why the boot CPU could not be brought up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitError {
    /// The frame allocator could not start.
    Frames(frames::FramesError),
    /// The initial heap could not be mapped.
    Heap,
    /// The local APIC could not be mapped.
    Apic(paging::MapError),
}

/// Brings up the boot CPU: GDT/TSS, IDT, frame allocator, heap, local
/// APIC, calibrated clock and timer; then enables interrupts.
pub fn init_boot_cpu(info: &BootInfo) -> Result<BootCpu, InitError> {
    serial::init();
    spin::MutexGuard::leak(BOOT_CPU_TABLES.lock()).load();
    interrupts::load();
    pic::disable();
    cpu::enable_nx();
    let vectors = fpu::init_cpu();
    let frames = frames::init(info).map_err(InitError::Frames)?;
    heap::init().map_err(|_| InitError::Heap)?;
    let apic_id = apic::enable().map_err(InitError::Apic)?;
    percpu::install(0, apic_id);
    interrupts::set_handler(interrupts::TIMER_VECTOR, clock::on_timer);
    interrupts::set_handler(interrupts::TLB_SHOOTDOWN_VECTOR, paging::on_shootdown);
    interrupts::set_handler(interrupts::WAKE_VECTOR, clock::on_wake);
    let calibration = clock::calibrate();
    clock::start_timer();
    percpu::all()[0].online.store(true, Ordering::Release);
    cpu::enable_interrupts();
    Ok(BootCpu {
        calibration,
        frames,
        apic_id,
        vectors,
    })
}

/// Ends the boot phase once all CPUs run: removes the low identity map
/// used by the boot paths and the AP trampoline.
pub fn finish_boot() {
    paging::drop_identity_map();
}

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
