//! Walking every tree that is still referenced — live namespaces, their
//! snapshots, volume snapshots — for garbage collection (rebuilding the
//! space map from what is reachable) and for `fsck` (which also verifies
//! every data block and compares with the space map).

use crate::block::{self, Kind, PAYLOAD};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::keys::{self, Record};
use crate::namespace::read_namespaces;
use crate::node::{Node, Ptr};
use crate::space::Space;
use crate::store::Store;
use crate::types::{FsckReport, Problem, ProblemKind};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

const FIXED: u32 = 1;
const NODE: u32 = 2;
const IN_FLIGHT: u32 = 3;

/// What a walk found: each block's owner and the problems met.
struct Walk {
    owner: Vec<u32>,
    report: FsckReport,
    verify_data: bool,
}

fn data_owner(ns: &str, key: &[u8], index: u64) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for b in ns
        .bytes()
        .chain([0xFF])
        .chain(key.iter().copied())
        .chain(index.to_le_bytes())
    {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h.max(IN_FLIGHT + 1)
}

impl Walk {
    fn problem(&mut self, block: u64, kind: ProblemKind, ns: Option<&str>, key: Option<&str>) {
        self.report.problems.push(Problem {
            block,
            kind,
            namespace: ns.map(String::from),
            key: key.map(String::from),
        });
    }
}

