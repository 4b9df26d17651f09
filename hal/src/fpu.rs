//! Vector state for FPU sections: the kernel is compiled soft-float, so
//! only the hand-written micro-kernels of `aios-simd` touch x87/SSE/AVX
//! registers. Each CPU turns the state on once at start-up; no interrupt
//! handler and no other kernel code uses those registers, and kernel code
//! is never preempted mid-function (agents are preempted by fuel, between
//! Wasm instructions), so an FPU section needs no save or restore: every
//! CPU has the state on from start-up, and a section is any call into the
//! micro-kernels. Were kernel preemption ever added, sections would have
//! to save the state (as Linux's `kernel_fpu_begin` does).

use core::arch::asm;
use core::sync::atomic::{AtomicBool, Ordering};

const CR0_MP: u64 = 1 << 1;
const CR0_EM: u64 = 1 << 2;
const CR0_TS: u64 = 1 << 3;
const CR4_OSFXSR: u64 = 1 << 9;
const CR4_OSXMMEXCPT: u64 = 1 << 10;
const CR4_OSXSAVE: u64 = 1 << 18;
/// XCR0 components: x87, SSE, AVX.
const XCR0_X87_SSE_AVX: u64 = 0b111;

/// Whether every CPU brought up so far enabled AVX.
static AVX_EVERYWHERE: AtomicBool = AtomicBool::new(true);

/// What this CPU now has on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorState {
    /// SSE only (no XSAVE or no AVX): micro-kernels fall back to scalar.
    Sse,
    /// SSE and AVX (YMM registers usable).
    Avx,
}

/// Turns on SSE, and AVX where the CPU has XSAVE and AVX, on this CPU.
/// Called once per CPU while it starts.
pub fn init_cpu() -> VectorState {
    let (_, _, ecx, _) = crate::cpu::cpuid(1, 0);
    let has_xsave = ecx & (1 << 26) != 0;
    let has_avx = ecx & (1 << 28) != 0;
    // SAFETY: clearing EM/TS and setting MP and OSFXSR/OSXMMEXCPT only
    // enables x87/SSE instructions; no memory is involved and the kernel's
    // own code (soft-float) does not depend on them being off.
    unsafe {
        let mut cr0: u64;
        asm!("mov {}, cr0", out(reg) cr0, options(nomem, nostack, preserves_flags));
        cr0 = (cr0 & !(CR0_EM | CR0_TS)) | CR0_MP;
        asm!("mov cr0, {}", in(reg) cr0, options(nomem, nostack, preserves_flags));
        let mut cr4: u64;
        asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack, preserves_flags));
        cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
        if has_xsave {
            cr4 |= CR4_OSXSAVE;
        }
        asm!("mov cr4, {}", in(reg) cr4, options(nomem, nostack, preserves_flags));
        asm!("fninit", options(nomem, nostack));
    }
    if !(has_xsave && has_avx) {
        AVX_EVERYWHERE.store(false, Ordering::Release);
        return VectorState::Sse;
    }
    // The components the CPU supports (CPUID 0Dh, sub-leaf 0, EAX).
    let supported = u64::from(crate::cpu::cpuid(0xD, 0).0);
    let wanted = XCR0_X87_SSE_AVX & supported;
    // SAFETY: CR4.OSXSAVE was set above, so XSETBV is legal; the value only
    // names components the CPU reports, and x87 (bit 0) is always among
    // them, so the #GP cases of XSETBV cannot arise.
    unsafe {
        asm!(
            "xsetbv",
            in("ecx") 0u32,
            in("eax") wanted as u32,
            in("edx") (wanted >> 32) as u32,
            options(nomem, nostack, preserves_flags)
        );
    }
    if wanted == XCR0_X87_SSE_AVX {
        VectorState::Avx
    } else {
        AVX_EVERYWHERE.store(false, Ordering::Release);
        VectorState::Sse
    }
}

/// True if every CPU started so far has AVX state on.
pub fn avx_everywhere() -> bool {
    AVX_EVERYWHERE.load(Ordering::Acquire)
}
