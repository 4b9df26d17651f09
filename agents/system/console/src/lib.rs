//! The console agent: the serial console's line editor and commands, run as
//! an agent holding console, system, spawn-budget, intent, policy and
//! event-topic capabilities.
//!
//! Everything but `syscalls` is pure and host-tested: [`editor`] turns
//! keystrokes into lines, [`command`] parses them, [`info`], [`listing`],
//! [`messaging`], [`network`], [`audit`], [`tokens`] and [`event_line`] render the output lines,
//! [`events`] keeps the event-bus subscription, and [`shell`]
//! drives them through the [`Host`] trait, which `syscalls` implements
//! with the SDK on wasm32.

mod ask;
pub mod audit;
pub mod command;
pub mod editor;
mod error;
pub mod event_line;
pub mod events;
mod host;
pub mod info;
pub mod listing;
pub mod messaging;
pub mod network;
pub mod shell;
pub mod store_lines;
pub mod tokens;
mod top;

#[cfg(target_arch = "wasm32")]
mod syscalls;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod fake_semantic;
#[cfg(test)]
mod fake_store;
#[cfg(test)]
mod fake_tokens;
#[cfg(test)]
mod shell_audit_tests;
#[cfg(test)]
mod shell_event_tests;
#[cfg(test)]
mod shell_messaging_tests;
#[cfg(test)]
mod shell_store_tests;
#[cfg(test)]
mod shell_tests;
#[cfg(test)]
mod shell_token_tests;

pub use error::Error;
pub use host::Host;
