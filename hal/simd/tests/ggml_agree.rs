//! The llama.cpp-ordered kernels (`attn_scores`, `attn_weighted_sum`, `exp_sub_max`,
//! `silu_mul`) agree bit for bit with a scalar transcription of ggml's arithmetic.

use aios_simd::{Avx2, SumOrder};

const ORDERS: [SumOrder; 2] = [SumOrder::Lanes8, SumOrder::Blocks32];

fn fma(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}

fn hsum8(l: &[f32; 8]) -> f32 {
    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

fn reduce4x8(acc: &[[f32; 8]; 4]) -> f32 {
    let x: [f32; 8] = core::array::from_fn(|i| (acc[0][i] + acc[2][i]) + (acc[1][i] + acc[3][i]));
    let t: [f32; 4] = core::array::from_fn(|i| x[i] + x[i + 4]);
    (t[0] + t[1]) + (t[2] + t[3])
}

/// The sum of `n` products in `order`, with the terms padded by zero products up to a
/// multiple of 32 as llama.cpp's padded KV cache does (the kernels skip them).
fn ordered_dot(order: SumOrder, n: usize, term: impl Fn(usize) -> (f32, f32)) -> f32 {
    let padded = n.div_ceil(32) * 32;
    let term = |i: usize| if i < n { term(i) } else { (0.0, 0.0) };
    match order {
        SumOrder::Lanes8 => {
            let mut acc = [0.0f32; 8];
            for i in 0..padded {
                let (a, b) = term(i);
                acc[i % 8] = fma(a, b, acc[i % 8]);
            }
            hsum8(&acc)
        }
        SumOrder::Blocks32 => {
            let mut acc = [[0.0f32; 8]; 4];
            for i in 0..padded {
                let (a, b) = term(i);
                let slot = &mut acc[(i % 32) / 8][i % 8];
                *slot = fma(a, b, *slot);
            }
            reduce4x8(&acc)
        }
    }
}

fn v_expf(x: f32) -> f32 {
    let f = f32::from_bits;
    let r = f(0x4b40_0000);
    let z = fma(x, f(0x3fb8_aa3b), r);
    let n = z - r;
    let b = fma(-n, f(0x35bf_be8e), fma(-n, f(0x3f31_7200), x));
    let e = z.to_bits() << 23;
    let k = f(e.wrapping_add(1.0f32.to_bits()));
    let u = b * b;
    let p = fma(f(0x3c07_2010), b, f(0x3d2b_9f17));
    let j = fma(
        fma(p, u, fma(f(0x3e2a_af33), b, f(0x3eff_fedb))),
        u,
        f(0x3f7f_fff6) * b,
    );
    let magnitude = f(n.to_bits() & 0x7fff_ffff);
    if magnitude.partial_cmp(&126.0) != Some(core::cmp::Ordering::Greater) {
        return fma(k, j, k);
    }
    let g: u32 = if n <= 0.0 { 0x8200_0000 } else { 0 };
    let s1 = f(g.wrapping_add(0x7f00_0000));
    let s2 = f(e.wrapping_sub(g));
    if magnitude > 192.0 {
        s1 * s1
    } else {
        fma(s2, j, s2) * s1
    }
}

/// Exact f16 → f32.
fn widen(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let (exponent, mantissa) = (u32::from(h >> 10) & 0x1f, u32::from(h & 0x3ff));
    match exponent {
        0 => f32::from_bits(sign | (mantissa as f32 * 2f32.powi(-24)).to_bits()),
        31 => f32::from_bits(sign | 0x7f80_0000 | mantissa << 13),
        _ => f32::from_bits(sign | (exponent + 112) << 23 | mantissa << 13),
    }
}

fn scores_ref(
    keys: &[u16],
    stride: usize,
    q: &[f32],
    scale: f32,
    rows: usize,
    order: SumOrder,
) -> Vec<f32> {
    (0..rows)
        .map(|j| ordered_dot(order, q.len(), |d| (widen(keys[j * stride + d]), q[d])) * scale)
        .collect()
}

fn weighted_ref(
    values: &[u16],
    stride: usize,
    p: &[f32],
    dims: usize,
    order: SumOrder,
) -> Vec<f32> {
    (0..dims)
        .map(|d| ordered_dot(order, p.len(), |j| (widen(values[j * stride + d]), p[j])))
        .collect()
}

fn exp_sub_max_ref(x: &mut [f32], max: f32) -> f64 {
    let mut sum = 0.0f64;
    for group in x.chunks_mut(8) {
        let mut lanes = [0.0f32; 8];
        for (lane, v) in lanes.iter_mut().zip(group.iter_mut()) {
            *v = v_expf(*v - max);
            *lane = *v;
        }
        sum += f64::from(hsum8(&lanes));
    }
    sum
}

fn silu_mul_ref(gate: &mut [f32], up: &[f32]) {
    for (g, u) in gate.iter_mut().zip(up) {
        *g = (*g / (1.0 + v_expf(0.0 - *g))) * u;
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
    /// Activation-like floats in ±8 with exact and negative zeros, subnormals, tiny
    /// and huge values mixed in.
    fn float(&mut self) -> f32 {
        let sign = if self.next() & 1 == 0 { 1.0 } else { -1.0 };
        match self.below(100) {
            0..=4 => 0.0,
            5..=7 => -0.0,
            8..=9 => sign * f32::from_bits(1 + self.below(0x7f_ffff) as u32),
            10..=11 => sign * 1.0e-30 * self.unit(),
            12..=13 => sign * 1.0e28 * (1.0 + self.unit()),
            _ => sign * 8.0 * self.unit(),
        }
    }
    fn floats(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.float()).collect()
    }
    /// f16 bit patterns of the same mix (largest finite 65504, no inf or NaN).
    fn half(&mut self) -> u16 {
        let sign = if self.next() & 1 == 0 { 0 } else { 0x8000 };
        let mantissa = self.below(1024) as u16;
        sign | match self.below(100) {
            0..=4 => 0,
            5..=7 => 0x8000,
            8..=10 => mantissa.max(1),
            11..=12 => 30 << 10 | mantissa,
            _ => (1 + self.below(17) as u16) << 10 | mantissa,
        }
    }
    fn halves(&mut self, n: usize) -> Vec<u16> {
        (0..n).map(|_| self.half()).collect()
    }
}

fn token() -> Option<Avx2> {
    let token = Avx2::detect();
    if token.is_none() {
        eprintln!("note: no AVX2/FMA on this CPU; ggml agreement tests skipped");
    }
    token
}

fn assert_bits(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g.to_bits(),
            w.to_bits(),
            "{what}: element {i}: {g:e} vs {w:e}"
        );
    }
}

