//! The 32-byte header every block carries: checksum, magic, kind, generation
//! and the block's own address (which catches misdirected writes).

use crate::crc::crc32c;
use crate::device::BLOCK_SIZE;

/// Header size; the rest of a block is payload.
pub const HEADER_SIZE: usize = 32;
/// Payload bytes per block.
pub const PAYLOAD: usize = BLOCK_SIZE - HEADER_SIZE;
/// The magic bytes at offset 4 of every block.
pub const MAGIC: [u8; 4] = *b"AIOS";

/// What a block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A superblock (blocks 0 and 1).
    Super = 1,
    /// A journal block.
    Journal = 2,
    /// A tree node.
    Node = 3,
    /// Object data.
    Data = 4,
    /// A free-space bitmap block.
    Bitmap = 5,
}

/// The fields of a verified header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Kind-specific: bytes used (data), index in record (journal).
    pub aux: u32,
    /// Generation the block was written in (journal: record sequence).
    pub generation: u64,
}

/// Writes the header of `block` (exactly one block) and its checksum.
pub fn seal(block: &mut [u8], kind: Kind, aux: u32, generation: u64, address: u64) {
    block[4..8].copy_from_slice(&MAGIC);
    block[8] = kind as u8;
    block[9] = 1;
    block[10..12].fill(0);
    block[12..16].copy_from_slice(&aux.to_le_bytes());
    block[16..24].copy_from_slice(&generation.to_le_bytes());
    block[24..32].copy_from_slice(&address.to_le_bytes());
    let crc = crc32c(&block[4..BLOCK_SIZE]);
    block[0..4].copy_from_slice(&crc.to_le_bytes());
}

/// Checks `block` is a sound block of `kind` written at `address`.
pub fn open(block: &[u8], kind: Kind, address: u64) -> Option<Header> {
    if block.len() != BLOCK_SIZE {
        return None;
    }
    let crc = u32::from_le_bytes(block[0..4].try_into().ok()?);
    if crc != crc32c(&block[4..BLOCK_SIZE]) || block[4..8] != MAGIC || block[8] != kind as u8 {
        return None;
    }
    if u64::from_le_bytes(block[24..32].try_into().ok()?) != address {
        return None;
    }
    Some(Header {
        aux: u32::from_le_bytes(block[12..16].try_into().ok()?),
        generation: u64::from_le_bytes(block[16..24].try_into().ok()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_block_opens_and_any_flip_is_caught() {
        let mut block = [0u8; BLOCK_SIZE];
        block[100] = 7;
        seal(&mut block, Kind::Node, 3, 42, 9);
        let header = open(&block, Kind::Node, 9).unwrap();
        assert_eq!(
            header,
            Header {
                aux: 3,
                generation: 42
            }
        );
        assert!(open(&block, Kind::Data, 9).is_none(), "kind is checked");
        assert!(open(&block, Kind::Node, 10).is_none(), "address is checked");
        for bit in [0usize, 37, 800, 4095 * 8] {
            let mut bad = block;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(open(&bad, Kind::Node, 9).is_none(), "bit {bit}");
        }
    }
}
