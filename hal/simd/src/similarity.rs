//! Kernels of the memory fabric's vector index: the dot product with the
//! second operand's squared norm (for the bound that screens far nodes),
//! and the dot product of a float vector with 8-bit codes.

use crate::token::Avx2;
use core::arch::asm;

impl Avx2 {
    /// `(dot(a, b), dot(b, b))` in one pass over `b`; `None` when the
    /// lengths differ.
    pub fn dot_and_square(self, a: &[f32], b: &[f32]) -> Option<(f32, f32)> {
        if a.len() != b.len() {
            return None;
        }
        // SAFETY: both slices hold `a.len()` floats and the token proves AVX2/FMA.
        Some(unsafe { dot_and_square(a.as_ptr(), b.as_ptr(), a.len()) })
    }
}

/// `(Σ a[i]·b[i], Σ b[i]²)` over `n` floats, two accumulators for each.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` floats, and the CPU must
/// support AVX2 and FMA with the AVX state enabled.
unsafe fn dot_and_square(a: *const f32, b: *const f32, n: usize) -> (f32, f32) {
    let mut out = [0.0f32; 2];
    // SAFETY: the caller guarantees `n` readable floats at `a` and `b` and
    // AVX2/FMA; the asm reads exactly those and writes the 8 bytes of `out`.
    unsafe {
        asm!(
            "vxorps ymm0, ymm0, ymm0",
            "vxorps ymm1, ymm1, ymm1",
            "vxorps ymm2, ymm2, ymm2",
            "vxorps ymm3, ymm3, ymm3",
            "2:",
            "cmp rcx, 16",
            "jb 3f",
            "vmovups ymm4, ymmword ptr [rsi]",
            "vmovups ymm5, ymmword ptr [rsi + 32]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rdi]",
            "vfmadd231ps ymm1, ymm5, ymmword ptr [rdi + 32]",
            "vfmadd231ps ymm2, ymm4, ymm4",
            "vfmadd231ps ymm3, ymm5, ymm5",
            "add rdi, 64",
            "add rsi, 64",
            "sub rcx, 16",
            "jmp 2b",
            "3:",
            "cmp rcx, 8",
            "jb 4f",
            "vmovups ymm4, ymmword ptr [rsi]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rdi]",
            "vfmadd231ps ymm2, ymm4, ymm4",
            "add rdi, 32",
            "add rsi, 32",
            "sub rcx, 8",
            "4:",
            "vaddps ymm0, ymm0, ymm1",
            "vaddps ymm2, ymm2, ymm3",
            "vextractf128 xmm1, ymm0, 1",
            "vaddps xmm0, xmm0, xmm1",
            "vmovhlps xmm1, xmm0, xmm0",
            "vaddps xmm0, xmm0, xmm1",
            "vmovshdup xmm1, xmm0",
            "vaddss xmm0, xmm0, xmm1",
            "vextractf128 xmm3, ymm2, 1",
            "vaddps xmm2, xmm2, xmm3",
            "vmovhlps xmm3, xmm2, xmm2",
            "vaddps xmm2, xmm2, xmm3",
            "vmovshdup xmm3, xmm2",
            "vaddss xmm2, xmm2, xmm3",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "vmovss xmm4, dword ptr [rsi]",
            "vfmadd231ss xmm0, xmm4, dword ptr [rdi]",
            "vfmadd231ss xmm2, xmm4, xmm4",
            "add rdi, 4",
            "add rsi, 4",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovss dword ptr [rdx], xmm0",
            "vmovss dword ptr [rdx + 4], xmm2",
            "vzeroupper",
            inout("rdi") a => _,
            inout("rsi") b => _,
            inout("rcx") n => _,
            in("rdx") out.as_mut_ptr(),
            clobber_abi("C"),
            options(nostack),
        );
    }
    (out[0], out[1])
}

impl Avx2 {
    /// `Σ a[i] · codes[i]` (the codes widened to floats); `None` when the
    /// lengths differ. The vector index's distance to 8-bit codes.
    pub fn dot_codes(self, a: &[f32], codes: &[i8]) -> Option<f32> {
        if a.len() != codes.len() {
            return None;
        }
        // SAFETY: `a` holds `a.len()` floats and `codes` as many bytes; the
        // token proves AVX2/FMA.
        Some(unsafe { dot_codes(a.as_ptr(), codes.as_ptr(), a.len()) })
    }
}

/// `Σ a[i] · codes[i]` over `n` elements, four accumulators of 8 lanes.
///
/// # Safety
/// `a` must be valid for reads of `n` floats and `codes` of `n` bytes, and
/// the CPU must support AVX2 and FMA with the AVX state enabled.
unsafe fn dot_codes(a: *const f32, codes: *const i8, n: usize) -> f32 {
    let mut result = 0.0f32;
    // SAFETY: the caller guarantees `n` readable floats at `a`, `n` readable
    // bytes at `codes` and AVX2/FMA; the asm reads exactly those and writes
    // only `result`.
    unsafe {
        asm!(
            "vxorps ymm0, ymm0, ymm0",
            "vxorps ymm1, ymm1, ymm1",
            "vxorps ymm2, ymm2, ymm2",
            "vxorps ymm3, ymm3, ymm3",
            "2:",
            "cmp rcx, 32",
            "jb 3f",
            "vpmovsxbd ymm4, qword ptr [rsi]",
            "vpmovsxbd ymm5, qword ptr [rsi + 8]",
            "vpmovsxbd ymm6, qword ptr [rsi + 16]",
            "vpmovsxbd ymm7, qword ptr [rsi + 24]",
            "vcvtdq2ps ymm4, ymm4",
            "vcvtdq2ps ymm5, ymm5",
            "vcvtdq2ps ymm6, ymm6",
            "vcvtdq2ps ymm7, ymm7",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rdi]",
            "vfmadd231ps ymm1, ymm5, ymmword ptr [rdi + 32]",
            "vfmadd231ps ymm2, ymm6, ymmword ptr [rdi + 64]",
            "vfmadd231ps ymm3, ymm7, ymmword ptr [rdi + 96]",
            "add rdi, 128",
            "add rsi, 32",
            "sub rcx, 32",
            "jmp 2b",
            "3:",
            "cmp rcx, 8",
            "jb 4f",
            "vpmovsxbd ymm4, qword ptr [rsi]",
            "vcvtdq2ps ymm4, ymm4",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rdi]",
            "add rdi, 32",
            "add rsi, 8",
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
            "movsx eax, byte ptr [rsi]",
            "vcvtsi2ss xmm4, xmm4, eax",
            "vfmadd231ss xmm0, xmm4, dword ptr [rdi]",
            "add rdi, 4",
            "inc rsi",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovss dword ptr [rdx], xmm0",
            "vzeroupper",
            inout("rdi") a => _,
            inout("rsi") codes => _,
            inout("rcx") n => _,
            in("rdx") &raw mut result,
            out("rax") _,
            clobber_abi("C"),
            options(nostack),
        );
    }
    result
}
