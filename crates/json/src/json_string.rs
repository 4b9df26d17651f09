//! JSON string literals: escapes, including `\uXXXX` surrogate pairs.

use crate::JsonError;
use alloc::string::String;

/// Parses the string literal whose opening quote is at `start`; returns
/// its text and the offset just past the closing quote.
pub(crate) fn parse(text: &str, start: usize) -> Result<(String, usize), JsonError> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut pos = start + 1;
    // Start of the run of plain characters not yet copied.
    let mut run = pos;
    loop {
        let Some(&byte) = bytes.get(pos) else {
            return Err(JsonError::at(start, "unterminated string"));
        };
        if byte != b'"' && byte != b'\\' && byte >= 0x20 {
            pos += 1;
            continue;
        }
        // The run ends at an ASCII byte, so it is whole characters.
        out.push_str(text.get(run..pos).unwrap_or(""));
        match byte {
            b'"' => return Ok((out, pos + 1)),
            b'\\' => pos = escape(bytes, pos, &mut out)?,
            _ => return Err(JsonError::at(pos, "control character in string")),
        }
        run = pos;
    }
}

/// Decodes the escape whose backslash is at `pos` into `out`; returns the
/// offset after it.
fn escape(bytes: &[u8], pos: usize, out: &mut String) -> Result<usize, JsonError> {
    let simple = match bytes.get(pos + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return unicode(bytes, pos, out),
        _ => return Err(JsonError::at(pos, "invalid escape")),
    };
    out.push(simple);
    Ok(pos + 2)
}

/// Decodes `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair, at `pos`.
fn unicode(bytes: &[u8], pos: usize, out: &mut String) -> Result<usize, JsonError> {
    let first = hex4(bytes, pos)?;
    let (code, end) = match first {
        0xD800..=0xDBFF => {
            let low = match bytes.get(pos + 6..pos + 8) {
                Some(b"\\u") => hex4(bytes, pos + 6)?,
                _ => return Err(JsonError::at(pos, "unpaired surrogate")),
            };
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(JsonError::at(pos, "unpaired surrogate"));
            }
            let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            (code, pos + 12)
        }
        0xDC00..=0xDFFF => return Err(JsonError::at(pos, "unpaired surrogate")),
        code => (code, pos + 6),
    };
    let decoded = char::from_u32(code).ok_or(JsonError::at(pos, "invalid \\u escape"))?;
    out.push(decoded);
    Ok(end)
}

/// The four hex digits after the `\u` at `pos`.
fn hex4(bytes: &[u8], pos: usize) -> Result<u32, JsonError> {
    let digits = bytes
        .get(pos + 2..pos + 6)
        .ok_or(JsonError::at(pos, "invalid \\u escape"))?;
    digits.iter().try_fold(0u32, |acc, &digit| {
        let value = char::from(digit)
            .to_digit(16)
            .ok_or(JsonError::at(pos, "invalid \\u escape"))?;
        Ok(acc << 4 | value)
    })
}
