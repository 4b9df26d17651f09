//! The AVX2/FMA `asm!` micro-kernels. Operands are fixed caller-saved general-purpose
//! registers (pointers and counts; `clobber_abi` requires explicit registers); the
//! `ymm` registers are scratch, declared clobbered by `clobber_abi("C")` (all vector
//! registers are caller-saved in the C ABI), so no vector register class is needed and
//! the file also builds for the soft-float kernel target.

use core::arch::asm;

/// Dot product of `n` floats at `a` and `b`: four 8-wide FMA accumulators
/// (32 floats per iteration), then 8 at a time, then a scalar tail.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` floats, and the CPU must support AVX2
/// and FMA with the AVX state enabled (see [`crate::avx2_fma_available`]).
pub unsafe fn dot(a: *const f32, b: *const f32, n: usize) -> f32 {
    let mut result = 0.0f32;
    // SAFETY: the caller guarantees `n` readable floats at `a` and `b` and AVX2/FMA;
    // the asm reads exactly those, writes only `result`, and restores no state
    // beyond the clobbered (caller-saved) vector registers.
    unsafe {
        asm!(
            "vxorps ymm0, ymm0, ymm0",
            "vxorps ymm1, ymm1, ymm1",
            "vxorps ymm2, ymm2, ymm2",
            "vxorps ymm3, ymm3, ymm3",
            "2:",
            "cmp rcx, 32",
            "jb 3f",
            "vmovups ymm4, ymmword ptr [rdi]",
            "vmovups ymm5, ymmword ptr [rdi + 32]",
            "vmovups ymm6, ymmword ptr [rdi + 64]",
            "vmovups ymm7, ymmword ptr [rdi + 96]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rsi]",
            "vfmadd231ps ymm1, ymm5, ymmword ptr [rsi + 32]",
            "vfmadd231ps ymm2, ymm6, ymmword ptr [rsi + 64]",
            "vfmadd231ps ymm3, ymm7, ymmword ptr [rsi + 96]",
            "add rdi, 128",
            "add rsi, 128",
            "sub rcx, 32",
            "jmp 2b",
            "3:",
            "cmp rcx, 8",
            "jb 4f",
            "vmovups ymm4, ymmword ptr [rdi]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rsi]",
            "add rdi, 32",
            "add rsi, 32",
            "sub rcx, 8",
            "jmp 3b",
            "4:",
            "vaddps ymm0, ymm0, ymm1",
            "vaddps ymm2, ymm2, ymm3",
            "vaddps ymm0, ymm0, ymm2",
            "vextractf128 xmm1, ymm0, 1",
            "vaddps xmm0, xmm0, xmm1",
            "vmovhlps xmm1, xmm0, xmm0",
            "vaddps xmm0, xmm0, xmm1",
            "vmovshdup xmm1, xmm0",
            "vaddss xmm0, xmm0, xmm1",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "vmovss xmm4, dword ptr [rdi]",
            "vfmadd231ss xmm0, xmm4, dword ptr [rsi]",
            "add rdi, 4",
            "add rsi, 4",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovss dword ptr [rdx], xmm0",
            "vzeroupper",
            inout("rdi") a => _,
            inout("rsi") b => _,
            inout("rcx") n => _,
            in("rdx") &raw mut result,
            clobber_abi("C"),
            options(nostack),
        );
    }
    result
}

