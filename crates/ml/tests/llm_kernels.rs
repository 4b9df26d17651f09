//! The generation kernels of `aios-simd` are bit-identical to the kernels they replace:
//! the row-loop matrix-vector products to the single-row dot products, the in-place f16
//! attention kernels to widening the cache and calling `dot` and `axpy`.

use aios_ml::quant::{f32_to_f16, round_to_f16};
use aios_simd::Avx2;

/// Deterministic xorshift32 stream so failures reproduce.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    /// A float in [-1, 1).
    fn float(&mut self) -> f32 {
        (self.next() >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
    fn half(&mut self, scale: f32) -> [u8; 2] {
        f32_to_f16(self.float() * scale).to_le_bytes()
    }
}

/// `rows` rows of `blocks` blocks of `block_bytes`: an f16 scale (and for Q4_1 an f16
/// minimum), then random code bytes.
fn rows_of(rng: &mut Rng, rows: usize, blocks: usize, block_bytes: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rows * blocks {
        out.extend(rng.half(0.05));
        let header = if block_bytes == 20 { 4 } else { 2 };
        if header == 4 {
            out.extend(rng.half(0.5));
        }
        out.extend((header..block_bytes).map(|_| rng.next() as u8));
    }
    out
}

/// A quantised activation vector: f16-valued scales and sums, codes in [-127, 127].
fn vector(rng: &mut Rng, blocks: usize) -> (Vec<f32>, Vec<f32>, Vec<i8>) {
    let d = (0..blocks)
        .map(|_| round_to_f16(rng.float() * 0.02))
        .collect();
    let s = (0..blocks)
        .map(|_| round_to_f16(rng.float() * 3.0))
        .collect();
    let qs = (0..blocks * 32)
        .map(|_| (rng.next() % 255) as i32 - 127)
        .map(|q| q as i8)
        .collect();
    (d, s, qs)
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|f| f.to_bits()).collect()
}

#[test]
fn row_loop_products_equal_the_single_row_kernels_bit_for_bit() {
    let Some(avx2) = Avx2::detect() else { return };
    let mut rng = Rng(0x9e37_79b9);
    for blocks in [1, 2, 3, 5, 18, 48] {
        for rows in 0..=9 {
            let (d, s, qs) = vector(&mut rng, blocks);
            let q4 = rows_of(&mut rng, rows, blocks, 20);
            // One spare slot: the kernel must not write past its rows.
            let mut out = vec![7.5f32; rows + 1];
            avx2.matvec_q4_1_q8_1(&q4, &d, &s, &qs, &mut out[..rows])
                .unwrap();
            let want: Vec<f32> = q4
                .chunks_exact(blocks * 20)
                .map(|row| avx2.dot_q4_1_q8_1(row, &d, &s, &qs).unwrap())
                .collect();
            assert_eq!(bits(&out[..rows]), bits(&want), "q4_1 {rows}x{blocks}");
            assert_eq!(out[rows], 7.5);

            let q8 = rows_of(&mut rng, rows, blocks, 34);
            avx2.matvec_q8_0_q8_0(&q8, &d, &qs, &mut out[..rows])
                .unwrap();
            let want: Vec<f32> = q8
                .chunks_exact(blocks * 34)
                .map(|row| avx2.dot_q8_0_q8_0(row, &d, &qs).unwrap())
                .collect();
            assert_eq!(bits(&out[..rows]), bits(&want), "q8_0 {rows}x{blocks}");
            assert_eq!(out[rows], 7.5);
        }
    }
    let (d, s, qs) = vector(&mut rng, 2);
    let three_rows = rows_of(&mut rng, 3, 2, 20);
    let mut two = [0.0f32; 2];
    assert_eq!(
        avx2.matvec_q4_1_q8_1(&three_rows, &d, &s, &qs, &mut two),
        None
    );
    assert_eq!(
        avx2.matvec_q4_1_q8_1(&three_rows[..80], &d, &s[..1], &qs, &mut two),
        None
    );
    assert_eq!(
        avx2.matvec_q8_0_q8_0(&three_rows[..40], &d, &qs, &mut two),
        None
    );
}
