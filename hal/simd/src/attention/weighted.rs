//! Attention output `Σ_j p[j] · V[j]` over f16 values, summed over the positions `j`
//! in llama.cpp's order ([`SumOrder`]).
//!
//! The sum runs over positions while the vector lanes run over output dimensions, so
//! each lane of a [`SumOrder`] accumulator becomes a whole register of 8 dimensions:
//! for 8 dimensions at a time, a *pass* keeps the 8 partial sums of one 8-lane
//! accumulator in `ymm0..7` (position `j` in register `j % 8`). `Lanes8` is one pass
//! over every position; `Blocks32` is four passes, pass `r` over the positions with
//! `(j % 32) / 8 == r`. The partials then meet in the order of the scalar reduction.

use core::arch::asm;

use super::reduce::combine;
use super::{SumOrder, shape_ok};
use crate::Avx2;
use crate::quant::f16c_available;

/// Output dimensions per pass (one register).
const LANES: usize = 8;

/// Partial sums of the passes of one group of dimensions: `[8 · pass + lane]`.
type Partials = [[f32; LANES]; 32];

impl Avx2 {
    /// Attention output: `out[d] = Σ_j widen(values[j·stride + d]) · p[j]`, summed over
    /// `j < p.len()` in `order`, for every `d < out.len()`. `p` is used as given. An
    /// empty `p` gives `+0.0` everywhere. `None` unless `out.len()` is a non-zero
    /// multiple of 8, `stride >= out.len()`, `values` holds every row and F16C is
    /// present.
    pub fn attn_weighted_sum(
        self,
        values: &[u16],
        stride: usize,
        p: &[f32],
        out: &mut [f32],
        order: SumOrder,
    ) -> Option<()> {
        let stride_bytes = stride.checked_mul(2)?;
        let head_ok = !out.is_empty() && out.len().is_multiple_of(LANES) && stride >= out.len();
        let rows_ok = p.is_empty() || shape_ok(values.len(), stride, out.len(), p.len(), LANES);
        if !head_ok || !rows_ok || !f16c_available() {
            return None;
        }
        if p.is_empty() {
            out.fill(0.0);
            return Some(());
        }
        let passes = match order {
            SumOrder::Lanes8 => 1,
            SumOrder::Blocks32 => 4,
        };
        // Positions from one group of 8 to the next within a pass.
        let period = passes * LANES;
        let row_step = stride_bytes.checked_mul(period)?;
        let full = p.len() / LANES;
        let mut partials: Partials = [[0.0; LANES]; 32];
        let (dim_groups, _) = out.as_chunks_mut::<LANES>();
        for (group, dims) in dim_groups.iter_mut().enumerate() {
            let column = group * LANES;
            for (pass, block) in partials.chunks_exact_mut(LANES).take(passes).enumerate() {
                // Complete groups of 8 positions at `8 · (pass + passes · m)`, then the
                // partial group of `p.len() % 8` if it falls in this pass.
                let groups = (full + passes - 1 - pass) / passes;
                let tail = if full % passes == pass {
                    p.len() % LANES
                } else {
                    0
                };
                if groups == 0 && tail == 0 {
                    block.fill([0.0; LANES]);
                    continue;
                }
                let first = pass * LANES;
                // SAFETY: this pass reads rows `first + period · m + l` for `m < groups`,
                // `l < 8` and rows `first + period · groups + l` for `l < tail`, all below
                // `p.len()` (they lie in the first `full` groups of 8 or in the partial
                // one); each read covers dimensions `column .. column + 8 <= out.len()
                // <= stride` of a row, inside `values` by `shape_ok`, and `first <
                // p.len()`, so both start pointers are in bounds. `block` holds 8 rows
                // of 8 floats. F16C was probed, AVX2/FMA by the token.
                unsafe {
                    accumulate_pass(
                        values.as_ptr().add(first * stride + column),
                        p.as_ptr().add(first),
                        [stride_bytes, row_step, period * 4],
                        [groups, tail],
                        block.as_mut_ptr(),
                    );
                }
            }
            // SAFETY: `partials` holds 32 rows of 8 floats, filled by the passes above;
            // `dims` holds 8 floats. AVX2 by the token.
            unsafe { combine(order, &mut partials, dims) };
        }
        Some(())
    }
}

