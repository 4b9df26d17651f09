//! How objects are laid out in a namespace's tree: the object record, inline
//! chunks, data extents and tag-index entries, each under its own key prefix.

use crate::codec::{Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// Values (and embeddings) up to this size live in the tree itself.
pub const INLINE_MAX: usize = 4096;
/// Size of one inline chunk entry.
pub(crate) const INLINE_CHUNK: usize = 1024;

/// Stream numbers: an object's value and its embedding.
pub(crate) const VALUE: u8 = 0;
pub(crate) const EMBEDDING: u8 = 1;

/// Where a stream's bytes are.
pub(crate) const NONE: u8 = 0;
pub(crate) const INLINE: u8 = 1;
pub(crate) const EXTENTS: u8 = 2;

/// The record under `o<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) size: u64,
    pub(crate) version: u64,
    pub(crate) created: u64,
    pub(crate) modified: u64,
    pub(crate) value_at: u8,
    pub(crate) embedding_at: u8,
    pub(crate) embedding_len: u32,
    pub(crate) content_type: String,
    pub(crate) tags: Vec<String>,
}

impl Record {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u64(self.size);
        w.u64(self.version);
        w.u64(self.created);
        w.u64(self.modified);
        w.u8(self.value_at);
        w.u8(self.embedding_at);
        w.u32(self.embedding_len);
        w.short(&self.content_type);
        w.u8(self.tags.len() as u8);
        for tag in &self.tags {
            w.short(tag);
        }
        w.0
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<Record> {
        let mut r = Reader::new(bytes);
        let mut rec = Record {
            size: r.u64()?,
            version: r.u64()?,
            created: r.u64()?,
            modified: r.u64()?,
            value_at: r.u8()?,
            embedding_at: r.u8()?,
            embedding_len: r.u32()?,
            content_type: r.short()?,
            tags: Vec::new(),
        };
        for _ in 0..r.u8()? {
            rec.tags.push(r.short()?);
        }
        r.is_done().then_some(rec)
    }

    /// Bytes charged to the namespace: value plus embedding.
    pub(crate) fn charged(&self) -> u64 {
        self.size.saturating_add(u64::from(self.embedding_len))
    }
}

/// `o<key>`: the object record.
pub(crate) fn object(key: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(b'o');
    k.extend_from_slice(key.as_bytes());
    k
}

/// `<kind><len><key><stream>`: the prefix of a stream's chunk or extent entries.
pub(crate) fn stream(kind: u8, key: &str, stream: u8) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 3);
    k.push(kind);
    k.push(key.len() as u8);
    k.extend_from_slice(key.as_bytes());
    k.push(stream);
    k
}

/// `i<len><key><stream><chunk>`: an inline chunk.
pub(crate) fn inline(key: &str, which: u8, chunk: u8) -> Vec<u8> {
    let mut k = stream(b'i', key, which);
    k.push(chunk);
    k
}

/// `d<len><key><stream><first block, big-endian>`: a data extent.
pub(crate) fn extent(key: &str, which: u8, first: u64) -> Vec<u8> {
    let mut k = stream(b'd', key, which);
    k.extend_from_slice(&first.to_be_bytes());
    k
}

/// `t<len><tag><key>`: a tag-index entry.
pub(crate) fn tag(tag: &str, key: &str) -> Vec<u8> {
    let mut k = tag_prefix(tag);
    k.extend_from_slice(key.as_bytes());
    k
}

/// `t<len><tag>`: all keys with `tag`.
pub(crate) fn tag_prefix(tag: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(tag.len() + 2);
    k.push(b't');
    k.push(tag.len() as u8);
    k.extend_from_slice(tag.as_bytes());
    k
}

/// An extent's value: first block, block count, generation born in.
pub(crate) fn extent_value(start: u64, count: u64, birth: u64) -> Vec<u8> {
    let mut w = Writer::new();
    w.u64(start);
    w.u64(count);
    w.u64(birth);
    w.0
}

/// Decodes an extent value.
pub(crate) fn decode_extent(bytes: &[u8]) -> Option<(u64, u64, u64)> {
    let mut r = Reader::new(bytes);
    let out = (r.u64()?, r.u64()?, r.u64()?);
    r.is_done().then_some(out)
}

/// The stream block index in an extent key.
pub(crate) fn extent_first(key: &[u8]) -> Option<u64> {
    let tail = key.len().checked_sub(8)?;
    Some(u64::from_be_bytes(key.get(tail..)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::MAX_ENTRY;
    use alloc::vec;

    #[test]
    fn largest_entries_fit_a_third_of_a_node() {
        let long = |n| "x".repeat(n);
        let rec = Record {
            size: 1,
            version: 1,
            created: 0,
            modified: 0,
            value_at: INLINE,
            embedding_at: NONE,
            embedding_len: 0,
            content_type: long(127),
            tags: vec![long(48); 16],
        };
        assert_eq!(Record::decode(&rec.encode()), Some(rec.clone()));
        assert!(4 + object(&long(255)).len() + rec.encode().len() <= MAX_ENTRY);
        assert!(4 + inline(&long(255), 0, 3).len() + INLINE_CHUNK <= MAX_ENTRY);
        assert!(4 + tag(&long(48), &long(255)).len() <= MAX_ENTRY);
        assert_eq!(decode_extent(&extent_value(7, 8, 9)), Some((7, 8, 9)));
        assert_eq!(extent_first(&extent("k", VALUE, 513)), Some(513));
        assert!(Record::decode(&[1, 2]).is_none());
        assert_eq!(tag("a", "k"), [b't', 1, b'a', b'k'].to_vec());
    }
}
