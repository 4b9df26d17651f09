//! Percent-decoding (RFC 3986 §2.1) of path segments and query values:
//! `%XX` becomes the byte XX; the result must be UTF-8. A `%` not
//! followed by two hex digits is refused rather than passed on, so a key
//! never means two things.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a component does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadEncoding {
    /// A `%` at byte `at` without two hex digits after it.
    Escape {
        /// Where the `%` is.
        at: usize,
    },
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for BadEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadEncoding::Escape { at } => {
                write!(f, "a % at byte {at} is not followed by two hex digits")
            }
            BadEncoding::NotUtf8 => f.write_str("the percent-decoded bytes are not UTF-8"),
        }
    }
}

/// Decodes one path segment: `%XX` escapes only (`+` stays `+`).
pub fn path_segment(text: &str) -> Result<String, BadEncoding> {
    decode(text, false)
}

/// Decodes one query value: `%XX` escapes, and `+` for a space as HTML
/// forms and `curl --data-urlencode` write it.
pub fn query_value(text: &str) -> Result<String, BadEncoding> {
    decode(text, true)
}

fn decode(text: &str, plus_is_space: bool) -> Result<String, BadEncoding> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'%' => {
                let high = bytes.get(at + 1).and_then(|b| hex(*b));
                let low = bytes.get(at + 2).and_then(|b| hex(*b));
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(BadEncoding::Escape { at });
                };
                out.push(high << 4 | low);
                at += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                at += 1;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| BadEncoding::NotUtf8)
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_in_either_case() {
        assert_eq!(path_segment("a%20b%2Fc%2fd").unwrap(), "a b/c/d");
        assert_eq!(path_segment("caf%C3%A9").unwrap(), "café");
        assert_eq!(path_segment("plain-key_1.txt").unwrap(), "plain-key_1.txt");
        assert_eq!(path_segment("").unwrap(), "");
    }

    #[test]
    fn plus_is_a_space_only_in_a_query() {
        assert_eq!(path_segment("a+b").unwrap(), "a+b");
        assert_eq!(query_value("a+b%2Bc").unwrap(), "a b+c");
    }

    #[test]
    fn a_bad_escape_says_where() {
        assert_eq!(path_segment("ab%"), Err(BadEncoding::Escape { at: 2 }));
        assert_eq!(path_segment("%4"), Err(BadEncoding::Escape { at: 0 }));
        assert_eq!(path_segment("x%zz"), Err(BadEncoding::Escape { at: 1 }));
        assert_eq!(query_value("%%41"), Err(BadEncoding::Escape { at: 0 }));
    }

    #[test]
    fn decoded_bytes_must_be_utf8() {
        assert_eq!(path_segment("%FF%FE"), Err(BadEncoding::NotUtf8));
        assert_eq!(path_segment("%C3"), Err(BadEncoding::NotUtf8));
    }
}