/// One pass: zeroes 8 partial registers, adds `fma(widen(row[l]), p[l], partial[l])`
/// for the `groups` complete groups of 8 positions (`l` the position within a group)
/// and then the first `tail` positions of the next group, and stores the partials.
/// `steps` = `[bytes between rows, bytes between groups of rows, bytes between groups
/// of weights]`; `counts` = `[groups, tail]`.
///
/// # Safety
/// Every row and weight named above must be readable (8 halves from each row pointer),
/// `partials` writable for 8 × 8 floats, `tail < 8`, AVX2/FMA/F16C present.
unsafe fn accumulate_pass(
    rows: *const u16,
    weights: *const f32,
    steps: [usize; 3],
    counts: [usize; 2],
    partials: *mut [f32; LANES],
) {
    // SAFETY: the reads and writes are exactly those of the caller's contract.
    unsafe {
        asm!(
            "vxorps ymm0, ymm0, ymm0",
            "vxorps ymm1, ymm1, ymm1",
            "vxorps ymm2, ymm2, ymm2",
            "vxorps ymm3, ymm3, ymm3",
            "vxorps ymm4, ymm4, ymm4",
            "vxorps ymm5, ymm5, ymm5",
            "vxorps ymm6, ymm6, ymm6",
            "vxorps ymm7, ymm7, ymm7",
            "test rcx, rcx",
            "jz 4f",
            "3:",
            "mov r11, rdi",
            "vbroadcastss ymm8, dword ptr [rsi + 0]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm0, ymm9, ymm8",
            "add r11, r9",
            "vbroadcastss ymm10, dword ptr [rsi + 4]",
            "vcvtph2ps ymm11, xmmword ptr [r11]",
            "vfmadd231ps ymm1, ymm11, ymm10",
            "add r11, r9",
            "vbroadcastss ymm12, dword ptr [rsi + 8]",
            "vcvtph2ps ymm13, xmmword ptr [r11]",
            "vfmadd231ps ymm2, ymm13, ymm12",
            "add r11, r9",
            "vbroadcastss ymm14, dword ptr [rsi + 12]",
            "vcvtph2ps ymm15, xmmword ptr [r11]",
            "vfmadd231ps ymm3, ymm15, ymm14",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 16]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm4, ymm9, ymm8",
            "add r11, r9",
            "vbroadcastss ymm10, dword ptr [rsi + 20]",
            "vcvtph2ps ymm11, xmmword ptr [r11]",
            "vfmadd231ps ymm5, ymm11, ymm10",
            "add r11, r9",
            "vbroadcastss ymm12, dword ptr [rsi + 24]",
            "vcvtph2ps ymm13, xmmword ptr [r11]",
            "vfmadd231ps ymm6, ymm13, ymm12",
            "add r11, r9",
            "vbroadcastss ymm14, dword ptr [rsi + 28]",
            "vcvtph2ps ymm15, xmmword ptr [r11]",
            "vfmadd231ps ymm7, ymm15, ymm14",
            "add rdi, r8",
            "add rsi, r10",
            "dec rcx",
            "jnz 3b",
            "4:",
            "test rdx, rdx",
            "jz 5f",
            "mov r11, rdi",
            "vbroadcastss ymm8, dword ptr [rsi + 0]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm0, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 4]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm1, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 8]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm2, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 12]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm3, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 16]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm4, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 20]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm5, ymm9, ymm8",
            "dec rdx",
            "jz 5f",
            "add r11, r9",
            "vbroadcastss ymm8, dword ptr [rsi + 24]",
            "vcvtph2ps ymm9, xmmword ptr [r11]",
            "vfmadd231ps ymm6, ymm9, ymm8",
            "5:",
            "vmovups ymmword ptr [rax + 0], ymm0",
            "vmovups ymmword ptr [rax + 32], ymm1",
            "vmovups ymmword ptr [rax + 64], ymm2",
            "vmovups ymmword ptr [rax + 96], ymm3",
            "vmovups ymmword ptr [rax + 128], ymm4",
            "vmovups ymmword ptr [rax + 160], ymm5",
            "vmovups ymmword ptr [rax + 192], ymm6",
            "vmovups ymmword ptr [rax + 224], ymm7",
            "vzeroupper",
            inout("rdi") rows => _,
            inout("rsi") weights => _,
            in("r9") steps[0],
            in("r8") steps[1],
            in("r10") steps[2],
            inout("rcx") counts[0] => _,
            inout("rdx") counts[1] => _,
            in("rax") partials,
            out("r11") _,
            clobber_abi("C"),
            options(nostack),
        );
    }
}
