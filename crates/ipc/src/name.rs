//! Intent names (`text.summarize`) and patterns over them (`text.*`).

use alloc::string::String;
use core::fmt;

use crate::Error;
use crate::message::MAX_INTENT;

/// Checks an intent name: 1 to [`MAX_INTENT`] bytes of dot-separated,
/// non-empty segments of lower-case ASCII letters, digits, `_` and `-`.
pub fn validate_intent_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_INTENT || !name.split('.').all(valid_segment) {
        return Err(Error::InvalidName);
    }
    Ok(())
}

fn valid_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// An intent name, or a name prefix followed by `.*`, which matches one or
/// more further segments (`text.*` matches `text.summarize` and
/// `text.translate.fr`, not `text`). `*` alone matches every name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pattern {
    text: String,
    wildcard: bool,
}

impl Pattern {
    /// Parses a pattern; a plain intent name is a pattern matching itself.
    pub fn parse(text: &str) -> Result<Pattern, Error> {
        if text.len() > MAX_INTENT {
            return Err(Error::InvalidName);
        }
        let (prefix, wildcard) = split(text);
        if text != "*" {
            validate_intent_name(prefix)?;
        }
        Ok(Pattern {
            text: String::from(text),
            wildcard,
        })
    }

    /// Whether the pattern matches `name`.
    pub fn matches(&self, name: &str) -> bool {
        pattern_matches(&self.text, name)
    }

    /// Whether the pattern is a plain name without a wildcard.
    pub fn is_exact(&self) -> bool {
        !self.wildcard
    }

    /// How many literal segments the pattern fixes: among several matching
    /// patterns the one fixing more segments is the more specific.
    pub fn specificity(&self) -> usize {
        let prefix = self.prefix();
        if prefix.is_empty() {
            0
        } else {
            prefix.split('.').count()
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn prefix(&self) -> &str {
        split(&self.text).0
    }
}

/// Whether the pattern text `pattern` (as [`Pattern::parse`] accepts it)
/// matches `name`, without building a [`Pattern`]: the kernel checks an
/// intent capability's pattern on every send.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    let (prefix, wildcard) = split(pattern);
    if !wildcard {
        return pattern == name;
    }
    if prefix.is_empty() {
        return !name.is_empty();
    }
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| !rest.is_empty())
}

/// Splits a pattern into its literal prefix and whether it ends in a wildcard.
fn split(text: &str) -> (&str, bool) {
    if text == "*" {
        ("", true)
    } else if let Some(prefix) = text.strip_suffix(".*") {
        (prefix, true)
    } else {
        (text, false)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
