//! Tree nodes and their encoding into a block's payload.

use crate::block::PAYLOAD;
use crate::codec::{Reader, Writer};
use alloc::vec::Vec;

/// Where a child lives: on disk, or in memory (changed since the last
/// checkpoint, written at the next one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ptr {
    /// A written node at this block.
    Disk(u64),
    /// A dirty node in the pager's arena.
    Mem(usize),
}

/// A B+tree node. In a branch, the first entry's key is ignored (it stands
/// for "everything below the second key") and stored empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// Sorted key/value entries.
    Leaf(Vec<(Vec<u8>, Vec<u8>)>),
    /// Sorted (lowest key, child) entries.
    Branch(Vec<(Vec<u8>, Ptr)>),
}

/// Bytes of payload a node may fill.
pub(crate) const CAPACITY: usize = PAYLOAD;
/// Largest leaf entry (key + value + 4) the tree accepts; a third of a node,
/// so that any overfull node splits into two that fit.
#[cfg(test)]
pub(crate) const MAX_ENTRY: usize = CAPACITY / 3;

const LEAF: u8 = 0;
const BRANCH: u8 = 1;

impl Node {
    /// Encoded size in bytes.
    pub(crate) fn size(&self) -> usize {
        3 + match self {
            Node::Leaf(e) => e.iter().map(|(k, v)| 4 + k.len() + v.len()).sum::<usize>(),
            Node::Branch(e) => e.iter().map(|(k, _)| 10 + k.len()).sum::<usize>(),
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        match self {
            Node::Leaf(e) => e.len(),
            Node::Branch(e) => e.len(),
        }
    }

    /// Encodes into a payload; `None` if a child is still in memory.
    pub(crate) fn encode(&self) -> Option<Vec<u8>> {
        let mut w = Writer::new();
        match self {
            Node::Leaf(entries) => {
                w.u8(LEAF);
                w.u16(entries.len() as u16);
                for (k, v) in entries {
                    w.u16(k.len() as u16);
                    w.u16(v.len() as u16);
                    w.0.extend_from_slice(k);
                    w.0.extend_from_slice(v);
                }
            }
            Node::Branch(entries) => {
                w.u8(BRANCH);
                w.u16(entries.len() as u16);
                for (k, child) in entries {
                    let Ptr::Disk(addr) = child else { return None };
                    w.u16(k.len() as u16);
                    w.0.extend_from_slice(k);
                    w.u64(*addr);
                }
            }
        }
        Some(w.0)
    }

    /// Decodes a payload; `None` if it is not a well-formed node.
    pub(crate) fn decode(payload: &[u8]) -> Option<Node> {
        let mut r = Reader::new(payload);
        let kind = r.u8()?;
        let count = usize::from(r.u16()?);
        match kind {
            LEAF => {
                let mut entries = Vec::with_capacity(count);
                for _ in 0..count {
                    let klen = usize::from(r.u16()?);
                    let vlen = usize::from(r.u16()?);
                    let k = r.take(klen)?.to_vec();
                    let v = r.take(vlen)?.to_vec();
                    entries.push((k, v));
                }
                Some(Node::Leaf(entries))
            }
            BRANCH => {
                let mut entries = Vec::with_capacity(count);
                for _ in 0..count {
                    let klen = usize::from(r.u16()?);
                    let k = r.take(klen)?.to_vec();
                    entries.push((k, Ptr::Disk(r.u64()?)));
                }
                (count > 0).then_some(Node::Branch(entries))
            }
            _ => None,
        }
    }
}

/// The index of the child of a branch whose range holds `key`.
pub(crate) fn child_index(entries: &[(Vec<u8>, Ptr)], key: &[u8]) -> usize {
    entries[1..].partition_point(|(k, _)| k.as_slice() <= key)
}

/// Splits an overfull node's entries at about half their encoded size;
/// returns the right half (the left stays in `entries`).
pub(crate) fn split_half<T>(
    entries: &mut Vec<(Vec<u8>, T)>,
    size: impl Fn(&(Vec<u8>, T)) -> usize,
) -> Vec<(Vec<u8>, T)> {
    let total: usize = entries.iter().map(&size).sum();
    let mut left = 0;
    let mut at = 0;
    while at < entries.len() - 1 && left < total / 2 {
        left += size(&entries[at]);
        at += 1;
    }
    entries.split_off(at.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage_is_refused() {
        let leaf = Node::Leaf(alloc::vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"bb".to_vec(), Vec::new())
        ]);
        assert_eq!(Node::decode(&leaf.encode().unwrap()), Some(leaf.clone()));
        assert_eq!(leaf.encode().unwrap().len(), leaf.size());
        let branch = Node::Branch(alloc::vec![
            (Vec::new(), Ptr::Disk(5)),
            (b"m".to_vec(), Ptr::Disk(9))
        ]);
        assert_eq!(Node::decode(&branch.encode().unwrap()), Some(branch));
        assert!(
            Node::Branch(alloc::vec![(Vec::new(), Ptr::Mem(0))])
                .encode()
                .is_none()
        );
        assert!(Node::decode(&[0, 5, 0, 1]).is_none(), "count past the end");
        assert!(Node::decode(&[7, 0, 0]).is_none(), "unknown kind");
    }

    #[test]
    fn child_index_routes_by_lowest_key() {
        let e = alloc::vec![(Vec::new(), Ptr::Disk(1)), (b"m".to_vec(), Ptr::Disk(2))];
        assert_eq!(child_index(&e, b"a"), 0);
        assert_eq!(child_index(&e, b"m"), 1);
        assert_eq!(child_index(&e, b"z"), 1);
    }
}
