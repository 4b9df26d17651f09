//! The `aios-audit` command: runs the tool and exits with its status.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let output = aios_audit_tool::run(&args);
    // A closed stdout or stderr (e.g. piped into `head`) must not turn a
    // verdict into a panic; the exit status still carries it.
    let _ = std::io::stdout().write_all(output.stdout.as_bytes());
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    ExitCode::from(output.code)
}
