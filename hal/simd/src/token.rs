//! The [`Avx2`] token and the safe, length-checked wrappers around the micro-kernels.

use crate::asm;
use crate::asm_pair;
use crate::probe::avx2_fma_available;

/// Proof that AVX2, FMA and the OS's AVX state were present when the token was made.
/// Only [`Avx2::detect`] creates one, so holding it makes the kernels safe to call.
/// In the AIOS kernel, use it only inside an FPU section (the AVX state must be live).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Avx2 {
    _probed: (),
}

impl Avx2 {
    /// Probes the CPU: `Some` when the AVX2/FMA kernels may run, `None` otherwise.
    pub fn detect() -> Option<Avx2> {
        avx2_fma_available().then_some(Avx2 { _probed: () })
    }

    /// Dot product of `a` and `b`; `None` when their lengths differ.
    pub fn dot(self, a: &[f32], b: &[f32]) -> Option<f32> {
        if a.len() != b.len() {
            return None;
        }
        // SAFETY: both slices hold `a.len()` floats and the token proves AVX2/FMA.
        Some(unsafe { asm::dot(a.as_ptr(), b.as_ptr(), a.len()) })
    }

    /// Four dot products against one row: `[dot(w, x[0]), …, dot(w, x[3])]`;
    /// `None` unless every `x[i]` is as long as `w`.
    pub fn dot4(self, w: &[f32], x: [&[f32]; 4]) -> Option<[f32; 4]> {
        if x.iter().any(|xi| xi.len() != w.len()) {
            return None;
        }
        let pointers = x.map(<[f32]>::as_ptr);
        // SAFETY: `w` and every `x[i]` hold `w.len()` floats; the token proves AVX2/FMA.
        Some(unsafe { asm::dot4(w.as_ptr(), pointers, w.len()) })
    }

    /// Two rows against four vectors: `out[r][i] = dot(w[r], x[i])`; `None` unless every
    /// slice has the same length. The matrix-product workhorse.
    pub fn dot4x2(self, w: [&[f32]; 2], x: [&[f32]; 4]) -> Option<[[f32; 4]; 2]> {
        let n = w[0].len();
        if w[1].len() != n || x.iter().any(|xi| xi.len() != n) {
            return None;
        }
        // SAFETY: every slice holds `n` floats; the token proves AVX2/FMA.
        Some(unsafe { asm_pair::dot4x2(w.map(<[f32]>::as_ptr), x.map(<[f32]>::as_ptr), n) })
    }

    /// `y += a · x` element-wise; `None` (and `y` untouched) when the lengths differ.
    pub fn axpy(self, y: &mut [f32], a: f32, x: &[f32]) -> Option<()> {
        if y.len() != x.len() {
            return None;
        }
        // SAFETY: `y` (exclusive, so not overlapping `x`) and `x` hold `y.len()` floats;
        // the token proves AVX2/FMA.
        unsafe { asm::axpy(y.as_mut_ptr(), a, x.as_ptr(), y.len()) };
        Some(())
    }
}
