//! The engine identity an image names and the signature covers: the
//! engine's release, the target and a digest of the [`Settings`].

use crate::{Error, Settings, Target};
use alloc::format;
use alloc::string::{String, ToString};

/// Which engine, for which target, under which configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Wasmtime's release, e.g. `48.0.0`.
    pub version: String,
    /// The target triple.
    pub target: String,
    /// The first 8 bytes of SHA3-256 over the settings' `Debug` text, hex.
    pub config: String,
}

impl Identity {
    /// The identity of an engine built from `settings` for `target`.
    pub fn of(settings: &Settings, target: Target) -> Identity {
        let digest = aios_bootsig::sha3_256(format!("{settings:?}").as_bytes());
        let config = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Identity {
            version: wasmtime_environ::VERSION.to_string(),
            target: target.triple().to_string(),
            config,
        }
    }

    /// The identity of the engine this build runs agents on.
    pub fn running() -> Identity {
        Identity::of(&crate::SETTINGS, Target::RUNNING)
    }

    /// Parses the text [`Display`](core::fmt::Display) writes.
    pub fn parse(text: &str) -> Result<Identity, Error> {
        let malformed = || Error::MalformedIdentity(text.to_string());
        let mut parts = text.split("; ");
        let version = parts.next().and_then(|p| p.strip_prefix("wasmtime "));
        let target = parts.next();
        let config = parts.next().and_then(|p| p.strip_prefix("config "));
        match (version, target, config, parts.next()) {
            (Some(version), Some(target), Some(config), None) => Ok(Identity {
                version: version.to_string(),
                target: target.to_string(),
                config: config.to_string(),
            }),
            _ => Err(malformed()),
        }
    }

    /// Succeeds if an artifact compiled for `self` may run on `running`;
    /// otherwise names the first part that differs.
    pub fn check_against(&self, running: &Identity) -> Result<(), Error> {
        if self.version != running.version {
            return Err(Error::OtherEngineVersion {
                image: self.version.clone(),
                running: running.version.clone(),
            });
        }
        if self.target != running.target {
            return Err(Error::OtherTarget {
                image: self.target.clone(),
                running: running.target.clone(),
            });
        }
        if self.config != running.config {
            return Err(Error::OtherConfig {
                image: self.config.clone(),
                running: running.config.clone(),
            });
        }
        Ok(())
    }
}

impl core::fmt::Display for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "wasmtime {}; {}; config {}",
            self.version, self.target, self.config
        )
    }
}
