//! Single-precision sine and cosine that round exactly like glibc's `sinf`/`cosf`
//! (the FMA build x86-64 selects), which llama.cpp uses for its RoPE table.
//!
//! libm's `sinf`/`cosf` are within an ulp too, but round differently for about one
//! angle in 50 of a RoPE table, and one rotated key rounded the other way is enough to
//! change a greedy token later. glibc's method, reproduced here: widen to f64, reduce
//! by multiples of π/2 (one multiply-subtract below 120, a 4/π fixed-point product
//! above), then evaluate a short f64 polynomial (degree 7 for sine, 8 for cosine) in
//! the quadrant's sign and round once to f32. The operations are the FMA build's
//! (every `a + b·c` of the source is one fused multiply-add); a host test compares both
//! functions with the C library's on many inputs.

/// Polynomial coefficients; the second set negates the cosine polynomial (quadrants 2
/// and 3). Values are glibc's (given as bits: Rust has no hexadecimal float literals).
struct Poly {
    c: [f64; 5],
    s: [f64; 3],
}

const fn f(bits: u64) -> f64 {
    f64::from_bits(bits)
}

const C1: f64 = f(0xbfdf_ffff_fd0c_621c);
const C2: f64 = f(0x3fa5_5553_e106_8f19);
const C3: f64 = f(0xbf56_c087_e89a_359d);
const C4: f64 = f(0x3ef9_9343_027b_f8c3);
const SINE: [f64; 3] = [
    f(0xbfc5_5554_5995_a603),
    f(0x3f81_1076_0523_0bc4),
    f(0xbf29_94eb_3774_cf24),
];

const POLY: [Poly; 2] = [
    Poly {
        c: [1.0, C1, C2, C3, C4],
        s: SINE,
    },
    Poly {
        c: [-1.0, -C1, -C2, -C3, -C4],
        s: SINE,
    },
];

/// 2/π · 2^24 (the quadrant lands in bits 24..31) and π/2, as glibc's fast reduction.
const HPI_INV: f64 = f(0x4164_5f30_6dc9_c883);
const HPI: f64 = f(0x3ff9_21fb_5444_2d18);
/// 2π · 2^-64: the scale of the large reduction's fixed-point result.
const PI63: f64 = f(0x3c19_21fb_5444_2d18);

/// The first 192 bits of 2/π; word `i` of glibc's table is the 32 bits ending at byte
/// `i + 1` (so the first three words hold only the leading 8, 16 and 24 bits).
const TWO_OVER_PI: [u8; 24] = [
    0xa2, 0xf9, 0x83, 0x6e, 0x4e, 0x44, 0x15, 0x29, 0xfc, 0x27, 0x57, 0xd1, 0xf5, 0x34, 0xdd, 0xc0,
    0xdb, 0x62, 0x95, 0x99, 0x3c, 0x43, 0x90, 0x41,
];

fn inv_pio4(i: usize) -> u32 {
    let first = i.saturating_sub(3);
    TWO_OVER_PI[first..=i.min(23)]
        .iter()
        .fold(0u32, |w, &b| (w << 8) | u32::from(b))
}

fn fma(a: f64, b: f64, c: f64) -> f64 {
    libm::fma(a, b, c)
}

/// Top 12 bits of `x`'s representation without the sign.
fn top12(x: f32) -> u32 {
    (x.to_bits() >> 20) & 0x7ff
}

/// The sine polynomial (even `n`) or the cosine polynomial (odd `n`) at the reduced `x`.
fn poly(x: f64, x2: f64, p: &Poly, n: i32) -> f32 {
    if n & 1 == 0 {
        let x3 = x * x2;
        let s1 = fma(x2, p.s[2], p.s[1]);
        let x7 = x3 * x2;
        let s = fma(x3, p.s[0], x);
        fma(x7, s1, s) as f32
    } else {
        let x4 = x2 * x2;
        let c2 = fma(x2, p.c[4], p.c[3]);
        let c1 = fma(x2, p.c[1], p.c[0]);
        let x6 = x4 * x2;
        let c = fma(x4, p.c[2], c1);
        fma(x6, c2, c) as f32
    }
}

