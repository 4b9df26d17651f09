//! The local APIC (xAPIC, memory-mapped): per-CPU timer, end of
//! interrupt, and the inter-processor interrupts used to start CPUs.

use crate::interrupts::{SPURIOUS_VECTOR, TIMER_VECTOR};
use core::sync::atomic::{AtomicU64, Ordering};

const REG_ID: u64 = 0x20;
const REG_EOI: u64 = 0xB0;
const REG_SPURIOUS: u64 = 0xF0;
const REG_ICR_LOW: u64 = 0x300;
const REG_ICR_HIGH: u64 = 0x310;
const REG_LVT_TIMER: u64 = 0x320;
const REG_TIMER_INITIAL: u64 = 0x380;
const REG_TIMER_CURRENT: u64 = 0x390;
const REG_TIMER_DIVIDE: u64 = 0x3E0;
const IA32_APIC_BASE: u32 = 0x1B;

/// Virtual address of the local APIC registers (0 until `init`).
static BASE: AtomicU64 = AtomicU64::new(0);

fn read(reg: u64) -> u32 {
    let base = BASE.load(Ordering::Acquire);
    if base == 0 {
        return 0;
    }
    // SAFETY: `base` maps the 4 KiB local APIC register page uncached
    // (set up in `init`); `reg` is a register offset inside it, 16-byte
    // aligned, accessed as the 32-bit register the SDM defines.
    unsafe { core::ptr::read_volatile((base + reg) as *const u32) }
}

fn write(reg: u64, value: u32) {
    let base = BASE.load(Ordering::Acquire);
    if base == 0 {
        return;
    }
    // SAFETY: as in `read`.
    unsafe { core::ptr::write_volatile((base + reg) as *mut u32, value) }
}

/// Maps the local APIC (once, on the boot CPU) and enables it on the
/// calling CPU with the spurious vector set. Returns this CPU's APIC ID.
pub(crate) fn enable() -> Result<u32, crate::paging::MapError> {
    if BASE.load(Ordering::Acquire) == 0 {
        // SAFETY: IA32_APIC_BASE exists on every x86_64 CPU.
        let phys = unsafe { crate::cpu::rdmsr(IA32_APIC_BASE) } & 0x000F_FFFF_FFFF_F000;
        let virt = crate::paging::map_mmio(phys, 4096)?;
        BASE.store(virt, Ordering::Release);
    }
    write(REG_SPURIOUS, 0x100 | u32::from(SPURIOUS_VECTOR));
    Ok(read(REG_ID) >> 24)
}

/// Signals the end of the current interrupt.
pub(crate) fn end_of_interrupt() {
    write(REG_EOI, 0);
}

/// Starts the timer counting down from its maximum, one-shot, masked;
/// used while calibrating against the PIT.
pub(crate) fn start_calibration_count() {
    write(REG_TIMER_DIVIDE, 0x3);
    write(REG_LVT_TIMER, 1 << 16);
    write(REG_TIMER_INITIAL, u32::MAX);
}

/// Ticks left in the calibration count-down.
pub(crate) fn current_count() -> u32 {
    read(REG_TIMER_CURRENT)
}

/// Starts the periodic timer interrupt: `initial` ticks (divide by 16) per
/// period.
pub(crate) fn start_periodic(initial: u32) {
    write(REG_TIMER_DIVIDE, 0x3);
    write(REG_LVT_TIMER, (1 << 17) | u32::from(TIMER_VECTOR));
    write(REG_TIMER_INITIAL, initial.max(1));
}

fn wait_icr_idle() {
    let mut spins = 0u32;
    while read(REG_ICR_LOW) & (1 << 12) != 0 && spins < 1_000_000 {
        spins += 1;
        core::hint::spin_loop();
    }
}

/// Sends an INIT IPI to the CPU with local APIC ID `apic_id`.
pub(crate) fn send_init(apic_id: u32) {
    write(REG_ICR_HIGH, apic_id << 24);
    write(REG_ICR_LOW, 0x4500);
    wait_icr_idle();
}

/// Sends a STARTUP IPI: the CPU starts in real mode at `page << 12`.
pub(crate) fn send_startup(apic_id: u32, page: u8) {
    write(REG_ICR_HIGH, apic_id << 24);
    write(REG_ICR_LOW, 0x4600 | u32::from(page));
    wait_icr_idle();
}

/// Sends fixed interrupt `vector` to every CPU except the caller.
pub(crate) fn send_ipi_all_but_self(vector: u8) {
    write(REG_ICR_HIGH, 0);
    write(REG_ICR_LOW, (0b11 << 18) | u32::from(vector));
    wait_icr_idle();
}

/// Sends fixed interrupt `vector` to the CPU with local APIC ID `apic_id`.
pub(crate) fn send_ipi(apic_id: u32, vector: u8) {
    write(REG_ICR_HIGH, apic_id << 24);
    write(REG_ICR_LOW, u32::from(vector));
    wait_icr_idle();
}
