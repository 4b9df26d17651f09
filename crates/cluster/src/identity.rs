//! Identities: an ML-DSA-65 key per node, certified by the cluster key,
//! and the proof a node gives over a link that it holds its key.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use minicbor::{Decode, Encode};
use ml_dsa::{EncodedVerifyingKey, ExpandedSigningKey, MlDsa65, Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// The context string of a certificate's signature (FIPS 204 context).
const CERTIFICATE_CONTEXT: &[u8] = b"aios-cluster-identity-v1";
/// The context string of a link proof's signature.
const PROOF_CONTEXT: &[u8] = b"aios-cluster-link-v1";
/// Bytes of a hello's nonce.
pub const NONCE_LEN: usize = 32;
/// Longest node name.
pub const MAX_NAME: usize = 32;

/// Which end of a link a proof comes from: a proof made as one cannot be
/// passed off as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The end that dialled.
    Dialler,
    /// The end that accepted.
    Acceptor,
}

impl Role {
    fn tag(self) -> u8 {
        match self {
            Role::Dialler => 1,
            Role::Acceptor => 2,
        }
    }
}

/// Why an identity, a certificate or a proof was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityError {
    /// The name is not 1 to 32 of `a-z`, `0-9`, `-`.
    BadName,
    /// Not an ML-DSA-65 public key.
    BadPublicKey,
    /// Not an ML-DSA-65 signature.
    BadSignature,
    /// The cluster key did not sign this name and key.
    NotCertified,
    /// The proof is not the certified key's signature of this link.
    BadProof,
    /// The certificate is not for the key its seed makes.
    WrongKey,
    /// The key could not sign.
    SigningFailed,
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdentityError::BadName => "the node name is not 1 to 32 of a-z, 0-9, -",
            IdentityError::BadPublicKey => "not an ML-DSA-65 public key",
            IdentityError::BadSignature => "not an ML-DSA-65 signature",
            IdentityError::NotCertified => "the cluster key did not certify this node",
            IdentityError::BadProof => "the link proof is not the node's signature of this link",
            IdentityError::WrongKey => "the certificate is for another key",
            IdentityError::SigningFailed => "the identity key could not sign",
        })
    }
}

/// Whether `name` is a node name: 1 to 32 of `a-z`, `0-9`, `-`.
pub fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A node's certificate: its name and ML-DSA-65 public key, signed by
/// the cluster key.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Certificate {
    /// The node's name.
    #[n(0)]
    pub name: String,
    /// Its public key (encoded, 1952 bytes).
    #[cbor(n(1), with = "minicbor::bytes")]
    pub public_key: Vec<u8>,
    /// The cluster key's signature of the name and the key.
    #[cbor(n(2), with = "minicbor::bytes")]
    pub signature: Vec<u8>,
}

/// What a certificate's signature covers: the name's length, the name,
/// the key.
fn certified(name: &str, public_key: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(1 + name.len() + public_key.len());
    message.push(name.len() as u8);
    message.extend_from_slice(name.as_bytes());
    message.extend_from_slice(public_key);
    message
}

fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey<MlDsa65>, IdentityError> {
    let encoded = EncodedVerifyingKey::<MlDsa65>::try_from(public_key)
        .map_err(|_| IdentityError::BadPublicKey)?;
    Ok(VerifyingKey::<MlDsa65>::decode(&encoded))
}

fn verify(
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
    refusal: IdentityError,
) -> Result<(), IdentityError> {
    let key = verifying_key(public_key)?;
    let signature =
        Signature::<MlDsa65>::try_from(signature).map_err(|_| IdentityError::BadSignature)?;
    if key.verify_with_context(message, context, &signature) {
        Ok(())
    } else {
        Err(refusal)
    }
}

impl Certificate {
    /// Checks that `cluster_key` (an encoded ML-DSA-65 public key) signed
    /// this certificate, and that its name is a node name.
    pub fn verify(&self, cluster_key: &[u8]) -> Result<(), IdentityError> {
        if !valid_name(&self.name) {
            return Err(IdentityError::BadName);
        }
        verifying_key(&self.public_key)?;
        verify(
            cluster_key,
            &certified(&self.name, &self.public_key),
            CERTIFICATE_CONTEXT,
            &self.signature,
            IdentityError::NotCertified,
        )
    }

