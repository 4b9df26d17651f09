//! Boot-log entries: what was loaded and its SHA3-256 digest.

/// Bytes reserved for a component name.
pub const NAME_LEN: usize = 32;

/// One measured component.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measurement {
    /// Component name, UTF-8, zero-padded.
    pub name: [u8; NAME_LEN],
    /// SHA3-256 of the component's bytes.
    pub sha3_256: [u8; 32],
    /// Size of the component in bytes.
    pub size: u64,
    /// 1 if the component was covered by the verified signature, else 0.
    pub verified: u32,
    /// Zero.
    pub reserved: u32,
}

impl Measurement {
    /// A measurement named `name` (truncated to [`NAME_LEN`] bytes at a
    /// character boundary).
    pub fn new(name: &str, sha3_256: [u8; 32], size: u64, verified: bool) -> Measurement {
        let mut buf = [0u8; NAME_LEN];
        let mut end = name.len().min(NAME_LEN);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        buf[..end].copy_from_slice(&name.as_bytes()[..end]);
        Measurement {
            name: buf,
            sha3_256,
            size,
            verified: u32::from(verified),
            reserved: 0,
        }
    }

    /// The name as text (up to the first zero byte; invalid UTF-8 gives "?").
    pub fn name(&self) -> &str {
        let end = self.name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        core::str::from_utf8(&self.name[..end]).unwrap_or("?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_round_trips_and_truncates_on_char_boundary() {
        let m = Measurement::new("kernel.elf", [1; 32], 42, true);
        assert_eq!(m.name(), "kernel.elf");
        let long = "é".repeat(20); // 40 bytes
        let m = Measurement::new(&long, [0; 32], 0, false);
        assert_eq!(m.name(), "é".repeat(16));
    }
}
