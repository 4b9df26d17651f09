//! The console agent: the serial console's line editor and commands, run as
//! an agent holding console, system and spawn-budget capabilities.
//!
//! Everything but `syscalls` is pure and host-tested: [`editor`] turns
//! keystrokes into lines, [`command`] parses them, [`info`] and
//! [`listing`] render the kernel console's exact output lines, and
//! [`shell`] drives them through the [`Host`] trait, which `syscalls`
//! implements with the SDK on wasm32.

pub mod command;
pub mod editor;
mod error;
mod host;
pub mod info;
pub mod listing;
pub mod shell;

#[cfg(target_arch = "wasm32")]
mod syscalls;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod shell_tests;

pub use error::Error;
pub use host::Host;
