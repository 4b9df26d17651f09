//! Attention over an f16 KV cache, read in place: the f16 keys and values are widened
//! with F16C inside the kernels instead of being copied to f32 first.
//!
//! Both kernels repeat the arithmetic of the f32 kernels on widened rows exactly (the
//! four-accumulator `dot` for the scores, one FMA per element and position like `axpy`
//! for the weighted sum), so results are bit-identical to widening first.

use core::arch::asm;

use crate::Avx2;
use crate::quant::f16c_available;

/// Floats per iteration of both kernels (four 8-lane registers).
const CHUNK: usize = 32;

/// True when a head of `head` elements, `rows` cache rows `stride` halves apart, fits
/// in `cache` halves and the kernels support that head size.
fn shape_ok(cache: usize, stride: usize, head: usize, rows: usize) -> bool {
    let needed = rows
        .checked_sub(1)
        .and_then(|r| r.checked_mul(stride))
        .and_then(|r| r.checked_add(head));
    head > 0 && head.is_multiple_of(CHUNK) && stride >= head && needed.is_some_and(|n| n <= cache)
}

impl Avx2 {
    /// Attention scores: `out[j] = dot(keys[j·stride ..][..q.len()] widened, q) · scale`
    /// for every `j < out.len()`, each bit-identical to [`Avx2::dot`] on the widened
    /// row, then one multiplication by `scale`. `None` unless `q.len()` is a non-zero
    /// multiple of 32, `stride >= q.len()`, `keys` holds every row and F16C is present.
    pub fn scores_f16(
        self,
        keys: &[u16],
        stride: usize,
        q: &[f32],
        scale: f32,
        out: &mut [f32],
    ) -> Option<()> {
        if out.is_empty() {
            return Some(());
        }
        let stride_bytes = stride.checked_mul(2)?;
        if !shape_ok(keys.len(), stride, q.len(), out.len()) || !f16c_available() {
            return None;
        }
        // SAFETY: row `j < out.len()` of `keys` starts at `j * stride` and its `q.len()`
        // halves lie inside `keys` (`shape_ok`); `q` holds `q.len()` floats, a non-zero
        // multiple of 32, read 32 at a time; `out` holds `out.len()` (non-zero) floats.
        // AVX2/FMA by the token, F16C probed. Writes only `out`.
        unsafe {
            asm!(
                "vmovss xmm15, dword ptr [r10]",
                "2:",
                "vxorps ymm0, ymm0, ymm0",
                "vxorps ymm1, ymm1, ymm1",
                "vxorps ymm2, ymm2, ymm2",
                "vxorps ymm3, ymm3, ymm3",
                "mov r11, rdi",
                "mov rax, rsi",
                "mov r12, rcx",
                "3:",
                "vcvtph2ps ymm4, xmmword ptr [r11]",
                "vcvtph2ps ymm5, xmmword ptr [r11 + 16]",
                "vcvtph2ps ymm6, xmmword ptr [r11 + 32]",
                "vcvtph2ps ymm7, xmmword ptr [r11 + 48]",
                "vfmadd231ps ymm0, ymm4, ymmword ptr [rax]",
                "vfmadd231ps ymm1, ymm5, ymmword ptr [rax + 32]",
                "vfmadd231ps ymm2, ymm6, ymmword ptr [rax + 64]",
                "vfmadd231ps ymm3, ymm7, ymmword ptr [rax + 96]",
                "add r11, 64",
                "add rax, 128",
                "dec r12",
                "jnz 3b",
                // The reduction of `dot`, then the scale.
                "vaddps ymm0, ymm0, ymm1",
                "vaddps ymm2, ymm2, ymm3",
                "vaddps ymm0, ymm0, ymm2",
                "vextractf128 xmm1, ymm0, 1",
                "vaddps xmm0, xmm0, xmm1",
                "vmovhlps xmm1, xmm0, xmm0",
                "vaddps xmm0, xmm0, xmm1",
                "vmovshdup xmm1, xmm0",
                "vaddss xmm0, xmm0, xmm1",
                "vmulss xmm0, xmm0, xmm15",
                "vmovss dword ptr [rdx], xmm0",
                "add rdx, 4",
                "add rdi, r9",
                "dec r8",
                "jnz 2b",
                "vzeroupper",
                inout("rdi") keys.as_ptr() => _,
                in("rsi") q.as_ptr(),
                in("rcx") q.len() / CHUNK,
                inout("rdx") out.as_mut_ptr() => _,
                inout("r8") out.len() => _,
                in("r9") stride_bytes,
                in("r10") &raw const scale,
                out("r11") _,
                out("r12") _,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(())
    }

    /// Attention output: `out = Σ_j f16(p[j]) · values[j·stride ..][..out.len()]`
    /// widened, each weight first rounded to f16 (nearest even) and the sum taken in
    /// order `j = 0, 1, …` with one FMA per element, bit-identical to zeroing `out`
    /// and calling [`Avx2::axpy`] once per position. `None` unless `out.len()` is a
    /// non-zero multiple of 32, `stride >= out.len()`, `values` holds every row and
    /// F16C is present.
    pub fn weighted_sum_f16(
        self,
        values: &[u16],
        stride: usize,
        p: &[f32],
        out: &mut [f32],
    ) -> Option<()> {
        let stride_bytes = stride.checked_mul(2)?;
        let shape = p.is_empty() || shape_ok(values.len(), stride, out.len(), p.len());
        if !shape || out.is_empty() || !out.len().is_multiple_of(CHUNK) || !f16c_available() {
            return None;
        }
        if p.is_empty() {
            out.fill(0.0);
            return Some(());
        }
        // SAFETY: row `j < p.len()` of `values` starts at `j * stride` and its
        // `out.len()` halves lie inside `values` (`shape_ok`); `p` holds `p.len()`
        // (non-zero) floats; `out` holds `out.len()` floats, a non-zero multiple of 32,
        // written 32 at a time. AVX2/FMA by the token, F16C probed. Writes only `out`.
        unsafe {
            asm!(
                "2:",
                "vxorps ymm0, ymm0, ymm0",
                "vxorps ymm1, ymm1, ymm1",
                "vxorps ymm2, ymm2, ymm2",
                "vxorps ymm3, ymm3, ymm3",
                "mov r11, rdi",
                "mov rax, rsi",
                "mov r12, rcx",
                "3:",
                "vmovss xmm4, dword ptr [rax]",
                "vcvtps2ph xmm4, xmm4, 0",
                "vcvtph2ps xmm4, xmm4",
                "vbroadcastss ymm4, xmm4",
                "vcvtph2ps ymm5, xmmword ptr [r11]",
                "vcvtph2ps ymm6, xmmword ptr [r11 + 16]",
                "vcvtph2ps ymm7, xmmword ptr [r11 + 32]",
                "vcvtph2ps ymm8, xmmword ptr [r11 + 48]",
                "vfmadd231ps ymm0, ymm4, ymm5",
                "vfmadd231ps ymm1, ymm4, ymm6",
                "vfmadd231ps ymm2, ymm4, ymm7",
                "vfmadd231ps ymm3, ymm4, ymm8",
                "add r11, r9",
                "add rax, 4",
                "dec r12",
                "jnz 3b",
                "vmovups ymmword ptr [rdx], ymm0",
                "vmovups ymmword ptr [rdx + 32], ymm1",
                "vmovups ymmword ptr [rdx + 64], ymm2",
                "vmovups ymmword ptr [rdx + 96], ymm3",
                "add rdx, 128",
                "add rdi, 64",
                "dec r8",
                "jnz 2b",
                "vzeroupper",
                inout("rdi") values.as_ptr() => _,
                in("rsi") p.as_ptr(),
                in("rcx") p.len(),
                inout("rdx") out.as_mut_ptr() => _,
                inout("r8") out.len() / CHUNK => _,
                in("r9") stride_bytes,
                out("r11") _,
                out("r12") _,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(())
    }
}