/// Equal bits, or both NaN (NaN payloads are not part of the contract).
fn same(got: f32, want: f32) -> bool {
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

#[test]
fn scores_match_for_every_row_count_head_size_and_order() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed_0001);
    for rows in 1..=300 {
        let head = 32 * (1 + rng.below(4) as usize);
        let stride = head + 8 * rng.below(3) as usize + rng.below(2) as usize;
        let keys = rng.halves((rows - 1) * stride + head);
        let q = rng.floats(head);
        let scale = if rows % 3 == 0 {
            0.125
        } else {
            1.0 + rng.unit()
        };
        for order in ORDERS {
            let mut out = vec![f32::NAN; rows];
            avx2.attn_scores(&keys, stride, &q, scale, &mut out, order)
                .expect("valid shape");
            let want = scores_ref(&keys, stride, &q, scale, rows, order);
            assert_bits(
                &out,
                &want,
                &format!("scores rows={rows} head={head} {order:?}"),
            );
        }
    }
}

#[test]
fn weighted_sums_match_for_every_length_width_and_order() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed_0002);
    let mut lengths: Vec<usize> = (0..=300).collect();
    lengths.extend([511, 512, 777, 1000, 1023, 1024, 1999, 2000]);
    for n in lengths {
        let dims = 8 * (1 + rng.below(9) as usize);
        let stride = dims + 8 * rng.below(3) as usize + rng.below(2) as usize;
        let values = rng.halves(n.saturating_sub(1) * stride + dims);
        let p: Vec<f32> = if n % 2 == 0 {
            rng.floats(n)
        } else {
            (0..n).map(|_| rng.unit()).collect()
        };
        for order in ORDERS {
            let mut out = vec![f32::NAN; dims];
            avx2.attn_weighted_sum(&values, stride, &p, &mut out, order)
                .expect("valid shape");
            let want = weighted_ref(&values, stride, &p, dims, order);
            assert_bits(
                &out,
                &want,
                &format!("weighted n={n} dims={dims} {order:?}"),
            );
        }
    }
}

