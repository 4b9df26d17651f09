//! The copy-on-write B+tree: lookups, inserts, removals and ordered scans.
//! A change copies the path from the root into the dirty arena (once per
//! checkpoint); the old blocks stay untouched for snapshots and for crash
//! recovery.

use crate::device::BlockDevice;
use crate::error::Error;
use crate::node::{CAPACITY, Node, Ptr, child_index, split_half};
use crate::pager::Pager;
use alloc::vec;
use alloc::vec::Vec;

/// A split child: the lowest key of the new right node, and its arena slot.
type Split = Option<(Vec<u8>, usize)>;

impl<D: BlockDevice> Pager<D> {
    /// A new empty tree.
    pub(crate) fn empty_tree(&mut self) -> Ptr {
        Ptr::Mem(self.add(Node::Leaf(Vec::new())))
    }

    /// The value stored under `key`.
    pub(crate) fn get(&mut self, root: Ptr, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let mut ptr = root;
        loop {
            let loaded = self.node(ptr)?;
            match &loaded.node {
                Node::Leaf(entries) => {
                    let found = entries.binary_search_by(|(k, _)| k.as_slice().cmp(key));
                    return Ok(found.ok().map(|i| entries[i].1.clone()));
                }
                Node::Branch(entries) => ptr = entries[child_index(entries, key)].1,
            }
        }
    }

    /// Calls `visit` on each entry with key >= `start`, in order, until it
    /// returns false. Returns false when stopped early.
    pub(crate) fn scan(
        &mut self,
        root: Ptr,
        start: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<bool, Error> {
        let loaded = self.node(root)?;
        match &loaded.node {
            Node::Leaf(entries) => {
                let first = entries.partition_point(|(k, _)| k.as_slice() < start);
                for (k, v) in &entries[first..] {
                    if !visit(k, v) {
                        return Ok(false);
                    }
                }
            }
            Node::Branch(entries) => {
                for (_, child) in &entries[child_index(entries, start)..] {
                    if !self.scan(*child, start, visit)? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    /// Sets `key` to `value`; returns the new root.
    pub(crate) fn insert(
        &mut self,
        root: Ptr,
        key: Vec<u8>,
        value: Vec<u8>,
        shared_gen: u64,
    ) -> Result<Ptr, Error> {
        let i = self.make_dirty(root, shared_gen)?;
        Ok(match self.insert_at(i, key, value, shared_gen)? {
            None => Ptr::Mem(i),
            Some((sep, right)) => Ptr::Mem(self.add(Node::Branch(vec![
                (Vec::new(), Ptr::Mem(i)),
                (sep, Ptr::Mem(right)),
            ]))),
        })
    }

    fn insert_at(
        &mut self,
        i: usize,
        key: Vec<u8>,
        value: Vec<u8>,
        shared_gen: u64,
    ) -> Result<Split, Error> {
        let mut node = self.take(i)?;
        let result = self
            .insert_into(&mut node, key, value, shared_gen)
            .map(|()| self.split_if_full(&mut node));
        self.put_back(i, node);
        result
    }

    fn insert_into(
        &mut self,
        node: &mut Node,
        key: Vec<u8>,
        value: Vec<u8>,
        shared_gen: u64,
    ) -> Result<(), Error> {
        match node {
            Node::Leaf(entries) => {
                match entries.binary_search_by(|(k, _)| k.as_slice().cmp(&key)) {
                    Ok(at) => entries[at].1 = value,
                    Err(at) => entries.insert(at, (key, value)),
                }
            }
            Node::Branch(entries) => {
                let at = child_index(entries, &key);
                let child = self.make_dirty(entries[at].1, shared_gen)?;
                entries[at].1 = Ptr::Mem(child);
                if let Some((sep, right)) = self.insert_at(child, key, value, shared_gen)? {
                    entries.insert(at + 1, (sep, Ptr::Mem(right)));
                }
            }
        }
        Ok(())
    }

    fn split_if_full(&mut self, node: &mut Node) -> Split {
        if node.size() <= CAPACITY || node.len() < 2 {
            return None;
        }
        match node {
            Node::Leaf(entries) => {
                let right = split_half(entries, |(k, v)| 4 + k.len() + v.len());
                let sep = right.first()?.0.clone();
                Some((sep, self.add(Node::Leaf(right))))
            }
            Node::Branch(entries) => {
                let mut right = split_half(entries, |(k, _)| 10 + k.len());
                let sep = core::mem::take(&mut right.first_mut()?.0);
                Some((sep, self.add(Node::Branch(right))))
            }
        }
    }

    /// Removes `key` (if present); returns the new root.
    pub(crate) fn remove(&mut self, root: Ptr, key: &[u8], shared_gen: u64) -> Result<Ptr, Error> {
        let i = self.make_dirty(root, shared_gen)?;
        self.remove_at(i, key, shared_gen)?;
        let mut root = Ptr::Mem(i);
        while let Ptr::Mem(r) = root {
            let loaded = self.node(root)?;
            match &loaded.node {
                Node::Branch(entries) if entries.len() == 1 => {
                    root = entries[0].1;
                    self.drop_dirty(r);
                }
                _ => break,
            }
        }
        Ok(root)
    }

    fn remove_at(&mut self, i: usize, key: &[u8], shared_gen: u64) -> Result<(), Error> {
        let mut node = self.take(i)?;
        let result = self.remove_from(&mut node, key, shared_gen);
        self.put_back(i, node);
        result
    }

    fn remove_from(&mut self, node: &mut Node, key: &[u8], shared_gen: u64) -> Result<(), Error> {
        match node {
            Node::Leaf(entries) => {
                if let Ok(at) = entries.binary_search_by(|(k, _)| k.as_slice().cmp(key)) {
                    entries.remove(at);
                }
            }
            Node::Branch(entries) => {
                let at = child_index(entries, key);
                let child = self.make_dirty(entries[at].1, shared_gen)?;
                entries[at].1 = Ptr::Mem(child);
                self.remove_at(child, key, shared_gen)?;
                if entries.len() > 1 && self.is_empty(Ptr::Mem(child))? {
                    self.drop_chain(Ptr::Mem(child))?;
                    entries.remove(at);
                    if let Some(first) = entries.first_mut() {
                        first.0.clear();
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a subtree holds no entry (an empty leaf under single-child branches).
    fn is_empty(&mut self, ptr: Ptr) -> Result<bool, Error> {
        let loaded = self.node(ptr)?;
        match &loaded.node {
            Node::Leaf(entries) => Ok(entries.is_empty()),
            Node::Branch(entries) => match entries.as_slice() {
                [only] => self.is_empty(only.1),
                _ => Ok(false),
            },
        }
    }

    /// Frees an empty dirty chain found by `is_empty`.
    fn drop_chain(&mut self, ptr: Ptr) -> Result<(), Error> {
        if let Ptr::Mem(i) = ptr {
            let loaded = self.node(ptr)?;
            if let Node::Branch(entries) = &loaded.node
                && let Some(only) = entries.first()
            {
                self.drop_chain(only.1)?;
            }
            self.drop_dirty(i);
        }
        Ok(())
    }
}
