//! Attention scores `K·q` over f16 keys, summed in llama.cpp's order ([`SumOrder`]).

use core::arch::asm;

use super::{CHUNK, SumOrder, hsum8_ymm0, shape_ok};
use crate::Avx2;
use crate::quant::f16c_available;

impl Avx2 {
    /// Attention scores: `out[j] = Σ_d widen(keys[j·stride + d]) · q[d]`, summed in
    /// `order`, then multiplied once by `scale`, for every `j < out.len()`. `widen` is
    /// the exact f16 → f32 conversion. `None` unless `q.len()` is a non-zero multiple
    /// of 32, `stride >= q.len()`, `keys` holds every row and F16C is present; an
    /// empty `out` is accepted and left alone.
    pub fn attn_scores(
        self,
        keys: &[u16],
        stride: usize,
        q: &[f32],
        scale: f32,
        out: &mut [f32],
        order: SumOrder,
    ) -> Option<()> {
        if out.is_empty() {
            return Some(());
        }
        let stride_bytes = stride.checked_mul(2)?;
        if !shape_ok(keys.len(), stride, q.len(), out.len(), CHUNK) || !f16c_available() {
            return None;
        }
        match order {
            // SAFETY: `shape_ok` and the F16C probe above are this function's contract.
            SumOrder::Lanes8 => unsafe { scores_lanes8(keys, stride_bytes, q, scale, out) },
            // SAFETY: `shape_ok` and the F16C probe above are this function's contract.
            SumOrder::Blocks32 => unsafe { scores_blocks32(keys, stride_bytes, q, scale, out) },
        }
        Some(())
    }
}

/// One 8-lane accumulator per row (term `d` in lane `d % 8`), then `hsum8`.
///
/// # Safety
/// `shape_ok(keys.len(), stride_bytes / 2, q.len(), out.len(), 32)`, `out` non-empty,
/// AVX2/FMA/F16C present.
unsafe fn scores_lanes8(keys: &[u16], stride_bytes: usize, q: &[f32], scale: f32, out: &mut [f32]) {
    // SAFETY: row `j < out.len()` of `keys` starts at `j * stride` halves and its
    // `q.len()` halves lie inside `keys`; `q` holds `q.len()` floats (a non-zero
    // multiple of 8), read 8 at a time; `out` holds `out.len()` (non-zero) floats.
    // Writes only `out`; CPU features by the caller's contract.
    unsafe {
        asm!(
            "vmovss xmm15, dword ptr [r10]",
            "2:",
            "vxorps ymm0, ymm0, ymm0",
            "mov r11, rdi",
            "mov rax, rsi",
            "mov r12, rcx",
            "3:",
            "vcvtph2ps ymm4, xmmword ptr [r11]",
            "vfmadd231ps ymm0, ymm4, ymmword ptr [rax]",
            "add r11, 16",
            "add rax, 32",
            "dec r12",
            "jnz 3b",
            hsum8_ymm0!(),
            "vmulss xmm0, xmm0, xmm15",
            "vmovss dword ptr [rdx], xmm0",
            "add rdx, 4",
            "add rdi, r9",
            "dec r8",
            "jnz 2b",
            "vzeroupper",
            inout("rdi") keys.as_ptr() => _,
            in("rsi") q.as_ptr(),
            in("rcx") q.len() / 8,
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
}

/// Four 8-lane accumulators per row (term `d` in lane `d % 8` of register
/// `(d % 32) / 8`), reduced like `GGML_F32x8_REDUCE`.
///
/// # Safety
/// `shape_ok(keys.len(), stride_bytes / 2, q.len(), out.len(), 32)`, `out` non-empty,
/// AVX2/FMA/F16C present.
unsafe fn scores_blocks32(
    keys: &[u16],
    stride_bytes: usize,
    q: &[f32],
    scale: f32,
    out: &mut [f32],
) {
    // SAFETY: row `j < out.len()` of `keys` starts at `j * stride` halves and its
    // `q.len()` halves lie inside `keys`; `q` holds `q.len()` floats (a non-zero
    // multiple of 32), read 32 at a time; `out` holds `out.len()` (non-zero) floats.
    // Writes only `out`; CPU features by the caller's contract.
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
            // x = (a0 + a2) + (a1 + a3); t = lo + hi; (t0 + t1) + (t2 + t3).
            "vaddps ymm0, ymm0, ymm2",
            "vaddps ymm1, ymm1, ymm3",
            "vaddps ymm0, ymm0, ymm1",
            "vextractf128 xmm1, ymm0, 1",
            "vaddps xmm0, xmm0, xmm1",
            "vhaddps xmm0, xmm0, xmm0",
            "vhaddps xmm0, xmm0, xmm0",
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
}
