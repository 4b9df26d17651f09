//! Why a subscription request or a subscription call was refused.

use core::fmt;

/// Everything the event bus can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventError {
    /// No live subscription has this id (never issued, or unsubscribed).
    UnknownSubscription,
    /// The bus already has its maximum number of subscriptions.
    TooManySubscriptions {
        /// The bus's limit.
        max: usize,
    },
    /// A queue capacity of 0 or above [`MAX_CAPACITY`](crate::MAX_CAPACITY).
    BadCapacity {
        /// The capacity asked for.
        requested: usize,
    },
    /// The filter selects no category, so it could never receive anything.
    EmptyFilter,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::UnknownSubscription => f.write_str("no such event subscription"),
            EventError::TooManySubscriptions { max } => {
                write!(f, "the event bus already has {max} subscriptions")
            }
            EventError::BadCapacity { requested } => write!(
                f,
                "an event queue of {requested} events is not allowed (1..={})",
                crate::MAX_CAPACITY
            ),
            EventError::EmptyFilter => f.write_str("the event filter selects no category"),
        }
    }
}

impl core::error::Error for EventError {}
