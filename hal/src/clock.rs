//! The monotonic clock (TSC, calibrated in nanoseconds) and the periodic
//! local APIC timer, both calibrated once against the 8254 PIT.

use crate::port::{inb, outb};
use core::sync::atomic::{AtomicU64, Ordering};

const PIT_HZ: u64 = 1_193_182;
/// Calibration window: 2 ms of PIT channel 2 (2386 ticks). Short, because
/// every instruction spent here counts against the boot budget, yet long
/// enough for a 0.05 % reading of the TSC.
const CALIBRATION_PIT_TICKS: u16 = 2386;
/// Timer interrupts per second on every CPU.
pub const TIMER_HZ: u64 = 100;

static TSC_HZ: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds per TSC tick as a 32.32 fixed-point factor, so converting
/// ticks to time is a multiply and a shift, not a 128-bit division (the
/// clock is read several times per agent slice and syscall).
static NS_PER_TICK_FIXED: AtomicU64 = AtomicU64::new(0);
static TSC_AT_BOOT: AtomicU64 = AtomicU64::new(0);
static APIC_TICKS_PER_PERIOD: AtomicU64 = AtomicU64::new(0);

/// What calibration measured.
#[derive(Debug, Clone, Copy)]
pub struct Calibration {
    /// TSC frequency in Hz.
    pub tsc_hz: u64,
    /// Local APIC timer ticks (divide by 16) per second.
    pub apic_timer_hz: u64,
}

/// Calibrates the TSC and the local APIC timer against the PIT. Runs once,
/// on the boot CPU, with the local APIC enabled and interrupts off.
pub(crate) fn calibrate() -> Calibration {
    // SAFETY: ports 0x61 (PIT gate/status) and 0x42/0x43 (PIT channel 2)
    // belong to the PIT, which only this module uses, and only at boot.
    let (tsc_delta, apic_delta) = unsafe {
        let gate = inb(0x61);
        outb(0x61, (gate & !0x02) | 0x01);
        outb(0x43, 0b1011_0000);
        outb(0x42, CALIBRATION_PIT_TICKS as u8);
        outb(0x42, (CALIBRATION_PIT_TICKS >> 8) as u8);
        let gate = inb(0x61) & !0x01;
        outb(0x61, gate);
        outb(0x61, gate | 0x01);
        crate::apic::start_calibration_count();
        let apic_start = crate::apic::current_count();
        let tsc_start = crate::cpu::rdtsc();
        let mut spins = 0u64;
        while inb(0x61) & 0x20 == 0 && spins < 50_000_000 {
            spins += 1;
        }
        let tsc_end = crate::cpu::rdtsc();
        let apic_end = crate::apic::current_count();
        (tsc_end - tsc_start, u64::from(apic_start - apic_end))
    };
    let window = u64::from(CALIBRATION_PIT_TICKS);
    let tsc_hz = (tsc_delta * PIT_HZ / window).max(1);
    let apic_timer_hz = (apic_delta * PIT_HZ / window).max(TIMER_HZ);
    TSC_HZ.store(tsc_hz, Ordering::Release);
    NS_PER_TICK_FIXED.store(
        ((1_000_000_000u128 << 32) / u128::from(tsc_hz)) as u64,
        Ordering::Release,
    );
    APIC_TICKS_PER_PERIOD.store(apic_timer_hz / TIMER_HZ, Ordering::Release);
    TSC_AT_BOOT.store(crate::entry::entry_tsc(), Ordering::Release);
    Calibration {
        tsc_hz,
        apic_timer_hz,
    }
}

/// Starts the periodic timer interrupt on the calling CPU.
pub(crate) fn start_timer() {
    let period = APIC_TICKS_PER_PERIOD.load(Ordering::Acquire);
    crate::apic::start_periodic(u32::try_from(period).unwrap_or(u32::MAX));
}

/// The calibrated TSC frequency in Hz (0 before calibration).
pub fn tsc_hz() -> u64 {
    TSC_HZ.load(Ordering::Acquire)
}

/// Converts a TSC tick count to nanoseconds (0 before calibration).
pub fn tsc_to_ns(ticks: u64) -> u64 {
    let factor = NS_PER_TICK_FIXED.load(Ordering::Relaxed);
    ((u128::from(ticks) * u128::from(factor)) >> 32) as u64
}

/// Nanoseconds since the kernel was entered; monotonic on every CPU (the
/// TSC is invariant and synchronised on the machines AIOS targets).
pub fn now_ns() -> u64 {
    tsc_to_ns(crate::cpu::rdtsc().saturating_sub(TSC_AT_BOOT.load(Ordering::Acquire)))
}

/// Busy-waits for `ns` nanoseconds.
pub fn spin_ns(ns: u64) {
    let start = now_ns();
    while now_ns().saturating_sub(start) < ns {
        core::hint::spin_loop();
    }
}

/// Makes the calling CPU's timer tick `speedup` times as often (1: the
/// normal rate), for the profiler.
pub(crate) fn set_timer_speedup(speedup: u64) {
    let period = APIC_TICKS_PER_PERIOD.load(Ordering::Acquire) / speedup.max(1);
    crate::apic::start_periodic(u32::try_from(period).unwrap_or(u32::MAX));
}

/// What the timer interrupt calls on every tick besides counting it
/// (the agent runtime's epoch); set once by the kernel.
static TICK_HOOK: spin::Once<fn()> = spin::Once::new();

/// Has `hook` called from the timer interrupt of every CPU, on every tick
/// from now on, and from the wake IPI. The hook runs in interrupt context:
/// it must not allocate, block or take a lock (the runtime's epoch tick is
/// one atomic add). Only the first call sets it.
pub fn on_tick(hook: fn()) {
    TICK_HOOK.call_once(|| hook);
}

/// The wake IPI (work was queued for this CPU): ends a halt, and runs the
/// tick hook so that an agent running here ends its slice and the CPU
/// picks again. The waker may have advanced the epoch itself, but an agent
/// resumed here after that took a deadline beyond it.
pub(crate) fn on_wake(_frame: &crate::interrupts::InterruptFrame) {
    if let Some(hook) = TICK_HOOK.get() {
        hook();
    }
}

/// The timer interrupt: counts ticks per CPU (and feeds the profiler),
/// then runs the tick hook.
pub(crate) fn on_timer(frame: &crate::interrupts::InterruptFrame) {
    crate::profile::record(frame);
    if let Some(cpu) = crate::percpu::try_current() {
        cpu.ticks.fetch_add(1, Ordering::Relaxed);
    }
    if let Some(hook) = TICK_HOOK.get() {
        hook();
    }
}
