//! Attention over an f16 KV cache, read in place: the f16 keys and values are widened
//! with F16C inside the kernels instead of being copied to f32 first.
//!
//! The `attn_*` kernels reproduce llama.cpp's CPU backend rounding for rounding, in
//! the summation order chosen by [`SumOrder`].

mod reduce;
mod scores;
mod weighted;

/// Floats per block of `ggml_vec_dot_f16` (four 8-lane registers).
const CHUNK: usize = 32;

/// The order in which a kernel sums its products, named after the llama.cpp kernel
/// whose rounding it reproduces. Term `i` of a sum of `n` products goes to:
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumOrder {
    /// lane `i % 8` of one 8-lane FMA accumulator, reduced by a horizontal sum
    /// `((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))` (tinyBLAS, the order of
    /// prompt batches).
    Lanes8,
    /// lane `i % 8` of accumulator `(i % 32) / 8` of four, reduced as
    /// `x = (a0 + a2) + (a1 + a3)`, `t[l] = x[l] + x[l + 4]`, `(t0 + t1) + (t2 + t3)`
    /// (`ggml_vec_dot_f16`, the order of single tokens; a partial last block counts as
    /// padded with zeros).
    Blocks32,
}

/// True when a head of `head` elements, `rows` cache rows `stride` halves apart, fits
/// in `cache` halves and `head` is a non-zero multiple of `multiple`.
fn shape_ok(cache: usize, stride: usize, head: usize, rows: usize, multiple: usize) -> bool {
    let needed = rows
        .checked_sub(1)
        .and_then(|r| r.checked_mul(stride))
        .and_then(|r| r.checked_add(head));
    head > 0
        && head.is_multiple_of(multiple)
        && stride >= head
        && needed.is_some_and(|n| n <= cache)
}

/// Assembly that leaves in `xmm0`'s low lane the horizontal sum of `ymm0`'s lanes,
/// `((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))`; clobbers `ymm1`.
macro_rules! hsum8_ymm0 {
    () => {
        concat!(
            "vextractf128 xmm1, ymm0, 1\n",
            "vaddps xmm0, xmm0, xmm1\n",
            "vmovhlps xmm1, xmm0, xmm0\n",
            "vaddps xmm0, xmm0, xmm1\n",
            "vmovshdup xmm1, xmm0\n",
            "vaddss xmm0, xmm0, xmm1\n",
        )
    };
}
pub(crate) use hsum8_ymm0;
