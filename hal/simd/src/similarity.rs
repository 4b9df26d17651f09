//! Kernels of the memory fabric's vector index: the dot product with the
//! second operand's squared norm (for the bound that screens far nodes).

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
