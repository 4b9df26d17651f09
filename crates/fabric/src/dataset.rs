//! Clustered synthetic vectors for index tests and benchmarks.

use crate::distance::normalize_into;
use crate::rng::Rng;
use alloc::vec::Vec;

/// Generates `count` unit vectors of `dim` components from a Gaussian
/// mixture: `centres` centres drawn from N(0, 1), each point a uniformly
/// chosen centre plus `noise`·N(0, 1), then normalised. Row-major output.
///
/// Uniform random vectors have no neighbourhood structure, so recall on
/// them says nothing about a graph index; a mixture does.
pub fn clustered(count: usize, dim: usize, centres: usize, noise: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let centre_count = centres.max(1);
    let centre_values: Vec<f32> = (0..centre_count.saturating_mul(dim))
        .map(|_| rng.gaussian() as f32)
        .collect();
    let mut out = Vec::with_capacity(count.saturating_mul(dim));
    let mut point = Vec::with_capacity(dim);
    let mut unit = Vec::with_capacity(dim);
    for _ in 0..count {
        let centre = rng.below(centre_count as u64) as usize * dim;
        point.clear();
        for component in &centre_values[centre..centre + dim] {
            point.push(component + noise * rng.gaussian() as f32);
        }
        // Only a non-finite `noise` makes a point unnormalisable; such
        // points are left out rather than looped on.
        if normalize_into(&point, &mut unit) {
            out.extend_from_slice(&unit);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clustered;
    use crate::distance::dot;

    #[test]
    fn points_are_unit_length_and_clustered() {
        let dim = 64;
        let data = clustered(400, dim, 4, 0.5, 9);
        assert_eq!(data.len(), 400 * dim);
        let rows: alloc::vec::Vec<&[f32]> = data.chunks_exact(dim).collect();
        for row in &rows {
            assert!((dot(row, row) - 1.0).abs() < 1e-4);
        }
        // With 4 centres, each point's best match among the others is a
        // cluster mate (cosine near 0.8), far above unrelated points (~0).
        let best = rows[1..]
            .iter()
            .map(|r| dot(rows[0], r))
            .fold(-1.0f32, f32::max);
        assert!(best > 0.6, "best {best}");
        assert_eq!(clustered(10, dim, 4, 0.5, 9), data[..10 * dim]);
    }
}
