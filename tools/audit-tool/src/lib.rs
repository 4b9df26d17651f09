//! `aios-audit`: verifies, lists and (for tests) tampers with exported audit logs.
//!
//! An export reaches the host either as the raw bytes of
//! `aios_audit::AuditLog::export` or as the console's text dump inside a
//! serial transcript ([`dump`]). [`run`] is the whole command line tool;
//! `main.rs` only prints its [`Output`]. `docs/audit.md` describes the tool.
#![forbid(unsafe_code)]

mod cli;
pub mod dump;
mod error;
pub mod hex;
mod input;
mod run;
mod show;
mod tamper;
mod verify;

pub use cli::{Command, USAGE, parse};
pub use error::ToolError;
pub use input::{export_bytes, read_file};
pub use run::{Output, execute, run};
pub use show::show;
pub use tamper::{Tampered, TamperedField, tamper};
pub use verify::{verified_line, verify, warnings};
