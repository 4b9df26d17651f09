//! The three TLS 1.3 cipher suites.

use rustls::crypto::CipherSuiteCommon;
use rustls::crypto::tls13::HkdfUsingHmac;
use rustls::{CipherSuite, SupportedCipherSuite, Tls13CipherSuite};

use super::aead::{AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305};
use super::hash::{HMAC_SHA256, HMAC_SHA384, SHA256, SHA384};

/// TLS_CHACHA20_POLY1305_SHA256: fastest where AES has no hardware help, as
/// in the kernel, whose AES runs in portable (bitsliced) code.
pub(crate) static TLS13_CHACHA20_POLY1305_SHA256: SupportedCipherSuite =
    SupportedCipherSuite::Tls13(&Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            hash_provider: &SHA256,
            // RFC 8446 §5.5: ChaCha20-Poly1305 has no practical limit.
            confidentiality_limit: u64::MAX,
        },
        hkdf_provider: &HkdfUsingHmac(&HMAC_SHA256),
        aead_alg: &CHACHA20_POLY1305,
        quic: None,
    });

/// TLS_AES_128_GCM_SHA256, the suite every TLS 1.3 peer must offer.
pub(crate) static TLS13_AES_128_GCM_SHA256: SupportedCipherSuite =
    SupportedCipherSuite::Tls13(&Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
            hash_provider: &SHA256,
            // RFC 9147 §4.5.3 / the AEAD limits draft: 2^24.5 full records.
            confidentiality_limit: 1 << 24,
        },
        hkdf_provider: &HkdfUsingHmac(&HMAC_SHA256),
        aead_alg: &AES_128_GCM,
        quic: None,
    });

/// TLS_AES_256_GCM_SHA384.
pub(crate) static TLS13_AES_256_GCM_SHA384: SupportedCipherSuite =
    SupportedCipherSuite::Tls13(&Tls13CipherSuite {
        common: CipherSuiteCommon {
            suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
            hash_provider: &SHA384,
            confidentiality_limit: 1 << 24,
        },
        hkdf_provider: &HkdfUsingHmac(&HMAC_SHA384),
        aead_alg: &AES_256_GCM,
        quic: None,
    });
