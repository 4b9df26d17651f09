//! Writing JSON text: escaped strings, byte strings as `"h'<hex>'"`, and
//! numbers that read back as the same value.

use alloc::string::String;
use core::fmt::Write;

/// Appends `text` as a JSON string literal: `"` and `\` escaped, control
/// characters as `\n`, `\t`, ... or `\u00XX`; everything else as is.
pub fn string(out: &mut String, text: &str) {
    out.push('"');
    string_body(out, text);
    out.push('"');
}

/// Appends `text` escaped, without the quotes (for strings that arrive in
/// several chunks).
pub(crate) fn string_body(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Appends bytes as lower-case hex.
pub(crate) fn hex(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
}

/// Appends a double. Rust's `Debug` form is the shortest text that reads
/// back as the same `f64` and always marks it as a float (`1.0`, `1e300`),
/// so it converts back to a float, not an integer. JSON has no infinities
/// or NaN; they are written `null`.
pub(crate) fn double(out: &mut String, x: f64) {
    if x.is_finite() {
        let _ = write!(out, "{x:?}");
    } else {
        out.push_str("null");
    }
}

/// Appends a single (also used for halves, which widen exactly), in its
/// own shortest form: `0.1`, not `0.10000000149011612`.
pub(crate) fn single(out: &mut String, x: f32) {
    if x.is_finite() {
        let _ = write!(out, "{x:?}");
    } else {
        out.push_str("null");
    }
}

/// The value of an IEEE 754 half-precision float.
pub(crate) fn half_to_single(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let fraction = u32::from(bits & 0x3ff);
    let magnitude = match exponent {
        // Subnormal: fraction × 2⁻²⁴, exact in an f32.
        0 => f32::from(bits & 0x3ff) / 16_777_216.0,
        31 => f32::from_bits(0x7f80_0000 | fraction << 13),
        _ => f32::from_bits((exponent + 112) << 23 | fraction << 13),
    };
    f32::from_bits(sign | magnitude.to_bits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\n\t\u{1}\u{1f}\u{7f}é😀/");
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\u{7f}é😀/\"");
    }

    #[test]
    fn numbers_stay_floats() {
        let mut out = String::new();
        for x in [1.0, -0.0, 0.1, 1e300, 1.5e-7, f64::NAN, f64::INFINITY] {
            double(&mut out, x);
            out.push(' ');
        }
        single(&mut out, 0.1);
        assert_eq!(out, "1.0 -0.0 0.1 1e300 1.5e-7 null null 0.1");
    }

    #[test]
    fn halves() {
        assert_eq!(half_to_single(0x3c00), 1.0);
        assert_eq!(half_to_single(0xc000), -2.0);
        assert_eq!(half_to_single(0x7bff), 65504.0);
        assert_eq!(half_to_single(0x0001), 5.960_464_5e-8);
        assert_eq!(half_to_single(0x0400), 6.103_515_6e-5);
        assert_eq!(half_to_single(0x7c00), f32::INFINITY);
        assert_eq!(half_to_single(0xfc00), f32::NEG_INFINITY);
        assert!(half_to_single(0x7e00).is_nan());
        assert_eq!(half_to_single(0x8000).to_bits(), (-0.0f32).to_bits());
    }
}
