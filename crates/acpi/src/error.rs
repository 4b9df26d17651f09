//! The error type of ACPI table discovery and parsing.

use core::fmt;

/// Why a read, a table or the whole parse failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// A physical read of `len` bytes at `phys` fell outside reachable memory.
    OutOfRange {
        /// First byte of the failed read.
        phys: u64,
        /// Length of the failed read.
        len: usize,
    },
    /// No valid RSDP at the given address (signature, checksum or length wrong).
    BadRsdp,
    /// The RSDP points at nothing that looks like an RSDT/XSDT.
    BadRootTable,
    /// The table's bytes do not sum to zero.
    BadChecksum {
        /// Signature from the table header.
        signature: [u8; 4],
    },
    /// The table (or an entry in it) is shorter than its structure requires.
    Truncated {
        /// Signature from the table header.
        signature: [u8; 4],
    },
    /// The table claims a length above the 1 MiB cap.
    TooLarge {
        /// Signature from the table header.
        signature: [u8; 4],
        /// Length from the table header.
        length: u32,
    },
    /// The table is long enough but its contents are inconsistent.
    Malformed {
        /// Signature from the table header.
        signature: [u8; 4],
        /// What is wrong, for the boot log.
        reason: &'static str,
    },
    /// The root table lists more tables than the parser accepts.
    TooManyTables {
        /// Number of entries in the root table.
        count: usize,
    },
}

/// Shows a table signature as text, escaping bytes that are not printable ASCII.
pub(crate) struct Signature<'a>(pub &'a [u8; 4]);

impl fmt::Display for Signature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &byte in self.0 {
            if byte.is_ascii_graphic() || byte == b' ' {
                write!(f, "{}", char::from(byte))?;
            } else {
                write!(f, "\\x{byte:02x}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::OutOfRange { phys, len } => {
                write!(
                    f,
                    "physical read of {len} bytes at {phys:#x} is out of range"
                )
            }
            Error::BadRsdp => write!(f, "no valid RSDP (signature, checksum or length)"),
            Error::BadRootTable => write!(f, "RSDP does not point at a valid RSDT/XSDT"),
            Error::BadChecksum { signature } => {
                write!(f, "table {} has a bad checksum", Signature(signature))
            }
            Error::Truncated { signature } => {
                write!(f, "table {} is truncated", Signature(signature))
            }
            Error::TooLarge { signature, length } => {
                write!(
                    f,
                    "table {} claims {length} bytes, above the 1 MiB cap",
                    Signature(signature)
                )
            }
            Error::Malformed { signature, reason } => {
                write!(f, "table {} is malformed: {reason}", Signature(signature))
            }
            Error::TooManyTables { count } => {
                write!(f, "root table lists {count} tables, too many")
            }
        }
    }
}

impl core::error::Error for Error {}
