//! The command line: `verify`, `show` and `tamper`, and their options.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::{ToolError, hex};

/// How to call the tool; printed for `help` and after a usage error.
pub const USAGE: &str = "\
usage: aios-audit verify FILE [--key FINGERPRINT_HEX]
       aios-audit show FILE [--tail N]
       aios-audit tamper FILE OUT --record SEQ
FILE is a raw audit export or a text (e.g. a serial transcript) holding the
console's `audit-export-begin N` ... `audit-export-end` dump; the last dump
is used. Exit status: 0 verified (or done), 1 failed, 2 usage error.
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Verify the export in `file`, pinning the node key if `key` is given.
    Verify {
        /// The export or transcript.
        file: PathBuf,
        /// The trusted node key fingerprint (SHA3-256 of the public key).
        key: Option<[u8; 32]>,
    },
    /// List the records of the export in `file`.
    Show {
        /// The export or transcript.
        file: PathBuf,
        /// Only the newest this many records.
        tail: Option<usize>,
    },
    /// Write to `out` a raw copy of the export in `file` with `record` altered.
    Tamper {
        /// The export or transcript.
        file: PathBuf,
        /// Where the altered raw export goes.
        out: PathBuf,
        /// Sequence number of the record to alter.
        record: u64,
    },
    /// Print the usage.
    Help,
}

/// Parses the arguments after the program name. Options may come before,
/// between or after the files, as `--name VALUE` or `--name=VALUE`.
pub fn parse(args: &[OsString]) -> Result<Command, ToolError> {
    let Some((command, rest)) = args.split_first() else {
        return Err(usage("no command given"));
    };
    match command.to_str() {
        Some("verify") => {
            let (files, value) = split(rest, "--key")?;
            let [file] = exactly(files, "verify takes one FILE")?;
            let key = value
                .map(|v| {
                    hex::parse_fingerprint(&v).ok_or_else(|| {
                        usage("--key takes 64 hex digits (the node key fingerprint)")
                    })
                })
                .transpose()?;
            Ok(Command::Verify { file, key })
        }
        Some("show") => {
            let (files, value) = split(rest, "--tail")?;
            let [file] = exactly(files, "show takes one FILE")?;
            let tail = value
                .map(|v| v.parse().map_err(|_| usage("--tail takes a record count")))
                .transpose()?;
            Ok(Command::Show { file, tail })
        }
        Some("tamper") => {
            let (files, value) = split(rest, "--record")?;
            let [file, out] = exactly(files, "tamper takes FILE and OUT")?;
            let record = value
                .ok_or_else(|| usage("tamper needs --record SEQ"))?
                .parse()
                .map_err(|_| usage("--record takes a sequence number"))?;
            Ok(Command::Tamper { file, out, record })
        }
        Some("help" | "--help" | "-h") if rest.is_empty() => Ok(Command::Help),
        _ => Err(usage(&format!(
            "unknown command {}",
            command.to_string_lossy()
        ))),
    }
}

/// Splits `args` into files and the value of the one option `name` allows.
fn split(args: &[OsString], name: &str) -> Result<(Vec<PathBuf>, Option<String>), ToolError> {
    let mut files = Vec::new();
    let mut value = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if !text.starts_with("--") {
            files.push(PathBuf::from(arg));
            continue;
        }
        let given = match text.split_once('=') {
            Some((option, given)) if option == name => String::from(given),
            None if text == name => args
                .next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| usage(&format!("{name} needs a value")))?,
            _ => return Err(usage(&format!("unknown option {text}"))),
        };
        if value.replace(given).is_some() {
            return Err(usage(&format!("{name} given twice")));
        }
    }
    Ok((files, value))
}

/// The `N` files, or a usage error saying `what` the command takes.
fn exactly<const N: usize>(files: Vec<PathBuf>, what: &str) -> Result<[PathBuf; N], ToolError> {
    <[PathBuf; N]>::try_from(files).map_err(|_| usage(what))
}

fn usage(problem: &str) -> ToolError {
    ToolError::Usage(format!("aios-audit: {problem}\n{USAGE}"))
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;
