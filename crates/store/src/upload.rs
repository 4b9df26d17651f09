//! Chunked puts of large objects: data streams to extents as it arrives;
//! `finish` journals the record that makes the object visible.

use crate::block::PAYLOAD;
use crate::device::BlockDevice;
use crate::error::Error;
use crate::keys::INLINE_MAX;
use crate::names::{check_key, check_meta};
use crate::objects::MAX_OBJECT;
use crate::record::{Op, Stream};
use crate::store::Store;
use crate::streams::embedding_bytes;
use crate::types::{ObjectInfo, PutMeta};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// An object being written in chunks (see `Store::begin`).
#[derive(Debug)]
pub struct Upload {
    id: u64,
    ns: String,
    key: String,
    meta: PutMeta,
    tags: Vec<String>,
    written: u64,
    tail: Vec<u8>,
    runs: Vec<(u64, u64)>,
    spilled: bool,
}

impl Upload {
    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
    /// The namespace it writes to.
    pub fn namespace(&self) -> &str {
        &self.ns
    }
    /// The key it writes.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl<D: BlockDevice> Store<D> {
    /// Starts a chunked put of `key`; nothing is visible until `finish`.
    pub fn begin(
        &mut self,
        ns: &str,
        key: &str,
        meta: &PutMeta,
        _now: u64,
    ) -> Result<Upload, Error> {
        self.ns(ns)?;
        check_key(key)?;
        let tags = check_meta(&meta.content_type, &meta.tags, meta.embedding.as_deref())?;
        self.ensure_room()?;
        let id = self.new_upload();
        self.uploads.insert(id, Vec::new());
        Ok(Upload {
            id,
            ns: ns.into(),
            key: key.into(),
            meta: meta.clone(),
            tags,
            written: 0,
            tail: Vec::new(),
            runs: Vec::new(),
            spilled: false,
        })
    }

    fn quota_check(&mut self, up: &Upload, size: u64) -> Result<(), Error> {
        let emb = up.meta.embedding.as_ref().map_or(0, |e| e.len() as u64 * 4);
        let mut charges = BTreeMap::new();
        charges.insert(up.key.as_str(), size.saturating_add(emb));
        self.check_quota(&up.ns, &charges)
    }

    /// Appends `data` to the upload.
    pub fn write_chunk(&mut self, up: &mut Upload, data: &[u8]) -> Result<(), Error> {
        if !self.uploads.contains_key(&up.id) {
            return Err(Error::BadUpload);
        }
        let size = up
            .written
            .checked_add(data.len() as u64)
            .filter(|&s| s <= MAX_OBJECT)
            .ok_or(Error::TooLarge)?;
        self.quota_check(up, size)?;
        if !up.spilled && up.tail.len() + data.len() <= INLINE_MAX {
            up.tail.extend_from_slice(data);
            up.written = size;
            return Ok(());
        }
        up.spilled = true;
        let fill = ((PAYLOAD - up.tail.len() % PAYLOAD) % PAYLOAD).min(data.len());
        up.tail.extend_from_slice(&data[..fill]);
        let rest = &data[fill..];
        let full_tail = up.tail.len() / PAYLOAD * PAYLOAD;
        let direct = rest.len() / PAYLOAD * PAYLOAD;
        let chunks: Vec<&[u8]> = up.tail[..full_tail]
            .chunks(PAYLOAD)
            .chain(rest[..direct].chunks(PAYLOAD))
            .collect();
        let mut runs = core::mem::take(&mut up.runs);
        let result = self.write_payloads(up.id, &chunks, &mut runs);
        up.runs = runs;
        result?;
        up.tail.drain(..full_tail);
        up.tail.extend_from_slice(&rest[direct..]);
        up.written = size;
        Ok(())
    }

    /// Commits the upload; the object is durable after `Ok`. On error the
    /// upload's blocks are freed and it must be started again.
    pub fn finish(&mut self, mut up: Upload, now: u64) -> Result<ObjectInfo, Error> {
        if !self.uploads.contains_key(&up.id) {
            return Err(Error::BadUpload);
        }
        let result = self.finish_inner(&mut up, now);
        if result.is_err() {
            self.drop_upload_blocks(up.id);
        }
        result
    }

    fn finish_inner(&mut self, up: &mut Upload, now: u64) -> Result<ObjectInfo, Error> {
        self.quota_check(up, up.written)?;
        let value = if up.spilled {
            if !up.tail.is_empty() {
                let tail = core::mem::take(&mut up.tail);
                let mut runs = core::mem::take(&mut up.runs);
                let result = self.write_payloads(up.id, &[&tail], &mut runs);
                up.runs = runs;
                result?;
            }
            Stream::Extents {
                len: up.written,
                runs: up.runs.clone(),
            }
        } else {
            Stream::Inline(core::mem::take(&mut up.tail))
        };
        let embedding = match &up.meta.embedding {
            Some(e) => Some(self.stream_of(&embedding_bytes(e), up.id)?),
            None => None,
        };
        if self.uploads.get(&up.id).is_some_and(|r| !r.is_empty()) {
            self.pager.flush()?;
        }
        let op = Op::Put {
            ns: up.ns.clone(),
            key: up.key.clone(),
            now,
            content_type: up.meta.content_type.clone(),
            tags: up.tags.clone(),
            value,
            embedding,
        };
        self.commit(alloc::vec![op], Some(up.id))?;
        self.stat(&up.ns, &up.key, None)
    }

    /// Abandons an upload and frees what it wrote.
    pub fn abort(&mut self, up: Upload) {
        self.drop_upload_blocks(up.id);
    }
}
