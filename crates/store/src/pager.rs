//! Block I/O for the store: verified reads, a cache of decoded nodes, the
//! arena of dirty (not yet written) nodes, and the free-space map.

use crate::block::{self, HEADER_SIZE, Kind};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::node::{Node, Ptr};
use crate::space::Space;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

/// Decoded nodes kept in memory.
const CACHE_NODES: usize = 4096;

/// A node with the generation it was written in (`u64::MAX` when dirty).
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub(crate) birth: u64,
    pub(crate) node: Node,
}

/// Device, caches and allocator.
pub(crate) struct Pager<D> {
    pub(crate) dev: D,
    pub(crate) space: Space,
    cache: BTreeMap<u64, Arc<Loaded>>,
    order: VecDeque<u64>,
    arena: Vec<Option<Arc<Loaded>>>,
    holes: Vec<usize>,
    /// Device writes and flushes issued (for statistics and tests).
    pub(crate) writes: u64,
    pub(crate) flushes: u64,
}

impl<D: BlockDevice> Pager<D> {
    pub(crate) fn new(dev: D, space: Space) -> Pager<D> {
        Pager {
            dev,
            space,
            cache: BTreeMap::new(),
            order: VecDeque::new(),
            arena: Vec::new(),
            holes: Vec::new(),
            writes: 0,
            flushes: 0,
        }
    }

    /// Writes whole blocks.
    pub(crate) fn write(&mut self, first: u64, buf: &[u8]) -> Result<(), Error> {
        self.writes += 1;
        self.dev.write_blocks(first, buf)?;
        Ok(())
    }

