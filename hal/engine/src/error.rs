//! Why an engine could not be made or an artifact not loaded.

use alloc::string::String;
use core::fmt;

/// Everything that can go wrong building engines and loading artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Wasmtime refused the configuration (the text is Wasmtime's).
    Engine(String),
    /// The CPU lacks a feature compiled code may use.
    MissingCpuFeature(&'static str),
    /// The image's artifact was compiled by another engine version.
    OtherEngineVersion {
        /// What the image names.
        image: String,
        /// What this kernel runs.
        running: String,
    },
    /// The image's artifact was compiled for another target.
    OtherTarget {
        /// What the image names.
        image: String,
        /// What this kernel runs.
        running: String,
    },
    /// The image's artifact was compiled under another configuration.
    OtherConfig {
        /// What the image names.
        image: String,
        /// What this kernel runs.
        running: String,
    },
    /// The image's engine identity is not one this crate writes.
    MalformedIdentity(String),
    /// The module does not compile (the text is Wasmtime's).
    Compile(String),
    /// Wasmtime refused the artifact (the text is Wasmtime's).
    Load(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Engine(why) => write!(f, "the engine could not be configured: {why}"),
            Error::MissingCpuFeature(feature) => {
                write!(f, "this CPU lacks {feature}, which compiled agents use")
            }
            Error::OtherEngineVersion { image, running } => write!(
                f,
                "the artifact was compiled by engine {image}, this kernel runs {running}"
            ),
            Error::OtherTarget { image, running } => write!(
                f,
                "the artifact was compiled for target {image}, this kernel runs {running}"
            ),
            Error::OtherConfig { image, running } => write!(
                f,
                "the artifact was compiled under engine config {image}, this kernel runs config {running}"
            ),
            Error::MalformedIdentity(identity) => {
                write!(
                    f,
                    "the image names no engine this kernel knows: {identity:?}"
                )
            }
            Error::Compile(why) => write!(f, "the module does not compile: {why}"),
            Error::Load(why) => write!(f, "the engine refused the artifact: {why}"),
        }
    }
}

impl core::error::Error for Error {}
