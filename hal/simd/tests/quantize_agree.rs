//! `Avx2::quantize_q8` agrees bit for bit with the portable Q8_0/Q8_1 quantisation of
//! the ML engine (transcribed here), ties and overflowing scales included.

use std::time::Instant;

use aios_simd::Avx2;

const BLOCK: usize = 32;

/// The ML engine's f32 → f16 conversion (integer only), rounding to nearest even.
fn f32_to_f16(f: f32) -> u16 {
    let x = f.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = ((x >> 23) & 0xff) as i32;
    let man = x & 0x7f_ffff;
    if exp == 0xff {
        return sign | 0x7c00 | if man != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        let full = man | 0x80_0000;
        let shift = (14 - e) as u32;
        let half = full >> shift;
        let rem = full & ((1 << shift) - 1);
        let mid = 1 << (shift - 1);
        let round = u32::from(rem > mid || (rem == mid && half & 1 == 1));
        return sign | (half + round) as u16;
    }
    let half = ((e as u32) << 10) | (man >> 13);
    let rem = man & 0x1fff;
    let round = u32::from(rem > 0x1000 || (rem == 0x1000 && half & 1 == 1));
    sign | (half + round) as u16
}

/// Exact f16 → f32.
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let (exp, man) = (u32::from(h >> 10) & 0x1f, u32::from(h & 0x3ff));
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            let v = man as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, _) => sign | 0x7fc0_0000 | (man << 13),
        _ => sign | ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

fn round_to_f16(f: f32) -> f32 {
    f16_to_f32(f32_to_f16(f))
}

fn round_half_even(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0;
    (x + MAGIC) - MAGIC
}

/// The portable quantisation (crates/ml/src/quant/q8.rs): `(d, s, qs)`.
fn reference(x: &[f32], with_sum: bool) -> (Vec<f32>, Vec<f32>, Vec<i8>) {
    let (mut d_out, mut s_out, mut qs) = (Vec::new(), Vec::new(), Vec::new());
    for block in x.chunks_exact(BLOCK) {
        let max = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = max / 127.0;
        let id = if max != 0.0 { 127.0 / max } else { 0.0 };
        let mut sum = 0i32;
        for &v in block {
            let q = round_half_even(v * id) as i8;
            sum += i32::from(q);
            qs.push(q);
        }
        d_out.push(round_to_f16(d));
        if with_sum {
            s_out.push(round_to_f16(d * sum as f32));
        }
    }
    (d_out, s_out, qs)
}

/// Runs the kernel into fresh buffers: `(d, s, qs)`, `s` empty without sums.
fn kernel(avx: Avx2, x: &[f32], with_sum: bool) -> (Vec<f32>, Vec<f32>, Vec<i8>) {
    let blocks = x.len() / BLOCK;
    let (mut d, mut qs) = (vec![f32::NAN; blocks], vec![99i8; x.len()]);
    let mut s = vec![f32::NAN; if with_sum { blocks } else { 0 }];
    let sums = if with_sum { Some(&mut s[..]) } else { None };
    assert_eq!(avx.quantize_q8(x, &mut d, sums, &mut qs), Some(()));
    (d, s, qs)
}

fn assert_agrees(avx: Avx2, x: &[f32], what: &str) {
    for with_sum in [false, true] {
        let (d, s, qs) = kernel(avx, x, with_sum);
        let (rd, rs, rqs) = reference(x, with_sum);
        assert_eq!(qs, rqs, "{what}: codes (sums: {with_sum})");
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&d), bits(&rd), "{what}: scales {d:?} vs {rd:?}");
        assert_eq!(bits(&s), bits(&rs), "{what}: sums {s:?} vs {rs:?}");
    }
}

/// Deterministic xorshift64* generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn sign(&mut self) -> f32 {
        if self.next() & 1 == 0 { 1.0 } else { -1.0 }
    }
    /// An activation-like value: mostly ±8, some ±100, tiny values and signed zeros.
    fn activation(&mut self) -> f32 {
        let sign = self.sign();
        match self.below(100) {
            0..=3 => 0.0,
            4..=5 => -0.0,
            6..=7 => sign * 1.0e-6 * self.unit(),
            8..=9 => sign * 100.0 * self.unit(),
            _ => sign * 8.0 * self.unit(),
        }
    }
    /// One block in one of several regimes, including the scales where `d` or `s` is
    /// an f16 subnormal or overflows, and where `127 / max` overflows to infinity.
    fn block(&mut self) -> Vec<f32> {
        let mut block: Vec<f32> = (0..BLOCK).map(|_| self.activation()).collect();
        let scale = match self.below(12) {
            0 => return vec![if self.next() & 1 == 0 { 0.0 } else { -0.0 }; BLOCK],
            1 => {
                let at = self.below(BLOCK as u64) as usize;
                block[at] = self.sign() * (1.0e3 + 1.0e5 * self.unit());
                1.0
            }
            2 => 1.0e-4,
            3 => 1.0e-30,
            4 => 1.0e-38,
            5 => 2.0e-45,
            6 => 1.0e6,
            7 => 3.0e36,
            _ => 1.0,
        };
        block.iter().map(|v| v * scale).collect()
    }
    fn vector(&mut self, blocks: usize) -> Vec<f32> {
        (0..blocks).flat_map(|_| self.block()).collect()
    }
}

