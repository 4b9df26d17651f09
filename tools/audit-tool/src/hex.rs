//! Hexadecimal text: the console's dump lines and key fingerprints.

/// `bytes` as lower-case hexadecimal, two digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len().saturating_mul(2));
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Decodes lower-case hexadecimal (the dump's only form); `None` if `text`
/// has an odd length or any other character.
pub fn decode_lowercase(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2)
        .map(|pair| Some(lower_digit(pair[0])? << 4 | lower_digit(pair[1])?))
        .collect()
}

/// Parses a key fingerprint: 64 hexadecimal digits of either case.
pub fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let bytes = decode_lowercase(text.to_ascii_lowercase().as_bytes())?;
    <[u8; 32]>::try_from(bytes).ok()
}

fn lower_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_byte() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = encode(&bytes);
        assert_eq!(text.len(), 512);
        assert!(text.starts_with("000102"));
        assert!(text.ends_with("feff"));
        assert_eq!(decode_lowercase(text.as_bytes()), Some(bytes));
    }

    #[test]
    fn dump_lines_must_be_lowercase_and_even() {
        assert_eq!(decode_lowercase(b""), Some(Vec::new()));
        assert_eq!(decode_lowercase(b"0a"), Some(vec![0x0a]));
        assert_eq!(decode_lowercase(b"0A"), None);
        assert_eq!(decode_lowercase(b"0a1"), None);
        assert_eq!(decode_lowercase(b"0g"), None);
        assert_eq!(decode_lowercase(b"0a "), None);
    }

    #[test]
    fn fingerprints_take_either_case_and_exactly_32_bytes() {
        let lower = "ab".repeat(32);
        assert_eq!(parse_fingerprint(&lower), Some([0xab; 32]));
        assert_eq!(parse_fingerprint(&lower.to_uppercase()), Some([0xab; 32]));
        assert_eq!(parse_fingerprint(&"ab".repeat(31)), None);
        assert_eq!(parse_fingerprint(&"ab".repeat(33)), None);
        assert_eq!(parse_fingerprint("xyz"), None);
    }
}
