//! Constants of the agent image layout.

/// First eight bytes of an agent image.
pub const MAGIC: [u8; 8] = *b"AIOSAGNT";
/// The only image format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 2;
/// ML-DSA context string binding signatures to agent images, distinct from
/// the boot context so that a boot signature never passes as an agent's.
pub const CONTEXT: &[u8] = b"aios-agent-v2";
/// Length of an encoded ML-DSA-65 public key (the manifest's `publisher`).
pub const PUBLIC_KEY_LEN: usize = aios_bootsig::PUBLIC_KEY_LEN;
/// Length of an encoded ML-DSA-65 signature.
pub const SIGNATURE_LEN: usize = aios_bootsig::SIGNATURE_LEN;
/// The first eight bytes of a WebAssembly 1.0 binary module: `\0asm`, version 1.
pub const WASM_HEADER: [u8; 8] = *b"\0asm\x01\x00\x00\x00";
/// Name of the boot manifest's entry in the boot bundle.
pub const BOOT_MANIFEST_ENTRY: &str = "boot-manifest.cbor";
/// Longest engine identity an image may name.
pub const MAX_ENGINE_LEN: usize = 256;
/// Byte offset of `sig_len`: magic, version, four lengths, four digests.
pub const SIGNATURE_OFFSET: usize = 8 + 4 + 4 * 4 + 4 * 32;