fn token() -> Option<Avx2> {
    let token = Avx2::detect();
    if token.is_none() {
        eprintln!("note: no AVX2/FMA on this CPU; quantisation agreement tests skipped");
    }
    token
}

#[test]
fn random_vectors_of_every_length_agree_bit_for_bit() {
    let Some(avx) = token() else { return };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..8 {
        for blocks in 0..=40 {
            let x = rng.vector(blocks);
            assert_agrees(avx, &x, &format!("round {round}, {blocks} blocks"));
        }
    }
}

#[test]
fn ties_round_to_even() {
    let Some(avx) = token() else { return };
    // max is 127, so id is exactly 1 and every half lands on a tie.
    let mut x = [0.0f32; BLOCK];
    let ties = [
        0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 126.5, -126.5, 127.0,
    ];
    x[..ties.len()].copy_from_slice(&ties);
    x[BLOCK - 1] = -0.0;
    let (d, s, qs) = kernel(avx, &x, true);
    assert_eq!(
        &qs[..ties.len()],
        &[0, 2, 2, 0, -2, -2, 4, -4, 126, -126, 127]
    );
    assert_eq!(d, [1.0]);
    assert_eq!(s, [127.0]);
    assert_agrees(avx, &x, "ties");
    // The same ties scaled by 1/4: max is 31.75, id exactly 4, the ties stay ties.
    let scaled: Vec<f32> = x.iter().map(|v| v / 4.0).collect();
    assert_agrees(avx, &scaled, "quartered ties");
}

#[test]
fn overflowing_inverse_scale_saturates_like_as_i8() {
    let Some(avx) = token() else { return };
    // max = 1e-38: 127 / max is +inf, so codes are 127, -128 or 0 (NaN).
    let mut x = [0.0f32; BLOCK];
    x[0] = 1.0e-38;
    x[1] = -1.0e-38;
    x[2] = f32::from_bits(1);
    x[3] = -f32::from_bits(1);
    x[4] = -0.0;
    let (d, s, qs) = kernel(avx, &x, true);
    assert_eq!(&qs[..6], &[127, -128, 127, -128, 0, 0]);
    assert_eq!(d[0].to_bits(), 0);
    assert_eq!(s[0].to_bits(), (-0.0f32).to_bits());
    assert_agrees(avx, &x, "overflowing id");
}

#[test]
fn bad_shapes_are_refused_and_nothing_is_written() {
    let Some(avx) = token() else { return };
    let x = Rng(7).vector(3);
    let check = |x: &[f32], d_len: usize, s_len: Option<usize>, qs_len: usize| {
        let (mut d, mut qs) = (vec![5.0f32; d_len], vec![9i8; qs_len]);
        let mut s = vec![6.0f32; s_len.unwrap_or(0)];
        let sums = s_len.map(|_| &mut s[..]);
        assert_eq!(avx.quantize_q8(x, &mut d, sums, &mut qs), None);
        assert!(d.iter().all(|&v| v == 5.0) && s.iter().all(|&v| v == 6.0));
        assert!(qs.iter().all(|&q| q == 9));
    };
    check(&x[..95], 3, Some(3), 95);
    check(&x[..95], 2, None, 95);
    check(&x[..1], 0, None, 1);
    check(&x, 2, Some(3), 96);
    check(&x, 4, None, 96);
    check(&x, 3, Some(2), 96);
    check(&x, 3, Some(4), 96);
    check(&x, 3, None, 95);
    check(&x, 3, Some(3), 97);
    check(&[], 1, None, 0);
    check(&[], 0, Some(1), 0);
    let (mut d, mut s, mut qs) = ([0.0f32; 0], [0.0f32; 0], [0i8; 0]);
    assert_eq!(
        avx.quantize_q8(&[], &mut d, Some(&mut s), &mut qs),
        Some(())
    );
}

#[test]
fn timing_against_the_portable_code() {
    let Some(avx) = token() else { return };
    for n in [576, 1536] {
        let x = Rng(n as u64).vector(n / BLOCK);
        let (mut d, mut s, mut qs) = (vec![0.0; n / BLOCK], vec![0.0; n / BLOCK], vec![0; n]);
        let rounds = 20_000u32;
        let start = Instant::now();
        for _ in 0..rounds {
            let out = avx.quantize_q8(std::hint::black_box(&x), &mut d, Some(&mut s), &mut qs);
            assert_eq!(out, Some(()));
        }
        let simd = start.elapsed() / rounds;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(reference(std::hint::black_box(&x), true));
        }
        let portable = start.elapsed() / rounds;
        eprintln!(
            "quantize_q8 (Q8_1) of {n} floats: avx2 {simd:?}, portable (host FPU) {portable:?}"
        );
    }
}
