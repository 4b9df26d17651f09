//! A small seedable PRNG (xoshiro256**) with uniform and Gaussian draws.

/// Deterministic pseudo-random generator: xoshiro256** seeded through
/// SplitMix64, so any `u64` seed (zero included) gives a good state.
#[derive(Clone, Debug)]
pub struct Rng {
    state: [u64; 4],
    spare_gaussian: Option<f64>,
}

impl Rng {
    /// Creates a generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut mix = seed;
        let mut state = [0u64; 4];
        for word in &mut state {
            mix = mix.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = mix;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *word = z ^ (z >> 31);
        }
        Self {
            state,
            spare_gaussian: None,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform draw from [0, 1) with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw from (0, 1]: never zero, so its logarithm is finite.
    pub fn next_open_f64(&mut self) -> f64 {
        1.0 - self.next_f64()
    }

    /// A uniform draw from `0..bound` (`bound` must be non-zero; zero gives 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A standard normal draw N(0, 1) by the Box-Muller transform.
    pub fn gaussian(&mut self) -> f64 {
        if let Some(value) = self.spare_gaussian.take() {
            return value;
        }
        let radius = libm::sqrt(-2.0 * libm::log(self.next_open_f64()));
        let angle = 2.0 * core::f64::consts::PI * self.next_f64();
        self.spare_gaussian = Some(radius * libm::sin(angle));
        radius * libm::cos(angle)
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let xs: [u64; 4] = core::array::from_fn(|_| a.next_u64());
        let ys: [u64; 4] = core::array::from_fn(|_| b.next_u64());
        let zs: [u64; 4] = core::array::from_fn(|_| c.next_u64());
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn gaussian_has_zero_mean_and_unit_variance() {
        let mut rng = Rng::new(1);
        let n = 200_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..n {
            let x = rng.gaussian();
            sum += x;
            sum_sq += x * x;
        }
        let mean = sum / n as f64;
        let variance = sum_sq / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.02, "variance {variance}");
    }

    #[test]
    fn uniform_draws_stay_in_range() {
        let mut rng = Rng::new(3);
        for _ in 0..10_000 {
            let u = rng.next_f64();
            assert!((0.0..1.0).contains(&u));
            assert!(rng.next_open_f64() > 0.0);
            assert!(rng.below(10) < 10);
        }
    }
}
