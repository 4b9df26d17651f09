//! The error a policy compile reports: what went wrong, and where.

use alloc::string::String;
use core::fmt;

/// A policy text was rejected. `line` and `column` are 1-based and count
/// characters, so an editor can jump straight to the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// Line of the offending token.
    pub line: u32,
    /// Column of the offending token's first character.
    pub column: u32,
    /// What is wrong there.
    pub kind: ErrorKind,
}

/// What made a policy text unacceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// A character that starts no token (e.g. `!`, or `<` without `=`).
    UnexpectedCharacter(char),
    /// A string whose closing `"` is missing before the end of the line.
    UnterminatedString,
    /// A control character or `\` inside a string (there are no escapes).
    ForbiddenStringCharacter(char),
    /// A number that does not fit in 64 bits (after its unit, for sizes).
    NumberTooLarge,
    /// The grammar wanted one thing and found another.
    Expected {
        /// What would have been accepted here.
        expected: &'static str,
        /// What the text has instead.
        found: String,
    },
    /// A clause that may appear once in a rule appears twice.
    DuplicateClause(&'static str),
    /// A condition that may appear once in a rule appears twice.
    DuplicateCondition(&'static str),
    /// More than one `default` statement.
    DuplicateDefault,
    /// A rule without an `op` clause.
    MissingOperation,
    /// A pattern `""`, which no name can match.
    EmptyPattern,
    /// A glob character reserved for later use (`?`, `[`, `]`).
    ReservedWildcard(char),
    /// An exact operation name that is not a syscall of the ABI.
    UnknownOperation(String),
    /// A publisher prefix that is not 1 to 64 hex digits.
    InvalidPublisher,
    /// An approver that is empty or contains `*`: approvals go to one agent.
    InvalidApprover,
    /// A rate below 1 or above 1,000,000,000 per second.
    RateOutOfRange,
    /// A window start above 23 or end above 24.
    HourOutOfRange,
    /// An hour window that starts where it ends.
    EmptyHourWindow,
    /// A schema condition naming the empty schema id.
    EmptySchema,
    /// More rules than [`crate::MAX_RULES`].
    TooManyRules,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnexpectedCharacter(c) => write!(f, "unexpected character {c:?}"),
            ErrorKind::UnterminatedString => f.write_str("string is not closed on this line"),
            ErrorKind::ForbiddenStringCharacter(c) => {
                write!(f, "character {c:?} is not allowed in a string")
            }
            ErrorKind::NumberTooLarge => f.write_str("number too large"),
            ErrorKind::Expected { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ErrorKind::DuplicateClause(name) => write!(f, "`{name}` given twice in one rule"),
            ErrorKind::DuplicateCondition(name) => {
                write!(f, "condition `{name}` given twice in one rule")
            }
            ErrorKind::DuplicateDefault => f.write_str("a second `default` statement"),
            ErrorKind::MissingOperation => f.write_str("rule has no `op` clause"),
            ErrorKind::EmptyPattern => f.write_str("empty pattern matches nothing"),
            ErrorKind::ReservedWildcard(c) => {
                write!(f, "{c:?} is reserved in patterns; only `*` is a wildcard")
            }
            ErrorKind::UnknownOperation(name) => write!(f, "no syscall is named {name:?}"),
            ErrorKind::InvalidPublisher => {
                f.write_str("publisher prefix must be 1 to 64 hex digits")
            }
            ErrorKind::InvalidApprover => {
                f.write_str("approver must be one agent name, not empty and without `*`")
            }
            ErrorKind::RateOutOfRange => {
                f.write_str("rate must be between 1 and 1000000000 per second")
            }
            ErrorKind::HourOutOfRange => {
                f.write_str("a window starts at hour 0 to 23 and ends at hour 0 to 24")
            }
            ErrorKind::EmptyHourWindow => f.write_str("hour window starts where it ends"),
            ErrorKind::EmptySchema => f.write_str("schema id is empty"),
            ErrorKind::TooManyRules => {
                write!(f, "more than {} rules", crate::MAX_RULES)
            }
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.kind
        )
    }
}
