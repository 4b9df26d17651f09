//! Why the tool could not verify, list or tamper with an export.

use std::fmt;

use aios_audit::AuditError;

use crate::hex;

/// Everything that stops a command, from a bad command line to an altered
/// record. [`exit_code`](ToolError::exit_code) maps it to the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The command line is wrong; the text says how.
    Usage(String),
    /// A file could not be read or written.
    Io {
        /// `"read"` or `"write"`.
        action: &'static str,
        /// The file, as given.
        path: String,
        /// The system's explanation.
        message: String,
    },
    /// The input is neither a raw export nor a text holding a dump.
    NotAnExport,
    /// The `audit-export-begin` line at `line` does not give a byte count.
    DumpCount {
        /// 1-based line number in the input.
        line: usize,
    },
    /// A line inside the last dump is not a dump line.
    DumpLine {
        /// 1-based line number in the input.
        line: usize,
    },
    /// The last dump, begun at `line`, has no `audit-export-end` line.
    DumpUnterminated {
        /// 1-based line number of its `audit-export-begin` line.
        line: usize,
    },
    /// The last dump holds a different number of bytes than it announced.
    DumpLength {
        /// The count on the `audit-export-begin` line.
        announced: usize,
        /// The bytes its hex lines hold.
        found: usize,
    },
    /// The export is malformed or a record or checkpoint fails verification.
    Audit(AuditError),
    /// The export verifies, but under a key other than the trusted one.
    UntrustedKey {
        /// Fingerprint of the key inside the export.
        found: [u8; 32],
        /// The fingerprint given with `--key`.
        trusted: [u8; 32],
    },
    /// `tamper --record SEQ` names a record the export does not hold.
    NoSuchRecord {
        /// The sequence number asked for.
        seq: u64,
    },
}

impl ToolError {
    /// The process exit status: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            ToolError::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolError::Usage(text) => f.write_str(text),
            ToolError::Io {
                action,
                path,
                message,
            } => write!(f, "cannot {action} {path}: {message}"),
            ToolError::NotAnExport => f.write_str(
                "the input is neither a raw audit export nor a text holding an \
                 `audit-export-begin N` ... `audit-export-end` dump",
            ),
            ToolError::DumpCount { line } => write!(
                f,
                "line {line}: `audit-export-begin` must be followed by the byte count"
            ),
            ToolError::DumpLine { line } => write!(
                f,
                "line {line}: not a dump line (up to 128 lowercase hex digits; only the last line may be shorter)"
            ),
            ToolError::DumpUnterminated { line } => write!(
                f,
                "the dump begun at line {line} has no `audit-export-end` line (the transcript is truncated)"
            ),
            ToolError::DumpLength { announced, found } => write!(
                f,
                "the dump announces {announced} bytes but holds {found} (lines were lost or added)"
            ),
            ToolError::Audit(error) => write_audit_error(f, error),
            ToolError::UntrustedKey { found, trusted } => write!(
                f,
                "the log is signed by node key {}, not by the trusted key {}",
                hex::encode(found),
                hex::encode(trusted)
            ),
            ToolError::NoSuchRecord { seq } => {
                write!(f, "the export holds no record with seq {seq}")
            }
        }
    }
}

/// Faults in the content name the first record that cannot be trusted;
/// structural faults keep the crate's own wording.
fn write_audit_error(f: &mut fmt::Formatter<'_>, error: &AuditError) -> fmt::Result {
    let (seq, reason) = match error {
        AuditError::BadHash { seq } => (seq, "its contents do not match its hash"),
        AuditError::BrokenChain { seq } => (
            seq,
            "it does not chain from its predecessor: a record was removed, inserted or reordered",
        ),
        AuditError::BadCheckpoint { seq } => (
            seq,
            "its signed checkpoint is missing, misplaced or does not verify",
        ),
        other => return write!(f, "{other}"),
    };
    write!(f, "first altered record: {seq} ({reason})")
}

impl std::error::Error for ToolError {}

impl From<AuditError> for ToolError {
    fn from(error: AuditError) -> Self {
        ToolError::Audit(error)
    }
}
