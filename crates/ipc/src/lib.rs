//! Semantic messages, schemas, mailboxes and intent routing.
//!
//! Agents talk in [`Message`]s: CBOR envelopes addressed to an agent, an
//! intent name or a natural-language request. The [`Router`] resolves the
//! destination to an agent serving an [`IntentSpec`], the kernel checks the
//! body against the intent's input [`Schema`], and the message waits in the
//! receiver's bounded, priority-ordered [`Mailbox`]. `docs/ipc.md` describes
//! the format and the rules.
#![no_std]

extern crate alloc;

mod cbor;
mod decode;
mod encode;
mod error;
mod mailbox;
mod matcher;
mod message;
mod name;
mod router;
mod schema;
mod schema_lex;
mod schema_parse;
mod validate;

pub use error::Error;
pub use mailbox::{Filter, Mailbox, PushError};
pub use matcher::{LexicalMatcher, Matcher, PER_MILLE};
pub use message::{
    Context, Destination, MAX_BODY, MAX_CAPS, MAX_INTENT, MAX_MESSAGE, MAX_REQUEST, MAX_SCHEMA_ID,
    Message, PRIORITY_NORMAL, stamp,
};
pub use name::{Pattern, pattern_matches, validate_intent_name};
pub use router::{DEFAULT_THRESHOLD, Route, RouteError, Router};
pub use schema::{Field, IntentSpec, MAX_DEPTH, MAX_SCHEMA_TEXT, Schema};
pub use schema_parse::SchemaError;
pub use validate::ValidationError;
