//! The Q8_0/Q8_1 quantisation of activation vectors (llama.cpp's `quantize_row_q8_*`),
//! bit-identical to the portable code of the ML engine for every finite input.
//!
//! Per block of 32: `max = max|x|`, `d = max / 127`, `id = 127 / max` (0 when `max` is
//! 0), codes `round_half_even(x · id)` saturated as Rust's `as i8` does, `d` and
//! `d · Σ codes` rounded to f16. The saturation only matters when `0 < max < 127 /
//! f32::MAX`, where `id` overflows to infinity; that block takes an out-of-line fix-up.

use core::arch::asm;

use crate::Avx2;
use crate::quant::f16c_available;

/// Floats of a block.
const BLOCK: usize = 32;

/// The constants of the kernel, one register each (32 bytes apart).
#[repr(C, align(32))]
struct Constants([[u32; 8]; 4]);

static CONSTANTS: Constants = Constants([
    [0, 4, 1, 5, 2, 6, 3, 7],   // +0: dword order undoing the lane-wise packs
    [0x7fff_ffff; 8],           // +32: clears the sign
    [127.0f32.to_bits(); 8],    // +64: 127.0
    [(-128.0f32).to_bits(); 8], // +96: -128.0
]);

impl Avx2 {
    /// Quantises `x` (a multiple of 32 floats, may be empty) in blocks of 32: codes into
    /// `qs` (`x.len()` of them), the f16-rounded scale of each block into `d`
    /// (`x.len() / 32`), and when `s` is `Some`, each block's f16-rounded `d · Σ codes`
    /// into it (Q8_1). `None` on any length mismatch or without F16C; then nothing is
    /// written. Bit-identical to the ML engine's portable code for finite `x`.
    pub fn quantize_q8(
        self,
        x: &[f32],
        d: &mut [f32],
        s: Option<&mut [f32]>,
        qs: &mut [i8],
    ) -> Option<()> {
        let blocks = x.len() / BLOCK;
        let lengths_ok = x.len().is_multiple_of(BLOCK)
            && d.len() == blocks
            && qs.len() == x.len()
            && s.as_ref().is_none_or(|s| s.len() == blocks);
        if !lengths_ok || !f16c_available() {
            return None;
        }
        if blocks == 0 {
            return Some(());
        }
        let sums = s.map_or(core::ptr::null_mut(), <[f32]>::as_mut_ptr);
        // SAFETY: `x` holds `32 * blocks` floats, `qs` as many bytes, `d` `blocks` floats
        // and `sums` is null or `blocks` floats (all checked above, `blocks` non-zero);
        // the exclusive borrows keep the outputs apart from `x` and from each other.
        // AVX2 by the token, F16C probed; [`CONSTANTS`] is 4 registers. The asm reads
        // only those, writes only the outputs and leaves the stack alone.
        unsafe {
            asm!(
                "vmovdqu ymm14, ymmword ptr [r9]",
                "vmovups ymm15, ymmword ptr [r9 + 32]",
                "vmovups ymm13, ymmword ptr [r9 + 64]",
                "2:",
                "vmovups ymm0, ymmword ptr [rdi]",
                "vmovups ymm1, ymmword ptr [rdi + 32]",
                "vmovups ymm2, ymmword ptr [rdi + 64]",
                "vmovups ymm3, ymmword ptr [rdi + 96]",
                // max|x| over the block, into xmm4's low lane.
                "vandps ymm4, ymm0, ymm15",
                "vandps ymm5, ymm1, ymm15",
                "vandps ymm6, ymm2, ymm15",
                "vandps ymm7, ymm3, ymm15",
                "vmaxps ymm4, ymm4, ymm5",
                "vmaxps ymm6, ymm6, ymm7",
                "vmaxps ymm4, ymm4, ymm6",
                "vextractf128 xmm5, ymm4, 1",
                "vmaxps xmm4, xmm4, xmm5",
                "vmovhlps xmm5, xmm4, xmm4",
                "vmaxps xmm4, xmm4, xmm5",
                "vmovshdup xmm5, xmm4",
                "vmaxss xmm4, xmm4, xmm5",
                // d = max / 127 in xmm5; id = 127 / max, or 0 when max is 0, in ymm6.
                "vdivss xmm5, xmm4, xmm13",
                "vdivss xmm6, xmm13, xmm4",
                "vxorps xmm7, xmm7, xmm7",
                "vcmpss xmm7, xmm4, xmm7, 4",
                "vandps xmm6, xmm6, xmm7",
                "vbroadcastss ymm6, xmm6",
                "vmulps ymm0, ymm0, ymm6",
                "vmulps ymm1, ymm1, ymm6",
                "vmulps ymm2, ymm2, ymm6",
                "vmulps ymm3, ymm3, ymm6",
                "vmovd eax, xmm6",
                "cmp eax, 0x7f800000",
                "je 5f",
                "3:",
                // Round half to even (default MXCSR), pack to bytes in element order.
                "vcvtps2dq ymm0, ymm0",
                "vcvtps2dq ymm1, ymm1",
                "vcvtps2dq ymm2, ymm2",
                "vcvtps2dq ymm3, ymm3",
                "vpackssdw ymm8, ymm0, ymm1",
                "vpackssdw ymm9, ymm2, ymm3",
                "vpacksswb ymm8, ymm8, ymm9",
                "vpermd ymm8, ymm14, ymm8",
                "vmovdqu ymmword ptr [rcx], ymm8",
                "vcvtps2ph xmm7, xmm5, 0",
                "vcvtph2ps xmm7, xmm7",
                "vmovss dword ptr [rsi], xmm7",
                "test rdx, rdx",
                "jz 4f",
                // s = f16(d · Σ codes); the codes are all in [-128, 127] as dwords.
                "vpaddd ymm0, ymm0, ymm1",
                "vpaddd ymm2, ymm2, ymm3",
                "vpaddd ymm0, ymm0, ymm2",
                "vextracti128 xmm1, ymm0, 1",
                "vpaddd xmm0, xmm0, xmm1",
                "vpshufd xmm1, xmm0, 0x4e",
                "vpaddd xmm0, xmm0, xmm1",
                "vpshufd xmm1, xmm0, 0xb1",
                "vpaddd xmm0, xmm0, xmm1",
                "vcvtdq2ps xmm0, xmm0",
                "vmulss xmm0, xmm5, xmm0",
                "vcvtps2ph xmm0, xmm0, 0",
                "vcvtph2ps xmm0, xmm0",
                "vmovss dword ptr [rdx], xmm0",
                "add rdx, 4",
                "4:",
                "add rdi, 128",
                "add rsi, 4",
                "add rcx, 32",
                "dec r8",
                "jnz 2b",
                "jmp 6f",
                // id = +inf: x · id is ±inf, or NaN for a zero x. Saturate as `as i8`
                // does (+inf → 127, -inf → -128, NaN → 0) before converting.
                "5:",
                "vmovups ymm7, ymmword ptr [r9 + 96]",
                "vminps ymm0, ymm13, ymm0",
                "vminps ymm1, ymm13, ymm1",
                "vminps ymm2, ymm13, ymm2",
                "vminps ymm3, ymm13, ymm3",
                "vmaxps ymm0, ymm7, ymm0",
                "vmaxps ymm1, ymm7, ymm1",
                "vmaxps ymm2, ymm7, ymm2",
                "vmaxps ymm3, ymm7, ymm3",
                "vcmpps ymm8, ymm0, ymm0, 7",
                "vandps ymm0, ymm0, ymm8",
                "vcmpps ymm8, ymm1, ymm1, 7",
                "vandps ymm1, ymm1, ymm8",
                "vcmpps ymm8, ymm2, ymm2, 7",
                "vandps ymm2, ymm2, ymm8",
                "vcmpps ymm8, ymm3, ymm3, 7",
                "vandps ymm3, ymm3, ymm8",
                "jmp 3b",
                "6:",
                "vzeroupper",
                inout("rdi") x.as_ptr() => _,
                inout("rsi") d.as_mut_ptr() => _,
                inout("rdx") sums => _,
                inout("rcx") qs.as_mut_ptr() => _,
                inout("r8") blocks => _,
                in("r9") &raw const CONSTANTS,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(())
    }
}
