//! Why an agent, or the runtime itself, could not be started.

use alloc::string::String;
use core::fmt;

/// A spawn that failed, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpawnError {
    /// No image of that name in the bundle.
    UnknownImage(String),
    /// The image was refused at load time (signature, manifest, module).
    Refused {
        /// Image name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The module could not be instantiated (imports, start function).
    Instantiate {
        /// Image name.
        name: String,
        /// Why.
        reason: String,
    },
    /// Capabilities for the new agent could not be issued.
    Capabilities(String),
}

impl SpawnError {
    /// The ABI error code for an agent that asked for this spawn.
    pub fn code(&self) -> aios_abi::Error {
        match self {
            SpawnError::UnknownImage(_) => aios_abi::Error::NotFound,
            SpawnError::Refused { .. } | SpawnError::Instantiate { .. } => {
                aios_abi::Error::ImageRefused
            }
            SpawnError::Capabilities(_) => aios_abi::Error::QuotaExceeded,
        }
    }
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpawnError::UnknownImage(name) => write!(f, "no agent image named `{name}`"),
            SpawnError::Refused { name, reason } => write!(f, "image `{name}` refused: {reason}"),
            SpawnError::Instantiate { name, reason } => {
                write!(f, "image `{name}` could not be instantiated: {reason}")
            }
            SpawnError::Capabilities(why) => write!(f, "capabilities not issued: {why}"),
        }
    }
}

/// The runtime could not start: its engine cannot run on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError(pub aios_engine::Error);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "agents cannot run: {}", self.0)
    }
}
