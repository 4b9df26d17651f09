//! The boot manifest (`boot-manifest.cbor` in the boot bundle): which agent
//! images the bundle holds, which start at boot, and whose signatures count.

use alloc::string::String;
use alloc::vec::Vec;

use minicbor::{Decode, Encode};

use crate::manifest::decode_exact;
use crate::{Error, is_agent_name};

/// Longest bundle entry name (the bundle format's limit).
const MAX_ENTRY_NAME_LEN: usize = 255;

/// The bundle's table of agents and the publishers trusted to sign them.
///
/// The bundle is covered by the verified boot signature, so the boot key
/// vouches for this list; agent images need only a publisher listed here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
#[cbor(map)]
pub struct BootManifest {
    /// Every agent image in the bundle.
    #[n(0)]
    pub agents: Vec<BundleAgent>,
    /// SHA3-256 fingerprints of the publisher keys trusted to sign agents.
    #[cbor(n(1), with = "fingerprints")]
    pub trusted_publishers: Vec<[u8; 32]>,
}

/// One agent image in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct BundleAgent {
    /// Agent name (the name in its manifest).
    #[n(0)]
    pub name: String,
    /// The bundle entry holding its image, e.g. `agents/hello.aimg`.
    #[n(1)]
    pub image: String,
    /// Whether the supervisor starts it at boot.
    #[n(2)]
    pub start_at_boot: bool,
}

impl BootManifest {
    /// Decodes and validates a boot manifest that fills `bytes` exactly.
    pub fn decode(bytes: &[u8]) -> Result<BootManifest, Error> {
        let manifest: BootManifest = decode_exact(bytes).ok_or(Error::MalformedBootManifest)?;
        manifest.validate()?;
        Ok(manifest)
    }

    /// The CBOR encoding, as stored in the bundle.
    pub fn encode(&self) -> Vec<u8> {
        // Encoding into a Vec cannot fail: the writer is infallible.
        minicbor::to_vec(self).unwrap_or_default()
    }

    /// Checks agent names (valid, unique) and image entry names (1..=255 bytes).
    pub fn validate(&self) -> Result<(), Error> {
        for (i, agent) in self.agents.iter().enumerate() {
            if !is_agent_name(&agent.name) {
                return Err(Error::InvalidBootManifest(
                    "an agent name is not 1..=32 characters of [a-z0-9-]",
                ));
            }
            if !(1..=MAX_ENTRY_NAME_LEN).contains(&agent.image.len()) {
                return Err(Error::InvalidBootManifest(
                    "an image entry name is not 1..=255 bytes",
                ));
            }
            if self.agents[..i]
                .iter()
                .any(|other| other.name == agent.name)
            {
                return Err(Error::InvalidBootManifest("an agent is listed twice"));
            }
        }
        Ok(())
    }

    /// The agent called `name`, if the bundle holds it.
    pub fn agent(&self, name: &str) -> Option<&BundleAgent> {
        self.agents.iter().find(|agent| agent.name == name)
    }
}

/// CBOR for the fingerprint list: an array of 32-byte byte strings.
mod fingerprints {
    use alloc::vec::Vec;

    use minicbor::bytes::ByteArray;
    use minicbor::encode::Write;
    use minicbor::{Decoder, Encoder};

    pub fn encode<C, W: Write>(
        fingerprints: &[[u8; 32]],
        e: &mut Encoder<W>,
        _: &mut C,
    ) -> Result<(), minicbor::encode::Error<W::Error>> {
        // A usize always fits a u64 on the targets AIOS builds for.
        e.array(fingerprints.len() as u64)?;
        for fingerprint in fingerprints {
            e.bytes(fingerprint)?;
        }
        Ok(())
    }

    pub fn decode<C>(
        d: &mut Decoder<'_>,
        _: &mut C,
    ) -> Result<Vec<[u8; 32]>, minicbor::decode::Error> {
        d.array_iter::<ByteArray<32>>()?
            .map(|item| item.map(<[u8; 32]>::from))
            .collect()
    }
}
