//! The CPU features compiled agents use: checked with CPUID, and promised
//! to Wasmtime, which on a bare-metal target cannot detect them itself.

use crate::Error;
use wasmtime::Config;

/// Whether this CPU has `feature` (Rust's name for it) and, for the AVX
/// family, whether the OS turned the AVX state on (XCR0). `None` for a
/// name this function does not know.
pub fn has(feature: &str) -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::__cpuid_count;
        let leaf1 = __cpuid_count(1, 0);
        let leaf7 = __cpuid_count(7, 0);
        let extended = __cpuid_count(0x8000_0001, 0);
        let bit = |reg: u32, n: u32| reg & (1 << n) != 0;
        let avx_state = bit(leaf1.ecx, 27) && xcr0() & 0b110 == 0b110;
        Some(match feature {
            "sse3" => bit(leaf1.ecx, 0),
            "ssse3" => bit(leaf1.ecx, 9),
            "sse4.1" => bit(leaf1.ecx, 19),
            "sse4.2" => bit(leaf1.ecx, 20),
            "popcnt" => bit(leaf1.ecx, 23),
            "cmpxchg16b" => bit(leaf1.ecx, 13),
            "avx" => bit(leaf1.ecx, 28) && avx_state,
            "fma" => bit(leaf1.ecx, 12) && avx_state,
            "avx2" => bit(leaf7.ebx, 5) && avx_state,
            "bmi1" => bit(leaf7.ebx, 3),
            "bmi2" => bit(leaf7.ebx, 8),
            "lzcnt" => bit(extended.ecx, 5),
            _ => return None,
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = feature;
        None
    }
}

/// XCR0: which register states the OS enabled (0 without OSXSAVE).
#[cfg(target_arch = "x86_64")]
fn xcr0() -> u64 {
    use core::arch::x86_64::__cpuid_count;
    if __cpuid_count(1, 0).ecx & (1 << 27) == 0 {
        return 0;
    }
    let (low, high): (u32, u32);
    // SAFETY: CPUID.1:ECX.OSXSAVE is set (checked above), so CR4.OSXSAVE
    // is on and XGETBV with ECX = 0 is defined; it reads a register only.
    unsafe {
        core::arch::asm!(
            "xgetbv",
            in("ecx") 0u32,
            out("eax") low,
            out("edx") high,
            options(nomem, nostack, preserves_flags)
        );
    }
    u64::from(high) << 32 | u64::from(low)
}

/// Fails naming the first of `features` this CPU lacks.
pub(crate) fn require(features: &'static [&'static str]) -> Result<(), Error> {
    match features.iter().find(|f| has(f) != Some(true)) {
        Some(missing) => Err(Error::MissingCpuFeature(missing)),
        None => Ok(()),
    }
}

/// Tells Wasmtime how to check CPU features, and that float arguments in
/// vector registers are fine although the kernel is built soft-float.
pub(crate) fn promise(config: &mut Config) {
    // SAFETY: `has` answers from CPUID and XCR0, so Wasmtime refuses any
    // artifact using a feature this CPU (or its OS state) lacks. The float
    // ABI promise holds because the settings require SSE4.1, FMA and AVX,
    // so compiled code makes no float-argument calls into the soft-float
    // kernel (no libcalls for rounding or fused multiply-add), and no
    // syscall takes or returns a float.
    unsafe {
        config.detect_host_feature(has);
        config.x86_float_abi_ok(true);
    }
}
