//! CPUID/XCR0 probe: may the AVX2 and FMA micro-kernels run on this CPU, right now?

use core::arch::asm;
use core::arch::x86_64::{__cpuid, __cpuid_count};

/// CPUID.1:ECX bit for FMA3.
const CPUID1_ECX_FMA: u32 = 1 << 12;
/// CPUID.1:ECX bit: the OS has set CR4.OSXSAVE, so `xgetbv` is legal.
const CPUID1_ECX_OSXSAVE: u32 = 1 << 27;
/// CPUID.1:ECX bit for AVX.
const CPUID1_ECX_AVX: u32 = 1 << 28;
/// CPUID.(7,0):EBX bit for AVX2.
const CPUID7_EBX_AVX2: u32 = 1 << 5;
/// XCR0 bits 1 (SSE state) and 2 (AVX upper halves): the OS saves and restores `ymm`.
const XCR0_SSE_AVX: u64 = 0b110;

/// True when the CPU has AVX2 and FMA *and* the OS has enabled the AVX register state
/// (CR4.OSXSAVE and XCR0 bits 1–2). Safe to call at any time: `xgetbv` is only executed
/// once CPUID says it is enabled. In the AIOS kernel this is false until the FPU section
/// code has turned AVX state on.
pub fn avx2_fma_available() -> bool {
    let max_leaf = __cpuid(0).eax;
    if max_leaf < 7 {
        return false;
    }
    let leaf1 = __cpuid(1);
    let needed = CPUID1_ECX_FMA | CPUID1_ECX_OSXSAVE | CPUID1_ECX_AVX;
    if leaf1.ecx & needed != needed {
        return false;
    }
    if read_xcr0() & XCR0_SSE_AVX != XCR0_SSE_AVX {
        return false;
    }
    __cpuid_count(7, 0).ebx & CPUID7_EBX_AVX2 != 0
}

/// Reads XCR0. Only called after CPUID reported OSXSAVE.
fn read_xcr0() -> u64 {
    let low: u32;
    let high: u32;
    // SAFETY: the caller has checked CPUID.1:ECX.OSXSAVE, so CR4.OSXSAVE is set and
    // `xgetbv` with ECX = 0 cannot fault; it only reads XCR0 into EDX:EAX.
    unsafe {
        asm!(
            "xgetbv",
            in("ecx") 0u32,
            out("eax") low,
            out("edx") high,
            options(nomem, nostack, preserves_flags),
        );
    }
    (u64::from(high) << 32) | u64::from(low)
}
