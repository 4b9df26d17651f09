//! The one error type of `cargo xtask`: what went wrong, and whose move it is.

use std::fmt;
use std::path::PathBuf;

/// Why an xtask command stopped.
#[derive(Debug)]
pub enum Error {
    /// The command line was not understood (the usage text is printed).
    Usage(String),
    /// A tool the commands need is missing and cannot be installed from here.
    Setup(String),
    /// A child process (cargo, rustup, apt-get) could not start or failed.
    Command {
        /// What was being done, e.g. `cargo clippy (kernel)`.
        what: String,
        /// The spawn error or exit status.
        detail: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Building the bundle, the keys, the loader or the ESP failed.
    Image(String),
    /// QEMU could not be started, or never printed what it had to.
    Qemu(String),
    /// A test tier or benchmark found the system misbehaving.
    Check(String),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => write!(f, "usage: {message}"),
            Error::Setup(message) => write!(f, "setup: {message}"),
            Error::Command { what, detail } => write!(f, "{what}: {detail}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Image(message) => write!(f, "image: {message}"),
            Error::Qemu(message) => write!(f, "qemu: {message}"),
            Error::Check(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}
