//! Byte-string comparison and hashing tuned for short names.
//!
//! Names in policies are a few bytes long, where a call into a general
//! `memcmp` costs more than the comparison; these compare eight bytes at a
//! time inline. Evaluation runs on every syscall, so this shows.

/// Whether `a` and `b` hold the same bytes.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut a_words = a.chunks_exact(8);
    let mut b_words = b.chunks_exact(8);
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        if word(x) != word(y) {
            return false;
        }
    }
    a_words
        .remainder()
        .iter()
        .zip(b_words.remainder())
        .all(|(x, y)| x == y)
}

/// Whether `name` starts with `prefix`.
#[inline]
pub(crate) fn starts_with(name: &[u8], prefix: &[u8]) -> bool {
    name.get(..prefix.len())
        .is_some_and(|head| same(head, prefix))
}

/// Whether `name` ends with `suffix`.
#[inline]
pub(crate) fn ends_with(name: &[u8], suffix: &[u8]) -> bool {
    name.len()
        .checked_sub(suffix.len())
        .and_then(|start| name.get(start..))
        .is_some_and(|tail| same(tail, suffix))
}

/// Eight bytes as one integer (the chunk is always eight bytes long).
#[inline]
fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    u64::from_ne_bytes(bytes)
}

/// A cheap hash for short keys: the first and last eight bytes (which
/// overlap or are zero-padded for shorter keys) and the length, mixed by
/// one multiplication. Collisions only cost a comparison.
#[inline]
pub(crate) fn hash(bytes: &[u8]) -> u32 {
    let (head, tail) = match bytes.len() {
        0..8 => {
            let mut padded = [0u8; 8];
            if let Some(head) = padded.get_mut(..bytes.len()) {
                head.copy_from_slice(bytes);
            }
            (u64::from_ne_bytes(padded), 0)
        }
        len => (
            bytes.get(..8).map_or(0, word),
            bytes.get(len - 8..).map_or(0, word),
        ),
    };
    let mixed =
        (head ^ tail.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> 32) as u32
}
