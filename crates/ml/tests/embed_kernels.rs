//! The scalar and AVX2 backends agree (relative 1e-5) on random shapes, including lengths
//! that are not multiples of 8, and both refuse mismatched buffer lengths.

use aios_ml::Error;
use aios_ml::kernels::{self, Backend};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn size(&mut self, max: u64) -> usize {
        (self.next() % max) as usize + 1
    }
    fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0)
            .collect()
    }
}

fn avx2() -> Option<Backend> {
    match Backend::detect() {
        Backend::Scalar => {
            eprintln!("note: no AVX2/FMA here; scalar-vs-AVX2 tests skipped");
            None
        }
        backend => Some(backend),
    }
}

/// Relative agreement: error within 1e-5 of the vector's scale (largest magnitude).
fn assert_agree(scalar: &[f32], simd: &[f32]) {
    assert_eq!(scalar.len(), simd.len());
    let scale = scalar.iter().fold(1e-3f32, |m, v| m.max(v.abs()));
    for (i, (a, b)) in scalar.iter().zip(simd).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5 * scale,
            "index {i}: scalar {a} simd {b}"
        );
    }
}

fn abs(values: &[f32]) -> Vec<f32> {
    values.iter().map(|v| v.abs()).collect()
}

/// Agreement of sums of products: error within 1e-5 of `Σ|aᵢ·bᵢ|`, the scale of their
/// rounding error (a plain relative test fails on cancellation, which is not a bug).
fn assert_within(scalar: &[f32], simd: &[f32], scale: &[f32]) {
    for (i, ((a, b), s)) in scalar.iter().zip(simd).zip(scale).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5 * s.max(1e-6),
            "index {i}: scalar {a} simd {b} scale {s}"
        );
    }
}

#[test]
fn dot_and_axpy_agree_on_random_lengths() {
    let Some(simd) = avx2() else { return };
    let mut rng = Rng(7);
    let lengths: Vec<usize> = (0..=33).chain((0..30).map(|_| rng.size(3000))).collect();
    for n in lengths {
        let (a, b) = (rng.vec(n), rng.vec(n));
        let scalar_dot = Backend::Scalar.dot(&a, &b).expect("same length");
        let simd_dot = simd.dot(&a, &b).expect("same length");
        let scale = Backend::Scalar
            .dot(&abs(&a), &abs(&b))
            .expect("same length");
        assert_within(&[scalar_dot], &[simd_dot], &[scale]);
        let y = rng.vec(n);
        let (mut y_scalar, mut y_simd) = (y.clone(), y);
        Backend::Scalar
            .axpy(&mut y_scalar, 0.75, &a)
            .expect("same length");
        simd.axpy(&mut y_simd, 0.75, &a).expect("same length");
        assert_agree(&y_scalar, &y_simd);
    }
}

#[test]
fn matmul_and_matvec_agree_on_random_shapes() {
    let Some(simd) = avx2() else { return };
    let mut rng = Rng(99);
    for _ in 0..40 {
        let (batch, rows, inner) = (rng.size(11), rng.size(70), rng.size(200));
        let x = rng.vec(batch * inner);
        let w = rng.vec(rows * inner);
        let mut out_scalar = vec![0.0; batch * rows];
        let mut out_simd = vec![0.0; batch * rows];
        Backend::Scalar
            .matmul(&mut out_scalar, &x, &w, inner)
            .expect("shapes fit");
        simd.matmul(&mut out_simd, &x, &w, inner)
            .expect("shapes fit");
        let mut scale = vec![0.0; batch * rows];
        Backend::Scalar
            .matmul(&mut scale, &abs(&x), &abs(&w), inner)
            .expect("shapes fit");
        assert_within(&out_scalar, &out_simd, &scale);
        // Each output is the dot product of its input row and weight row.
        let (b, r) = (batch - 1, rows - 1);
        let direct = Backend::Scalar
            .dot(&x[b * inner..][..inner], &w[r * inner..][..inner])
            .expect("same length");
        let index = b * rows + r;
        assert_within(&[direct], &[out_simd[index]], &[scale[index]]);
        let mut vec_out = vec![0.0; rows];
        simd.matvec(&mut vec_out, &w, &x[..inner])
            .expect("shapes fit");
        assert_within(&out_scalar[..rows], &vec_out, &scale[..rows]);
    }
}

#[test]
fn mismatched_shapes_are_errors_on_both_backends() {
    let backends = [Some(Backend::Scalar), avx2()];
    for backend in backends.into_iter().flatten() {
        assert!(matches!(
            backend.dot(&[1.0; 3], &[1.0; 4]),
            Err(Error::LengthMismatch { .. })
        ));
        let mut out = [0.0; 5];
        let result = backend.matmul(&mut out, &[1.0; 8], &[1.0; 12], 4);
        assert!(
            matches!(result, Err(Error::LengthMismatch { .. })),
            "{result:?}"
        );
        assert!(backend.matmul(&mut out, &[1.0; 7], &[1.0; 12], 4).is_err());
        assert!(backend.matmul(&mut out, &[1.0; 8], &[1.0; 12], 0).is_err());
        assert!(backend.matvec(&mut out[..2], &[1.0; 6], &[1.0; 3]).is_ok());
        assert_eq!(&out[..2], &[3.0, 3.0]);
    }
}

#[test]
fn activations_and_norms_compute_known_values() {
    let mut values = [1.0f32, 2.0, 3.0];
    kernels::softmax(&mut values);
    let e: Vec<f32> = [1.0f32, 2.0, 3.0].iter().map(|v| v.exp()).collect();
    let sum: f32 = e.iter().sum();
    assert_agree(&values, &[e[0] / sum, e[1] / sum, e[2] / sum]);
    let mut big = [1000.0f32, 1000.0];
    kernels::softmax(&mut big);
    assert_eq!(big, [0.5, 0.5]);

    let mut row = [1.0f32, 2.0, 3.0, 4.0];
    kernels::layer_norm(&mut row, &[1.0; 4], &[0.5; 4], 0.0).expect("lengths");
    let sd = 1.25f32.sqrt();
    assert_agree(
        &row,
        &[
            -1.5 / sd + 0.5,
            -0.5 / sd + 0.5,
            0.5 / sd + 0.5,
            1.5 / sd + 0.5,
        ],
    );
    assert!(kernels::layer_norm(&mut row, &[1.0; 3], &[0.0; 4], 0.0).is_err());

    let mut gelu = [-1.0f32, 0.0, 1.0, 3.0];
    kernels::gelu_erf(&mut gelu);
    assert_agree(&gelu, &[-0.158_655_26, 0.0, 0.841_344_7, 2.995_950_3]);

    let mut v = [3.0f32, 4.0];
    kernels::l2_normalize(&mut v);
    assert_eq!(v, [0.6, 0.8]);
}
