//! SHA-256 and SHA-384 and their HMACs, for the transcript and the key schedule.

use alloc::boxed::Box;
use core::marker::PhantomData;

use hmac::{EagerHash, KeyInit, Mac};
use rustls::crypto::hash::{Context, Hash, HashAlgorithm, Output};
use rustls::crypto::hmac::{Hmac, Key, Tag};
use sha2::Digest;

/// A SHA-2 function as rustls' `Hash`.
pub(crate) struct Sha2<D>(PhantomData<D>, HashAlgorithm);

pub(crate) static SHA256: Sha2<sha2::Sha256> = Sha2(PhantomData, HashAlgorithm::SHA256);
pub(crate) static SHA384: Sha2<sha2::Sha384> = Sha2(PhantomData, HashAlgorithm::SHA384);

impl<D: Digest + Clone + Send + Sync + 'static> Hash for Sha2<D> {
    fn start(&self) -> Box<dyn Context> {
        Box::new(Sha2Context(D::new()))
    }

    fn hash(&self, data: &[u8]) -> Output {
        Output::new(&D::digest(data))
    }

    fn algorithm(&self) -> HashAlgorithm {
        self.1
    }

    fn output_len(&self) -> usize {
        <D as Digest>::output_size()
    }
}

/// A running transcript hash.
struct Sha2Context<D>(D);

impl<D: Digest + Clone + Send + Sync + 'static> Context for Sha2Context<D> {
    fn fork_finish(&self) -> Output {
        Output::new(&self.0.clone().finalize())
    }

    fn fork(&self) -> Box<dyn Context> {
        Box::new(Self(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> Output {
        Output::new(&self.0.finalize())
    }

    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
}

/// HMAC over a SHA-2 function as rustls' `Hmac`; HKDF is built on it.
pub(crate) struct Sha2Hmac<D>(PhantomData<D>);

pub(crate) static HMAC_SHA256: Sha2Hmac<sha2::Sha256> = Sha2Hmac(PhantomData);
pub(crate) static HMAC_SHA384: Sha2Hmac<sha2::Sha384> = Sha2Hmac(PhantomData);

impl<D: Digest + EagerHash + Send + Sync + 'static> Hmac for Sha2Hmac<D>
where
    hmac::Hmac<D>: KeyInit + Mac + Clone + Send + Sync,
{
    fn with_key(&self, key: &[u8]) -> Box<dyn Key> {
        // HMAC takes keys of any length (longer ones are hashed first): the
        // hmac crate's `new_from_slice` never returns its error.
        let mac = <hmac::Hmac<D> as KeyInit>::new_from_slice(key)
            .expect("HMAC accepts keys of any length");
        Box::new(Sha2HmacKey(mac))
    }

    fn hash_output_len(&self) -> usize {
        <D as Digest>::output_size()
    }
}

struct Sha2HmacKey<M>(M);

impl<M: Mac + Clone + Send + Sync> Key for Sha2HmacKey<M> {
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        let mut mac = self.0.clone();
        mac.update(first);
        for part in middle {
            mac.update(part);
        }
        mac.update(last);
        Tag::new(&mac.finalize().into_bytes())
    }

    fn tag_len(&self) -> usize {
        <M as hmac::digest::OutputSizeUser>::output_size()
    }
}
