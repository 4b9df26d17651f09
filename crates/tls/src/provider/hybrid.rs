//! X25519MLKEM768 (IANA 0x11EC): ML-KEM-768 and X25519 in one key share.
//!
//! Per draft-kwiatkowski-tls-ecdhe-mlkem: the client's share is the ML-KEM
//! encapsulation key followed by its X25519 public key, the server's share the
//! ML-KEM ciphertext followed by its X25519 public key, and the shared secret
//! the ML-KEM shared secret followed by the X25519 one. The connection stays
//! secret as long as either half holds.

use alloc::boxed::Box;
use alloc::vec::Vec;

use ml_kem::ml_kem_768::{Ciphertext, DecapsulationKey, EncapsulationKey};
use ml_kem::{Decapsulate, Key, KeyExport, Seed};
use rustls::crypto::{ActiveKeyExchange, CompletedKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::{Error, NamedGroup, ProtocolVersion};
use zeroize::Zeroizing;

use super::x25519::{X25519_LEN, X25519KeyPair, concat, invalid_key_share};
use crate::random::RandomSource;

/// Length of an ML-KEM-768 encapsulation key (the client's half).
pub(crate) const MLKEM768_ENCAPSULATION_KEY_LEN: usize = 1184;
/// Length of an ML-KEM-768 ciphertext (the server's half).
pub(crate) const MLKEM768_CIPHERTEXT_LEN: usize = 1088;

/// The hybrid group.
#[derive(Debug)]
pub(crate) struct X25519MlKem768Group {
    pub(crate) random: RandomSource,
}

impl SupportedKxGroup for X25519MlKem768Group {
    /// The client's side: a fresh ML-KEM key pair and X25519 key pair.
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let seed = Zeroizing::new(self.random.array::<64>()?);
        let decapsulation_key = DecapsulationKey::from_seed(Seed::from(*seed));
        let classical = X25519KeyPair::generate(self.random)?;
        let share = concat(
            &decapsulation_key.encapsulation_key().to_bytes(),
            classical.public(),
        );
        Ok(Box::new(ActiveHybrid {
            decapsulation_key,
            classical,
            share,
        }))
    }

    /// The server's side: encapsulate to the client's key, agree with its
    /// X25519 key, answer with the ciphertext and our X25519 public key.
    fn start_and_complete(&self, client_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        if client_share.len() != MLKEM768_ENCAPSULATION_KEY_LEN + X25519_LEN {
            return Err(invalid_key_share());
        }
        let (post_quantum, classical_share) = client_share.split_at(MLKEM768_ENCAPSULATION_KEY_LEN);
        let key =
            Key::<EncapsulationKey>::try_from(post_quantum).map_err(|_| invalid_key_share())?;
        // `new` performs FIPS 203's modulus check on the encoded key.
        let encapsulation_key = EncapsulationKey::new(&key).map_err(|_| invalid_key_share())?;
        let message = Zeroizing::new(self.random.array::<32>()?);
        let (ciphertext, post_quantum_secret) =
            encapsulation_key.encapsulate_deterministic(&(*message).into());
        let post_quantum_secret = Zeroizing::new(post_quantum_secret);

        let classical = X25519KeyPair::generate(self.random)?;
        let classical_secret = classical.agree(classical_share)?;
        Ok(CompletedKeyExchange {
            group: NamedGroup::X25519MLKEM768,
            pub_key: concat(&ciphertext, classical.public()),
            secret: SharedSecret::from(concat(&post_quantum_secret, &classical_secret[..])),
        })
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }

    fn usable_for_version(&self, version: ProtocolVersion) -> bool {
        version == ProtocolVersion::TLSv1_3
    }
}

/// A client's hybrid key share waiting for the server's.
struct ActiveHybrid {
    decapsulation_key: DecapsulationKey,
    classical: X25519KeyPair,
    share: Vec<u8>,
}

impl ActiveKeyExchange for ActiveHybrid {
    fn complete(self: Box<Self>, server_share: &[u8]) -> Result<SharedSecret, Error> {
        if server_share.len() != MLKEM768_CIPHERTEXT_LEN + X25519_LEN {
            return Err(invalid_key_share());
        }
        let (post_quantum, classical_share) = server_share.split_at(MLKEM768_CIPHERTEXT_LEN);
        let ciphertext = Ciphertext::try_from(post_quantum).map_err(|_| invalid_key_share())?;
        // Decapsulation never fails: a forged ciphertext yields an unrelated
        // secret (implicit rejection), and the handshake's Finished check fails.
        let post_quantum_secret = Zeroizing::new(self.decapsulation_key.decapsulate(&ciphertext));
        let classical_secret = self.classical.agree(classical_share)?;
        Ok(SharedSecret::from(concat(
            &post_quantum_secret,
            &classical_secret[..],
        )))
    }

    /// Lets rustls offer the X25519 half as a separate X25519 key share too,
    /// so a server without the hybrid picks X25519 without a retry.
    fn hybrid_component(&self) -> Option<(NamedGroup, &[u8])> {
        Some((NamedGroup::X25519, self.classical.public()))
    }

    fn complete_hybrid_component(
        self: Box<Self>,
        server_share: &[u8],
    ) -> Result<SharedSecret, Error> {
        Ok(SharedSecret::from(&self.classical.agree(server_share)?[..]))
    }

    fn pub_key(&self) -> &[u8] {
        &self.share
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519MLKEM768
    }
}
