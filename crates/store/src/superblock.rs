//! The two superblocks (blocks 0 and 1, alternating by generation) and the
//! fixed layout of the device they describe.

use crate::block::{self, HEADER_SIZE, Kind, PAYLOAD};
use crate::codec::{Reader, Writer};
use crate::device::BLOCK_SIZE;
use alloc::vec;
use alloc::vec::Vec;

/// On-disk format version.
pub const FORMAT_VERSION: u32 = 1;

/// The volume root as of one checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Superblock {
    pub(crate) generation: u64,
    pub(crate) block_count: u64,
    pub(crate) journal_start: u64,
    pub(crate) journal_blocks: u64,
    pub(crate) bitmap_start: [u64; 2],
    pub(crate) bitmap_blocks: u64,
    pub(crate) data_start: u64,
    pub(crate) next_seq: u64,
    pub(crate) dir_root: u64,
    pub(crate) volume_snapshots: u64,
    /// Blocks retained for possible sharing (collected at the next mount).
    pub(crate) retained: u64,
    pub(crate) checkpoint_records: u32,
}

impl Superblock {
    /// A fresh layout for `block_count` blocks and `journal_blocks` of journal.
    pub(crate) fn layout(
        block_count: u64,
        journal_blocks: u64,
        checkpoint_records: u32,
    ) -> Superblock {
        let bitmap_blocks = block_count.div_ceil(8).div_ceil(PAYLOAD as u64);
        // Saturating: the inputs may come from a damaged superblock, which
        // `decode` then refuses.
        let journal_start = 2;
        let bitmap_a = journal_blocks.saturating_add(journal_start);
        let bitmap_b = bitmap_a.saturating_add(bitmap_blocks);
        Superblock {
            generation: 0,
            block_count,
            journal_start,
            journal_blocks,
            bitmap_start: [bitmap_a, bitmap_b],
            bitmap_blocks,
            data_start: bitmap_b.saturating_add(bitmap_blocks),
            next_seq: 1,
            dir_root: 0,
            volume_snapshots: 0,
            retained: 0,
            checkpoint_records,
        }
    }

    /// The block this generation's superblock goes to.
    pub(crate) fn slot(&self) -> u64 {
        self.generation % 2
    }

    /// The sealed block.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u32(FORMAT_VERSION);
        for v in [
            self.block_count,
            self.journal_start,
            self.journal_blocks,
            self.bitmap_start[0],
            self.bitmap_start[1],
            self.bitmap_blocks,
            self.data_start,
            self.next_seq,
            self.dir_root,
            self.volume_snapshots,
            self.retained,
        ] {
            w.u64(v);
        }
        w.u32(self.checkpoint_records);
        let mut buf = vec![0u8; BLOCK_SIZE];
        buf[HEADER_SIZE..HEADER_SIZE + w.0.len()].copy_from_slice(&w.0);
        block::seal(&mut buf, Kind::Super, 0, self.generation, self.slot());
        buf
    }

    /// Decodes the superblock in block `slot`; `None` unless sound.
    pub(crate) fn decode(buf: &[u8], slot: u64) -> Option<Superblock> {
        let header = block::open(buf, Kind::Super, slot)?;
        let mut r = Reader::new(&buf[HEADER_SIZE..]);
        if r.u32()? != FORMAT_VERSION || header.generation % 2 != slot {
            return None;
        }
        let sb = Superblock {
            generation: header.generation,
            block_count: r.u64()?,
            journal_start: r.u64()?,
            journal_blocks: r.u64()?,
            bitmap_start: [r.u64()?, r.u64()?],
            bitmap_blocks: r.u64()?,
            data_start: r.u64()?,
            next_seq: r.u64()?,
            dir_root: r.u64()?,
            volume_snapshots: r.u64()?,
            retained: r.u64()?,
            checkpoint_records: r.u32()?,
        };
        let fresh = Superblock::layout(sb.block_count, sb.journal_blocks, sb.checkpoint_records);
        let roots_inside = [sb.dir_root, sb.volume_snapshots]
            .iter()
            .all(|&b| b >= sb.data_start && b < sb.block_count);
        (fresh.bitmap_start == sb.bitmap_start
            && fresh.data_start == sb.data_start
            && sb.data_start < sb.block_count
            && roots_inside)
            .then_some(sb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_slot_refused() {
        let mut sb = Superblock::layout(1000, 16, 64);
        sb.generation = 3;
        sb.dir_root = sb.data_start + 1;
        sb.volume_snapshots = sb.data_start + 2;
        let buf = sb.encode();
        assert_eq!(Superblock::decode(&buf, 1), Some(sb.clone()));
        assert_eq!(Superblock::decode(&buf, 0), None);
        assert_eq!(sb.bitmap_blocks, 1);
        assert_eq!(sb.data_start, 2 + 16 + 2);
    }
}
