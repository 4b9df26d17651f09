//! Constants and layout helpers shared by the parser and the builder.

/// First eight bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"AIOSBNDL";
/// The only format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Most entries a bundle may hold.
pub const MAX_ENTRIES: u32 = 4096;
/// Longest entry name in bytes.
pub const MAX_NAME_LEN: usize = 255;
/// Size of the header (magic, version, count).
pub(crate) const HEADER_LEN: usize = 16;
/// Alignment of entries and of their data.
pub(crate) const ALIGN: usize = 8;

/// Bytes of zero padding after `len` bytes to reach [`ALIGN`].
pub(crate) fn padding(len: usize) -> usize {
    (ALIGN - len % ALIGN) % ALIGN
}
