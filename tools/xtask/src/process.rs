//! Running child processes (cargo, rustup, apt-get) with errors that say
//! which step failed.

use std::process::{Command, ExitStatus};

use crate::error::Error;

/// Runs `command` with inherited stdio; fails unless it exits with 0.
pub fn run(command: &mut Command, what: &str) -> Result<(), Error> {
    let status = command.status().map_err(|e| Error::Command {
        what: what.to_string(),
        detail: format!("could not start: {e}"),
    })?;
    check(status, what)
}

/// Runs `command` and returns its standard output; fails unless it exits
/// with 0.
pub fn output(command: &mut Command, what: &str) -> Result<String, Error> {
    let output = command.output().map_err(|e| Error::Command {
        what: what.to_string(),
        detail: format!("could not start: {e}"),
    })?;
    check(output.status, what)?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// An error unless `status` is success.
pub fn check(status: ExitStatus, what: &str) -> Result<(), Error> {
    if status.success() {
        Ok(())
    } else {
        Err(Error::Command {
            what: what.to_string(),
            detail: format!("failed ({status})"),
        })
    }
}

/// The `cargo` that runs us (rustup's proxy honours `rust-toolchain.toml`).
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The exit code to pass on for a child's status: its code, or 128 plus
/// the signal that killed it, as shells report.
pub fn exit_code(status: ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return 128 + signal;
    }
    1
}
