//! Fake entropy sources: a good one, and the ways a real one breaks.

#![allow(dead_code)]

/// SplitMix64: well-distributed words, standing in for a healthy source.
pub fn good(seed: u64) -> impl FnMut() -> Option<u64> + Send {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Some(z ^ (z >> 31))
    }
}

/// A source that returns one word forever (the all-ones RDRAND failure).
pub fn stuck(word: u64) -> impl FnMut() -> Option<u64> + Send {
    move || Some(word)
}

/// Distinct words whose upper four bytes are always zero: no word repeats,
/// but half of every window's bytes are one value.
pub fn biased(seed: u64) -> impl FnMut() -> Option<u64> + Send {
    let mut inner = good(seed);
    move || inner().map(|word| word & 0xFFFF_FFFF)
}

/// A good source that delivers `healthy` words, then `after` forever.
pub fn breaks_after(
    healthy: usize,
    mut after: impl FnMut() -> Option<u64> + Send,
) -> impl FnMut() -> Option<u64> + Send {
    let mut inner = good(1);
    let mut delivered = 0usize;
    move || {
        if delivered < healthy {
            delivered += 1;
            inner()
        } else {
            after()
        }
    }
}
