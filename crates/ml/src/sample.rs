//! Choosing the next token from logits: greedy, or temperature with nucleus (top-p)
//! sampling driven by a small seedable PRNG, so a seed reproduces a generation.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Result};

/// How to pick tokens and when to stop.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerConfig {
    /// 0 picks the most likely token (greedy); higher values flatten the distribution.
    pub temperature: f32,
    /// Keep the smallest set of tokens whose probability reaches this (1.0 keeps all).
    pub top_p: f32,
    /// Seed of the PRNG (only used when `temperature > 0`).
    pub seed: u64,
    /// Most tokens to generate.
    pub max_tokens: usize,
    /// Generation stops before any of these strings would appear in the output.
    pub stop: Vec<String>,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig {
            temperature: 0.0,
            top_p: 1.0,
            seed: 0,
            max_tokens: 128,
            stop: Vec::new(),
        }
    }
}

/// xoshiro256** seeded through SplitMix64: fast, small state, good statistics.
#[derive(Debug, Clone)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator whose whole sequence is determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
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

    /// A uniform float in `[0, 1)`.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }
}

/// Picks tokens from logits according to a [`SamplerConfig`].
#[derive(Debug, Clone)]
pub struct Sampler {
    temperature: f32,
    top_p: f32,
    rng: Rng,
}

impl Sampler {
    /// A sampler for `config`; a negative or non-finite temperature or a `top_p`
    /// outside `(0, 1]` is refused.
    pub fn new(config: &SamplerConfig) -> Result<Self> {
        if !(config.temperature.is_finite() && config.temperature >= 0.0) {
            return Err(Error::Malformed {
                what: "temperature must be finite and >= 0",
            });
        }
        if !(config.top_p > 0.0 && config.top_p <= 1.0) {
            return Err(Error::Malformed {
                what: "top_p must be in (0, 1]",
            });
        }
        Ok(Sampler {
            temperature: config.temperature,
            top_p: config.top_p,
            rng: Rng::new(config.seed),
        })
    }

    /// The chosen token id; `logits` must not be empty.
    pub fn sample(&mut self, logits: &[f32]) -> Result<u32> {
        if logits.is_empty() {
            return Err(Error::Malformed {
                what: "no logits to sample from",
            });
        }
        if self.temperature == 0.0 {
            return Ok(argmax(logits));
        }
        let max = logits.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let mut probs: Vec<(f32, u32)> = logits
            .iter()
            .enumerate()
            .map(|(i, &l)| (libm::expf((l - max) / self.temperature), i as u32))
            .collect();
        probs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let total: f32 = probs.iter().map(|p| p.0).sum();
        let mut kept = 0;
        let mut mass = 0.0;
        for p in &probs {
            kept += 1;
            mass += p.0 / total;
            if mass >= self.top_p {
                break;
            }
        }
        let kept_mass: f32 = probs[..kept].iter().map(|p| p.0).sum();
        let mut target = self.rng.next_f32() * kept_mass;
        for &(p, id) in &probs[..kept] {
            if target < p {
                return Ok(id);
            }
            target -= p;
        }
        Ok(probs[kept - 1].1)
    }
}

/// Index of the largest logit (the first one on ties, as llama.cpp's greedy sampler).
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(temperature: f32, top_p: f32, seed: u64) -> SamplerConfig {
        SamplerConfig {
            temperature,
            top_p,
            seed,
            ..SamplerConfig::default()
        }
    }

    #[test]
    fn greedy_takes_the_first_maximum() {
        let mut s = Sampler::new(&config(0.0, 1.0, 1)).unwrap();
        assert_eq!(s.sample(&[0.1, 3.0, -1.0, 3.0]).unwrap(), 1);
    }

    #[test]
    fn top_p_keeps_only_the_nucleus() {
        // Probabilities ~0.88, 0.12, 0.00…: top_p 0.5 must always give token 0.
        let logits = [4.0, 2.0, -5.0, -5.0];
        let mut s = Sampler::new(&config(1.0, 0.5, 7)).unwrap();
        assert!((0..200).all(|_| s.sample(&logits).unwrap() == 0));
        let mut s = Sampler::new(&config(1.0, 1.0, 7)).unwrap();
        let picked: Vec<u32> = (0..400).map(|_| s.sample(&logits).unwrap()).collect();
        let ones = picked.iter().filter(|&&t| t == 1).count();
        assert!(
            (20..90).contains(&ones),
            "token 1 picked {ones}/400 times, expected ~48"
        );
    }

    #[test]
    fn same_seed_same_tokens_and_bad_settings_refused() {
        let logits: Vec<f32> = (0..50).map(|i| (i % 7) as f32 * 0.3).collect();
        let run = |seed| {
            let mut s = Sampler::new(&config(0.8, 0.9, seed)).unwrap();
            (0..30)
                .map(|_| s.sample(&logits).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
        assert!(Sampler::new(&config(-1.0, 0.9, 0)).is_err());
        assert!(Sampler::new(&config(1.0, 0.0, 0)).is_err());
        assert!(Sampler::new(&config(f32::NAN, 0.9, 0)).is_err());
    }
}
