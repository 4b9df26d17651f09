//! The last step of the weighted sum: the partial-sum registers of the passes meet,
//! element-wise, in exactly the order of [`SumOrder`]'s scalar reduction.

use core::arch::asm;

use super::SumOrder;

/// Writes to `out` the reduction of the partials (`partials[8 · pass + lane]`, one
/// register of 8 dimensions each): for `Lanes8` (one pass, `P = partials[0..8]`)
/// `((P0 + P4) + (P2 + P6)) + ((P1 + P5) + (P3 + P7))`; for `Blocks32` (four passes,
/// `A[r][l] = partials[8r + l]`) `x[l] = (A0[l] + A2[l]) + (A1[l] + A3[l])`,
/// `t[l] = x[l] + x[l + 4]`, `(t0 + t1) + (t2 + t3)`. `partials` is scratch afterwards.
///
/// # Safety
/// AVX2 must be present.
pub(super) unsafe fn combine(order: SumOrder, partials: &mut [[f32; 8]; 32], out: &mut [f32; 8]) {
    if order == SumOrder::Blocks32 {
        // SAFETY: reads rows 0..32 of `partials` (32 rows of 8 floats, 32 bytes each)
        // and writes rows 0..8 of it; AVX by the caller's contract.
        unsafe {
            asm!(
                "mov ecx, 8",
                "2:",
                "vmovups ymm0, ymmword ptr [rax]",
                "vaddps ymm0, ymm0, ymmword ptr [rax + 512]",
                "vmovups ymm1, ymmword ptr [rax + 256]",
                "vaddps ymm1, ymm1, ymmword ptr [rax + 768]",
                "vaddps ymm0, ymm0, ymm1",
                "vmovups ymmword ptr [rax], ymm0",
                "add rax, 32",
                "dec ecx",
                "jnz 2b",
                "vzeroupper",
                inout("rax") partials.as_mut_ptr() => _,
                out("ecx") _,
                clobber_abi("C"),
                options(nostack),
            );
        }
    }
    // `a[l] = row[l] + row[l + 4]`, then `(a0 + a2) + (a1 + a3)` for `Lanes8` (flag 1)
    // and `(a0 + a1) + (a2 + a3)` for `Blocks32` (flag 0).
    let lanes8 = usize::from(order == SumOrder::Lanes8);
    // SAFETY: reads rows 0..8 of `partials` (256 bytes) and writes the 8 floats of
    // `out`. AVX by the caller's contract.
    unsafe {
        asm!(
            "vmovups ymm0, ymmword ptr [rax]",
            "vaddps ymm0, ymm0, ymmword ptr [rax + 128]",
            "vmovups ymm1, ymmword ptr [rax + 32]",
            "vaddps ymm1, ymm1, ymmword ptr [rax + 160]",
            "vmovups ymm2, ymmword ptr [rax + 64]",
            "vaddps ymm2, ymm2, ymmword ptr [rax + 192]",
            "vmovups ymm3, ymmword ptr [rax + 96]",
            "vaddps ymm3, ymm3, ymmword ptr [rax + 224]",
            "test rcx, rcx",
            "jnz 2f",
            // Blocks32: (a0 + a1) + (a2 + a3).
            "vaddps ymm0, ymm0, ymm1",
            "vaddps ymm2, ymm2, ymm3",
            "vaddps ymm0, ymm0, ymm2",
            "jmp 3f",
            "2:",
            // Lanes8: (a0 + a2) + (a1 + a3).
            "vaddps ymm0, ymm0, ymm2",
            "vaddps ymm1, ymm1, ymm3",
            "vaddps ymm0, ymm0, ymm1",
            "3:",
            "vmovups ymmword ptr [rdx], ymm0",
            "vzeroupper",
            in("rax") partials.as_ptr(),
            in("rcx") lanes8,
            in("rdx") out.as_mut_ptr(),
            clobber_abi("C"),
            options(nostack),
        );
    }
}