/// Four dot products sharing one row: `out[i] = dot(w, x[i])`, all of length `n`.
/// Each weight load feeds four FMAs (one per `x`), so a matrix row is streamed from
/// memory once per four activations; two accumulator sets hide the FMA latency.
///
/// # Safety
/// `w` and every `x[i]` must be valid for reads of `n` floats, and the CPU must support
/// AVX2 and FMA with the AVX state enabled.
pub unsafe fn dot4(w: *const f32, x: [*const f32; 4], n: usize) -> [f32; 4] {
    let mut out = [0.0f32; 4];
    // SAFETY: the caller guarantees `n` readable floats at `w` and each `x[i]` and
    // AVX2/FMA; the asm reads exactly those and writes the 16 bytes of `out`.
    unsafe {
        asm!(
            "vxorps ymm0, ymm0, ymm0",
            "vxorps ymm1, ymm1, ymm1",
            "vxorps ymm2, ymm2, ymm2",
            "vxorps ymm3, ymm3, ymm3",
            "vxorps ymm8, ymm8, ymm8",
            "vxorps ymm9, ymm9, ymm9",
            "vxorps ymm10, ymm10, ymm10",
            "vxorps ymm11, ymm11, ymm11",
            "2:",
            "cmp rcx, 16",
            "jb 3f",
            "vmovups ymm4, ymmword ptr [rdi]",
            "vmovups ymm5, ymmword ptr [rdi + 32]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rsi]",
            "vfmadd231ps ymm1, ymm4, ymmword ptr [rdx]",
            "vfmadd231ps ymm2, ymm4, ymmword ptr [r8]",
            "vfmadd231ps ymm3, ymm4, ymmword ptr [r9]",
            "vfmadd231ps ymm8, ymm5, ymmword ptr [rsi + 32]",
            "vfmadd231ps ymm9, ymm5, ymmword ptr [rdx + 32]",
            "vfmadd231ps ymm10, ymm5, ymmword ptr [r8 + 32]",
            "vfmadd231ps ymm11, ymm5, ymmword ptr [r9 + 32]",
            "add rdi, 64",
            "add rsi, 64",
            "add rdx, 64",
            "add r8, 64",
            "add r9, 64",
            "sub rcx, 16",
            "jmp 2b",
            "3:",
            "cmp rcx, 8",
            "jb 4f",
            "vmovups ymm4, ymmword ptr [rdi]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rsi]",
            "vfmadd231ps ymm1, ymm4, ymmword ptr [rdx]",
            "vfmadd231ps ymm2, ymm4, ymmword ptr [r8]",
            "vfmadd231ps ymm3, ymm4, ymmword ptr [r9]",
            "add rdi, 32",
            "add rsi, 32",
            "add rdx, 32",
            "add r8, 32",
            "add r9, 32",
            "sub rcx, 8",
            "4:",
            "vaddps ymm0, ymm0, ymm8",
            "vaddps ymm1, ymm1, ymm9",
            "vaddps ymm2, ymm2, ymm10",
            "vaddps ymm3, ymm3, ymm11",
            // Reduce four 8-lane sums to one [s0, s1, s2, s3] vector.
            "vhaddps ymm0, ymm0, ymm1",
            "vhaddps ymm2, ymm2, ymm3",
            "vhaddps ymm0, ymm0, ymm2",
            "vextractf128 xmm1, ymm0, 1",
            "vaddps xmm0, xmm0, xmm1",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "vbroadcastss xmm4, dword ptr [rdi]",
            "vmovss xmm5, dword ptr [rsi]",
            "vinsertps xmm5, xmm5, dword ptr [rdx], 0x10",
            "vinsertps xmm5, xmm5, dword ptr [r8], 0x20",
            "vinsertps xmm5, xmm5, dword ptr [r9], 0x30",
            "vfmadd231ps xmm0, xmm4, xmm5",
            "add rdi, 4",
            "add rsi, 4",
            "add rdx, 4",
            "add r8, 4",
            "add r9, 4",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovups xmmword ptr [r10], xmm0",
            "vzeroupper",
            inout("rdi") w => _,
            inout("rsi") x[0] => _,
            inout("rdx") x[1] => _,
            inout("r8") x[2] => _,
            inout("r9") x[3] => _,
            inout("rcx") n => _,
            in("r10") out.as_mut_ptr(),
            clobber_abi("C"),
            options(nostack),
        );
    }
    out
}

/// `y[i] += a · x[i]` for `n` floats, 32 per iteration, then 8, then a scalar tail.
///
/// # Safety
/// `y` must be valid for reads and writes and `x` for reads of `n` floats, the two must
/// not overlap, and the CPU must support AVX2 and FMA with the AVX state enabled.
pub unsafe fn axpy(y: *mut f32, a: f32, x: *const f32, n: usize) {
    // SAFETY: the caller guarantees `n` floats at `y` (read/write) and `x` (read),
    // not overlapping, and AVX2/FMA; the asm touches only those and reads `a`.
    unsafe {
        asm!(
            "vbroadcastss ymm0, dword ptr [rdx]",
            "2:",
            "cmp rcx, 16",
            "jb 3f",
            "vmovups ymm1, ymmword ptr [rdi]",
            "vmovups ymm2, ymmword ptr [rdi + 32]",
            "vfmadd231ps ymm1, ymm0, ymmword ptr [rsi]",
            "vfmadd231ps ymm2, ymm0, ymmword ptr [rsi + 32]",
            "vmovups ymmword ptr [rdi], ymm1",
            "vmovups ymmword ptr [rdi + 32], ymm2",
            "add rdi, 64",
            "add rsi, 64",
            "sub rcx, 16",
            "jmp 2b",
            "3:",
            "cmp rcx, 8",
            "jb 5f",
            "vmovups ymm1, ymmword ptr [rdi]",
            "vfmadd231ps ymm1, ymm0, ymmword ptr [rsi]",
            "vmovups ymmword ptr [rdi], ymm1",
            "add rdi, 32",
            "add rsi, 32",
            "sub rcx, 8",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "vmovss xmm1, dword ptr [rdi]",
            "vfmadd231ss xmm1, xmm0, dword ptr [rsi]",
            "vmovss dword ptr [rdi], xmm1",
            "add rdi, 4",
            "add rsi, 4",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vzeroupper",
            inout("rdi") y => _,
            inout("rsi") x => _,
            inout("rcx") n => _,
            in("rdx") &raw const a,
            clobber_abi("C"),
            options(nostack),
        );
    }
}
