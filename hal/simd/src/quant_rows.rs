//! Whole matrix-vector products of quantised rows against one quantised vector, the
//! loop over rows inside the asm: the single-token hot loop of LLM generation.
//!
//! Each row's result is bit-identical to the single-row kernel of `quant.rs` (same lane
//! order, same FMA chain per lane, same reduction), but the per-row call overhead is
//! gone and the work is 128 bits wide: on CPUs that split 256-bit operations in two
//! (Zen 1) this costs nothing, and it avoids the lane-crossing inserts and broadcasts.
//! Two rows go through each block together so their FMA chains overlap and the
//! vector's block is loaded once for both.

use core::arch::asm;

use crate::Avx2;
use crate::quant::f16c_available;

/// Bytes of a Q4_1 block.
const Q4_1_BYTES: usize = 20;
/// Bytes of a Q8_0 block.
const Q8_0_BYTES: usize = 34;
/// Elements of a block.
const BLOCK: usize = 32;

impl Avx2 {
    /// `out[r] = row_r · (d, s, qs)` for the `out.len()` consecutive Q4_1 rows of
    /// `rows`, each `d.len()` blocks long; every value bit-identical to
    /// [`Avx2::dot_q4_1_q8_1`] on that row. `None` (and `out` unspecified) when the
    /// lengths disagree or F16C is absent.
    pub fn matvec_q4_1_q8_1(
        self,
        rows: &[u8],
        d: &[f32],
        s: &[f32],
        qs: &[i8],
        out: &mut [f32],
    ) -> Option<()> {
        let blocks = d.len();
        let row_bytes = blocks.checked_mul(Q4_1_BYTES)?;
        let lengths_ok = s.len() == blocks
            && qs.len() == blocks.checked_mul(BLOCK)?
            && rows.len() == out.len().checked_mul(row_bytes)?;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let pairs = out.len() / 2;
        if blocks > 0 && pairs > 0 {
            // SAFETY: `rows` holds `2 * pairs` (or one more) rows of `blocks` Q4_1 blocks,
            // `d` and `s` `blocks` floats, `qs` `32 * blocks` bytes and `out` at least
            // `2 * pairs` floats (all checked above, `blocks` and `pairs` non-zero); the
            // token proves AVX2/FMA and F16C was probed. The asm reads only those, writes
            // only the first `2 * pairs` floats of `out`, and keeps the stack untouched.
            unsafe {
                asm!(
                    "mov eax, 0x0f0f0f0f",
                    "vmovd xmm14, eax",
                    "vpbroadcastd xmm14, xmm14",
                    "mov eax, 0x00010001",
                    "vmovd xmm15, eax",
                    "vpbroadcastd xmm15, xmm15",
                    "2:",
                    "vxorps xmm0, xmm0, xmm0",
                    "vxorps xmm1, xmm1, xmm1",
                    "vxorps xmm2, xmm2, xmm2",
                    "vxorps xmm3, xmm3, xmm3",
                    "vxorps xmm4, xmm4, xmm4",
                    "vxorps xmm5, xmm5, xmm5",
                    "mov r10, rdi",
                    "xor eax, eax",
                    "mov r12, r8",
                    "mov r13, rcx",
                    "lea r15, [r11 + 2 * r11]",
                    "add r15, rdi",
                    "3:",
                    "prefetcht0 [r10 + 2 * r11]",
                    "prefetcht0 [r15]",
                    "vmovss xmm8, dword ptr [rsi + rax]",
                    "vbroadcastss xmm9, dword ptr [rdx + rax]",
                    // Row A: [d, m] widened together; the minimum's FMA chain runs in
                    // lane 1 (lane 0 collects an unused d·s).
                    "vcvtph2ps xmm10, qword ptr [r10]",
                    "vfmadd231ps xmm4, xmm10, xmm9",
                    "vmulss xmm10, xmm10, xmm8",
                    "vshufps xmm10, xmm10, xmm10, 0",
                    "vmovdqu xmm11, xmmword ptr [r10 + 4]",
                    "vpsrlw xmm12, xmm11, 4",
                    "vpand xmm11, xmm11, xmm14",
                    "vpand xmm12, xmm12, xmm14",
                    "vpmaddubsw xmm11, xmm11, xmmword ptr [r12]",
                    "vpmaddubsw xmm12, xmm12, xmmword ptr [r12 + 16]",
                    "vpmaddwd xmm11, xmm11, xmm15",
                    "vpmaddwd xmm12, xmm12, xmm15",
                    "vcvtdq2ps xmm11, xmm11",
                    "vcvtdq2ps xmm12, xmm12",
                    "vfmadd231ps xmm0, xmm10, xmm11",
                    "vfmadd231ps xmm1, xmm10, xmm12",
                    // Row B, `row_bytes` further on.
                    "vcvtph2ps xmm6, qword ptr [r10 + r11]",
                    "vfmadd231ps xmm5, xmm6, xmm9",
                    "vmulss xmm6, xmm6, xmm8",
                    "vshufps xmm6, xmm6, xmm6, 0",
                    "vmovdqu xmm7, xmmword ptr [r10 + r11 + 4]",
                    "vpsrlw xmm13, xmm7, 4",
                    "vpand xmm7, xmm7, xmm14",
                    "vpand xmm13, xmm13, xmm14",
                    "vpmaddubsw xmm7, xmm7, xmmword ptr [r12]",
                    "vpmaddubsw xmm13, xmm13, xmmword ptr [r12 + 16]",
                    "vpmaddwd xmm7, xmm7, xmm15",
                    "vpmaddwd xmm13, xmm13, xmm15",
                    "vcvtdq2ps xmm7, xmm7",
                    "vcvtdq2ps xmm13, xmm13",
                    "vfmadd231ps xmm2, xmm6, xmm7",
                    "vfmadd231ps xmm3, xmm6, xmm13",
                    "add r10, 20",
                    "add r15, 20",
                    "add rax, 4",
                    "add r12, 32",
                    "dec r13",
                    "jnz 3b",
                    // hsum_float_8 of each row's (low, high) halves, then its minimum sum.
                    "vaddps xmm0, xmm1, xmm0",
                    "vmovhlps xmm1, xmm0, xmm0",
                    "vaddps xmm0, xmm0, xmm1",
                    "vmovshdup xmm1, xmm0",
                    "vaddss xmm0, xmm0, xmm1",
                    "vmovshdup xmm1, xmm4",
                    "vaddss xmm0, xmm0, xmm1",
                    "vmovss dword ptr [r9], xmm0",
                    "vaddps xmm2, xmm3, xmm2",
                    "vmovhlps xmm3, xmm2, xmm2",
                    "vaddps xmm2, xmm2, xmm3",
                    "vmovshdup xmm3, xmm2",
                    "vaddss xmm2, xmm2, xmm3",
                    "vmovshdup xmm3, xmm5",
                    "vaddss xmm2, xmm2, xmm3",
                    "vmovss dword ptr [r9 + 4], xmm2",
                    "lea rdi, [rdi + 2 * r11]",
                    "add r9, 8",
                    "dec r14",
                    "jnz 2b",
                    inout("rdi") rows.as_ptr() => _,
                    in("rsi") d.as_ptr(),
                    in("rdx") s.as_ptr(),
                    in("r8") qs.as_ptr(),
                    in("rcx") blocks,
                    inout("r9") out.as_mut_ptr() => _,
                    in("r11") row_bytes,
                    inout("r14") pairs => _,
                    out("r10") _,
                    out("r12") _,
                    out("r13") _,
                    out("r15") _,
                    clobber_abi("C"),
                    options(nostack),
                );
            }
        }
        if out.len() % 2 == 1 {
            let last = out.len() - 1;
            out[last] = self.dot_q4_1_q8_1(&rows[last * row_bytes..], d, s, qs)?;
        }
        Some(())
    }

