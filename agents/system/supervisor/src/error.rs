//! The supervisor's error enum: why an image is not started, or which
//! syscall failed.

use aios_sdk::Error as SysError;
use std::fmt;
use std::string::String;

/// Everything that can go wrong for the supervisor. None of it stops the
/// supervisor, except a missing capability at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The manifest did not grant a capability the supervisor needs.
    MissingCapability {
        /// The capability kind, as `agent.toml` spells it.
        kind: &'static str,
    },
    /// A syscall failed.
    Syscall {
        /// The syscall's name.
        call: &'static str,
        /// What the kernel answered.
        error: SysError,
    },
    /// The image was refused when the bundle was loaded.
    Refused {
        /// The kernel's reason.
        reason: String,
    },
    /// A dependency is not in the bundle.
    MissingDependency {
        /// Its name.
        dependency: String,
    },
    /// A dependency was refused when the bundle was loaded.
    DependencyRefused {
        /// Its name.
        dependency: String,
    },
    /// A dependency is not started at boot, so it would never be running.
    DependencyNotAtBoot {
        /// Its name.
        dependency: String,
    },
    /// A dependency is itself not started (skipped or failed to spawn).
    DependencySkipped {
        /// Its name.
        dependency: String,
    },
    /// The image is on a dependency cycle.
    DependencyCycle,
    /// A dependency did not become alive within the boot wait.
    DependencyNotAlive {
        /// Its name.
        dependency: String,
        /// How long the supervisor waited, in milliseconds.
        waited_ms: u64,
    },
}

impl Error {
    /// A [`Error::Syscall`] for `call`.
    pub fn syscall(call: &'static str) -> impl FnOnce(SysError) -> Error {
        move |error| Error::Syscall { call, error }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingCapability { kind } => write!(f, "no {kind} capability"),
            Error::Syscall { call, error } => write!(f, "{call} failed: {error}"),
            Error::Refused { reason } => write!(f, "image refused: {reason}"),
            Error::MissingDependency { dependency } => {
                write!(f, "dependency {dependency} is not in the bundle")
            }
            Error::DependencyRefused { dependency } => {
                write!(f, "dependency {dependency} was refused")
            }
            Error::DependencyNotAtBoot { dependency } => {
                write!(f, "dependency {dependency} is not started at boot")
            }
            Error::DependencySkipped { dependency } => {
                write!(f, "dependency {dependency} is not started")
            }
            Error::DependencyCycle => write!(f, "it is on a dependency cycle"),
            Error::DependencyNotAlive {
                dependency,
                waited_ms,
            } => write!(f, "dependency {dependency} not alive after {waited_ms} ms"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_culprit() {
        let error = Error::syscall("agent_list")(SysError::StaleHandle);
        assert_eq!(
            error,
            Error::Syscall {
                call: "agent_list",
                error: SysError::StaleHandle
            }
        );
        assert!(error.to_string().starts_with("agent_list failed: "));
        let missing = Error::MissingDependency {
            dependency: "store".into(),
        };
        assert_eq!(missing.to_string(), "dependency store is not in the bundle");
        let late = Error::DependencyNotAlive {
            dependency: "net".into(),
            waited_ms: 5000,
        };
        assert_eq!(late.to_string(), "dependency net not alive after 5000 ms");
    }
}
