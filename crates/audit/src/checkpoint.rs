//! Signed checkpoints: the node's ML-DSA-65 signature over a record's hash.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::convert::Infallible;

use minicbor::Decoder;
use minicbor::encode::Error as EncodeError;
use ml_dsa::{EncodedVerifyingKey, ExpandedSigningKey, MlDsa65, Signature, VerifyingKey};
use sha3::{Digest, Sha3_256};

use crate::AuditError;
use crate::cbor::{self, Writer};

/// ML-DSA context string binding checkpoint signatures to this use.
pub const CONTEXT: &[u8] = b"aios-audit-v1";
/// Length of an encoded ML-DSA-65 public (verifying) key.
pub const PUBLIC_KEY_LEN: usize = 1952;
/// Length of an encoded ML-DSA-65 signature.
pub const SIGNATURE_LEN: usize = 3309;

/// Smallest encoding of one checkpoint in an export.
/// (A signature of the wrong length must still decode, to be refused as a
/// bad checkpoint rather than as a truncated export.)
pub(crate) const MIN_ENCODED_LEN: usize = 1 + 1 + 34 + 1;

/// A signature by the node key over record `seq` and its `hash`; because
/// every hash covers the previous one, it vouches for the whole chain up to
/// and including that record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Sequence number of the record signed (a [`Kind::Checkpoint`](crate::Kind) record).
    pub seq: u64,
    /// That record's hash.
    pub hash: [u8; 32],
    /// ML-DSA-65 signature (context [`CONTEXT`]) over the CBOR array `[seq, hash]`.
    pub signature: Vec<u8>,
}

impl Checkpoint {
    /// Writes the exported form `[seq, hash, signature]`.
    pub(crate) fn write(&self, e: &mut Writer<'_>) -> Result<(), EncodeError<Infallible>> {
        e.array(3)?
            .u64(self.seq)?
            .bytes(&self.hash)?
            .bytes(&self.signature)?;
        Ok(())
    }

    /// Reads the exported form written by [`Checkpoint::write`].
    pub(crate) fn read(d: &mut Decoder<'_>) -> Result<Checkpoint, AuditError> {
        cbor::expect_array(d, 3)?;
        Ok(Checkpoint {
            seq: d.u64()?,
            hash: cbor::hash(d)?,
            signature: Vec::from(d.bytes()?),
        })
    }

    /// True if the signature verifies over `seq` and `hash` with `key`.
    pub(crate) fn is_signed_by(&self, key: &VerifyingKey<MlDsa65>) -> bool {
        Signature::<MlDsa65>::try_from(self.signature.as_slice())
            .is_ok_and(|sig| key.verify_with_context(&message(self.seq, &self.hash), CONTEXT, &sig))
    }
}

/// The bytes a checkpoint signs: the CBOR array `[seq, hash]`.
fn message(seq: u64, hash: &[u8; 32]) -> Vec<u8> {
    cbor::to_vec(|e| {
        e.array(2)?.u64(seq)?.bytes(hash)?;
        Ok(())
    })
}

/// The node's audit signing key, expanded once from its seed.
pub(crate) struct NodeKey {
    signing: Box<ExpandedSigningKey<MlDsa65>>,
    verifying: VerifyingKey<MlDsa65>,
    public_key: Vec<u8>,
}

impl NodeKey {
    /// The ML-DSA-65 key whose FIPS 204 seed is `seed`.
    pub(crate) fn from_seed(seed: &[u8; 32]) -> NodeKey {
        let signing = Box::new(ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into()));
        let verifying = signing.verifying_key();
        let public_key = verifying.encode().to_vec();
        NodeKey {
            signing,
            verifying,
            public_key,
        }
    }

    /// Signs record `seq` with `hash`. Deterministic (FIPS 204's hedged
    /// variant needs randomness the kernel may not have yet).
    pub(crate) fn sign(&self, seq: u64, hash: [u8; 32]) -> Result<Checkpoint, AuditError> {
        let signature = self
            .signing
            .sign_deterministic(&message(seq, &hash), CONTEXT)
            .map_err(|_| AuditError::SigningFailed)?;
        Ok(Checkpoint {
            seq,
            hash,
            signature: signature.encode().to_vec(),
        })
    }

    pub(crate) fn verifying(&self) -> &VerifyingKey<MlDsa65> {
        &self.verifying
    }

    pub(crate) fn public_key(&self) -> &[u8] {
        &self.public_key
    }
}

/// Decodes an encoded ML-DSA-65 public key.
pub(crate) fn decode_public_key(bytes: &[u8]) -> Result<VerifyingKey<MlDsa65>, AuditError> {
    let encoded =
        EncodedVerifyingKey::<MlDsa65>::try_from(bytes).map_err(|_| AuditError::BadPublicKey)?;
    Ok(VerifyingKey::<MlDsa65>::decode(&encoded))
}

/// The fingerprint of an encoded public key: its SHA3-256 digest (as
/// `aios-bootsig` computes it, so one fingerprint names the node key in both).
pub fn fingerprint(public_key: &[u8]) -> [u8; 32] {
    Sha3_256::digest(public_key).into()
}
