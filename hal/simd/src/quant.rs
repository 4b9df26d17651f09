//! AVX2 micro-kernels for quantised dot products (Q4_1·Q8_1 and Q8_0·Q8_0), in the
//! lane order of llama.cpp's AVX2 kernels so both engines round alike.
//!
//! Block layouts (ggml): Q4_1 is f16 scale, f16 minimum, 16 bytes of nibbles (low
//! nibbles are elements 0..16); Q8_0 is f16 scale then 32 `i8`. The activation side
//! comes pre-split: per-block scales `d` (and sums `s` for Q8_1) as `f32`, codes as `i8`.

use core::arch::asm;
use core::arch::x86_64::__cpuid;
use core::sync::atomic::{AtomicU8, Ordering};

use crate::Avx2;

/// Bytes of a Q4_1 block.
const Q4_1_BYTES: usize = 20;
/// Bytes of a Q8_0 block.
const Q8_0_BYTES: usize = 34;
/// Elements of a block.
const BLOCK: usize = 32;
/// CPUID.1:ECX bit for F16C (`vcvtph2ps`), used to widen the f16 block scales.
const CPUID1_ECX_F16C: u32 = 1 << 29;

/// Cached F16C probe: 0 not probed yet, 1 present, 2 absent.
static F16C: AtomicU8 = AtomicU8::new(0);

/// True when the CPU has F16C (cached after the first call: CPUID traps under virtualisation).
pub(crate) fn f16c_available() -> bool {
    match F16C.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let present = __cpuid(1).ecx & CPUID1_ECX_F16C != 0;
            F16C.store(if present { 1 } else { 2 }, Ordering::Relaxed);
            present
        }
    }
}

