//! GPT-2's reversible map between bytes and printable Unicode characters.
//!
//! Byte-level BPE vocabularies store every byte as a visible character: the
//! printable Latin-1 bytes stand for themselves and the other 68 bytes (controls,
//! space, DEL, NBSP, soft hyphen) take the code points 256, 257, … in byte order.

/// True for the bytes that GPT-2 maps to the character of the same value.
fn is_direct(b: u8) -> bool {
    matches!(b, b'!'..=b'~' | 0xa1..=0xac | 0xae..=0xff)
}

/// The character that stands for byte `b`.
pub fn byte_to_char(b: u8) -> char {
    if is_direct(b) {
        return char::from(b);
    }
    let index = (0..b).filter(|&x| !is_direct(x)).count() as u32;
    // 256 + at most 67 is always a valid scalar value.
    char::from_u32(256 + index).unwrap_or('\u{fffd}')
}

/// The byte that character `c` stands for, if it is one of the 256 mapped characters.
pub fn char_to_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if let Ok(b) = u8::try_from(code) {
        return is_direct(b).then_some(b);
    }
    let index = code.checked_sub(256)?;
    (0..=255u8).filter(|&x| !is_direct(x)).nth(index as usize)
}

/// A precomputed table of [`byte_to_char`] for the encoder's hot loop.
pub fn byte_table() -> [char; 256] {
    core::array::from_fn(|b| byte_to_char(b as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_is_a_bijection_matching_gpt2() {
        assert_eq!(byte_to_char(b' '), 'Ġ');
        assert_eq!(byte_to_char(b'\n'), 'Ċ');
        assert_eq!(byte_to_char(b'a'), 'a');
        assert_eq!(byte_to_char(0xad), 'Ń');
        for b in 0..=255u8 {
            assert_eq!(char_to_byte(byte_to_char(b)), Some(b));
        }
        assert_eq!(char_to_byte('€'), None);
    }
}
