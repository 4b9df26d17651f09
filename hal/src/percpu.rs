//! Per-CPU data, found through the GS base of each CPU.

use crate::cpu::{rdmsr, wrmsr};
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, Ordering};

/// Most CPUs AIOS brings up.
pub const MAX_CPUS: usize = 64;
/// Thread-local pointers Wasmtime keeps (see `wasm::tls`).
pub const WASM_TLS_SLOTS: usize = 2;
const IA32_GS_BASE: u32 = 0xC000_0101;

/// What the kernel keeps per CPU. All fields are atomics so other CPUs can
/// read them (e.g. for `info`) without locks.
pub struct PerCpu {
    /// Dense CPU index (0 = boot CPU).
    pub index: usize,
    /// Local APIC ID.
    pub apic_id: AtomicU32,
    /// Set once the CPU runs its idle loop.
    pub online: AtomicBool,
    /// Timer interrupts taken.
    pub ticks: AtomicU64,
    /// Interrupts of any kind taken.
    pub interrupts: AtomicU64,
    /// Nanoseconds spent halted in the idle loop, up to the entry of the
    /// interrupt that woke the CPU (its handler counts as work).
    pub idle_ns: AtomicU64,
    /// When the current halt began (ns), 0 while the CPU is not halted.
    idle_since: AtomicU64,
    /// TLB shoot-down requests this CPU has completed.
    pub tlb_flushes: AtomicU64,
    /// Wasmtime's thread-local pointers while it runs on this CPU.
    pub wasm_tls: [AtomicPtr<u8>; WASM_TLS_SLOTS],
}

const fn cpu(index: usize) -> PerCpu {
    PerCpu {
        index,
        apic_id: AtomicU32::new(0),
        online: AtomicBool::new(false),
        ticks: AtomicU64::new(0),
        interrupts: AtomicU64::new(0),
        idle_ns: AtomicU64::new(0),
        idle_since: AtomicU64::new(0),
        tlb_flushes: AtomicU64::new(0),
        wasm_tls: [const { AtomicPtr::new(core::ptr::null_mut()) }; WASM_TLS_SLOTS],
    }
}

static CPUS: [PerCpu; MAX_CPUS] = {
    let mut cpus = [const { cpu(0) }; MAX_CPUS];
    let mut i = 0;
    while i < MAX_CPUS {
        cpus[i] = cpu(i);
        i += 1;
    }
    cpus
};

/// Points this CPU's GS base at its `PerCpu` entry.
pub(crate) fn install(index: usize, apic_id: u32) {
    let Some(entry) = CPUS.get(index) else {
        return;
    };
    entry.apic_id.store(apic_id, Ordering::Relaxed);
    // SAFETY: IA32_GS_BASE exists on every x86_64 CPU; AIOS never uses GS
    // for anything else.
    unsafe { wrmsr(IA32_GS_BASE, entry as *const PerCpu as u64) }
}

/// This CPU's entry, if `install` ran on it.
pub fn try_current() -> Option<&'static PerCpu> {
    // SAFETY: reading IA32_GS_BASE has no side effects.
    let base = unsafe { rdmsr(IA32_GS_BASE) };
    // Arithmetic, not a search: Wasmtime's TLS asks on every host call.
    let offset = base.checked_sub(CPUS.as_ptr() as u64)?;
    let size = core::mem::size_of::<PerCpu>() as u64;
    if !offset.is_multiple_of(size) {
        return None;
    }
    CPUS.get(usize::try_from(offset / size).ok()?)
}

/// This CPU's dense index, if known.
pub fn try_index() -> Option<usize> {
    try_current().map(|c| c.index)
}

/// All per-CPU entries (including CPUs that are not online).
pub fn all() -> &'static [PerCpu] {
    &CPUS
}

/// Halts the calling CPU until the next interrupt, charging the time to
/// its idle counter. The per-CPU main loops call this when there is no
/// work. The halt ends when the interrupt enters (`PerCpu::end_idle`), so
/// the handler's instructions count as work, as Linux counts them (`busy =
/// elapsed - idle` is then the instructions executed, which the `net`
/// benchmark relies on).
pub fn idle() {
    let cpu = try_current();
    // Interrupts stay off from here to the halt: one taken in between
    // would end the idle period before it began, and the halt after it
    // would count as work (STI;HLT then takes a pending one at once).
    crate::cpu::disable_interrupts();
    if let Some(cpu) = cpu {
        cpu.idle_since
            .store(crate::clock::now_ns().max(1), Ordering::Relaxed);
    }
    crate::cpu::wait_for_interrupt();
    if let Some(cpu) = cpu {
        cpu.end_idle();
    }
}

impl PerCpu {
    /// Ends the current halt, if any, adding its length to `idle_ns`.
    /// Runs on this CPU only (the interrupt entry and `idle`).
    pub(crate) fn end_idle(&self) {
        let since = self.idle_since.swap(0, Ordering::Relaxed);
        if since != 0 {
            self.idle_ns.fetch_add(
                crate::clock::now_ns().saturating_sub(since),
                Ordering::Relaxed,
            );
        }
    }
}

/// Nanoseconds all CPUs have spent halted since boot.
pub fn idle_ns_total() -> u64 {
    CPUS.iter()
        .map(|c| c.idle_ns.load(Ordering::Relaxed))
        .fold(0, u64::saturating_add)
}

/// The number of CPUs online.
pub fn online_count() -> usize {
    CPUS.iter()
        .filter(|c| c.online.load(Ordering::Acquire))
        .count()
}
