//! ML-DSA-65 signature verification with a context string, shared by every
//! signed format (boot manifest, agent images).

use ml_dsa::{EncodedVerifyingKey, MlDsa65, Signature, VerifyingKey};

/// Why an ML-DSA-65 signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// The public key is not an encoded ML-DSA-65 verifying key.
    BadPublicKey,
    /// The signature is not an encoded ML-DSA-65 signature.
    BadSignature,
    /// Well formed, but not a signature of this message by this key.
    Mismatch,
}

/// Checks `signature` over `message` under `context` with `public_key`.
pub fn verify_ml_dsa65(
    public_key: &[u8],
    message: &[u8],
    context: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let encoded = EncodedVerifyingKey::<MlDsa65>::try_from(public_key)
        .map_err(|_| SignatureError::BadPublicKey)?;
    let key = VerifyingKey::<MlDsa65>::decode(&encoded);
    let signature =
        Signature::<MlDsa65>::try_from(signature).map_err(|_| SignatureError::BadSignature)?;
    if key.verify_with_context(message, context, &signature) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}
