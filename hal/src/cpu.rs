//! CPU instructions the rest of the system needs, as safe functions.

use core::arch::asm;
use core::arch::x86_64::{__cpuid_count, _rdtsc};

/// Reads the time-stamp counter.
pub fn rdtsc() -> u64 {
    // SAFETY: RDTSC has no memory effects; CR4.TSD is never set by AIOS.
    unsafe { _rdtsc() }
}

/// CPUID leaf `leaf`, sub-leaf `sub`: (eax, ebx, ecx, edx).
pub fn cpuid(leaf: u32, sub: u32) -> (u32, u32, u32, u32) {
    let r = __cpuid_count(leaf, sub);
    (r.eax, r.ebx, r.ecx, r.edx)
}

/// True if the CPU executes no-execute page bits (EFER.NXE available).
pub fn has_nx() -> bool {
    cpuid(0x8000_0000, 0).0 >= 0x8000_0001 && cpuid(0x8000_0001, 0).3 & (1 << 20) != 0
}

/// Enables maskable interrupts.
pub fn enable_interrupts() {
    // SAFETY: the IDT is loaded before any caller can reach this, so every
    // vector that can fire has a handler.
    unsafe { asm!("sti", options(nomem, nostack)) }
}

/// Disables maskable interrupts.
pub fn disable_interrupts() {
    // SAFETY: CLI only masks interrupts; it cannot break memory safety.
    unsafe { asm!("cli", options(nomem, nostack)) }
}

/// Atomically enables interrupts and halts until the next one arrives.
pub fn wait_for_interrupt() {
    // SAFETY: STI;HLT is the idle idiom: the interrupt shadow of STI makes
    // the pair atomic, so no wake-up is lost.
    unsafe { asm!("sti", "hlt", options(nomem, nostack)) }
}

/// Halts this CPU for good with interrupts off.
pub fn halt_forever() -> ! {
    loop {
        // SAFETY: CLI;HLT stops the CPU; only NMI/SMI wake it, after which
        // we halt again.
        unsafe { asm!("cli", "hlt", options(nomem, nostack)) }
    }
}

/// Reads a model-specific register.
///
/// # Safety
/// The MSR must exist on this CPU (else #GP).
pub(crate) unsafe fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: guaranteed by the caller.
    unsafe { asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack)) }
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Writes a model-specific register.
///
/// # Safety
/// The MSR must exist and the value must not break kernel invariants.
pub(crate) unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") value as u32, in("edx") (value >> 32) as u32,
             options(nostack))
    }
}

/// The faulting address of the last page fault.
pub(crate) fn read_cr2() -> u64 {
    let v: u64;
    // SAFETY: reading CR2 has no side effects.
    unsafe { asm!("mov {}, cr2", out(reg) v, options(nomem, nostack, preserves_flags)) }
    v
}

/// The physical address of the active top-level page table.
pub(crate) fn read_cr3() -> u64 {
    let v: u64;
    // SAFETY: reading CR3 has no side effects.
    unsafe { asm!("mov {}, cr3", out(reg) v, options(nomem, nostack, preserves_flags)) }
    v & 0x000F_FFFF_FFFF_F000
}

/// Reloads CR3, flushing all non-global TLB entries of this CPU.
pub(crate) fn flush_tlb() {
    let v: u64;
    // SAFETY: writing back the current CR3 keeps the same address space.
    unsafe {
        asm!("mov {0}, cr3", "mov cr3, {0}", out(reg) v, options(nostack, preserves_flags));
    }
    let _ = v;
}

/// Invalidates the TLB entry for one virtual address on this CPU.
pub(crate) fn invlpg(virt: u64) {
    // SAFETY: INVLPG only drops a cached translation.
    unsafe { asm!("invlpg [{}]", in(reg) virt, options(nostack, preserves_flags)) }
}

/// Turns on no-execute page protection (EFER.NXE) if the CPU has it.
pub(crate) fn enable_nx() {
    const IA32_EFER: u32 = 0xC000_0080;
    if has_nx() {
        // SAFETY: EFER exists on every x86_64 CPU, and NXE is supported
        // (checked); setting it only enables the NX page bit.
        unsafe { wrmsr(IA32_EFER, rdmsr(IA32_EFER) | (1 << 11)) }
    }
}

/// Executes `int3`: the breakpoint handler reports it and resumes here.
pub fn breakpoint() {
    // SAFETY: the IDT handles vector 3 by counting and returning.
    unsafe { asm!("int3", options(nomem, nostack)) }
}

/// Reads from virtual address 0, which is unmapped once boot finishes:
/// deliberately takes a page fault, to test the fault report path.
pub fn fault_injection_null_read() -> u64 {
    let value: u64;
    // SAFETY: an asm read of address 0 is not a Rust-level null
    // dereference; after `finish_boot` it faults into the exception
    // handler, which reports it and stops the kernel.
    unsafe { asm!("mov {}, qword ptr [0]", out(reg) value, options(nostack, readonly)) }
    value
}
