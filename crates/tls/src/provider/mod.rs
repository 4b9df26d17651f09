//! The crypto provider: rustls' `CryptoProvider` built from RustCrypto crates
//! and dalek, with randomness from the caller.

mod aead;
mod hash;
mod hybrid;
mod sign;
mod suites;
mod verify;
mod x25519;

use alloc::vec::Vec;

use rustls::SupportedCipherSuite;
use rustls::crypto::{CryptoProvider, SupportedKxGroup};

use crate::config::{CipherSuite, KeyExchange, Policy};
use crate::random::{Random, RandomSource};
use hybrid::X25519MlKem768Group;
use x25519::X25519Group;

/// The cryptography one node uses for all its TLS connections.
///
/// It holds the caller's random source and the key-exchange groups drawing
/// from it. rustls keeps both as `&'static`, so a `Crypto` lives as long as
/// the program: the kernel keeps one in a `static` (the constructor is
/// `const`), a test may leak one.
pub struct Crypto {
    random: RandomSource,
    x25519: X25519Group,
    hybrid: X25519MlKem768Group,
}

impl Crypto {
    /// Cryptography drawing its randomness from `random`.
    pub const fn new(random: &'static dyn Random) -> Self {
        let random = RandomSource(random);
        Self {
            random,
            x25519: X25519Group { random },
            hybrid: X25519MlKem768Group { random },
        }
    }

    /// The rustls provider restricted to what `policy` allows, in its order.
    pub(crate) fn provider(&'static self, policy: &Policy) -> CryptoProvider {
        let kx_groups: Vec<&'static dyn SupportedKxGroup> = match policy.key_exchange {
            KeyExchange::HybridPreferred => alloc::vec![&self.hybrid, &self.x25519],
            KeyExchange::HybridOnly => alloc::vec![&self.hybrid],
            KeyExchange::ClassicalOnly => alloc::vec![&self.x25519],
        };
        CryptoProvider {
            cipher_suites: policy
                .cipher_suites
                .iter()
                .map(|&suite| rustls_suite(suite))
                .collect(),
            kx_groups,
            signature_verification_algorithms: verify::ALGORITHMS,
            secure_random: &self.random,
            key_provider: &sign::Keys,
        }
    }
}

fn rustls_suite(suite: CipherSuite) -> SupportedCipherSuite {
    match suite {
        CipherSuite::ChaCha20Poly1305Sha256 => suites::TLS13_CHACHA20_POLY1305_SHA256,
        CipherSuite::Aes128GcmSha256 => suites::TLS13_AES_128_GCM_SHA256,
        CipherSuite::Aes256GcmSha384 => suites::TLS13_AES_256_GCM_SHA384,
    }
}
