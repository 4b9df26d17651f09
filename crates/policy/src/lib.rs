//! The policy language: compiler and evaluator.
//!
//! Users write policies by hand as a list of rules, first match wins:
//!
//! ```text
//! deny  agent "untrusted-*" op "agent_spawn";
//! audit agent * op "semantic_send" resource "store.*" when size <= 64 KiB;
//! require approval from "admin" for agent * op "system_poweroff";
//! default deny;
//! ```
//!
//! [`Policy::compile`] turns the text into rules with compiled glob
//! matchers and an index by operation, or a [`PolicyError`] with line and
//! column. [`Policy::evaluate`] decides a [`Request`] after its capability
//! check, keeping rate-limit buckets in a caller-owned [`RateState`]. The
//! crate reads no clock: the request carries the time. `docs/policy.md`
//! describes the language and its semantics.
#![no_std]

extern crate alloc;

mod bytes;
mod condition;
mod error;
mod glob;
mod index;
mod lexer;
mod operations;
mod parser;
mod policy;
mod publisher;
mod rate;
mod request;
mod rule;
mod statement;

pub use error::{ErrorKind, PolicyError};
pub use glob::Pattern;
pub use operations::known_operations;
pub use policy::Policy;
pub use publisher::{FINGERPRINT_LEN, PublisherPrefix};
pub use rate::{MAX_RATE_PER_SECOND, RateState};
pub use request::{Decision, Request, Subject};
pub use rule::{Effect, HourWindow, Rule};
pub use statement::MAX_RULES;
