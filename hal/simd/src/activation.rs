//! Softmax exponentials and SwiGLU with ggml's `ggml_v_expf`, instruction for
//! instruction, so that results are bit-identical to llama.cpp's AVX2 build.

use core::arch::asm;

use crate::Avx2;
use crate::attention::hsum8_ymm0;

/// One constant of [`EXP`] in every lane.
const fn splat(bits: u32) -> [u32; 8] {
    [bits; 8]
}

/// The constants of `ggml_v_expf`, each splatted over a register (32 bytes apart).
#[repr(C, align(32))]
struct Constants([[u32; 8]; 15]);

static EXP: Constants = Constants([
    splat(0x4b40_0000),        // +0: r = 1.5 · 2^23
    splat(0x3fb8_aa3b),        // +32: log2(e)
    splat(0x3f31_7200),        // +64: ln 2, high part
    splat(0x35bf_be8e),        // +96: ln 2, low part
    splat(1.0f32.to_bits()),   // +128: 1.0
    splat(0x7fff_ffff),        // +160: clears the sign
    splat(126.0f32.to_bits()), // +192: 126.0
    splat(192.0f32.to_bits()), // +224: 192.0
    splat(0x3c07_2010),        // +256: polynomial, degree 5
    splat(0x3d2b_9f17),        // +288: degree 4
    splat(0x3e2a_af33),        // +320: degree 3
    splat(0x3eff_fedb),        // +352: degree 2
    splat(0x3f7f_fff6),        // +384: degree 1
    splat(0x8200_0000),        // +416: g for n <= 0
    splat(0x7f00_0000),        // +448: bias of s1
]);

/// Assembly for `ymm0 = ggml_v_expf(ymm0)` with [`EXP`] at `r8`; clobbers `ymm1..8`.
macro_rules! v_expf_ymm0 {
    () => {
        concat!(
            "vmovups ymm1, ymmword ptr [r8]\n",
            "vfmadd231ps ymm1, ymm0, ymmword ptr [r8 + 32]\n", // z = x·log2e + r
            "vsubps ymm2, ymm1, ymmword ptr [r8]\n",           // n = z - r
            "vmovaps ymm3, ymm0\n",
            "vfnmadd231ps ymm3, ymm2, ymmword ptr [r8 + 64]\n", // x - n·ln2hi
            "vfnmadd231ps ymm3, ymm2, ymmword ptr [r8 + 96]\n", // b = … - n·ln2lo
            "vpslld ymm1, ymm1, 23\n",                          // e
            "vpaddd ymm4, ymm1, ymmword ptr [r8 + 128]\n",      // k = e + bits(1)
            "vandps ymm5, ymm2, ymmword ptr [r8 + 160]\n",      // |n|
            "vcmpps ymm6, ymm5, ymmword ptr [r8 + 192], 0x1e\n", // c = |n| > 126
            "vcmpps ymm5, ymm5, ymmword ptr [r8 + 224], 0x1e\n", // d = |n| > 192
            "vmulps ymm7, ymm3, ymm3\n",                        // u = b·b
            "vmovups ymm0, ymmword ptr [r8 + 256]\n",
            "vfmadd213ps ymm0, ymm3, ymmword ptr [r8 + 288]\n",
            "vmovups ymm8, ymmword ptr [r8 + 320]\n",
            "vfmadd213ps ymm8, ymm3, ymmword ptr [r8 + 352]\n",
            "vfmadd213ps ymm0, ymm7, ymm8\n",
            "vmulps ymm8, ymm3, ymmword ptr [r8 + 384]\n",
            "vfmadd213ps ymm0, ymm7, ymm8\n", // j
            "vmovaps ymm3, ymm4\n",
            "vfmadd231ps ymm3, ymm4, ymm0\n", // k·j + k
            "vxorps ymm7, ymm7, ymm7\n",
            "vcmpps ymm7, ymm2, ymm7, 0x12\n",             // n <= 0
            "vandps ymm7, ymm7, ymmword ptr [r8 + 416]\n", // g
            "vpaddd ymm8, ymm7, ymmword ptr [r8 + 448]\n", // s1
            "vpsubd ymm1, ymm1, ymm7\n",                   // s2 = e - g
            "vfmadd213ps ymm0, ymm1, ymm1\n",              // s2·j + s2
            "vmulps ymm0, ymm0, ymm8\n",                   // · s1
            "vmulps ymm8, ymm8, ymm8\n",                   // s1·s1
            "vandps ymm0, ymm0, ymm6\n",
            "vandnps ymm3, ymm6, ymm3\n",
            "vorps ymm0, ymm0, ymm3\n",
            "vandnps ymm0, ymm5, ymm0\n",
            "vandps ymm8, ymm8, ymm5\n",
            "vorps ymm0, ymm0, ymm8\n",
        )
    };
}

