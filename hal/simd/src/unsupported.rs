//! Targets other than x86_64: no AVX2 kernels. The token type is uninhabited, so code
//! written against [`Avx2`] compiles everywhere but its methods can never run here.

/// Never constructible off x86_64; see the x86_64 version for the real token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Avx2 {
    never: Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Never {}

/// The summation orders of the attention kernels (see the x86_64 version); here
/// only so that code naming them compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumOrder {
    /// One 8-lane accumulator (tinyBLAS).
    Lanes8,
    /// Four 8-lane accumulators over blocks of 32 (`ggml_vec_dot_f16`).
    Blocks32,
}

/// Always false: this target has no AVX2.
pub fn avx2_fma_available() -> bool {
    false
}

/// A prefetch is only a hint; this target gets none.
pub fn prefetch<T>(_data: &[T]) {}

impl Avx2 {
    /// Always `None` on this target.
    pub fn detect() -> Option<Avx2> {
        None
    }

    /// Unreachable: no token exists on this target.
    pub fn dot(self, _a: &[f32], _b: &[f32]) -> Option<f32> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot_codes(self, _a: &[f32], _words: &[u32]) -> Option<(f32, f32)> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot4(self, _w: &[f32], _x: [&[f32]; 4]) -> Option<[f32; 4]> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot4x2(self, _w: [&[f32]; 2], _x: [&[f32]; 4]) -> Option<[[f32; 4]; 2]> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn axpy(self, _y: &mut [f32], _a: f32, _x: &[f32]) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot_q4_1_q8_1(self, _row: &[u8], _d: &[f32], _s: &[f32], _qs: &[i8]) -> Option<f32> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot2_q4_1_q8_1(
        self,
        _rows: (&[u8], &[u8]),
        _d: &[f32],
        _s: &[f32],
        _qs: &[i8],
    ) -> Option<[f32; 2]> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot4_q4_1_q8_1(
        self,
        _row: &[u8],
        _d: &[f32],
        _s: &[f32],
        _qs: &[i8],
    ) -> Option<[f32; 4]> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn attn_scores(
        self,
        _keys: &[u16],
        _stride: usize,
        _q: &[f32],
        _scale: f32,
        _out: &mut [f32],
        _order: SumOrder,
    ) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn attn_weighted_sum(
        self,
        _values: &[u16],
        _stride: usize,
        _p: &[f32],
        _out: &mut [f32],
        _order: SumOrder,
    ) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn exp_sub_max(self, _x: &mut [f32], _max: f32) -> Option<f64> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn silu_mul(self, _gate: &mut [f32], _up: &[f32]) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn matvec_q4_1_q8_1(
        self,
        _rows: &[u8],
        _d: &[f32],
        _s: &[f32],
        _qs: &[i8],
        _out: &mut [f32],
    ) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn matvec_q8_0_q8_0(
        self,
        _rows: &[u8],
        _d: &[f32],
        _qs: &[i8],
        _out: &mut [f32],
    ) -> Option<()> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn dot_q8_0_q8_0(self, _row: &[u8], _d: &[f32], _qs: &[i8]) -> Option<f32> {
        match self.never {}
    }

    /// Unreachable: no token exists on this target.
    pub fn quantize_q8(
        self,
        _x: &[f32],
        _d: &mut [f32],
        _s: Option<&mut [f32]>,
        _qs: &mut [i8],
    ) -> Option<()> {
        match self.never {}
    }
}

/// Never constructible off x86_64: there is no `crc32` instruction here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sse42 {
    never: Never,
}

impl Sse42 {
    /// Always `None` on this target.
    pub fn detect() -> Option<Sse42> {
        None
    }

    /// Unreachable: no token exists on this target.
    pub fn crc32c(self, _data: &[u8]) -> u32 {
        match self.never {}
    }
}