impl Avx2 {
    /// Dot product of a row of Q4_1 blocks with a Q8_1 vector (`d`, `s` per block,
    /// `qs` 32 codes per block). `None` when the lengths disagree or F16C is absent.
    pub fn dot_q4_1_q8_1(self, row: &[u8], d: &[f32], s: &[f32], qs: &[i8]) -> Option<f32> {
        let blocks = d.len();
        let lengths_ok = s.len() == blocks
            && qs.len() == blocks.checked_mul(BLOCK)?
            && row.len() == blocks.checked_mul(Q4_1_BYTES)?;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let mut result = 0.0f32;
        // SAFETY: `row` holds `blocks` Q4_1 blocks, `d` and `s` `blocks` floats, `qs`
        // `32 * blocks` bytes (all checked above); the token proves AVX2/FMA and F16C was
        // probed. The asm reads only those, writes only `result`, clobbers caller-saved
        // registers (declared) and keeps the stack untouched.
        unsafe {
            asm!(
                "mov eax, 0x0f0f0f0f",
                "vmovd xmm6, eax",
                "vpbroadcastd ymm6, xmm6",
                "mov eax, 0x00010001",
                "vmovd xmm7, eax",
                "vpbroadcastd ymm7, xmm7",
                "vxorps ymm0, ymm0, ymm0",
                "vxorps xmm3, xmm3, xmm3",
                "2:",
                "test rcx, rcx",
                "jz 3f",
                "movzx eax, word ptr [rdi]",
                "vmovd xmm1, eax",
                "vcvtph2ps xmm1, xmm1",
                "vmulss xmm1, xmm1, dword ptr [rsi]",
                "vbroadcastss ymm1, xmm1",
                "movzx eax, word ptr [rdi + 2]",
                "vmovd xmm2, eax",
                "vcvtph2ps xmm2, xmm2",
                "vfmadd231ss xmm3, xmm2, dword ptr [rdx]",
                "vmovdqu xmm4, xmmword ptr [rdi + 4]",
                "vpsrlw xmm5, xmm4, 4",
                "vinserti128 ymm4, ymm4, xmm5, 1",
                "vpand ymm4, ymm4, ymm6",
                "vpmaddubsw ymm4, ymm4, ymmword ptr [r8]",
                "vpmaddwd ymm4, ymm4, ymm7",
                "vcvtdq2ps ymm4, ymm4",
                "vfmadd231ps ymm0, ymm1, ymm4",
                "add rdi, 20",
                "add rsi, 4",
                "add rdx, 4",
                "add r8, 32",
                "dec rcx",
                "jmp 2b",
                "3:",
                "vextractf128 xmm1, ymm0, 1",
                "vaddps xmm0, xmm1, xmm0",
                "vmovhlps xmm1, xmm0, xmm0",
                "vaddps xmm0, xmm0, xmm1",
                "vmovshdup xmm1, xmm0",
                "vaddss xmm0, xmm0, xmm1",
                "vaddss xmm0, xmm0, xmm3",
                "vmovss dword ptr [r9], xmm0",
                "vzeroupper",
                inout("rdi") row.as_ptr() => _,
                inout("rsi") d.as_ptr() => _,
                inout("rdx") s.as_ptr() => _,
                inout("r8") qs.as_ptr() => _,
                inout("rcx") blocks => _,
                in("r9") &raw mut result,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(result)
    }

    /// Two Q4_1 rows (`rows.0`, `rows.1`, equally long) against one Q8_1 vector, each
    /// result bit-identical to [`Avx2::dot_q4_1_q8_1`]; the two independent FMA chains
    /// overlap, and the vector is loaded once for both rows.
    pub fn dot2_q4_1_q8_1(
        self,
        rows: (&[u8], &[u8]),
        d: &[f32],
        s: &[f32],
        qs: &[i8],
    ) -> Option<[f32; 2]> {
        let blocks = d.len();
        let row_bytes = blocks.checked_mul(Q4_1_BYTES)?;
        let lengths_ok = s.len() == blocks
            && qs.len() == blocks.checked_mul(BLOCK)?
            && rows.0.len() == row_bytes
            && rows.1.len() == row_bytes;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let mut out = [0.0f32; 2];
        // SAFETY: both rows hold `blocks` Q4_1 blocks, `d` and `s` `blocks` floats, `qs`
        // `32 * blocks` bytes (checked above); AVX2/FMA by the token, F16C probed. The
        // asm reads only those and writes only `out`.
        unsafe {
            asm!(
                "mov eax, 0x0f0f0f0f",
                "vmovd xmm6, eax",
                "vpbroadcastd ymm6, xmm6",
                "mov eax, 0x00010001",
                "vmovd xmm7, eax",
                "vpbroadcastd ymm7, xmm7",
                "vxorps ymm0, ymm0, ymm0",
                "vxorps ymm1, ymm1, ymm1",
                "vxorps xmm2, xmm2, xmm2",
                "vxorps xmm3, xmm3, xmm3",
                "2:",
                "test rcx, rcx",
                "jz 3f",
                "vmovdqu ymm5, ymmword ptr [r8]",
                "vmovss xmm8, dword ptr [rsi]",
                "vmovss xmm9, dword ptr [rdx]",
                "movzx eax, word ptr [rdi]",
                "vmovd xmm10, eax",
                "vcvtph2ps xmm10, xmm10",
                "vmulss xmm10, xmm10, xmm8",
                "vbroadcastss ymm10, xmm10",
                "movzx eax, word ptr [rdi + 2]",
                "vmovd xmm11, eax",
                "vcvtph2ps xmm11, xmm11",
                "vfmadd231ss xmm2, xmm11, xmm9",
                "vmovdqu xmm4, xmmword ptr [rdi + 4]",
                "vpsrlw xmm12, xmm4, 4",
                "vinserti128 ymm4, ymm4, xmm12, 1",
                "vpand ymm4, ymm4, ymm6",
                "vpmaddubsw ymm4, ymm4, ymm5",
                "vpmaddwd ymm4, ymm4, ymm7",
                "vcvtdq2ps ymm4, ymm4",
                "vfmadd231ps ymm0, ymm10, ymm4",
                "movzx eax, word ptr [r10]",
                "vmovd xmm13, eax",
                "vcvtph2ps xmm13, xmm13",
                "vmulss xmm13, xmm13, xmm8",
                "vbroadcastss ymm13, xmm13",
                "movzx eax, word ptr [r10 + 2]",
                "vmovd xmm14, eax",
                "vcvtph2ps xmm14, xmm14",
                "vfmadd231ss xmm3, xmm14, xmm9",
                "vmovdqu xmm15, xmmword ptr [r10 + 4]",
                "vpsrlw xmm12, xmm15, 4",
                "vinserti128 ymm15, ymm15, xmm12, 1",
                "vpand ymm15, ymm15, ymm6",
                "vpmaddubsw ymm15, ymm15, ymm5",
                "vpmaddwd ymm15, ymm15, ymm7",
                "vcvtdq2ps ymm15, ymm15",
                "vfmadd231ps ymm1, ymm13, ymm15",
                "add rdi, 20",
                "add r10, 20",
                "add rsi, 4",
                "add rdx, 4",
                "add r8, 32",
                "dec rcx",
                "jmp 2b",
                "3:",
                "vextractf128 xmm4, ymm0, 1",
                "vaddps xmm0, xmm4, xmm0",
                "vmovhlps xmm4, xmm0, xmm0",
                "vaddps xmm0, xmm0, xmm4",
                "vmovshdup xmm4, xmm0",
                "vaddss xmm0, xmm0, xmm4",
                "vaddss xmm0, xmm0, xmm2",
                "vmovss dword ptr [r9], xmm0",
                "vextractf128 xmm4, ymm1, 1",
                "vaddps xmm1, xmm4, xmm1",
                "vmovhlps xmm4, xmm1, xmm1",
                "vaddps xmm1, xmm1, xmm4",
                "vmovshdup xmm4, xmm1",
                "vaddss xmm1, xmm1, xmm4",
                "vaddss xmm1, xmm1, xmm3",
                "vmovss dword ptr [r9 + 4], xmm1",
                "vzeroupper",
                inout("rdi") rows.0.as_ptr() => _,
                inout("r10") rows.1.as_ptr() => _,
                inout("rsi") d.as_ptr() => _,
                inout("rdx") s.as_ptr() => _,
                inout("r8") qs.as_ptr() => _,
                inout("rcx") blocks => _,
                in("r9") out.as_mut_ptr(),
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(out)
    }

    /// Four dot products of one Q4_1 row with four Q8_1 vectors stored one after the
    /// other (`d`, `s`: `4 * blocks`; `qs`: `128 * blocks`), each bit-identical to
    /// [`Avx2::dot_q4_1_q8_1`] on that vector; the row's nibbles are unpacked once.
    pub fn dot4_q4_1_q8_1(self, row: &[u8], d: &[f32], s: &[f32], qs: &[i8]) -> Option<[f32; 4]> {
        let blocks = row.len() / Q4_1_BYTES;
        let lengths_ok = row.len().is_multiple_of(Q4_1_BYTES)
            && d.len() == blocks.checked_mul(4)?
            && s.len() == d.len()
            && qs.len() == d.len().checked_mul(BLOCK)?;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let stride = blocks.checked_mul(4)?;
        let mut out = [0.0f32; 4];
        // SAFETY: `row` holds `blocks` Q4_1 blocks; vector `i` of the four has its scales
        // at `d + i * stride` and sums at `s + i * stride` (`blocks` floats each) and its
        // codes at `qs + 8 * i * stride` (`32 * blocks` bytes), all inside the slices
        // checked above. AVX2/FMA by the token, F16C probed. Writes only `out`.
        unsafe {
            asm!(
                "mov eax, 0x0f0f0f0f",
                "vmovd xmm6, eax",
                "vpbroadcastd ymm6, xmm6",
                "mov eax, 0x00010001",
                "vmovd xmm7, eax",
                "vpbroadcastd ymm7, xmm7",
                "vxorps ymm0, ymm0, ymm0",
                "vxorps ymm1, ymm1, ymm1",
                "vxorps ymm2, ymm2, ymm2",
                "vxorps ymm3, ymm3, ymm3",
                "vxorps xmm8, xmm8, xmm8",
                "2:",
                "test rcx, rcx",
                "jz 3f",
                "movzx eax, word ptr [rdi]",
                "vmovd xmm9, eax",
                "vcvtph2ps xmm9, xmm9",
                "movzx eax, word ptr [rdi + 2]",
                "vmovd xmm10, eax",
                "vcvtph2ps xmm10, xmm10",
                "vbroadcastss xmm10, xmm10",
                "vmovss xmm11, dword ptr [rdx]",
                "vinsertps xmm11, xmm11, dword ptr [rdx + r10], 0x10",
                "vinsertps xmm11, xmm11, dword ptr [rdx + r10 * 2], 0x20",
                "vinsertps xmm11, xmm11, dword ptr [rdx + r11], 0x30",
                "vfmadd231ps xmm8, xmm10, xmm11",
                "vmovdqu xmm4, xmmword ptr [rdi + 4]",
                "vpsrlw xmm5, xmm4, 4",
                "vinserti128 ymm4, ymm4, xmm5, 1",
                "vpand ymm4, ymm4, ymm6",
                "vmulss xmm12, xmm9, dword ptr [rsi]",
                "vbroadcastss ymm12, xmm12",
                "vpmaddubsw ymm13, ymm4, ymmword ptr [r8]",
                "vpmaddwd ymm13, ymm13, ymm7",
                "vcvtdq2ps ymm13, ymm13",
                "vfmadd231ps ymm0, ymm12, ymm13",
                "vmulss xmm12, xmm9, dword ptr [rsi + r10]",
                "vbroadcastss ymm12, xmm12",
                "vpmaddubsw ymm13, ymm4, ymmword ptr [r8 + r12]",
                "vpmaddwd ymm13, ymm13, ymm7",
                "vcvtdq2ps ymm13, ymm13",
                "vfmadd231ps ymm1, ymm12, ymm13",
                "vmulss xmm12, xmm9, dword ptr [rsi + r10 * 2]",
                "vbroadcastss ymm12, xmm12",
                "vpmaddubsw ymm13, ymm4, ymmword ptr [r8 + r12 * 2]",
                "vpmaddwd ymm13, ymm13, ymm7",
                "vcvtdq2ps ymm13, ymm13",
                "vfmadd231ps ymm2, ymm12, ymm13",
                "vmulss xmm12, xmm9, dword ptr [rsi + r11]",
                "vbroadcastss ymm12, xmm12",
                "vpmaddubsw ymm13, ymm4, ymmword ptr [r8 + r13]",
                "vpmaddwd ymm13, ymm13, ymm7",
                "vcvtdq2ps ymm13, ymm13",
                "vfmadd231ps ymm3, ymm12, ymm13",
                "add rdi, 20",
                "add rsi, 4",
                "add rdx, 4",
                "add r8, 32",
                "dec rcx",
                "jmp 2b",
                "3:",
                // Each accumulator: the hsum of the single-vector kernel, then its sum lane.
                "vextractf128 xmm14, ymm0, 1",
                "vaddps xmm0, xmm14, xmm0",
                "vmovhlps xmm14, xmm0, xmm0",
                "vaddps xmm0, xmm0, xmm14",
                "vmovshdup xmm14, xmm0",
                "vaddss xmm0, xmm0, xmm14",
                "vaddss xmm0, xmm0, xmm8",
                "vmovss dword ptr [r9], xmm0",
                "vextractf128 xmm14, ymm1, 1",
                "vaddps xmm1, xmm14, xmm1",
                "vmovhlps xmm14, xmm1, xmm1",
                "vaddps xmm1, xmm1, xmm14",
                "vmovshdup xmm14, xmm1",
                "vaddss xmm1, xmm1, xmm14",
                "vmovshdup xmm15, xmm8",
                "vaddss xmm1, xmm1, xmm15",
                "vmovss dword ptr [r9 + 4], xmm1",
                "vextractf128 xmm14, ymm2, 1",
                "vaddps xmm2, xmm14, xmm2",
                "vmovhlps xmm14, xmm2, xmm2",
                "vaddps xmm2, xmm2, xmm14",
                "vmovshdup xmm14, xmm2",
                "vaddss xmm2, xmm2, xmm14",
                "vmovhlps xmm15, xmm8, xmm8",
                "vaddss xmm2, xmm2, xmm15",
                "vmovss dword ptr [r9 + 8], xmm2",
                "vextractf128 xmm14, ymm3, 1",
                "vaddps xmm3, xmm14, xmm3",
                "vmovhlps xmm14, xmm3, xmm3",
                "vaddps xmm3, xmm3, xmm14",
                "vmovshdup xmm14, xmm3",
                "vaddss xmm3, xmm3, xmm14",
                "vpermilps xmm15, xmm8, 3",
                "vaddss xmm3, xmm3, xmm15",
                "vmovss dword ptr [r9 + 12], xmm3",
                "vzeroupper",
                inout("rdi") row.as_ptr() => _,
                inout("rsi") d.as_ptr() => _,
                inout("rdx") s.as_ptr() => _,
                inout("r8") qs.as_ptr() => _,
                inout("rcx") blocks => _,
                in("r9") out.as_mut_ptr(),
                in("r10") stride,
                in("r11") 3 * stride,
                in("r12") 8 * stride,
                in("r13") 24 * stride,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(out)
    }

    /// Dot product of a row of Q8_0 blocks with a Q8_0 vector (`d` per block, `qs` 32
    /// codes per block). `None` when the lengths disagree or F16C is absent.
    pub fn dot_q8_0_q8_0(self, row: &[u8], d: &[f32], qs: &[i8]) -> Option<f32> {
        let blocks = d.len();
        let lengths_ok = qs.len() == blocks.checked_mul(BLOCK)?
            && row.len() == blocks.checked_mul(Q8_0_BYTES)?;
        if !lengths_ok || !f16c_available() {
            return None;
        }
        let mut result = 0.0f32;
        // SAFETY: `row` holds `blocks` Q8_0 blocks, `d` `blocks` floats and `qs`
        // `32 * blocks` bytes (checked above); AVX2/FMA by the token, F16C probed. The
        // asm reads only those and writes only `result`.
        unsafe {
            asm!(
                "mov eax, 0x00010001",
                "vmovd xmm7, eax",
                "vpbroadcastd ymm7, xmm7",
                "vxorps ymm0, ymm0, ymm0",
                "2:",
                "test rcx, rcx",
                "jz 3f",
                "movzx eax, word ptr [rdi]",
                "vmovd xmm1, eax",
                "vcvtph2ps xmm1, xmm1",
                "vmulss xmm1, xmm1, dword ptr [rsi]",
                "vbroadcastss ymm1, xmm1",
                "vmovdqu ymm4, ymmword ptr [rdi + 2]",
                "vmovdqu ymm5, ymmword ptr [r8]",
                "vpsignb ymm5, ymm5, ymm4",
                "vpsignb ymm4, ymm4, ymm4",
                "vpmaddubsw ymm4, ymm4, ymm5",
                "vpmaddwd ymm4, ymm4, ymm7",
                "vcvtdq2ps ymm4, ymm4",
                "vfmadd231ps ymm0, ymm1, ymm4",
                "add rdi, 34",
                "add rsi, 4",
                "add r8, 32",
                "dec rcx",
                "jmp 2b",
                "3:",
                "vextractf128 xmm1, ymm0, 1",
                "vaddps xmm0, xmm1, xmm0",
                "vmovhlps xmm1, xmm0, xmm0",
                "vaddps xmm0, xmm0, xmm1",
                "vmovshdup xmm1, xmm0",
                "vaddss xmm0, xmm0, xmm1",
                "vmovss dword ptr [r9], xmm0",
                "vzeroupper",
                inout("rdi") row.as_ptr() => _,
                inout("rsi") d.as_ptr() => _,
                inout("r8") qs.as_ptr() => _,
                inout("rcx") blocks => _,
                in("r9") &raw mut result,
                clobber_abi("C"),
                options(nostack),
            );
        }
        Some(result)
    }
}