impl Avx2 {
    /// The exponentials of a softmax (`ggml_vec_soft_max_f32`): `x[i] =
    /// v_expf(x[i] - max)` in place, and the sum of the results, each group of 8
    /// elements summed in f32 by a horizontal sum (a partial last group padded with
    /// `+0.0`) and the group sums added in f64. `Some(0.0)` for an empty `x`.
    pub fn exp_sub_max(self, x: &mut [f32], max: f32) -> Option<f64> {
        let (groups, rest) = x.as_chunks_mut::<8>();
        let mut sum = 0.0f64;
        // SAFETY: `groups` holds `groups.len()` arrays of 8 floats; AVX2/FMA by the token.
        unsafe { exp_groups(groups.as_mut_ptr(), groups.len(), max, &[!0; 8], &mut sum) };
        if !rest.is_empty() {
            let mut last = [0.0f32; 8];
            let mut mask = [0u32; 8];
            last[..rest.len()].copy_from_slice(rest);
            mask[..rest.len()].fill(!0);
            // SAFETY: `last` is one array of 8 floats; AVX2/FMA by the token.
            unsafe { exp_groups(&mut last, 1, max, &mask, &mut sum) };
            rest.copy_from_slice(&last[..rest.len()]);
        }
        Some(sum)
    }

    /// SwiGLU (`ggml_vec_swiglu_f32`): `gate[i] = gate[i] / (1 + v_expf(0 - gate[i]))
    /// · up[i]`. `None` unless both have the same length, a multiple of 8.
    pub fn silu_mul(self, gate: &mut [f32], up: &[f32]) -> Option<()> {
        if gate.len() != up.len() || !gate.len().is_multiple_of(8) {
            return None;
        }
        // SAFETY: `gate` (exclusive, so not overlapping `up`) and `up` hold `gate.len()`
        // floats, a multiple of 8, processed 8 at a time; [`EXP`] is 15 registers of
        // constants. AVX2/FMA by the token. Writes only `gate`.
        unsafe {
            asm!(
                "test rcx, rcx",
                "jz 3f",
                "2:",
                "vmovups ymm9, ymmword ptr [rdi]",
                "vxorps ymm0, ymm0, ymm0",
                "vsubps ymm0, ymm0, ymm9",
                v_expf_ymm0!(),
                "vaddps ymm0, ymm0, ymmword ptr [r8 + 128]",
                "vdivps ymm9, ymm9, ymm0",
                "vmulps ymm9, ymm9, ymmword ptr [rsi]",
                "vmovups ymmword ptr [rdi], ymm9",
                "add rdi, 32",
                "add rsi, 32",
                "dec rcx",
                "jnz 2b",
                "3:",
                "vzeroupper",
                inout("rdi") gate.as_mut_ptr() => _,
                inout("rsi") up.as_ptr() => _,
                inout("rcx") gate.len() / 8 => _,
                in("r8") &raw const EXP,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(())
    }
}

/// For each of `count` groups of 8 at `x`: `x = v_expf(x - max) & mask` lane-wise,
/// then `sum += hsum8(x) as f64`.
///
/// # Safety
/// `x` must be valid for reads and writes of `count` arrays; AVX2/FMA present.
unsafe fn exp_groups(x: *mut [f32; 8], count: usize, max: f32, mask: &[u32; 8], sum: &mut f64) {
    // SAFETY: reads and writes `count` groups of 8 floats at `x` (caller's contract),
    // reads `max`, `mask` (8 words), [`EXP`] (15 registers) and `sum`, writes `sum`.
    unsafe {
        asm!(
            "vbroadcastss ymm15, dword ptr [rdx]",
            "vmovsd xmm14, qword ptr [rsi]",
            "vmovups ymm13, ymmword ptr [r9]",
            "test rcx, rcx",
            "jz 3f",
            "2:",
            "vmovups ymm0, ymmword ptr [rdi]",
            "vsubps ymm0, ymm0, ymm15",
            v_expf_ymm0!(),
            "vandps ymm0, ymm0, ymm13",
            "vmovups ymmword ptr [rdi], ymm0",
            hsum8_ymm0!(),
            "vcvtss2sd xmm0, xmm0, xmm0",
            "vaddsd xmm14, xmm14, xmm0",
            "add rdi, 32",
            "dec rcx",
            "jnz 2b",
            "3:",
            "vmovsd qword ptr [rsi], xmm14",
            "vzeroupper",
            inout("rdi") x => _,
            inout("rcx") count => _,
            in("rdx") &raw const max,
            in("rsi") &raw mut *sum,
            in("r8") &raw const EXP,
            in("r9") mask.as_ptr(),
            clobber_abi("C"),
            options(nostack),
        );
    }
}
