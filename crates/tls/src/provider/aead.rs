//! The TLS 1.3 record protection: ChaCha20-Poly1305, AES-128-GCM, AES-256-GCM.

use alloc::boxed::Box;
use core::marker::PhantomData;

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use chacha20poly1305::ChaCha20Poly1305;
use rustls::crypto::cipher::{
    AeadKey, InboundOpaqueMessage, InboundPlainMessage, Iv, MessageDecrypter, MessageEncrypter,
    Nonce, OutboundOpaqueMessage, OutboundPlainMessage, PrefixedPayload, Tls13AeadAlgorithm,
    UnsupportedOperationError, make_tls13_aad,
};
use rustls::{ConnectionTrafficSecrets, ContentType, Error, ProtocolVersion};

/// Every suite here has a 16-byte tag.
const TAG_LEN: usize = 16;

/// An AEAD as rustls' `Tls13AeadAlgorithm`.
pub(crate) struct Aead<A> {
    key_len: usize,
    algorithm: PhantomData<A>,
}

pub(crate) static CHACHA20_POLY1305: Aead<ChaCha20Poly1305> = Aead::new(32);
pub(crate) static AES_128_GCM: Aead<Aes128Gcm> = Aead::new(16);
pub(crate) static AES_256_GCM: Aead<Aes256Gcm> = Aead::new(32);

impl<A> Aead<A> {
    const fn new(key_len: usize) -> Self {
        Self {
            key_len,
            algorithm: PhantomData,
        }
    }
}

/// What rustls needs to know about each algorithm beyond the AEAD itself.
pub(crate) trait Algorithm:
    AeadInOut<NonceSize = U12, TagSize = U16> + KeyInit + Send + Sync + 'static
{
    /// The traffic secrets in the form kTLS and friends take them.
    fn secrets(key: AeadKey, iv: Iv) -> ConnectionTrafficSecrets;
}

impl Algorithm for ChaCha20Poly1305 {
    fn secrets(key: AeadKey, iv: Iv) -> ConnectionTrafficSecrets {
        ConnectionTrafficSecrets::Chacha20Poly1305 { key, iv }
    }
}

impl Algorithm for Aes128Gcm {
    fn secrets(key: AeadKey, iv: Iv) -> ConnectionTrafficSecrets {
        ConnectionTrafficSecrets::Aes128Gcm { key, iv }
    }
}

impl Algorithm for Aes256Gcm {
    fn secrets(key: AeadKey, iv: Iv) -> ConnectionTrafficSecrets {
        ConnectionTrafficSecrets::Aes256Gcm { key, iv }
    }
}

impl<A: Algorithm> Aead<A> {
    fn cipher(&self, key: &AeadKey, iv: Iv) -> RecordCipher<A> {
        // rustls derives the key with `key_len()` bytes, the length
        // `new_from_slice` wants, so it cannot fail.
        let aead = A::new_from_slice(key.as_ref()).expect("rustls derives keys of key_len()");
        RecordCipher { aead, iv }
    }
}

impl<A: Algorithm> Tls13AeadAlgorithm for Aead<A> {
    fn encrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageEncrypter> {
        Box::new(self.cipher(&key, iv))
    }

    fn decrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageDecrypter> {
        Box::new(self.cipher(&key, iv))
    }

    fn key_len(&self) -> usize {
        self.key_len
    }

    fn extract_keys(
        &self,
        key: AeadKey,
        iv: Iv,
    ) -> Result<ConnectionTrafficSecrets, UnsupportedOperationError> {
        Ok(A::secrets(key, iv))
    }
}

/// One direction's record protection: the AEAD keyed for it and its IV.
struct RecordCipher<A> {
    aead: A,
    iv: Iv,
}

impl<A: Algorithm> MessageEncrypter for RecordCipher<A> {
    fn encrypt(
        &mut self,
        message: OutboundPlainMessage<'_>,
        sequence: u64,
    ) -> Result<OutboundOpaqueMessage, Error> {
        let total_len = self.encrypted_payload_len(message.payload.len());
        let mut payload = PrefixedPayload::with_capacity(total_len);
        payload.extend_from_chunks(&message.payload);
        // TLSInnerPlaintext: the content, then its real content type.
        payload.extend_from_slice(&message.typ.to_array());
        let nonce = Nonce::new(&self.iv, sequence).0;
        let aad = make_tls13_aad(total_len);
        let tag = self
            .aead
            .encrypt_inout_detached(&nonce.into(), &aad, payload.as_mut().into())
            .map_err(|_| Error::EncryptError)?;
        payload.extend_from_slice(&tag);
        Ok(OutboundOpaqueMessage::new(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            payload,
        ))
    }

    fn encrypted_payload_len(&self, payload_len: usize) -> usize {
        payload_len + 1 + TAG_LEN
    }
}

impl<A: Algorithm> MessageDecrypter for RecordCipher<A> {
    fn decrypt<'a>(
        &mut self,
        mut message: InboundOpaqueMessage<'a>,
        sequence: u64,
    ) -> Result<InboundPlainMessage<'a>, Error> {
        let payload = &mut message.payload;
        let Some(text_len) = payload.len().checked_sub(TAG_LEN) else {
            return Err(Error::DecryptError);
        };
        let nonce = Nonce::new(&self.iv, sequence).0;
        let aad = make_tls13_aad(payload.len());
        let (text, tag) = payload.split_at_mut(text_len);
        let tag = (&*tag).try_into().map_err(|_| Error::DecryptError)?;
        self.aead
            .decrypt_inout_detached(&nonce.into(), &aad, text.into(), tag)
            .map_err(|_| Error::DecryptError)?;
        payload.truncate(text_len);
        message.into_tls13_unpadded_message()
    }
}
