//! The error type of the IPC layer.

use core::fmt;

use crate::{RouteError, SchemaError, ValidationError};

/// Why a message, schema, intent or route was refused.
///
/// Mailbox backpressure is not here: [`crate::PushError`] hands the refused
/// message back to the caller, which decides whether to block or to report
/// `WouldBlock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not well-formed CBOR, or a value has the wrong CBOR
    /// type for its field.
    MalformedCbor,
    /// Bytes follow the end of the encoded message.
    TrailingBytes,
    /// A required envelope field is absent.
    MissingField(&'static str),
    /// An envelope field appears twice.
    DuplicateField(&'static str),
    /// A field is larger than the limit the envelope allows.
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its limit (bytes, or entries for lists).
        limit: usize,
    },
    /// A field holds a value outside its range (an unknown destination
    /// kind, a priority above 255, a capability above `u32::MAX`).
    InvalidValue(&'static str),
    /// An intent name or pattern breaks the naming rules.
    InvalidName,
    /// An intent is declared again with a different specification.
    ConflictingSpec,
    /// A schema text does not parse.
    Schema(SchemaError),
    /// A body does not match its schema.
    Validation(ValidationError),
    /// A destination could not be resolved.
    Route(RouteError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MalformedCbor => f.write_str("malformed CBOR message"),
            Error::TrailingBytes => f.write_str("bytes after the end of the message"),
            Error::MissingField(field) => write!(f, "missing field `{field}`"),
            Error::DuplicateField(field) => write!(f, "duplicate field `{field}`"),
            Error::TooLarge { field, limit } => {
                write!(f, "field `{field}` exceeds its limit of {limit}")
            }
            Error::InvalidValue(field) => write!(f, "field `{field}` is out of range"),
            Error::InvalidName => f.write_str("invalid intent name or pattern"),
            Error::ConflictingSpec => {
                f.write_str("intent already declared with a different specification")
            }
            Error::Schema(error) => write!(f, "schema: {error}"),
            Error::Validation(error) => write!(f, "body: {error}"),
            Error::Route(error) => write!(f, "route: {error}"),
        }
    }
}

impl From<minicbor::decode::Error> for Error {
    fn from(_: minicbor::decode::Error) -> Self {
        Error::MalformedCbor
    }
}

impl From<SchemaError> for Error {
    fn from(error: SchemaError) -> Self {
        Error::Schema(error)
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

impl From<RouteError> for Error {
    fn from(error: RouteError) -> Self {
        Error::Route(error)
    }
}

impl From<Error> for aios_abi::Error {
    fn from(error: Error) -> Self {
        use aios_abi::Error as Abi;
        match error {
            Error::MalformedCbor
            | Error::TrailingBytes
            | Error::MissingField(_)
            | Error::DuplicateField(_)
            | Error::InvalidValue(_)
            | Error::Validation(_) => Abi::MalformedPayload,
            Error::TooLarge { .. } => Abi::BadLength,
            Error::InvalidName | Error::ConflictingSpec | Error::Schema(_) => Abi::InvalidArgument,
            Error::Route(_) => Abi::NotFound,
        }
    }
}
