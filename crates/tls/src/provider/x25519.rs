//! X25519 key exchange (RFC 7748), alone and as the classical half of the hybrid.

use alloc::boxed::Box;
use alloc::vec::Vec;

use rustls::crypto::{ActiveKeyExchange, CompletedKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::{Error, NamedGroup, PeerMisbehaved};
use x25519_dalek::{X25519_BASEPOINT_BYTES, x25519};
use zeroize::Zeroizing;

use crate::random::RandomSource;

/// Length of an X25519 public key and of its shared secret.
pub(crate) const X25519_LEN: usize = 32;

/// An X25519 key pair for one handshake.
pub(crate) struct X25519KeyPair {
    secret: Zeroizing<[u8; X25519_LEN]>,
    public: [u8; X25519_LEN],
}

impl X25519KeyPair {
    /// Draws a fresh secret scalar from `random`.
    pub(crate) fn generate(random: RandomSource) -> Result<Self, Error> {
        let secret = Zeroizing::new(random.array::<X25519_LEN>()?);
        let public = x25519(*secret, X25519_BASEPOINT_BYTES);
        Ok(Self { secret, public })
    }

    pub(crate) fn public(&self) -> &[u8; X25519_LEN] {
        &self.public
    }

    /// The shared secret with the peer's public key `peer`.
    ///
    /// A peer key of the wrong length, or one of small order (the result is
    /// all zeros, RFC 7748 §6.1 and RFC 8446 §7.4.2), is refused.
    pub(crate) fn agree(&self, peer: &[u8]) -> Result<Zeroizing<[u8; X25519_LEN]>, Error> {
        let peer: [u8; X25519_LEN] = peer.try_into().map_err(|_| invalid_key_share())?;
        let shared = Zeroizing::new(x25519(*self.secret, peer));
        if shared.iter().all(|&byte| byte == 0) {
            return Err(invalid_key_share());
        }
        Ok(shared)
    }
}

pub(crate) fn invalid_key_share() -> Error {
    Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare)
}

/// The X25519 group (IANA 0x001D), for peers without the hybrid.
#[derive(Debug)]
pub(crate) struct X25519Group {
    pub(crate) random: RandomSource,
}

impl SupportedKxGroup for X25519Group {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        Ok(Box::new(ActiveX25519(X25519KeyPair::generate(
            self.random,
        )?)))
    }

    fn start_and_complete(&self, peer: &[u8]) -> Result<CompletedKeyExchange, Error> {
        let pair = X25519KeyPair::generate(self.random)?;
        let secret = pair.agree(peer)?;
        Ok(CompletedKeyExchange {
            group: NamedGroup::X25519,
            pub_key: pair.public().to_vec(),
            secret: SharedSecret::from(&secret[..]),
        })
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

/// A client's X25519 key share waiting for the server's.
pub(crate) struct ActiveX25519(pub(crate) X25519KeyPair);

impl ActiveKeyExchange for ActiveX25519 {
    fn complete(self: Box<Self>, peer: &[u8]) -> Result<SharedSecret, Error> {
        Ok(SharedSecret::from(&self.0.agree(peer)?[..]))
    }

    fn pub_key(&self) -> &[u8] {
        self.0.public()
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }
}

/// `first` followed by `second`, the layout of hybrid shares and secrets.
pub(crate) fn concat(first: &[u8], second: &[u8]) -> Vec<u8> {
    let mut joined = Vec::with_capacity(first.len() + second.len());
    joined.extend_from_slice(first);
    joined.extend_from_slice(second);
    joined
}
