//! Quantised matrix-vector products: scalar and AVX2 agree, the batched AVX2 kernel is
//! bit-identical to the single one at every batch size, and both equal the dequantised
//! product closely.

mod llm_support;

use aios_ml::gguf::Gguf;
use aios_ml::quant::{Matrix, QuantizedVector};
use aios_ml::{Backend, Error};
use llm_support::{TensorSpec, write_gguf};

/// A deterministic pseudo-random stream in [-1, 1).
fn noise(seed: u32, n: usize) -> Vec<f32> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as f32 / u32::MAX as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Q4_1 blocks with pseudo-random scales, minimums and codes.
fn q4_1_rows(rows: usize, cols: usize) -> Vec<u8> {
    let bytes: Vec<f32> = noise(7, rows * cols / 32 * 20);
    let mut out = Vec::new();
    for (b, chunk) in bytes.chunks_exact(20).enumerate() {
        let d = aios_ml::quant::f32_to_f16(0.01 + chunk[0].abs() * 0.05);
        let m = aios_ml::quant::f32_to_f16(chunk[1] * 0.3);
        out.extend(d.to_le_bytes());
        out.extend(m.to_le_bytes());
        out.extend(
            chunk[4..]
                .iter()
                .map(|v| ((v + 1.0) * 127.9) as u8 ^ b as u8),
        );
    }
    out
}

#[test]
fn q4_1_matmul_backends_agree_with_dequantised_product() {
    // An odd row count: the AVX2 path pairs rows and must handle the last one alone.
    let (rows, cols, batch) = (25, 128, 9);
    let bytes = write_gguf(
        &[],
        &[TensorSpec {
            name: "w".into(),
            dims: vec![cols as u64, rows as u64],
            ty: 3,
            data: q4_1_rows(rows, cols),
        }],
    );
    let gguf = Gguf::parse(&bytes).unwrap();
    let w = Matrix::from_tensor(gguf.tensor("w").unwrap(), cols, rows).unwrap();
    let x = noise(3, batch * cols);
    let mut scratch = QuantizedVector::default();
    let mut scalar = vec![0.0; batch * rows];
    w.matmul(Backend::Scalar, &x, &mut scalar, &mut scratch)
        .unwrap();
    let mut row = vec![0.0; cols];
    for r in 0..rows {
        w.dequantize_row(r, &mut row).unwrap();
        for t in 0..batch {
            let exact: f32 = row
                .iter()
                .zip(&x[t * cols..(t + 1) * cols])
                .map(|(a, b)| a * b)
                .sum();
            let got = scalar[t * rows + r];
            assert!(
                (got - exact).abs() < 0.02 * (1.0 + exact.abs()),
                "row {r} token {t}: {got} vs {exact}"
            );
        }
    }
    if let avx2 @ Backend::Avx2(_) = Backend::detect() {
        let mut batched = vec![0.0; batch * rows];
        w.matmul(avx2, &x, &mut batched, &mut scratch).unwrap();
        // Every smaller batch (groups of four, vectors left over) gives the same rows.
        for n in 1..batch {
            let mut part = vec![0.0; n * rows];
            w.matmul(avx2, &x[..n * cols], &mut part, &mut scratch)
                .unwrap();
            assert_eq!(&batched[..n * rows], &part[..], "batch of {n}");
        }
        for t in 0..batch {
            let mut single = vec![0.0; rows];
            w.matvec(
                avx2,
                &x[t * cols..(t + 1) * cols],
                &mut single,
                &mut scratch,
            )
            .unwrap();
            assert_eq!(&batched[t * rows..(t + 1) * rows], &single[..], "token {t}");
            for (a, b) in single.iter().zip(&scalar[t * rows..(t + 1) * rows]) {
                assert!(
                    (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
                    "avx2 {a} vs scalar {b}"
                );
            }
        }
    }
    let mut wrong = vec![0.0; rows + 1];
    assert!(matches!(
        w.matvec(Backend::Scalar, &x[..cols], &mut wrong, &mut scratch),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(Matrix::from_tensor(gguf.tensor("w").unwrap(), rows, cols).is_err());
}

#[test]
fn q8_0_matvec_backends_agree() {
    let (rows, cols) = (5, 64);
    let codes = noise(11, rows * cols);
    let mut data = Vec::new();
    for block in codes.chunks_exact(32) {
        data.extend(aios_ml::quant::f32_to_f16(0.02).to_le_bytes());
        data.extend(block.iter().map(|v| (v * 127.0) as i8 as u8));
    }
    let bytes = write_gguf(
        &[],
        &[TensorSpec {
            name: "e".into(),
            dims: vec![cols as u64, rows as u64],
            ty: 8,
            data,
        }],
    );
    let gguf = Gguf::parse(&bytes).unwrap();
    let w = Matrix::from_tensor(gguf.tensor("e").unwrap(), cols, rows).unwrap();
    let x = noise(5, cols);
    let mut scratch = QuantizedVector::default();
    let (mut a, mut b) = (vec![0.0; rows], vec![0.0; rows]);
    w.matvec(Backend::Scalar, &x, &mut a, &mut scratch).unwrap();
    w.matvec(Backend::detect(), &x, &mut b, &mut scratch)
        .unwrap();
    let mut row = vec![0.0; cols];
    for r in 0..rows {
        w.dequantize_row(r, &mut row).unwrap();
        let exact: f32 = row.iter().zip(&x).map(|(p, q)| p * q).sum();
        assert!(
            (a[r] - exact).abs() < 0.02 * (1.0 + exact.abs()),
            "{} vs {exact}",
            a[r]
        );
        assert!((a[r] - b[r]).abs() <= 1e-5 * (1.0 + a[r].abs()));
    }
}
