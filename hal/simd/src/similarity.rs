//! The memory fabric's vector-index kernel: the dot product of a float
//! vector with a vector's 8-bit codes, and the codes' squared norm.

use crate::attention::hsum8_ymm0;
use crate::token::Avx2;
use core::arch::asm;

impl Avx2 {
    /// `(Σ a[i] · code[i], Σ code[i]²)`, the codes widened to floats: what
    /// the vector index needs for the cosine between `a` and a vector it
    /// keeps as 8-bit codes. `words` holds `a.len()` signed 8-bit codes
    /// packed four to a little-endian word (code `i` in byte `i % 4` of
    /// word `i / 4`, the last word's spare bytes ignored); `None` unless it
    /// has exactly the words they need.
    pub fn dot_codes(self, a: &[f32], words: &[u32]) -> Option<(f32, f32)> {
        if words.len() != a.len().div_ceil(4) {
            return None;
        }
        // SAFETY: `a` holds `a.len()` floats and `words` at least `a.len()`
        // bytes (x86_64 is little-endian, so byte `i` is code `i`); the
        // token proves AVX2/FMA.
        Some(unsafe { dot_codes(a.as_ptr(), words.as_ptr().cast::<i8>(), a.len()) })
    }
}

/// `(Σ a[i] · codes[i], Σ codes[i]²)` over `n` elements, with four
/// accumulators of 8 lanes for each sum.
///
/// # Safety
/// `a` must be valid for reads of `n` floats and `codes` of `n` bytes, and
/// the CPU must support AVX2 and FMA with the AVX state enabled.
unsafe fn dot_codes(a: *const f32, codes: *const i8, n: usize) -> (f32, f32) {
    let mut out = [0.0f32; 2];
    // SAFETY: the caller guarantees `n` readable floats at `a`, `n` readable
    // bytes at `codes` and AVX2/FMA; the asm reads exactly those and writes
    // only the 8 bytes of `out`.
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
            "vfmadd231ps ymm8, ymm4, ymm4",
            "vfmadd231ps ymm9, ymm5, ymm5",
            "vfmadd231ps ymm10, ymm6, ymm6",
            "vfmadd231ps ymm11, ymm7, ymm7",
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
            "vfmadd231ps ymm8, ymm4, ymm4",
            "add rdi, 32",
            "add rsi, 8",
            "sub rcx, 8",
            "jmp 3b",
            "4:",
            "vaddps ymm0, ymm0, ymm1",
            "vaddps ymm2, ymm2, ymm3",
            "vaddps ymm0, ymm0, ymm2",
            "vaddps ymm8, ymm8, ymm9",
            "vaddps ymm10, ymm10, ymm11",
            "vaddps ymm8, ymm8, ymm10",
            // The products' sum to xmm2, then the squares' to xmm8.
            hsum8_ymm0!(),
            "vmovaps xmm2, xmm0",
            "vmovaps ymm0, ymm8",
            hsum8_ymm0!(),
            "vmovaps xmm8, xmm0",
            "vmovaps xmm0, xmm2",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "movsx eax, byte ptr [rsi]",
            "vcvtsi2ss xmm4, xmm4, eax",
            "vfmadd231ss xmm0, xmm4, dword ptr [rdi]",
            "vfmadd231ss xmm8, xmm4, xmm4",
            "add rdi, 4",
            "inc rsi",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovss dword ptr [rdx], xmm0",
            "vmovss dword ptr [rdx + 4], xmm8",
            "vzeroupper",
            inout("rdi") a => _,
            inout("rsi") codes => _,
            inout("rcx") n => _,
            in("rdx") out.as_mut_ptr(),
            out("rax") _,
            clobber_abi("C"),
            options(nostack),
        );
    }
    (out[0], out[1])
}
