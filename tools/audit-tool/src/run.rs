//! Runs a command and collects what it prints and its exit status.

use std::ffi::OsString;
use std::path::Path;

use aios_audit::ExportedLog;

use crate::{
    Command, TamperedField, ToolError, USAGE, export_bytes, parse, read_file, show, tamper,
    verified_line, verify, warnings,
};

/// What a run prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Text for standard output: the verdict, the listing, or what was done.
    pub stdout: String,
    /// Text for standard error: warnings and errors other than a verdict.
    pub stderr: String,
    /// Exit status: 0 success, 1 failure, 2 usage error.
    pub code: u8,
}

/// Parses `args` (without the program name) and runs the command.
pub fn run(args: &[OsString]) -> Output {
    match parse(args) {
        Ok(command) => execute(&command),
        Err(error) => failure(String::new(), error.to_string(), &error),
    }
}

/// Runs a parsed command. `verify` prints its verdict, `FAILED: ...`
/// included, on standard output; the other commands report errors on
/// standard error.
pub fn execute(command: &Command) -> Output {
    match command {
        Command::Help => Output {
            stdout: String::from(USAGE),
            stderr: String::new(),
            code: 0,
        },
        Command::Verify { file, key } => {
            match load(file).and_then(|export| verify(&export, *key)) {
                Ok(summary) => Output {
                    stdout: format!("{}\n", verified_line(&summary)),
                    stderr: lines(&warnings(&summary, key.is_some())),
                    code: 0,
                },
                Err(error) => failure(format!("FAILED: {error}\n"), String::new(), &error),
            }
        }
        Command::Show { file, tail } => reported(
            load(file)
                .and_then(|export| Ok(ExportedLog::decode(&export)?))
                .map(|log| show(&log, *tail)),
        ),
        Command::Tamper { file, out, record } => reported(
            load(file)
                .and_then(|export| tamper(&export, *record))
                .and_then(|(altered, tampered)| {
                    write_file(out, &altered)?;
                    let place = match tampered.field {
                        TamperedField::Detail(index) => format!("detail byte {index}"),
                        TamperedField::Subject => String::from("subject low byte"),
                    };
                    Ok(format!(
                        "altered record {} ({place}: {:#04x} -> {:#04x}); wrote {} ({} bytes)\n",
                        tampered.seq,
                        tampered.old,
                        tampered.new,
                        out.display(),
                        altered.len()
                    ))
                }),
        ),
    }
}

/// The export held in the file at `path` (raw, or the last dump in a text).
fn load(path: &Path) -> Result<Vec<u8>, ToolError> {
    export_bytes(&read_file(path)?)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ToolError> {
    std::fs::write(path, bytes).map_err(|e| ToolError::Io {
        action: "write",
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Output of a command other than `verify`: its text, or its error.
fn reported(result: Result<String, ToolError>) -> Output {
    match result {
        Ok(stdout) => Output {
            stdout,
            stderr: String::new(),
            code: 0,
        },
        Err(error) => failure(String::new(), format!("aios-audit: {error}\n"), &error),
    }
}

fn failure(stdout: String, stderr: String, error: &ToolError) -> Output {
    Output {
        stdout,
        stderr,
        code: error.exit_code(),
    }
}

fn lines(texts: &[String]) -> String {
    texts.iter().map(|t| format!("{t}\n")).collect()
}