impl<D: BlockDevice> Store<D> {
    fn walk(&mut self, verify_data: bool) -> Result<Walk, Error> {
        let total = self.pager.space.total();
        let mut walk = Walk {
            owner: vec![0; total as usize],
            report: FsckReport::default(),
            verify_data,
        };
        for b in 0..self.sb.data_start.min(total) {
            walk.owner[b as usize] = FIXED;
        }
        for &(start, count) in self.uploads.values().flatten() {
            for b in start..(start + count).min(total) {
                walk.owner[b as usize] = IN_FLIGHT;
            }
        }
        self.walk_nodes(&mut walk, self.volume_snapshots, "", false)?;
        let mut dirs = vec![self.dir_root];
        match self.volume_snapshot_list() {
            Ok(list) => dirs.extend(list.iter().map(|s| Ptr::Disk(s.0))),
            Err(Error::Corrupt { block, .. }) => {
                walk.problem(block, ProblemKind::Corrupt, None, None)
            }
            Err(e) => return Err(e),
        }
        for dir in dirs {
            self.walk_nodes(&mut walk, dir, "", false)?;
            let namespaces = match read_namespaces(&mut self.pager, dir) {
                Ok(n) => n,
                Err(Error::Corrupt { block, .. }) => {
                    walk.problem(block, ProblemKind::Corrupt, None, None);
                    continue;
                }
                Err(e) => return Err(e),
            };
            for (name, state) in namespaces {
                self.walk_nodes(&mut walk, state.root, &name, true)?;
                match self.snapshot_roots(dir, &name) {
                    Ok(roots) => {
                        for root in roots {
                            self.walk_nodes(&mut walk, Ptr::Disk(root), &name, true)?;
                        }
                    }
                    Err(Error::Corrupt { block, .. }) => {
                        walk.problem(block, ProblemKind::Corrupt, Some(&name), None)
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(walk)
    }

    fn snapshot_roots(&mut self, dir: Ptr, ns: &str) -> Result<Vec<u64>, Error> {
        let prefix = crate::namespace::snap_prefix(ns);
        let mut roots = Vec::new();
        self.pager.scan(dir, &prefix, &mut |k, v| {
            let more = k.starts_with(&prefix);
            if let (true, Some((_, root))) = (more, crate::snapshots::decode_snap("", v)) {
                roots.push(root);
            }
            more
        })?;
        Ok(roots)
    }

    /// Marks a tree's nodes (and, in a namespace tree, its data extents).
    fn walk_nodes(
        &mut self,
        walk: &mut Walk,
        ptr: Ptr,
        ns: &str,
        objects: bool,
    ) -> Result<(), Error> {
        if let Ptr::Disk(addr) = ptr {
            match walk.owner.get(addr as usize).copied() {
                Some(NODE) => return Ok(()),
                Some(0) => walk.owner[addr as usize] = NODE,
                Some(_) => {
                    walk.problem(addr, ProblemKind::DoubleUse, Some(ns), None);
                    return Ok(());
                }
                None => {
                    walk.problem(addr, ProblemKind::BadEntry, Some(ns), None);
                    return Ok(());
                }
            }
        }
        let loaded = match self.pager.node(ptr) {
            Ok(l) => l,
            Err(Error::Corrupt { block, .. }) => {
                walk.problem(
                    block,
                    ProblemKind::Corrupt,
                    Some(ns).filter(|n| !n.is_empty()),
                    None,
                );
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        walk.report.nodes += 1;
        match &loaded.node {
            Node::Branch(entries) => {
                for (_, child) in entries {
                    self.walk_nodes(walk, *child, ns, objects)?;
                }
            }
            Node::Leaf(entries) if objects => {
                for (k, v) in entries {
                    match k.first() {
                        Some(b'o') => {
                            walk.report.objects += 1;
                            if Record::decode(v).is_none() {
                                let key = String::from_utf8_lossy(&k[1..]);
                                walk.problem(0, ProblemKind::BadEntry, Some(ns), Some(&key));
                            }
                        }
                        Some(b'd') => self.walk_extent(walk, ns, k, v)?,
                        _ => {}
                    }
                }
            }
            Node::Leaf(_) => {}
        }
        Ok(())
    }

    fn walk_extent(&mut self, walk: &mut Walk, ns: &str, k: &[u8], v: &[u8]) -> Result<(), Error> {
        let key_len = usize::from(k.get(1).copied().unwrap_or(0));
        let key_bytes = k.get(2..2 + key_len).unwrap_or(&[]);
        let key = String::from_utf8_lossy(key_bytes);
        let stream_key = k.get(..k.len().saturating_sub(8)).unwrap_or(&[]);
        let (Some((start, count, _)), Some(first)) =
            (keys::decode_extent(v), keys::extent_first(k))
        else {
            walk.problem(0, ProblemKind::BadEntry, Some(ns), Some(&key));
            return Ok(());
        };
        let total = walk.owner.len() as u64;
        if start.checked_add(count).is_none_or(|end| end > total) {
            walk.problem(start, ProblemKind::BadEntry, Some(ns), Some(&key));
            return Ok(());
        }
        let mut fresh = Vec::new();
        for i in 0..count {
            let b = start + i;
            let tag = data_owner(ns, stream_key, first + i);
            match walk.owner[b as usize] {
                0 => {
                    walk.owner[b as usize] = tag;
                    fresh.push(b);
                }
                t if t == tag => {}
                _ => walk.problem(b, ProblemKind::DoubleUse, Some(ns), Some(&key)),
            }
        }
        if walk.verify_data {
            let mut buf = vec![0u8; BLOCK_SIZE];
            for b in fresh {
                walk.report.data_blocks += 1;
                self.pager.read(b, &mut buf)?;
                let sound =
                    block::open(&buf, Kind::Data, b).is_some_and(|h| h.aux as usize <= PAYLOAD);
                if !sound {
                    walk.problem(b, ProblemKind::Corrupt, Some(ns), Some(&key));
                }
            }
        }
        Ok(())
    }

    /// Frees every block no tree, snapshot or upload references. Does
    /// nothing if any metadata is unreadable (it might hide references).
    pub(crate) fn collect_garbage(&mut self) -> Result<(), Error> {
        self.checkpoint()?;
        let walk = self.walk(false)?;
        if !walk.report.problems.is_empty() {
            return Ok(());
        }
        self.pager.space = space_of(&walk);
        self.pager.forget_all();
        // Persist the corrected map so a remount does not see the leak.
        self.dirty = true;
        self.checkpoint()
    }

    /// Rebuilds the space map from the trees (its blocks were unreadable).
    pub(crate) fn rebuild_space(&mut self) -> Result<(), Error> {
        let walk = self.walk(false)?;
        if let Some(p) = walk.report.problems.first() {
            return Err(Error::corrupt(
                p.block,
                "tree needed to rebuild the space map",
            ));
        }
        self.pager.space = space_of(&walk);
        Ok(())
    }

    /// Checks everything: every tree node and data block checksum, and the
    /// space map against what is referenced (no leak, no double use).
    pub fn fsck(&mut self) -> Result<FsckReport, Error> {
        self.checkpoint()?;
        let mut walk = self.walk(true)?;
        let mut retained = Space::new(self.pager.space.total());
        for &(start, len) in self.pager.space.retained() {
            retained.mark(start, len);
        }
        for b in 0..walk.owner.len() {
            let owner = walk.owner[b];
            let used = self.pager.space.is_used(b as u64);
            if owner != 0 && !used {
                walk.problem(b as u64, ProblemKind::MarkedFree, None, None);
            } else if owner == 0 && used {
                if retained.is_used(b as u64) {
                    walk.report.blocks_retained += 1;
                } else {
                    walk.problem(b as u64, ProblemKind::Leaked, None, None);
                }
            }
        }
        walk.report.blocks_used = walk.owner.iter().filter(|&&o| o != 0).count() as u64;
        Ok(walk.report)
    }
}

fn space_of(walk: &Walk) -> Space {
    let mut space = Space::new(walk.owner.len() as u64);
    for (b, &owner) in walk.owner.iter().enumerate() {
        if owner != 0 {
            space.mark(b as u64, 1);
        }
    }
    space
}