    /// The certificate as CBOR.
    pub fn to_bytes(&self) -> Vec<u8> {
        minicbor::to_vec(self).unwrap_or_default()
    }

    /// A certificate read from CBOR (not yet verified).
    pub fn from_bytes(bytes: &[u8]) -> Option<Certificate> {
        minicbor::decode(bytes).ok()
    }

    /// Issues the certificate of node `name` with the identity key whose
    /// seed is `node_seed`, signed by the cluster key whose seed is
    /// `cluster_seed` (on the host: xtask provisions clusters).
    #[cfg(feature = "std")]
    pub fn issue(
        cluster_seed: &[u8; 32],
        name: &str,
        node_seed: &[u8; 32],
    ) -> Result<Certificate, IdentityError> {
        if !valid_name(name) {
            return Err(IdentityError::BadName);
        }
        let public_key = public_key(node_seed);
        let cluster = ExpandedSigningKey::<MlDsa65>::from_seed(&(*cluster_seed).into());
        let signature = cluster
            .sign_deterministic(&certified(name, &public_key), CERTIFICATE_CONTEXT)
            .map_err(|_| IdentityError::SigningFailed)?;
        Ok(Certificate {
            name: String::from(name),
            public_key,
            signature: signature.encode().to_vec(),
        })
    }
}

/// The encoded public key of the ML-DSA-65 key with `seed`.
pub fn public_key(seed: &[u8; 32]) -> Vec<u8> {
    ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into())
        .verifying_key()
        .encode()
        .to_vec()
}

/// What binds a proof to one TLS link: the SHA-256 of the certificate
/// the acceptor's TLS server presented (RFC 5929's
/// `tls-server-end-point`: a node in the middle must present its own
/// certificate, and the proofs then name another link), and both ends'
/// nonces (so no proof is replayed on a later link).
pub fn binding(server_certificate: &[u8], dialler_nonce: &[u8], acceptor_nonce: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(32 + 2 * NONCE_LEN);
    message.extend_from_slice(&Sha256::digest(server_certificate));
    message.extend_from_slice(dialler_nonce);
    message.extend_from_slice(acceptor_nonce);
    message
}

/// What a link proof signs: the role, then the link's binding.
fn proven(role: Role, binding: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(1 + binding.len());
    message.push(role.tag());
    message.extend_from_slice(binding);
    message
}

/// This node's identity: its certificate and the key it certifies.
pub struct Identity {
    key: Box<ExpandedSigningKey<MlDsa65>>,
    certificate: Certificate,
}

impl Identity {
    /// The identity whose key has `seed`, if `certificate` is for that
    /// key and `cluster_key` signed it.
    pub fn new(
        seed: &[u8; 32],
        certificate: Certificate,
        cluster_key: &[u8],
    ) -> Result<Identity, IdentityError> {
        certificate.verify(cluster_key)?;
        let key = Box::new(ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into()));
        if key.verifying_key().encode().as_slice() != certificate.public_key.as_slice() {
            return Err(IdentityError::WrongKey);
        }
        Ok(Identity { key, certificate })
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.certificate.name
    }

    /// Its certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The proof, as `role` on the link whose [`binding`] is `binding`,
    /// that this node holds its key.
    pub fn prove(&self, role: Role, binding: &[u8]) -> Result<Vec<u8>, IdentityError> {
        self.key
            .sign_deterministic(&proven(role, binding), PROOF_CONTEXT)
            .map(|signature| signature.encode().to_vec())
            .map_err(|_| IdentityError::SigningFailed)
    }
}

/// Checks that `proof` is the key of `certificate` signing, as `role`,
/// the link whose [`binding`] is `binding` (the certificate itself is
/// checked with [`Certificate::verify`]).
pub fn check_proof(
    certificate: &Certificate,
    role: Role,
    binding: &[u8],
    proof: &[u8],
) -> Result<(), IdentityError> {
    verify(
        &certificate.public_key,
        &proven(role, binding),
        PROOF_CONTEXT,
        proof,
        IdentityError::BadProof,
    )
}
