//! Glob patterns compiled to matchers that run in time linear in the name.
//!
//! `*` matches any run of characters, including none; every other
//! character matches itself. A pattern is split at its stars into a fixed
//! prefix, a fixed suffix and the literal segments between them. The
//! prefix and suffix are compared in place, and the segments are found in
//! order, each at its leftmost occurrence, with Knuth–Morris–Pratt search.
//! Leftmost is always the right choice (it leaves the most room for what
//! follows), so nothing is ever retried: every byte of the name is looked
//! at a bounded number of times whatever the pattern, unlike the
//! backtracking matchers that take exponential time on `a*a*a*a*b`.

use crate::bytes;
use crate::error::ErrorKind;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// A compiled glob pattern over names (agents, operations, resources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: Box<str>,
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// Only stars: matches everything.
    Any,
    /// No star: the name must equal the source.
    Exact,
    /// `prefix*`.
    Prefix(Box<[u8]>),
    /// `*suffix`.
    Suffix(Box<[u8]>),
    /// `prefix*segment*…*suffix` with at least one middle segment.
    General {
        prefix: Box<[u8]>,
        middle: Box<[Segment]>,
        suffix: Box<[u8]>,
    },
}

/// A literal between two stars, with its KMP failure table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    text: Box<[u8]>,
    /// `failure[i]`: length of the longest proper border of `text[..=i]`.
    failure: Box<[usize]>,
}

impl Pattern {
    /// Compiles `source`. It must be non-empty and free of the reserved
    /// glob characters `?`, `[` and `]`.
    pub fn compile(source: &str) -> Result<Pattern, ErrorKind> {
        if source.is_empty() {
            return Err(ErrorKind::EmptyPattern);
        }
        if let Some(c) = source.chars().find(|c| matches!(c, '?' | '[' | ']')) {
            return Err(ErrorKind::ReservedWildcard(c));
        }
        let parts: Vec<&str> = source.split('*').collect();
        let shape = match parts.as_slice() {
            [_] => Shape::Exact,
            _ if parts.iter().all(|part| part.is_empty()) => Shape::Any,
            [prefix, ""] => Shape::Prefix(owned(prefix)),
            ["", suffix] => Shape::Suffix(owned(suffix)),
            [prefix, middle @ .., suffix] => Shape::General {
                prefix: owned(prefix),
                middle: middle
                    .iter()
                    .filter(|part| !part.is_empty())
                    .map(|part| Segment::new(part.as_bytes()))
                    .collect(),
                suffix: owned(suffix),
            },
            // `split` always yields at least one part.
            [] => Shape::Exact,
        };
        Ok(Pattern {
            source: source.into(),
            shape,
        })
    }

    /// The pattern that matches every name (`*`).
    pub fn any() -> Pattern {
        Pattern {
            source: "*".into(),
            shape: Shape::Any,
        }
    }

    /// The text the pattern was compiled from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern has no star, i.e. matches exactly one name.
    pub fn is_exact(&self) -> bool {
        self.shape == Shape::Exact
    }

    /// Whether the pattern matches every name.
    pub fn is_any(&self) -> bool {
        self.shape == Shape::Any
    }

    /// Whether `name` matches the pattern as a whole.
    #[inline(always)]
    pub fn matches(&self, name: &str) -> bool {
        let name = name.as_bytes();
        match &self.shape {
            Shape::Any => true,
            Shape::Exact => bytes::same(name, self.source.as_bytes()),
            Shape::Prefix(prefix) => bytes::starts_with(name, prefix),
            Shape::Suffix(suffix) => bytes::ends_with(name, suffix),
            Shape::General {
                prefix,
                middle,
                suffix,
            } => matches_general(name, prefix, middle, suffix),
        }
    }
}

/// `prefix*middle[0]*…*suffix`: the fixed ends in place, then each middle
/// segment at its leftmost occurrence after the previous one.
fn matches_general(name: &[u8], prefix: &[u8], middle: &[Segment], suffix: &[u8]) -> bool {
    let Some(end) = name.len().checked_sub(suffix.len()) else {
        return false;
    };
    if end < prefix.len() || !bytes::starts_with(name, prefix) || !bytes::ends_with(name, suffix) {
        return false;
    }
    let mut rest = name.get(prefix.len()..end).unwrap_or_default();
    for segment in middle {
        match segment.find_end(rest) {
            Some(found) => rest = rest.get(found..).unwrap_or_default(),
            None => return false,
        }
    }
    true
}

fn owned(text: &str) -> Box<[u8]> {
    text.as_bytes().into()
}

impl Segment {
    fn new(text: &[u8]) -> Segment {
        let mut failure = alloc::vec![0; text.len()];
        let mut border = 0;
        for i in 1..text.len() {
            while border > 0 && text.get(i) != text.get(border) {
                border = failure.get(border - 1).copied().unwrap_or(0);
            }
            if text.get(i) == text.get(border) {
                border += 1;
            }
            if let Some(slot) = failure.get_mut(i) {
                *slot = border;
            }
        }
        Segment {
            text: text.into(),
            failure: failure.into(),
        }
    }

    /// The index just past the leftmost occurrence of the segment in
    /// `haystack`, if there is one.
    fn find_end(&self, haystack: &[u8]) -> Option<usize> {
        let mut matched = 0;
        for (i, &byte) in haystack.iter().enumerate() {
            while matched > 0 && self.text.get(matched) != Some(&byte) {
                matched = self.failure.get(matched - 1).copied().unwrap_or(0);
            }
            if self.text.get(matched) == Some(&byte) {
                matched += 1;
            }
            if matched == self.text.len() {
                return Some(i + 1);
            }
        }
        None
    }
}

impl fmt::Display for Pattern {
    /// Writes the pattern as it would appear in a policy: `*` bare, any
    /// other pattern quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if &*self.source == "*" {
            f.write_str("*")
        } else {
            write!(f, "\"{}\"", self.source)
        }
    }
}