/// Inputs for the exponential: a dense sweep of [-200, 100], every float near the
/// points where `|n|` crosses 126 and 192, and the special values.
fn exp_inputs() -> Vec<f32> {
    let mut x: Vec<f32> = (-200 * 256..=100 * 256).map(|i| i as f32 / 256.0).collect();
    for edge in [87.0f32, 87.34, 87.68, 88.03, 132.9, 133.08, 133.42, 134.0] {
        for sign in [1.0f32, -1.0] {
            let bits = (sign * edge).to_bits();
            x.extend((0..4000).map(|k| f32::from_bits(bits - 2000 + k)));
        }
    }
    x.extend([
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NAN,
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        -1e-45,
    ]);
    x.extend([f32::MAX, f32::MIN, 1e30, -1e30]);
    x
}

#[test]
fn v_expf_matches_everywhere_through_exp_sub_max() {
    let Some(avx2) = token() else { return };
    let inputs = exp_inputs();
    let mut got = inputs.clone();
    avx2.exp_sub_max(&mut got, 0.0).expect("any length");
    for (x, g) in inputs.iter().zip(&got) {
        let want = v_expf(*x);
        assert!(same(*g, want), "v_expf({x:e}) = {g:e}, want {want:e}");
    }
    assert_eq!(v_expf(f32::NEG_INFINITY).to_bits(), 0);
    assert_eq!(v_expf(0.0), 1.0);
    assert_eq!(v_expf(100.0), f32::INFINITY);
}

#[test]
fn exp_sub_max_sums_match_for_every_tail_length() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed_0003);
    assert_eq!(avx2.exp_sub_max(&mut [], 3.0), Some(0.0));
    for n in (1..=300).chain([1000, 4097, 8192]) {
        let x: Vec<f32> = (0..n).map(|_| 30.0 * (rng.unit() - 0.9)).collect();
        let max = x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let mut got = x.clone();
        // One element past the slice must stay untouched by the partial last group.
        got.push(-7.0);
        let sum = avx2.exp_sub_max(&mut got[..n], max).expect("any length");
        let mut want = x;
        let want_sum = exp_sub_max_ref(&mut want, max);
        assert_bits(&got[..n], &want, &format!("exp_sub_max n={n}"));
        assert_eq!(got[n], -7.0);
        assert_eq!(
            sum.to_bits(),
            want_sum.to_bits(),
            "sum n={n}: {sum} vs {want_sum}"
        );
    }
}

#[test]
fn silu_mul_matches_on_a_sweep_and_refuses_bad_lengths() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed_0004);
    let mut gate: Vec<f32> = (-100 * 128..100 * 128).map(|i| i as f32 / 128.0).collect();
    gate.extend([
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NAN,
        0.0,
        -0.0,
        1e-40,
        -1e30,
        1e30,
    ]);
    gate.extend(rng.floats(8 - gate.len() % 8 + 64));
    let up = rng.floats(gate.len());
    let mut got = gate.clone();
    avx2.silu_mul(&mut got, &up)
        .expect("same length, multiple of 8");
    let mut want = gate.clone();
    silu_mul_ref(&mut want, &up);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            same(*g, *w),
            "silu_mul({:e}) · {:e} = {g:e}, want {w:e}",
            gate[i],
            up[i]
        );
    }
    let mut short = [1.0f32; 12];
    assert_eq!(avx2.silu_mul(&mut short, &[1.0; 12]), None);
    assert_eq!(avx2.silu_mul(&mut short[..8], &[1.0; 16]), None);
    assert_eq!(short, [1.0; 12]);
    assert_eq!(avx2.silu_mul(&mut [], &[]), Some(()));
}

