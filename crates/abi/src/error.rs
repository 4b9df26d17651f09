//! The one error enum every syscall reports, as negative `i32` codes.

/// Why a syscall failed. Codes are stable: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Error {
    /// An argument is out of its allowed range.
    InvalidArgument = -1,
    /// A pointer (or pointer + length) lies outside the caller's memory.
    BadPointer = -2,
    /// A length is too large or otherwise unusable.
    BadLength = -3,
    /// A CBOR payload does not decode into the expected shape.
    MalformedPayload = -4,
    /// The handle is not (or no longer) in the caller's table: never
    /// issued, revoked, or of an older generation.
    StaleHandle = -5,
    /// The handle is valid but lacks a right the operation needs.
    PermissionDenied = -6,
    /// A quota (memory, CPU, messages, storage, spawn budget) is used up.
    QuotaExceeded = -7,
    /// The named thing (agent image, agent) does not exist.
    NotFound = -8,
    /// The operation would block and the caller asked not to.
    WouldBlock = -9,
    /// A timeout expired.
    TimedOut = -10,
    /// The kernel is out of memory.
    OutOfMemory = -11,
    /// The reply does not fit the caller's buffer; nothing was written.
    BufferTooSmall = -12,
    /// The syscall exists in the ABI but not in this kernel yet.
    NotSupported = -13,
    /// An agent image was refused (bad signature, module or manifest).
    ImageRefused = -14,
    /// The capability is of the wrong kind for this operation.
    WrongKind = -15,
    /// The policy engine denied the operation.
    PolicyDenied = -16,
    /// No intent of this name or pattern is declared.
    NoSuchIntent = -17,
    /// The intent is declared but no running agent serves it.
    NoAgent = -18,
    /// No intent description matches the natural-language request.
    NoMatch = -19,
    /// The message body does not follow the intent's input schema.
    SchemaMismatch = -20,
    /// The message's deadline passed before it could be delivered.
    Expired = -21,
    /// The policy text does not compile; the previous policy stays.
    PolicyInvalid = -22,
    /// The policy requires an approver's consent: a request was sent to the
    /// approver; call again once it has answered.
    ApprovalRequired = -23,
    /// The object store (or the namespace's quota) has no room left; nothing
    /// committed was lost.
    NoSpace = -24,
    /// Stored data failed its checksum: reported, never returned as data.
    Corrupt = -25,
    /// The storage device failed or stopped answering.
    DeviceError = -26,
    /// The subsystem has nothing to serve from: no data disk attached, or
    /// the model is not installed, or there is no network interface.
    Unavailable = -27,
    /// The thing to create already exists (a snapshot name, a port
    /// someone listens on).
    Exists = -28,
    /// The connection is closed: reset by the peer, or ended.
    Closed = -29,
    /// The peer refused the connection.
    Refused = -30,
    /// TLS could not verify the peer: its certificate does not lead to a
    /// trusted root, names another server, or is out of its validity.
    Untrusted = -31,
    /// TLS failed otherwise: no common parameters, the peer's alert, a
    /// forged record, or a stream cut short without `close_notify`.
    TlsFailed = -32,
    /// The message will not be answered: its receiver stopped, or the
    /// node it went to went away, before it replied.
    Undelivered = -33,
}

impl Error {
    /// Every error, for tables and tests.
    pub const ALL: [Error; 33] = [
        Error::InvalidArgument,
        Error::BadPointer,
        Error::BadLength,
        Error::MalformedPayload,
        Error::StaleHandle,
        Error::PermissionDenied,
        Error::QuotaExceeded,
        Error::NotFound,
        Error::WouldBlock,
        Error::TimedOut,
        Error::OutOfMemory,
        Error::BufferTooSmall,
        Error::NotSupported,
        Error::ImageRefused,
        Error::WrongKind,
        Error::PolicyDenied,
        Error::NoSuchIntent,
        Error::NoAgent,
        Error::NoMatch,
        Error::SchemaMismatch,
        Error::Expired,
        Error::PolicyInvalid,
        Error::ApprovalRequired,
        Error::NoSpace,
        Error::Corrupt,
        Error::DeviceError,
        Error::Unavailable,
        Error::Exists,
        Error::Closed,
        Error::Refused,
        Error::Untrusted,
        Error::TlsFailed,
        Error::Undelivered,
    ];

    /// The code returned to the agent.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The error for a negative return value, if it is one.
    pub fn from_code(code: i64) -> Option<Error> {
        Error::ALL.into_iter().find(|e| i64::from(e.code()) == code)
    }

    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            Error::InvalidArgument => "invalid argument",
            Error::BadPointer => "pointer outside the agent's memory",
            Error::BadLength => "bad length",
            Error::MalformedPayload => "malformed CBOR payload",
            Error::StaleHandle => "stale or unknown handle",
            Error::PermissionDenied => "the capability lacks a needed right",
            Error::QuotaExceeded => "quota exceeded",
            Error::NotFound => "not found",
            Error::WouldBlock => "would block",
            Error::TimedOut => "timed out",
            Error::OutOfMemory => "kernel out of memory",
            Error::BufferTooSmall => "buffer too small",
            Error::NotSupported => "not supported by this kernel",
            Error::ImageRefused => "agent image refused",
            Error::WrongKind => "capability of the wrong kind",
            Error::PolicyDenied => "denied by policy",
            Error::NoSuchIntent => "no such intent",
            Error::NoAgent => "no agent serves the intent",
            Error::NoMatch => "no intent matches the request",
            Error::SchemaMismatch => "body does not follow the intent's schema",
            Error::Expired => "deadline passed before delivery",
            Error::PolicyInvalid => "policy does not compile",
            Error::ApprovalRequired => "waiting for an approver's consent",
            Error::NoSpace => "no space left in the store or the namespace's quota",
            Error::Corrupt => "stored data failed its checksum",
            Error::DeviceError => "the storage device failed",
            Error::Unavailable => "not available: no disk, model or network installed",
            Error::Exists => "already exists",
            Error::Closed => "connection closed",
            Error::Refused => "connection refused",
            Error::Untrusted => "TLS peer not trusted (certificate, name or validity)",
            Error::TlsFailed => "TLS failed",
            Error::Undelivered => "not answered: its receiver (or its node) went away",
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_negative_distinct_and_round_trip() {
        for (i, e) in Error::ALL.iter().enumerate() {
            assert!(e.code() < 0);
            assert_eq!(Error::from_code(i64::from(e.code())), Some(*e));
            for other in &Error::ALL[i + 1..] {
                assert_ne!(e.code(), other.code());
            }
        }
        assert_eq!(Error::from_code(0), None);
        assert_eq!(Error::from_code(-1000), None);
    }
}
