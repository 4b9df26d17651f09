//! Publisher fingerprint prefixes: match a signing key by its first hex digits.

use crate::error::ErrorKind;
use core::fmt;

/// Length of a publisher fingerprint in bytes (SHA3-256 of the key).
pub const FINGERPRINT_LEN: usize = 32;

/// The first 1 to 64 hex digits of a publisher fingerprint. Prefixes are
/// counted in hex digits, not bytes, so `"3fa"` is a valid prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublisherPrefix {
    bytes: [u8; FINGERPRINT_LEN],
    digits: u8,
}

impl PublisherPrefix {
    /// Parses hex digits (either case) into a prefix.
    pub fn parse(hex: &str) -> Result<PublisherPrefix, ErrorKind> {
        if hex.is_empty() || hex.len() > 2 * FINGERPRINT_LEN {
            return Err(ErrorKind::InvalidPublisher);
        }
        let mut bytes = [0u8; FINGERPRINT_LEN];
        for (i, c) in hex.chars().enumerate() {
            let nibble = c.to_digit(16).ok_or(ErrorKind::InvalidPublisher)?;
            let nibble = u8::try_from(nibble).map_err(|_| ErrorKind::InvalidPublisher)?;
            let byte = bytes.get_mut(i / 2).ok_or(ErrorKind::InvalidPublisher)?;
            *byte |= if i % 2 == 0 { nibble << 4 } else { nibble };
        }
        let digits = u8::try_from(hex.len()).map_err(|_| ErrorKind::InvalidPublisher)?;
        Ok(PublisherPrefix { bytes, digits })
    }

    /// Number of hex digits in the prefix.
    pub fn digits(&self) -> usize {
        usize::from(self.digits)
    }

    /// Whether `fingerprint` starts with this prefix.
    pub fn matches(&self, fingerprint: &[u8; FINGERPRINT_LEN]) -> bool {
        let whole = self.digits() / 2;
        let (Some(want), Some(have)) = (self.bytes.get(..whole), fingerprint.get(..whole)) else {
            return false;
        };
        if want != have {
            return false;
        }
        if self.digits.is_multiple_of(2) {
            return true;
        }
        match (self.bytes.get(whole), fingerprint.get(whole)) {
            (Some(want), Some(have)) => want >> 4 == have >> 4,
            _ => false,
        }
    }
}

impl fmt::Display for PublisherPrefix {
    /// The prefix as lowercase hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..self.digits() {
            let byte = self.bytes.get(i / 2).copied().unwrap_or(0);
            let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
            write!(f, "{nibble:x}")?;
        }
        Ok(())
    }
}
