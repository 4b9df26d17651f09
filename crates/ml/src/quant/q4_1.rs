//! Q4_1 weights: 32 four-bit codes per block with an f16 scale and minimum.

use super::{BLOCK, f16_to_f32};

/// Bytes of one Q4_1 block: f16 scale, f16 minimum, 16 bytes of nibbles.
pub const BLOCK_BYTES: usize = 20;

/// Scale and minimum of a block.
fn scale_min(block: &[u8]) -> (f32, f32) {
    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
    let m = f16_to_f32(u16::from_le_bytes([block[2], block[3]]));
    (d, m)
}

/// The 32 codes of a block in element order: low nibbles are elements 0..16,
/// high nibbles elements 16..32.
fn codes(block: &[u8]) -> [u8; BLOCK] {
    let mut out = [0u8; BLOCK];
    for (j, &b) in block[4..BLOCK_BYTES].iter().enumerate() {
        out[j] = b & 0x0f;
        out[j + 16] = b >> 4;
    }
    out
}

/// Decodes one Q4_1 block into 32 floats.
pub(crate) fn dequantize_block(block: &[u8], out: &mut [f32]) {
    let (d, m) = scale_min(block);
    for (o, q) in out.iter_mut().zip(codes(block)) {
        *o = f32::from(q) * d + m;
    }
}

/// Dot product of a Q4_1 row with a Q8_1 activation vector (scales `d`, sums `s`, codes `qs`).
///
/// `Σ (d_x q_x + m_x) d_y q_y = d_x d_y Σ q_x q_y + m_x s_y`; the integer part is
/// summed in 8 lanes of 4 codes like llama.cpp's AVX2 kernel, the minimum part
/// in a separate scalar, and the two are added at the end as it does.
pub(crate) fn dot_row(row: &[u8], d: &[f32], s: &[f32], qs: &[i8]) -> f32 {
    let mut acc = [0.0f32; 8];
    let mut mins = 0.0f32;
    for (((block, &dy), &sy), qy) in row
        .chunks_exact(BLOCK_BYTES)
        .zip(d)
        .zip(s)
        .zip(qs.chunks_exact(BLOCK))
    {
        let (dx, mx) = scale_min(block);
        mins += mx * sy;
        let qx = codes(block);
        let scale = dx * dy;
        for (lane, a) in acc.iter_mut().enumerate() {
            let mut sum = 0i32;
            for j in lane * 4..lane * 4 + 4 {
                sum += i32::from(qx[j]) * i32::from(qy[j]);
            }
            *a += scale * sum as f32;
        }
    }
    super::matrix::hsum8(&acc) + mins
}
