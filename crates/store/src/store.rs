//! The store: format, mount (with journal replay), unmount and statistics.

use crate::block::{self, HEADER_SIZE, Kind};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::journal::Journal;
use crate::namespace::NsState;
use crate::node::Ptr;
use crate::pager::Pager;
use crate::space::Space;
use crate::superblock::Superblock;
use crate::types::{FormatOptions, MountReport, StoreStats};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// A mounted object store on a block device.
pub struct Store<D: BlockDevice> {
    pub(crate) pager: Pager<D>,
    pub(crate) journal: Journal,
    pub(crate) sb: Superblock,
    pub(crate) dir_root: Ptr,
    pub(crate) volume_snapshots: Ptr,
    pub(crate) namespaces: BTreeMap<String, NsState>,
    /// Newest volume snapshot's generation (0 if none).
    pub(crate) volume_snap_gen: u64,
    /// Directory or volume-snapshot trees changed since the checkpoint.
    pub(crate) dirty: bool,
    /// Blocks allocated by uploads not yet finished, by upload id.
    pub(crate) uploads: BTreeMap<u64, Vec<(u64, u64)>>,
    pub(crate) next_upload: u64,
    /// Blocks kept free for the next checkpoint's metadata.
    pub(crate) reserve: u64,
    /// Dirty nodes that trigger a checkpoint.
    pub(crate) dirty_limit: usize,
    pub(crate) commits: u64,
    pub(crate) checkpoints: u64,
    /// Block buffer of streamed data, as long as the longest run so far
    /// (at most 1 MiB) and never shortened, kept from call to call so that
    /// a large object's writes and reads do not zero a fresh megabyte for
    /// every chunk.
    pub(crate) run_buffer: Vec<u8>,
}

impl<D: BlockDevice> Store<D> {
    fn assemble(pager: Pager<D>, sb: Superblock) -> Store<D> {
        let total = sb.block_count;
        let dirty_limit = (total / 32).clamp(32, 2048) as usize;
        Store {
            journal: Journal {
                start: sb.journal_start,
                blocks: sb.journal_blocks,
                pos: 0,
                next_seq: sb.next_seq,
            },
            pager,
            dir_root: Ptr::Disk(sb.dir_root),
            volume_snapshots: Ptr::Disk(sb.volume_snapshots),
            sb,
            namespaces: BTreeMap::new(),
            volume_snap_gen: 0,
            dirty: false,
            uploads: BTreeMap::new(),
            run_buffer: Vec::new(),
            next_upload: 1,
            reserve: dirty_limit as u64 + 256,
            dirty_limit,
            commits: 0,
            checkpoints: 0,
        }
    }

    /// Writes an empty store on `dev`, replacing whatever it held.
    pub fn format(mut dev: D, options: FormatOptions) -> Result<Store<D>, Error> {
        let total = dev.block_count();
        let journal = options
            .journal_blocks
            .unwrap_or((total / 64).clamp(16, 4096));
        let sb = Superblock::layout(total, journal.max(4), options.checkpoint_records.max(1));
        let needed = sb
            .data_start
            .checked_add(64 + (total / 32).clamp(32, 2048) + 256)
            .ok_or(Error::DeviceTooSmall)?;
        if total < needed || total > u64::from(u32::MAX) * 64 {
            return Err(Error::DeviceTooSmall);
        }
        let zeros = vec![0u8; 256 * BLOCK_SIZE];
        let mut at = 0;
        while at < sb.journal_start + sb.journal_blocks {
            let n = (sb.journal_start + sb.journal_blocks - at).min(256);
            dev.write_blocks(at, &zeros[..n as usize * BLOCK_SIZE])?;
            at += n;
        }
        let mut space = Space::new(total);
        space.mark(0, sb.data_start);
        let mut store = Store::assemble(Pager::new(dev, space), sb);
        store.dir_root = store.pager.empty_tree();
        store.volume_snapshots = store.pager.empty_tree();
        store.dirty = true;
        store.checkpoint()?;
        Ok(store)
    }