/// Reduction of `|x| < 120` by one multiply-subtract: the remainder and the quadrant.
fn reduce_fast(x: f64) -> (f64, i32) {
    let r = x * HPI_INV;
    let n = ((r as i32).wrapping_add(0x80_0000)) >> 24;
    (fma(-f64::from(n), HPI, x), n)
}

/// Reduction of a finite `|x| >= 120` (given as bits) with a 32×96-bit product by 4/π.
fn reduce_large(bits: u32) -> (f64, i32) {
    let at = ((bits >> 26) & 15) as usize;
    let shift = (bits >> 23) & 7;
    let xi = ((bits & 0xff_ffff) | 0x80_0000) << shift;
    let res0 = u64::from(xi.wrapping_mul(inv_pio4(at)));
    let res1 = u64::from(xi) * u64::from(inv_pio4(at + 4));
    let res2 = u64::from(xi) * u64::from(inv_pio4(at + 8));
    let mut res = ((res2 >> 32) | (res0 << 32)).wrapping_add(res1);
    let n = res.wrapping_add(1 << 61) >> 62;
    res = res.wrapping_sub(n << 62);
    ((res as i64) as f64 * PI63, n as i32)
}

/// `sin` (`cosine == false`) or `cos` of `y`, as glibc computes them.
fn sin_cos(y: f32, cosine: bool) -> f32 {
    let x = f64::from(y);
    let shift = i32::from(cosine);
    if top12(y) < top12(core::f32::consts::FRAC_PI_4) {
        if top12(y) < top12(f32::from_bits(0x3980_0000)) {
            return if cosine { 1.0 } else { y };
        }
        return poly(x, x * x, &POLY[0], shift);
    }
    let (r, n, quadrant) = if top12(y) < top12(120.0) {
        let (r, n) = reduce_fast(x);
        (r, n, n)
    } else if top12(y) < top12(f32::INFINITY) {
        let (r, n) = reduce_large(y.to_bits());
        (r, n, n + (y.to_bits() >> 31) as i32)
    } else {
        return f32::NAN;
    };
    let sign = if quadrant & 3 == 1 || quadrant & 3 == 2 {
        -1.0
    } else {
        1.0
    };
    let p = &POLY[usize::from(quadrant & 2 != 0)];
    poly(r * sign, r * r, p, n ^ shift)
}

/// glibc's `sinf`.
pub(crate) fn sinf(y: f32) -> f32 {
    sin_cos(y, false)
}

/// glibc's `cosf`.
pub(crate) fn cosf(y: f32) -> f32 {
    sin_cos(y, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 61st f32 from 2^-14 to 2^16 and every RoPE angle of the model's first
    /// 8,192 positions, both signs, against the C library (`f32::sin`/`cos` call the
    /// platform's `sinf`/`cosf`; on x86-64 glibc picks its FMA build).
    #[test]
    fn sinf_and_cosf_round_like_the_c_library() {
        let mut inputs: alloc::vec::Vec<f32> = (0x3880_0000u32..0x4780_0000)
            .step_by(61)
            .map(f32::from_bits)
            .collect();
        let scale = libm::powf(100_000.0, -2.0 / 64.0);
        for pos in 0..8192 {
            let mut theta = pos as f32;
            for _ in 0..32 {
                inputs.push(theta);
                theta *= scale;
            }
        }
        let mut wrong = 0;
        for &x in &inputs {
            for y in [x, -x] {
                let (s, c) = (std::hint::black_box(y).sin(), std::hint::black_box(y).cos());
                if s.to_bits() != sinf(y).to_bits() || c.to_bits() != cosf(y).to_bits() {
                    wrong += 1;
                    assert!(
                        wrong < 5,
                        "{y:e}: C {s:e} {c:e}, ours {:e} {:e}",
                        sinf(y),
                        cosf(y)
                    );
                }
            }
        }
        assert_eq!(wrong, 0);
    }
}
