//! The 4×2 register-blocked micro-kernel: two weight rows against four input rows.
//! Eight independent accumulators cover the FMA latency, and six loads feed eight FMAs
//! (the single-row kernel needs five loads for four), so matrix products run at the FMA
//! units' rate instead of the load ports'.

use core::arch::asm;

/// `out[r][i] = dot(w[r], x[i])` for the two rows `w` and four vectors `x`, length `n`.
///
/// # Safety
/// Both `w[r]` and every `x[i]` must be valid for reads of `n` floats, and the CPU must
/// support AVX2 and FMA with the AVX state enabled.
pub unsafe fn dot4x2(w: [*const f32; 2], x: [*const f32; 4], n: usize) -> [[f32; 4]; 2] {
    let mut out = [[0.0f32; 4]; 2];
    // SAFETY: the caller guarantees `n` readable floats behind each pointer and AVX2/FMA;
    // the asm reads only those and writes the 32 bytes of `out`.
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
            "cmp rcx, 8",
            "jb 4f",
            "vmovups ymm4, ymmword ptr [rdi]",
            "vmovups ymm5, ymmword ptr [rsi]",
            "vmovups ymm6, ymmword ptr [rdx]",
            "vmovups ymm7, ymmword ptr [r8]",
            "vfmadd231ps ymm0, ymm4, ymm6",
            "vfmadd231ps ymm8, ymm5, ymm6",
            "vfmadd231ps ymm1, ymm4, ymm7",
            "vfmadd231ps ymm9, ymm5, ymm7",
            "vmovups ymm6, ymmword ptr [r9]",
            "vmovups ymm7, ymmword ptr [r10]",
            "vfmadd231ps ymm2, ymm4, ymm6",
            "vfmadd231ps ymm10, ymm5, ymm6",
            "vfmadd231ps ymm3, ymm4, ymm7",
            "vfmadd231ps ymm11, ymm5, ymm7",
            "add rdi, 32",
            "add rsi, 32",
            "add rdx, 32",
            "add r8, 32",
            "add r9, 32",
            "add r10, 32",
            "sub rcx, 8",
            "jmp 2b",
            "4:",
            // Reduce each set of four 8-lane sums to one [s0, s1, s2, s3] vector.
            "vhaddps ymm0, ymm0, ymm1",
            "vhaddps ymm2, ymm2, ymm3",
            "vhaddps ymm0, ymm0, ymm2",
            "vextractf128 xmm1, ymm0, 1",
            "vaddps xmm0, xmm0, xmm1",
            "vhaddps ymm8, ymm8, ymm9",
            "vhaddps ymm10, ymm10, ymm11",
            "vhaddps ymm8, ymm8, ymm10",
            "vextractf128 xmm9, ymm8, 1",
            "vaddps xmm8, xmm8, xmm9",
            "5:",
            "test rcx, rcx",
            "jz 6f",
            "vbroadcastss xmm4, dword ptr [rdi]",
            "vbroadcastss xmm5, dword ptr [rsi]",
            "vmovss xmm6, dword ptr [rdx]",
            "vinsertps xmm6, xmm6, dword ptr [r8], 0x10",
            "vinsertps xmm6, xmm6, dword ptr [r9], 0x20",
            "vinsertps xmm6, xmm6, dword ptr [r10], 0x30",
            "vfmadd231ps xmm0, xmm4, xmm6",
            "vfmadd231ps xmm8, xmm5, xmm6",
            "add rdi, 4",
            "add rsi, 4",
            "add rdx, 4",
            "add r8, 4",
            "add r9, 4",
            "add r10, 4",
            "dec rcx",
            "jmp 5b",
            "6:",
            "vmovups xmmword ptr [r11], xmm0",
            "vmovups xmmword ptr [r11 + 16], xmm8",
            "vzeroupper",
            inout("rdi") w[0] => _,
            inout("rsi") w[1] => _,
            inout("rdx") x[0] => _,
            inout("r8") x[1] => _,
            inout("r9") x[2] => _,
            inout("r10") x[3] => _,
            inout("rcx") n => _,
            in("r11") out.as_mut_ptr(),
            clobber_abi("C"),
            options(nostack),
        );
    }
    out
}