    /// `out[r] = row_r · (d, qs)` for the `out.len()` consecutive Q8_0 rows of `rows`,
    /// each `d.len()` blocks long; every value bit-identical to
    /// [`Avx2::dot_q8_0_q8_0`] on that row. `None` (and `out` unspecified) when the
    /// lengths disagree or F16C is absent.
    pub fn matvec_q8_0_q8_0(
        self,
        rows: &[u8],
        d: &[f32],
        qs: &[i8],
        out: &mut [f32],
    ) -> Option<()> {
        let blocks = d.len();
        let row_bytes = blocks.checked_mul(Q8_0_BYTES)?;
        let lengths_ok = qs.len() == blocks.checked_mul(BLOCK)?
            && rows.len() == out.len().checked_mul(row_bytes)?;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let pairs = out.len() / 2;
        if blocks > 0 && pairs > 0 {
            // SAFETY: `rows` holds `2 * pairs` (or one more) rows of `blocks` Q8_0 blocks,
            // `d` `blocks` floats, `qs` `32 * blocks` bytes and `out` at least `2 * pairs`
            // floats (checked above, `blocks` and `pairs` non-zero); AVX2/FMA by the
            // token, F16C probed. The asm reads only those and writes only the first
            // `2 * pairs` floats of `out`.
            unsafe {
                asm!(
                    "mov eax, 0x00010001",
                    "vmovd xmm15, eax",
                    "vpbroadcastd xmm15, xmm15",
                    "2:",
                    "vxorps xmm0, xmm0, xmm0",
                    "vxorps xmm1, xmm1, xmm1",
                    "vxorps xmm2, xmm2, xmm2",
                    "vxorps xmm3, xmm3, xmm3",
                    "mov r10, rdi",
                    "xor eax, eax",
                    "mov r12, r8",
                    "mov r13, rcx",
                    "lea r15, [r11 + 2 * r11]",
                    "add r15, rdi",
                    "3:",
                    "prefetcht0 [r10 + 2 * r11]",
                    "prefetcht0 [r15]",
                    "vmovss xmm8, dword ptr [rsi + rax]",
                    "vmovdqu xmm4, xmmword ptr [r12]",
                    "vmovdqu xmm5, xmmword ptr [r12 + 16]",
                    // Row A: |x| times y with x's sign, as the single-row kernel does.
                    "vcvtph2ps xmm10, qword ptr [r10]",
                    "vmulss xmm10, xmm10, xmm8",
                    "vshufps xmm10, xmm10, xmm10, 0",
                    "vmovdqu xmm11, xmmword ptr [r10 + 2]",
                    "vmovdqu xmm12, xmmword ptr [r10 + 18]",
                    "vpsignb xmm6, xmm4, xmm11",
                    "vpsignb xmm7, xmm5, xmm12",
                    "vpsignb xmm11, xmm11, xmm11",
                    "vpsignb xmm12, xmm12, xmm12",
                    "vpmaddubsw xmm11, xmm11, xmm6",
                    "vpmaddubsw xmm12, xmm12, xmm7",
                    "vpmaddwd xmm11, xmm11, xmm15",
                    "vpmaddwd xmm12, xmm12, xmm15",
                    "vcvtdq2ps xmm11, xmm11",
                    "vcvtdq2ps xmm12, xmm12",
                    "vfmadd231ps xmm0, xmm10, xmm11",
                    "vfmadd231ps xmm1, xmm10, xmm12",
                    // Row B, `row_bytes` further on.
                    "vcvtph2ps xmm9, qword ptr [r10 + r11]",
                    "vmulss xmm9, xmm9, xmm8",
                    "vshufps xmm9, xmm9, xmm9, 0",
                    "vmovdqu xmm13, xmmword ptr [r10 + r11 + 2]",
                    "vmovdqu xmm14, xmmword ptr [r10 + r11 + 18]",
                    "vpsignb xmm6, xmm4, xmm13",
                    "vpsignb xmm7, xmm5, xmm14",
                    "vpsignb xmm13, xmm13, xmm13",
                    "vpsignb xmm14, xmm14, xmm14",
                    "vpmaddubsw xmm13, xmm13, xmm6",
                    "vpmaddubsw xmm14, xmm14, xmm7",
                    "vpmaddwd xmm13, xmm13, xmm15",
                    "vpmaddwd xmm14, xmm14, xmm15",
                    "vcvtdq2ps xmm13, xmm13",
                    "vcvtdq2ps xmm14, xmm14",
                    "vfmadd231ps xmm2, xmm9, xmm13",
                    "vfmadd231ps xmm3, xmm9, xmm14",
                    "add r10, 34",
                    "add r15, 34",
                    "add rax, 4",
                    "add r12, 32",
                    "dec r13",
                    "jnz 3b",
                    // hsum_float_8 of each row's (low, high) halves.
                    "vaddps xmm0, xmm1, xmm0",
                    "vmovhlps xmm1, xmm0, xmm0",
                    "vaddps xmm0, xmm0, xmm1",
                    "vmovshdup xmm1, xmm0",
                    "vaddss xmm0, xmm0, xmm1",
                    "vmovss dword ptr [r9], xmm0",
                    "vaddps xmm2, xmm3, xmm2",
                    "vmovhlps xmm3, xmm2, xmm2",
                    "vaddps xmm2, xmm2, xmm3",
                    "vmovshdup xmm3, xmm2",
                    "vaddss xmm2, xmm2, xmm3",
                    "vmovss dword ptr [r9 + 4], xmm2",
                    "lea rdi, [rdi + 2 * r11]",
                    "add r9, 8",
                    "dec r14",
                    "jnz 2b",
                    inout("rdi") rows.as_ptr() => _,
                    in("rsi") d.as_ptr(),
                    in("r8") qs.as_ptr(),
                    in("rcx") blocks,
                    inout("r9") out.as_mut_ptr() => _,
                    in("r11") row_bytes,
                    inout("r14") pairs => _,
                    out("r10") _,
                    out("r12") _,
                    out("r13") _,
                    out("r15") _,
                    clobber_abi("C"),
                    options(nostack),
                );
            }
        }
        if out.len() % 2 == 1 {
            let last = out.len() - 1;
            out[last] = self.dot_q8_0_q8_0(&rows[last * row_bytes..], d, qs)?;
        }
        Some(())
    }
}