    /// Makes writes durable.
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        self.flushes += 1;
        self.dev.flush()?;
        Ok(())
    }

    /// Reads whole blocks.
    pub(crate) fn read(&mut self, first: u64, buf: &mut [u8]) -> Result<(), Error> {
        self.dev.read_blocks(first, buf)?;
        Ok(())
    }

    /// Reads one block and checks it is a sound `kind` block.
    pub(crate) fn read_checked(
        &mut self,
        addr: u64,
        kind: Kind,
        what: &'static str,
    ) -> Result<(block::Header, Vec<u8>), Error> {
        let mut buf = vec![0u8; BLOCK_SIZE];
        self.read(addr, &mut buf)?;
        let header = block::open(&buf, kind, addr).ok_or_else(|| Error::corrupt(addr, what))?;
        Ok((header, buf))
    }

    /// The node `ptr` points at.
    pub(crate) fn node(&mut self, ptr: Ptr) -> Result<Arc<Loaded>, Error> {
        match ptr {
            Ptr::Mem(i) => self
                .arena
                .get(i)
                .and_then(Clone::clone)
                .ok_or_else(|| Error::corrupt(0, "dirty node")),
            Ptr::Disk(addr) => {
                if let Some(hit) = self.cache.get(&addr) {
                    return Ok(hit.clone());
                }
                let (header, buf) = self.read_checked(addr, Kind::Node, "tree node")?;
                let node = Node::decode(&buf[HEADER_SIZE..])
                    .ok_or_else(|| Error::corrupt(addr, "tree node"))?;
                let loaded = Arc::new(Loaded {
                    birth: header.generation,
                    node,
                });
                self.remember(addr, loaded.clone());
                Ok(loaded)
            }
        }
    }

    fn remember(&mut self, addr: u64, loaded: Arc<Loaded>) {
        if self.cache.insert(addr, loaded).is_none() {
            self.order.push_back(addr);
        }
        while self.cache.len() > CACHE_NODES {
            match self.order.pop_front() {
                Some(old) => {
                    self.cache.remove(&old);
                }
                None => break,
            }
        }
    }

    /// Forgets a cached block (it is being freed or rewritten).
    pub(crate) fn forget(&mut self, addr: u64) {
        self.cache.remove(&addr);
    }

    /// Drops every cached node (after a rollback or GC changes ownership).
    pub(crate) fn forget_all(&mut self) {
        self.cache.clear();
        self.order.clear();
    }

    /// Puts a new dirty node in the arena.
    pub(crate) fn add(&mut self, node: Node) -> usize {
        let loaded = Some(Arc::new(Loaded {
            birth: u64::MAX,
            node,
        }));
        match self.holes.pop() {
            Some(i) => {
                self.arena[i] = loaded;
                i
            }
            None => {
                self.arena.push(loaded);
                self.arena.len() - 1
            }
        }
    }

    /// Takes a dirty node out of the arena to change it (see `put_back`).
    pub(crate) fn take(&mut self, i: usize) -> Result<Node, Error> {
        let loaded = self
            .arena
            .get_mut(i)
            .and_then(Option::take)
            .ok_or_else(|| Error::corrupt(0, "dirty node"))?;
        Ok(Arc::try_unwrap(loaded).map_or_else(|shared| shared.node.clone(), |l| l.node))
    }

    /// Returns a node taken with `take`.
    pub(crate) fn put_back(&mut self, i: usize, node: Node) {
        if let Some(slot) = self.arena.get_mut(i) {
            *slot = Some(Arc::new(Loaded {
                birth: u64::MAX,
                node,
            }));
        }
    }

    /// Frees an arena slot.
    pub(crate) fn drop_dirty(&mut self, i: usize) {
        if let Some(slot) = self.arena.get_mut(i) {
            *slot = None;
            self.holes.push(i);
        }
    }

    /// Dirty nodes held.
    pub(crate) fn dirty_count(&self) -> usize {
        self.arena.len() - self.holes.len()
    }

    /// Copies a node on disk into the arena, releasing the disk block when
    /// no snapshot can share it (born after `shared_gen`).
    pub(crate) fn make_dirty(&mut self, ptr: Ptr, shared_gen: u64) -> Result<usize, Error> {
        match ptr {
            Ptr::Mem(i) => Ok(i),
            Ptr::Disk(addr) => {
                let loaded = self.node(ptr)?;
                self.release_node(addr, loaded.birth, shared_gen);
                Ok(self.add(loaded.node.clone()))
            }
        }
    }

    /// Releases a disk node the live tree no longer uses.
    pub(crate) fn release_node(&mut self, addr: u64, birth: u64, shared_gen: u64) {
        if birth > shared_gen {
            self.forget(addr);
            self.space.free_later(addr, 1);
        } else {
            self.space.retain(addr, 1);
        }
    }

    /// Writes a dirty subtree (children first) in generation `generation`;
    /// returns its block.
    pub(crate) fn write_tree(
        &mut self,
        ptr: Ptr,
        generation: u64,
        reserve: u64,
    ) -> Result<u64, Error> {
        let i = match ptr {
            Ptr::Disk(addr) => return Ok(addr),
            Ptr::Mem(i) => i,
        };
        let mut node = self.take(i)?;
        let result = self.write_node(&mut node, generation, reserve);
        match result {
            Ok(addr) => {
                self.drop_dirty(i);
                self.remember(
                    addr,
                    Arc::new(Loaded {
                        birth: generation,
                        node,
                    }),
                );
                Ok(addr)
            }
            Err(e) => {
                self.put_back(i, node);
                Err(e)
            }
        }
    }

    fn write_node(&mut self, node: &mut Node, generation: u64, reserve: u64) -> Result<u64, Error> {
        if let Node::Branch(entries) = node {
            for entry in entries.iter_mut() {
                if let Ptr::Mem(_) = entry.1 {
                    entry.1 = Ptr::Disk(self.write_tree(entry.1, generation, reserve)?);
                }
            }
        }
        let payload = node
            .encode()
            .ok_or_else(|| Error::corrupt(0, "dirty node"))?;
        let (addr, _) = self.space.allocate(1, reserve).ok_or(Error::NoSpace)?;
        let mut buf = vec![0u8; BLOCK_SIZE];
        buf[HEADER_SIZE..HEADER_SIZE + payload.len()].copy_from_slice(&payload);
        block::seal(&mut buf, Kind::Node, 0, generation, addr);
        if let Err(e) = self.write(addr, &buf) {
            self.space.unmark(addr, 1);
            return Err(e);
        }
        Ok(addr)
    }
}
