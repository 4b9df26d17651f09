//! The generation kernels of `aios-simd` are bit-identical to the kernels they replace:
//! the row-loop matrix-vector products to the single-row dot products, the in-place f16
//! attention kernels to widening the cache and calling `dot` and `axpy`.

use aios_ml::quant::{f16_to_f32, f32_to_f16, round_to_f16};
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

/// A cache of `rows` rows `stride` halves apart, finite random halves.
fn cache(rng: &mut Rng, rows: usize, stride: usize) -> Vec<u16> {
    (0..rows * stride)
        .map(|_| f32_to_f16(rng.float() * 4.0))
        .collect()
}

#[test]
fn in_place_attention_equals_widening_then_dot_and_axpy() {
    let Some(avx2) = Avx2::detect() else { return };
    let mut rng = Rng(0x51ed_2701);
    for (head, stride) in [(32, 32), (64, 192), (128, 160)] {
        for rows in 1..=40 {
            let keys = cache(&mut rng, rows, stride);
            let values = cache(&mut rng, rows, stride);
            let offset = stride - head;
            let q: Vec<f32> = (0..head).map(|_| round_to_f16(rng.float())).collect();
            let scale = 0.125;
            let widen = |c: &[u16], j: usize| -> Vec<f32> {
                let at = offset + j * stride;
                c[at..at + head].iter().map(|&h| f16_to_f32(h)).collect()
            };

            let mut scores = vec![0.0f32; rows];
            avx2.scores_f16(&keys[offset..], stride, &q, scale, &mut scores)
                .unwrap();
            let want: Vec<f32> = (0..rows)
                .map(|j| avx2.dot(&widen(&keys, j), &q).unwrap() * scale)
                .collect();
            assert_eq!(bits(&scores), bits(&want), "scores head {head} rows {rows}");

            // Weights including exact f16 ties, which must round to even as F16C does.
            let mut p: Vec<f32> = (0..rows).map(|_| rng.float().abs()).collect();
            p[0] = 1.0 + 1.0 / 2048.0;
            let mut out = vec![0.0f32; head];
            avx2.weighted_sum_f16(&values[offset..], stride, &p, &mut out)
                .unwrap();
            let mut want = vec![0.0f32; head];
            for (j, &w) in p.iter().enumerate() {
                avx2.axpy(&mut want, round_to_f16(w), &widen(&values, j))
                    .unwrap();
            }
            assert_eq!(bits(&out), bits(&want), "values head {head} rows {rows}");
        }
    }
    let keys = vec![0u16; 64 * 3];
    let mut out = [0.0f32; 3];
    // Head sizes the kernels do not cover, rows past the cache, a stride below the head.
    assert_eq!(avx2.scores_f16(&keys, 48, &[0.0; 48], 1.0, &mut out), None);
    assert_eq!(
        avx2.scores_f16(&keys[1..], 64, &[0.0; 64], 1.0, &mut out),
        None
    );
    assert_eq!(avx2.scores_f16(&keys, 16, &[0.0; 32], 1.0, &mut out), None);
    let mut head = [1.0f32; 64];
    assert_eq!(avx2.weighted_sum_f16(&keys[1..], 64, &out, &mut head), None);
    assert_eq!(avx2.weighted_sum_f16(&keys, 64, &[], &mut head), Some(()));
    assert_eq!(head, [0.0; 64]);
}
