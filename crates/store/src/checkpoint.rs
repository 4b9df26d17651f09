//! Commits and checkpoints. A commit writes one journal record and flushes
//! (the write is then acknowledged) and applies it to the trees in memory.
//! A checkpoint writes the dirty trees and the space map to free blocks,
//! flushes, then writes the other superblock and flushes again.

use crate::block::{self, HEADER_SIZE, Kind, PAYLOAD};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::namespace::ns_key;
use crate::node::Ptr;
use crate::record::{self, Op};
use crate::store::Store;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

impl<D: BlockDevice> Store<D> {
    /// Makes `ops` durable as one journal record, then applies them. The
    /// data blocks of `upload` then belong to the committed objects.
    pub(crate) fn commit(&mut self, ops: Vec<Op>, upload: Option<u64>) -> Result<(), Error> {
        let len = record::encode(&ops).len();
        if !self.journal.fits(len) {
            self.checkpoint()?;
        }
        if self.journal.fits(len) {
            self.journal.append(&mut self.pager, &ops)?;
            upload.map(|id| self.uploads.remove(&id));
            self.commits += 1;
            self.apply(&ops)?;
            let records = self.journal.next_seq - self.sb.next_seq;
            if records >= u64::from(self.sb.checkpoint_records)
                || self.pager.dirty_count() >= self.dirty_limit
            {
                self.checkpoint()?;
            }
            Ok(())
        } else {
            // Larger than the whole journal: make it durable by checkpoint.
            upload.map(|id| self.uploads.remove(&id));
            self.apply(&ops)?;
            self.commits += 1;
            self.dirty = true;
            self.checkpoint()
        }
    }

    /// Writes everything changed since the last checkpoint and switches the
    /// superblock; a no-op when nothing changed.
    pub(crate) fn checkpoint(&mut self) -> Result<(), Error> {
        let changed: Vec<String> = self
            .namespaces
            .iter()
            .filter(|(_, s)| s.dirty || matches!(s.root, Ptr::Mem(_)))
            .map(|(n, _)| n.clone())
            .collect();
        if !self.dirty && changed.is_empty() && self.journal.pos == 0 {
            return Ok(());
        }
        let generation = self.birth();
        for name in changed {
            let Some(root) = self.namespaces.get(&name).map(|s| s.root) else {
                continue;
            };
            let addr = self.pager.write_tree(root, generation, 0)?;
            let Some(state) = self.namespaces.get_mut(&name) else {
                continue;
            };
            state.root = Ptr::Disk(addr);
            state.dirty = false;
            let value = state.encode(addr);
            self.dir_root =
                self.pager
                    .insert(self.dir_root, ns_key(&name), value, self.volume_snap_gen)?;
        }
        let dir = self.pager.write_tree(self.dir_root, generation, 0)?;
        self.dir_root = Ptr::Disk(dir);
        let volume = self
            .pager
            .write_tree(self.volume_snapshots, generation, 0)?;
        self.volume_snapshots = Ptr::Disk(volume);
        self.write_bitmap(generation)?;
        self.pager.flush()?;
        let mut sb = self.sb.clone();
        sb.generation = generation;
        sb.next_seq = self.journal.next_seq;
        sb.dir_root = dir;
        sb.volume_snapshots = volume;
        sb.retained = self.pager.space.retained().iter().map(|r| r.1).sum();
        self.pager.write(sb.slot(), &sb.encode())?;
        self.pager.flush()?;
        self.sb = sb;
        self.pager.space.release_pending();
        self.journal.pos = 0;
        self.dirty = false;
        self.checkpoints += 1;
        Ok(())
    }

    fn write_bitmap(&mut self, generation: u64) -> Result<(), Error> {
        let in_flight: Vec<(u64, u64)> = self.uploads.values().flatten().copied().collect();
        let bytes = self.pager.space.to_bytes(&in_flight);
        let first = self.sb.bitmap_start[(generation % 2) as usize];
        let count = self.sb.bitmap_blocks as usize;
        let mut buf = vec![0u8; count * BLOCK_SIZE];
        for (i, block) in buf.chunks_exact_mut(BLOCK_SIZE).enumerate() {
            let part = bytes.get(i * PAYLOAD..).unwrap_or(&[]);
            let part = &part[..part.len().min(PAYLOAD)];
            block[HEADER_SIZE..HEADER_SIZE + part.len()].copy_from_slice(part);
            block::seal(block, Kind::Bitmap, 0, generation, first + i as u64);
        }
        self.pager.write(first, &buf)
    }

    /// Makes sure more than the metadata reserve is free, checkpointing and
    /// then collecting garbage if needed; `NoSpace` otherwise.
    pub(crate) fn ensure_room(&mut self) -> Result<(), Error> {
        if self.pager.space.free() > self.reserve {
            return Ok(());
        }
        self.checkpoint()?;
        if self.pager.space.free() > self.reserve {
            return Ok(());
        }
        self.collect_garbage()?;
        if self.pager.space.free() > self.reserve {
            Ok(())
        } else {
            Err(Error::NoSpace)
        }
    }
}
