//! The verified manifest and the check of a component against it.

use crate::{Error, MAX_COMPONENTS, NAME_LEN, sha3_256};

/// One signed component: name, size and digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    name: [u8; NAME_LEN],
    /// Size in bytes.
    pub size: u64,
    /// SHA3-256 of the component's bytes.
    pub sha3_256: [u8; 32],
}

impl Component {
    pub(crate) const EMPTY: Component = Component {
        name: [0; NAME_LEN],
        size: 0,
        sha3_256: [0; 32],
    };

    /// Builds a component from its raw name field, checking the name is
    /// non-empty UTF-8 followed only by zero bytes.
    pub(crate) fn from_raw(
        name: [u8; NAME_LEN],
        size: u64,
        sha3_256: [u8; 32],
    ) -> Result<Component, Error> {
        let len = name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        if len == 0 || name[len..].iter().any(|&b| b != 0) {
            return Err(Error::BadComponentName);
        }
        core::str::from_utf8(&name[..len]).map_err(|_| Error::BadComponentName)?;
        Ok(Component {
            name,
            size,
            sha3_256,
        })
    }

    /// The component's name.
    pub fn name(&self) -> &str {
        let len = self.name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        // `from_raw` checked the name is UTF-8, so this never falls back.
        core::str::from_utf8(&self.name[..len]).unwrap_or("")
    }
}

/// A manifest whose signature verified with the trusted key.
#[derive(Debug, Clone)]
pub struct SignedManifest {
    pub(crate) components: [Component; MAX_COMPONENTS],
    pub(crate) count: usize,
    pub(crate) key_fingerprint: [u8; 32],
}

impl SignedManifest {
    /// The signed components, in manifest order.
    pub fn components(&self) -> &[Component] {
        &self.components[..self.count]
    }

    /// Fingerprint of the key that signed the manifest.
    pub fn key_fingerprint(&self) -> [u8; 32] {
        self.key_fingerprint
    }

    /// Checks `bytes` against the component called `name` and returns their
    /// SHA3-256 digest if size and digest match the signed ones.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Result<[u8; 32], Error> {
        let component = self
            .components()
            .iter()
            .find(|c| c.name() == name)
            .ok_or(Error::UnknownComponent)?;
        let actual = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if actual != component.size {
            return Err(Error::SizeMismatch {
                expected: component.size,
                actual,
            });
        }
        let digest = sha3_256(bytes);
        if digest != component.sha3_256 {
            return Err(Error::DigestMismatch {
                expected: component.sha3_256,
                actual: digest,
            });
        }
        Ok(digest)
    }
}
