//! The console's text dump of an export, as it appears in a serial
//! transcript: a line `audit-export-begin N`, lines of lower-case hex
//! ([`BYTES_PER_LINE`] bytes each, the last may be shorter), then a line
//! `audit-export-end`.

use crate::ToolError;
use crate::hex;

/// First word of the line that opens a dump; the byte count follows.
pub const BEGIN: &str = "audit-export-begin";
/// The line that closes a dump.
pub const END: &str = "audit-export-end";
/// Bytes on every full hex line (128 hex digits).
pub const BYTES_PER_LINE: usize = 64;

/// `export` as the console dumps it, newline-terminated lines.
pub fn encode(export: &[u8]) -> String {
    let mut text = format!("{BEGIN} {}\n", export.len());
    for chunk in export.chunks(BYTES_PER_LINE) {
        text.push_str(&hex::encode(chunk));
        text.push('\n');
    }
    text.push_str(END);
    text.push('\n');
    text
}

/// The bytes of the last dump in `text`, or `None` if it holds no
/// `audit-export-begin` line. Lines may end in `\r\n` and carry spaces
/// around them (a serial console adds both); everything else inside the
/// dump must be exactly as the console writes it.
pub fn find_last(text: &[u8]) -> Result<Option<Vec<u8>>, ToolError> {
    let mut lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .collect();
    // Blank lines at the end of the file are where a cut transcript stops,
    // not damaged dump lines.
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    let Some(begin) = lines.iter().rposition(|line| begin_count(line).is_some()) else {
        return Ok(None);
    };
    let begin_line = begin.saturating_add(1);
    let announced = begin_count(lines[begin])
        .flatten()
        .ok_or(ToolError::DumpCount { line: begin_line })?;
    // The count comes from the input: grow with the lines actually read.
    let mut bytes = Vec::new();
    let mut short_line_seen = false;
    for (index, line) in lines.iter().enumerate().skip(begin.saturating_add(1)) {
        if *line == END.as_bytes() {
            if bytes.len() != announced {
                return Err(ToolError::DumpLength {
                    announced,
                    found: bytes.len(),
                });
            }
            return Ok(Some(bytes));
        }
        let line_number = index.saturating_add(1);
        let decoded = hex::decode_lowercase(line)
            .filter(|d| !d.is_empty() && d.len() <= BYTES_PER_LINE && !short_line_seen)
            .ok_or(ToolError::DumpLine { line: line_number })?;
        short_line_seen = decoded.len() < BYTES_PER_LINE;
        bytes.extend_from_slice(&decoded);
    }
    Err(ToolError::DumpUnterminated { line: begin_line })
}

/// For a begin line: `Some(Some(count))`, or `Some(None)` if the count is
/// missing or not a number. `None` for every other line.
fn begin_count(line: &[u8]) -> Option<Option<usize>> {
    let rest = line.strip_prefix(BEGIN.as_bytes())?;
    if !rest.is_empty() && !rest.starts_with(b" ") {
        return None;
    }
    let count = std::str::from_utf8(rest)
        .ok()
        .and_then(|r| r.trim().parse::<usize>().ok());
    Some(count)
}

#[cfg(test)]
#[path = "dump_tests.rs"]
mod tests;
