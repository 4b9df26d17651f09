//! The AVX2 micro-kernels agree with a plain f64 reference on random data and lengths,
//! including lengths that are not multiples of 8, 16 or 32.

use aios_simd::Avx2;

/// Deterministic xorshift64* generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn float(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }
    fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.float()).collect()
    }
}

fn reference_dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// |got - want| relative to the sum of absolute products (the scale of rounding error).
fn assert_close(got: f32, a: &[f32], b: &[f32]) {
    let want = reference_dot(a, b);
    let scale: f64 = a.iter().zip(b).map(|(x, y)| f64::from((x * y).abs())).sum();
    let error = (f64::from(got) - want).abs();
    assert!(
        error <= 1e-5 * scale.max(1e-30),
        "n={} got {got} want {want}",
        a.len()
    );
}

fn token() -> Option<Avx2> {
    let token = Avx2::detect();
    if token.is_none() {
        eprintln!("note: no AVX2/FMA on this CPU; SIMD agreement tests skipped");
    }
    token
}

#[test]
fn dot_matches_reference_for_all_small_lengths_and_random_large_ones() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x1234_5678);
    let mut lengths: Vec<usize> = (0..=70).collect();
    lengths.extend((0..40).map(|_| (rng.next() % 5000) as usize));
    for n in lengths {
        let a = rng.vec(n);
        let b = rng.vec(n);
        let got = avx2.dot(&a, &b).expect("equal lengths");
        assert_close(got, &a, &b);
    }
}

#[test]
fn dot_codes_matches_reference_for_every_code_and_length() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed_0002);
    let mut seen = [false; 256];
    for n in (0..=70).chain([96, 255, 256, 383, 384, 385, 1536]) {
        let a = rng.vec(n);
        let codes: Vec<i8> = (0..n).map(|_| rng.next() as u8 as i8).collect();
        for &code in &codes {
            seen[usize::from(code as u8)] = true;
        }
        let widened: Vec<f32> = codes.iter().map(|&c| f32::from(c)).collect();
        // Packed four to a word; the last word's spare bytes are garbage.
        let mut words = vec![0xa5a5_a5a5u32; n.div_ceil(4)];
        for (i, &code) in codes.iter().enumerate() {
            let shift = 8 * (i % 4);
            words[i / 4] = (words[i / 4] & !(0xff << shift)) | (u32::from(code as u8) << shift);
        }
        let (dot, square) = avx2.dot_codes(&a, &words).expect("enough words");
        assert_close(dot, &a, &widened);
        assert_close(square, &widened, &widened);
    }
    assert!(
        seen.iter().all(|&s| s),
        "every code from -128 to 127 is tried"
    );
    assert_eq!(avx2.dot_codes(&[1.0], &[]), None);
    assert_eq!(avx2.dot_codes(&[1.0; 4], &[0, 0]), None);
}

#[test]
fn dot4_matches_four_reference_dots() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0xabcdef);
    for n in (0..=40).chain([383, 384, 385, 1536, 1537]) {
        let w = rng.vec(n);
        let xs: Vec<Vec<f32>> = (0..4).map(|_| rng.vec(n)).collect();
        let got = avx2
            .dot4(&w, [&xs[0], &xs[1], &xs[2], &xs[3]])
            .expect("equal lengths");
        for (value, x) in got.iter().zip(&xs) {
            assert_close(*value, &w, x);
        }
    }
}

#[test]
fn dot4x2_matches_eight_reference_dots() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(0x5eed);
    for n in (0..=40).chain([383, 384, 385, 1536, 1537]) {
        let w: Vec<Vec<f32>> = (0..2).map(|_| rng.vec(n)).collect();
        let xs: Vec<Vec<f32>> = (0..4).map(|_| rng.vec(n)).collect();
        let got = avx2
            .dot4x2([&w[0], &w[1]], [&xs[0], &xs[1], &xs[2], &xs[3]])
            .expect("equal lengths");
        for (row, values) in w.iter().zip(got) {
            for (value, x) in values.iter().zip(&xs) {
                assert_close(*value, row, x);
            }
        }
    }
    let short = [0.0f32; 3];
    let long = [0.0f32; 4];
    assert_eq!(avx2.dot4x2([&long, &short], [&long; 4]), None);
}

#[test]
fn axpy_matches_reference_and_leaves_nothing_past_the_end() {
    let Some(avx2) = token() else { return };
    let mut rng = Rng(42);
    for n in (0..=70).chain([1000, 1023]) {
        let x = rng.vec(n);
        let y0 = rng.vec(n + 1);
        let a = rng.float();
        let mut y = y0.clone();
        avx2.axpy(&mut y[..n], a, &x).expect("equal lengths");
        for i in 0..n {
            let want = f64::from(y0[i]) + f64::from(a) * f64::from(x[i]);
            assert!((f64::from(y[i]) - want).abs() <= 1e-6, "n={n} i={i}");
        }
        assert_eq!(y[n], y0[n], "axpy wrote past the end");
    }
}

#[test]
fn mismatched_lengths_are_refused_without_running_the_kernel() {
    let Some(avx2) = token() else { return };
    let a = [1.0f32; 9];
    let b = [1.0f32; 8];
    assert_eq!(avx2.dot(&a, &b), None);
    assert_eq!(avx2.dot4(&a, [&a, &a, &b, &a]), None);
    let mut y = [0.0f32; 8];
    assert_eq!(avx2.axpy(&mut y, 2.0, &a), None);
    assert_eq!(y, [0.0; 8]);
    assert_eq!(avx2.dot(&a, &a), Some(9.0));
}

#[test]
fn probe_is_consistent_with_the_host_feature_detection() {
    let host = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
    assert_eq!(aios_simd::avx2_fma_available(), host);
    assert_eq!(Avx2::detect().is_some(), host);
}