#[test]
fn bad_shapes_are_refused() {
    let Some(avx2) = token() else { return };
    let keys = [0x3c00u16; 256];
    for order in ORDERS {
        let mut out = [5.0f32; 2];
        let scores = |q: &[f32], stride: usize, keys: &[u16], out: &mut [f32]| {
            avx2.attn_scores(keys, stride, q, 1.0, out, order)
        };
        assert_eq!(scores(&[0.0; 48], 64, &keys, &mut out), None);
        assert_eq!(scores(&[], 64, &keys, &mut out), None);
        assert_eq!(scores(&[0.0; 64], 32, &keys, &mut out), None);
        assert_eq!(scores(&[0.0; 64], 64, &keys[..127], &mut out), None);
        assert_eq!(scores(&[0.0; 64], usize::MAX, &keys, &mut out), None);
        assert_eq!(out, [5.0; 2]);
        assert_eq!(scores(&[0.0; 48], 64, &keys, &mut []), Some(()));
        assert_eq!(scores(&[1.0; 64], 64, &keys[..128], &mut out), Some(()));
        assert_eq!(out, [64.0; 2]);

        let mut head = [5.0f32; 16];
        let sum = |values: &[u16], stride: usize, p: &[f32], out: &mut [f32]| {
            avx2.attn_weighted_sum(values, stride, p, out, order)
        };
        assert_eq!(sum(&keys, 16, &[1.0; 3], &mut head[..12]), None);
        assert_eq!(sum(&keys, 16, &[1.0; 3], &mut []), None);
        assert_eq!(sum(&keys, 8, &[1.0; 3], &mut head), None);
        assert_eq!(sum(&keys[..47], 16, &[1.0; 3], &mut head), None);
        assert_eq!(sum(&keys, usize::MAX, &[1.0; 3], &mut head), None);
        assert_eq!(sum(&keys, 8, &[], &mut head), None);
        assert_eq!(head, [5.0; 16]);
        assert_eq!(sum(&keys[..48], 16, &[1.0; 3], &mut head), Some(()));
        assert_eq!(head, [3.0; 16]);
        assert_eq!(sum(&[], 16, &[], &mut head), Some(()));
        assert_eq!(head.map(f32::to_bits), [0; 16]);
    }
}

#[test]
fn the_two_orders_really_differ() {
    let Some(avx2) = token() else { return };
    // Terms 0, 8 and 16 share lane 0 in Lanes8 ((1e8 + 1) - 1e8 = 0: the 1 is
    // absorbed) but sit in three registers in Blocks32 ((1e8 - 1e8) + 1 = 1).
    let mut weights = [0.0f32; 64];
    (weights[0], weights[8], weights[16]) = (1.0e8, 1.0, -1.0e8);
    let ones = [0x3c00u16; 64 * 8];
    let (mut lanes8, mut blocks32) = ([9.0f32; 1], [9.0f32; 1]);
    let scores = |out: &mut [f32], order| avx2.attn_scores(&ones, 64, &weights, 1.0, out, order);
    assert_eq!(scores(&mut lanes8, SumOrder::Lanes8), Some(()));
    assert_eq!(scores(&mut blocks32, SumOrder::Blocks32), Some(()));
    assert_eq!((lanes8, blocks32), ([0.0], [1.0]));
    let (mut lanes8, mut blocks32) = ([9.0f32; 8], [9.0f32; 8]);
    let sum = |out: &mut [f32], order| avx2.attn_weighted_sum(&ones, 8, &weights, out, order);
    assert_eq!(sum(&mut lanes8, SumOrder::Lanes8), Some(()));
    assert_eq!(sum(&mut blocks32, SumOrder::Blocks32), Some(()));
    assert_eq!((lanes8, blocks32), ([0.0; 8], [1.0; 8]));

    // And on ordinary random data the results disagree somewhere.
    let mut rng = Rng(0x5eed_0005);
    let keys = rng.halves(64 * 200);
    let q: Vec<f32> = (0..64).map(|_| 8.0 * (rng.unit() - 0.5)).collect();
    let (mut a, mut b) = (vec![0.0f32; 200], vec![0.0f32; 200]);
    assert_eq!(
        avx2.attn_scores(&keys, 64, &q, 1.0, &mut a, SumOrder::Lanes8),
        Some(())
    );
    assert_eq!(
        avx2.attn_scores(&keys, 64, &q, 1.0, &mut b, SumOrder::Blocks32),
        Some(())
    );
    assert!(a.iter().zip(&b).any(|(x, y)| x.to_bits() != y.to_bits()));
}
