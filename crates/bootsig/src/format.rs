//! Constants of the manifest layout.

/// First eight bytes of a manifest.
pub const MAGIC: [u8; 8] = *b"AIOSSIG1";
/// The only manifest version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Most components one manifest may list.
pub const MAX_COMPONENTS: usize = 16;
/// Bytes reserved for a component name.
pub const NAME_LEN: usize = 32;
/// ML-DSA context string binding signatures to this use.
pub const CONTEXT: &[u8] = b"aios-boot-v1";
/// Length of an encoded ML-DSA-65 public (verifying) key.
pub const PUBLIC_KEY_LEN: usize = 1952;
/// Length of an encoded ML-DSA-65 signature.
pub const SIGNATURE_LEN: usize = 3309;

/// Bytes before the component table: magic, version, count.
pub(crate) const HEADER_LEN: usize = 16;
/// Bytes of one component record: name, size, digest.
pub(crate) const COMPONENT_LEN: usize = NAME_LEN + 8 + 32;
