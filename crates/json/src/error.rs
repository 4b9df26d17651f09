//! The one error both directions report: where, and what was wrong.

/// Why a conversion failed: the byte offset in the input (JSON text or
/// CBOR bytes) and a short description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the input where the problem was found.
    pub offset: usize,
    /// What was wrong there.
    pub message: &'static str,
}

impl JsonError {
    /// An error at `offset`.
    pub(crate) fn at(offset: usize, message: &'static str) -> JsonError {
        JsonError { offset, message }
    }
}

impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl core::error::Error for JsonError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_names_the_offset() {
        assert_eq!(
            JsonError::at(12, "expected `:`").to_string(),
            "at byte 12: expected `:`"
        );
    }
}
