//! A narrow AML scan for the `\_S5` package in a DSDT or SSDT.
//!
//! Running an AML interpreter at boot only to learn two bytes is not worth it:
//! firmware declares `_S5` as a plain `Name` holding a `Package` of integer
//! constants, which can be recognised by its byte pattern.

use crate::info::SleepType;

const NAME_OP: u8 = 0x08;
const PACKAGE_OP: u8 = 0x12;
const ROOT_PREFIX: u8 = b'\\';
const PARENT_PREFIX: u8 = b'^';
const S5_NAME: &[u8; 4] = b"_S5_";

const ZERO_OP: u8 = 0x00;
const ONE_OP: u8 = 0x01;
const BYTE_PREFIX: u8 = 0x0A;
const WORD_PREFIX: u8 = 0x0B;
const DWORD_PREFIX: u8 = 0x0C;
const QWORD_PREFIX: u8 = 0x0E;
const ONES_OP: u8 = 0xFF;

/// Finds the first `Name(_S5, Package(){a, b, ...})` in `aml` (a table body)
/// and returns its first two elements. Never reads outside `aml`.
pub(crate) fn find_s5(aml: &[u8]) -> Option<SleepType> {
    let mut from = 0;
    while let Some(found) = aml
        .get(from..)?
        .windows(S5_NAME.len())
        .position(|w| w == S5_NAME)
    {
        let at = from + found;
        if let Some(sleep) = decode_s5(aml, at) {
            return Some(sleep);
        }
        from = at + 1;
    }
    None
}

/// Decodes the package around a `_S5_` name found at `name`.
fn decode_s5(aml: &[u8], name: usize) -> Option<SleepType> {
    let mut start = name;
    while start > 0 && matches!(aml[start - 1], ROOT_PREFIX | PARENT_PREFIX) {
        start -= 1;
    }
    if start == 0 || aml[start - 1] != NAME_OP {
        return None;
    }
    let package = name + S5_NAME.len();
    if *aml.get(package)? != PACKAGE_OP {
        return None;
    }
    let length_at = package + 1;
    let (length, length_bytes) = package_length(aml.get(length_at..)?)?;
    let end = length_at.checked_add(length)?;
    let contents = aml.get(length_at..end)?.get(length_bytes..)?;
    let (&count, elements) = contents.split_first()?;
    if count < 2 {
        return None;
    }
    let (slp_typ_a, used) = integer(elements)?;
    let (slp_typ_b, _) = integer(elements.get(used..)?)?;
    // SLP_TYP is three bits; like other OSes, keep the low byte of wider encodings.
    Some(SleepType {
        slp_typ_a: slp_typ_a as u8,
        slp_typ_b: slp_typ_b as u8,
    })
}

/// Decodes a PkgLength: the length it states (counting its own bytes) and
/// how many bytes it occupies.
fn package_length(bytes: &[u8]) -> Option<(usize, usize)> {
    let lead = *bytes.first()?;
    let follow = usize::from(lead >> 6);
    if follow == 0 {
        return Some((usize::from(lead & 0x3F), 1));
    }
    if lead & 0x30 != 0 {
        return None;
    }
    let mut length = usize::from(lead & 0x0F);
    for (index, &byte) in bytes.get(1..=follow)?.iter().enumerate() {
        length |= usize::from(byte) << (4 + 8 * index);
    }
    Some((length, 1 + follow))
}

/// Decodes one integer constant: its value and encoded size.
fn integer(bytes: &[u8]) -> Option<(u64, usize)> {
    let (&op, rest) = bytes.split_first()?;
    let wide = |size: usize| -> Option<(u64, usize)> {
        let mut value = [0u8; 8];
        value[..size].copy_from_slice(rest.get(..size)?);
        Some((u64::from_le_bytes(value), 1 + size))
    };
    match op {
        ZERO_OP => Some((0, 1)),
        ONE_OP => Some((1, 1)),
        ONES_OP => Some((u64::MAX, 1)),
        BYTE_PREFIX => wide(1),
        WORD_PREFIX => wide(2),
        DWORD_PREFIX => wide(4),
        QWORD_PREFIX => wide(8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_length_encodings() {
        assert_eq!(package_length(&[0x06]), Some((6, 1)));
        assert_eq!(package_length(&[0x41, 0x02]), Some((0x21, 2)));
        assert_eq!(package_length(&[0x83, 0x01, 0x02]), Some((0x2013, 3)));
        assert_eq!(
            package_length(&[0xC0, 0x01, 0x00, 0x01]),
            Some((0x10_0010, 4))
        );
        assert_eq!(package_length(&[0x50, 0x01]), None, "reserved bits set");
        assert_eq!(package_length(&[0x80, 0x01]), None, "runs off the end");
    }

    #[test]
    fn name_without_name_op_is_ignored() {
        assert_eq!(
            find_s5(&[0x10, b'_', b'S', b'5', b'_', 0x12, 0x04, 0x02, 0x05, 0x05]),
            None
        );
    }

    #[test]
    fn package_longer_than_the_table_is_ignored() {
        assert_eq!(
            find_s5(&[0x08, b'_', b'S', b'5', b'_', 0x12, 0x3F, 0x02, 0x05, 0x05]),
            None
        );
    }

    #[test]
    fn element_cut_by_the_package_end_is_ignored() {
        let aml = [
            0x08, b'_', b'S', b'5', b'_', 0x12, 0x04, 0x02, 0x0A, 0x05, 0x0A, 0x05, 0x00,
        ];
        assert_eq!(find_s5(&aml), None);
    }

    #[test]
    fn later_valid_declaration_is_found_after_a_bad_one() {
        let aml = [
            0x08, b'_', b'S', b'5', b'_', 0x12, 0x3F, // bad: claims more than remains
            0x08, b'\\', b'_', b'S', b'5', b'_', 0x12, 0x06, 0x02, 0x0A, 0x07, 0x0A, 0x03,
        ];
        assert_eq!(
            find_s5(&aml),
            Some(SleepType {
                slp_typ_a: 7,
                slp_typ_b: 3
            })
        );
    }
}