    /// Mounts the store on `dev`: picks the newest sound superblock, loads
    /// the space map and replays the journal written after it.
    pub fn mount(mut dev: D) -> Result<(Store<D>, MountReport), Error> {
        let mut best: Option<Superblock> = None;
        let mut buf = vec![0u8; BLOCK_SIZE];
        for slot in 0..2 {
            dev.read_blocks(slot, &mut buf)?;
            if let Some(sb) = Superblock::decode(&buf, slot)
                && best.as_ref().is_none_or(|b| sb.generation > b.generation)
            {
                best = Some(sb);
            }
        }
        let sb = best.ok_or(Error::NotFormatted)?;
        if sb.block_count > dev.block_count() {
            return Err(Error::DeviceTooSmall);
        }
        let (generation, superblock) = (sb.generation, sb.slot());
        let space = load_bitmap(&mut dev, &sb);
        let rebuilt = space.is_none();
        let total = sb.block_count;
        let mut store = Store::assemble(
            Pager::new(dev, space.unwrap_or_else(|| Space::new(total))),
            sb,
        );
        store.load_directory()?;
        if rebuilt {
            store.rebuild_space()?;
        }
        // Blocks the live trees dropped that a snapshot might have shared
        // are only counted in the superblock, not listed: a collection
        // after replay decides. Read the count now, as the checkpoint
        // after replay rewrites it from the (empty) in-memory list.
        let retained_at_checkpoint = store.sb.retained > 0;
        let mut journal = store.journal.clone();
        let groups = journal.replay(&mut store.pager)?;
        store.journal = journal;
        let replayed = groups.len() as u64;
        for ops in groups {
            store.apply(&ops)?;
        }
        if replayed > 0 || rebuilt {
            store.dirty = true;
            store.checkpoint()?;
        }
        if retained_at_checkpoint || !store.pager.space.retained().is_empty() {
            store.collect_garbage()?;
        }
        let report = MountReport {
            replayed,
            generation,
            superblock,
            rebuilt_space_map: rebuilt,
        };
        Ok((store, report))
    }

    /// Checkpoints, flushes and hands the device back.
    pub fn unmount(mut self) -> Result<D, Error> {
        self.checkpoint()?;
        self.pager.flush()?;
        Ok(self.pager.dev)
    }

    /// Applies the journal to the trees and switches the superblock.
    pub fn sync(&mut self) -> Result<(), Error> {
        self.checkpoint()
    }

    /// The device underneath.
    pub fn device(&mut self) -> &mut D {
        &mut self.pager.dev
    }

    /// Counters.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            blocks_total: self.pager.space.total(),
            blocks_free: self.pager.space.free(),
            blocks_pending: self.pager.space.pending_blocks(),
            journal_blocks: self.journal.blocks,
            journal_used: self.journal.pos,
            commits: self.commits,
            checkpoints: self.checkpoints,
            generation: self.sb.generation,
            namespaces: self.namespaces.len(),
            device_writes: self.pager.writes,
            device_flushes: self.pager.flushes,
        }
    }

    /// Generation new blocks are born in (the next checkpoint's).
    pub(crate) fn birth(&self) -> u64 {
        self.sb.generation + 1
    }
}

/// Reads the space map of `sb`'s generation; `None` if any block is unsound.
fn load_bitmap<D: BlockDevice>(dev: &mut D, sb: &Superblock) -> Option<Space> {
    let first = sb.bitmap_start[sb.slot() as usize];
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; BLOCK_SIZE];
    for i in 0..sb.bitmap_blocks {
        dev.read_blocks(first + i, &mut buf).ok()?;
        let header = block::open(&buf, Kind::Bitmap, first + i)?;
        if header.generation != sb.generation {
            return None;
        }
        bytes.extend_from_slice(&buf[HEADER_SIZE..]);
    }
    Some(Space::from_bytes(sb.block_count, &bytes))
}

impl<D: BlockDevice> Store<D> {
    /// Drops the mounted state without a checkpoint or flush and returns the
    /// device, as a crash would leave it (for crash tests).
    pub fn abandon(self) -> D {
        self.pager.dev
    }
}
