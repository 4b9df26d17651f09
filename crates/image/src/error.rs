//! Why an agent image, its manifest or the boot manifest was refused.

use alloc::string::String;
use core::fmt;

/// Everything that can go wrong with agent images and the boot manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The image ends before the structure it announces.
    Truncated,
    /// The image does not start with `AIOSAGNT`.
    BadMagic,
    /// The image format version is not one this crate knows.
    UnsupportedVersion(u32),
    /// The agent manifest is not the CBOR map of a [`Manifest`](crate::Manifest).
    MalformedManifest,
    /// The agent manifest decodes but breaks a rule; the text names the rule.
    InvalidManifest(&'static str),
    /// The boot manifest is not the CBOR map of a [`BootManifest`](crate::BootManifest).
    MalformedBootManifest,
    /// The boot manifest decodes but breaks a rule; the text names the rule.
    InvalidBootManifest(&'static str),
    /// The module does not start with the WebAssembly 1.0 header.
    MalformedModule,
    /// The publisher key's fingerprint is not among the trusted publishers.
    UntrustedPublisher,
    /// The signature field is not an encoded ML-DSA-65 signature.
    BadSignature,
    /// The signature does not verify over the image with the publisher key.
    SignatureMismatch,
    /// Bytes follow the last section.
    TrailingBytes,
    /// The engine identity is not UTF-8 or is longer than
    /// [`MAX_ENGINE_LEN`](crate::MAX_ENGINE_LEN).
    MalformedEngine,
    /// A section's bytes do not match the digest the signature covers: it
    /// was changed after signing.
    Tampered(Section),
    /// Agents depend on each other in a cycle; names one agent on it.
    DependencyCycle(String),
    /// An agent depends on an agent that is not in the set being ordered.
    UnknownDependency {
        /// The agent declaring the dependency.
        agent: String,
        /// The name it depends on.
        missing: String,
    },
    /// The same agent name appears twice in the set being ordered.
    DuplicateAgent(String),
    /// Signing failed, or the image would not verify (wrong key, bad inputs).
    SigningFailed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the agent image is truncated"),
            Error::BadMagic => f.write_str("the agent image does not start with AIOSAGNT"),
            Error::UnsupportedVersion(v) => {
                write!(f, "agent image format version {v} is not supported")
            }
            Error::MalformedManifest => f.write_str("the agent manifest is not well-formed CBOR"),
            Error::InvalidManifest(why) => write!(f, "the agent manifest is invalid: {why}"),
            Error::MalformedBootManifest => {
                f.write_str("the boot manifest is not well-formed CBOR")
            }
            Error::InvalidBootManifest(why) => write!(f, "the boot manifest is invalid: {why}"),
            Error::MalformedModule => {
                f.write_str("the agent module is not a WebAssembly 1.0 binary")
            }
            Error::UntrustedPublisher => {
                f.write_str("the agent image's publisher is not a trusted publisher")
            }
            Error::BadSignature => f.write_str("the agent image's signature is malformed"),
            Error::SignatureMismatch => f.write_str("the agent image's signature is not valid"),
            Error::TrailingBytes => f.write_str("bytes follow the agent image's last section"),
            Error::MalformedEngine => {
                f.write_str("the agent image's engine identity is not short UTF-8 text")
            }
            Error::Tampered(section) => write!(
                f,
                "the agent image's {section} does not match its signed digest (changed after signing)"
            ),
            Error::DependencyCycle(agent) => {
                write!(f, "agent {agent} is part of a dependency cycle")
            }
            Error::UnknownDependency { agent, missing } => {
                write!(
                    f,
                    "agent {agent} depends on {missing}, which is not available"
                )
            }
            Error::DuplicateAgent(agent) => write!(f, "agent {agent} is listed twice"),
            Error::SigningFailed => f.write_str("signing the agent image failed"),
        }
    }
}

impl core::error::Error for Error {}

/// A signed section of an agent image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The CBOR manifest.
    Manifest,
    /// The WebAssembly module.
    Wasm,
    /// The engine identity.
    Engine,
    /// The compiled artifact.
    Artifact,
}

impl Section {
    /// The four sections in image order.
    pub const ALL: [Section; 4] = [
        Section::Manifest,
        Section::Wasm,
        Section::Engine,
        Section::Artifact,
    ];
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Manifest => "manifest",
            Section::Wasm => "WebAssembly module",
            Section::Engine => "engine identity",
            Section::Artifact => "compiled artifact",
        })
    }
}

impl From<aios_wire::ReadError> for Error {
    fn from(error: aios_wire::ReadError) -> Error {
        match error {
            aios_wire::ReadError::Truncated => Error::Truncated,
            aios_wire::ReadError::Overflow => Error::Truncated,
        }
    }
}
