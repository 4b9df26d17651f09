//! Putting, reading and deleting objects.

use crate::device::BlockDevice;
use crate::error::Error;
use crate::keys::{EMBEDDING, INLINE_MAX, Record, VALUE};
use crate::names::{check_key, check_meta};
use crate::node::Ptr;
use crate::record::{Op, Stream};
use crate::store::Store;
use crate::streams::{embedding_bytes, embedding_from, payload_chunks, zeroed};
use crate::types::{Object, ObjectInfo, PutMeta};
use alloc::string::String;
use alloc::vec::Vec;

/// Largest object value, in bytes (1 TiB).
pub const MAX_OBJECT: u64 = 1 << 40;

/// An object's info from its record.
pub(crate) fn info(key: &str, r: &Record) -> ObjectInfo {
    ObjectInfo {
        key: String::from(key),
        size: r.size,
        version: r.version,
        created: r.created,
        modified: r.modified,
        content_type: r.content_type.clone(),
        tags: r.tags.clone(),
        has_embedding: r.embedding_at != crate::keys::NONE,
    }
}

impl<D: BlockDevice> Store<D> {
    /// Stores `value` under `key`; durable (acknowledged) after `Ok`.
    pub fn put(
        &mut self,
        ns: &str,
        key: &str,
        value: &[u8],
        meta: &PutMeta,
        now: u64,
    ) -> Result<ObjectInfo, Error> {
        let mut infos = self.put_many(ns, &[(key, value, meta)], now)?;
        infos.pop().ok_or(Error::NotFound)
    }

    /// Stores several objects with one journal record and one flush (group
    /// commit); all are durable after `Ok`, none if it fails.
    pub fn put_many(
        &mut self,
        ns: &str,
        items: &[(&str, &[u8], &PutMeta)],
        now: u64,
    ) -> Result<Vec<ObjectInfo>, Error> {
        self.ns(ns)?;
        let mut charges: alloc::collections::BTreeMap<&str, u64> =
            alloc::collections::BTreeMap::new();
        for (key, value, meta) in items {
            check_key(key)?;
            check_meta(&meta.content_type, &meta.tags, meta.embedding.as_deref())?;
            if value.len() as u64 > MAX_OBJECT {
                return Err(Error::TooLarge);
            }
            let emb = meta.embedding.as_ref().map_or(0, |e| e.len() as u64 * 4);
            charges.insert(key, value.len() as u64 + emb);
        }
        self.ensure_room()?;
        self.check_quota(ns, &charges)?;
        let id = self.new_upload();
        let ops = self.stage(ns, items, now, id);
        let result = ops.and_then(|ops| {
            if self.uploads.contains_key(&id) {
                self.pager.flush()?;
            }
            self.commit(ops, Some(id))
        });
        if result.is_err() {
            self.drop_upload_blocks(id);
        }
        result?;
        items
            .iter()
            .map(|(key, _, _)| self.stat(ns, key, None))
            .collect()
    }

    fn stage(
        &mut self,
        ns: &str,
        items: &[(&str, &[u8], &PutMeta)],
        now: u64,
        id: u64,
    ) -> Result<Vec<Op>, Error> {
        let mut ops = Vec::new();
        for (key, value, meta) in items {
            let tags = check_meta(&meta.content_type, &meta.tags, meta.embedding.as_deref())?;
            let value = self.stream_of(value, id)?;
            let embedding = match &meta.embedding {
                Some(e) => Some(self.stream_of(&embedding_bytes(e), id)?),
                None => None,
            };
            ops.push(Op::Put {
                ns: ns.into(),
                key: String::from(*key),
                now,
                content_type: meta.content_type.clone(),
                tags,
                value,
                embedding,
            });
        }
        Ok(ops)
    }

    /// Inline bytes, or bytes written to data extents of upload `id`.
    pub(crate) fn stream_of(&mut self, bytes: &[u8], id: u64) -> Result<Stream, Error> {
        if bytes.len() <= INLINE_MAX {
            return Ok(Stream::Inline(bytes.to_vec()));
        }
        let mut runs = Vec::new();
        self.write_payloads(id, &payload_chunks(bytes), &mut runs)?;
        Ok(Stream::Extents {
            len: bytes.len() as u64,
            runs,
        })
    }

    /// Fails with `QuotaExceeded` if replacing these keys' values with
    /// `charges` bytes would pass the namespace's quota.
    pub(crate) fn check_quota(
        &mut self,
        ns: &str,
        charges: &alloc::collections::BTreeMap<&str, u64>,
    ) -> Result<(), Error> {
        let (root, used, quota) = {
            let s = self.ns(ns)?;
            (s.root, s.used, s.quota)
        };
        let Some(quota) = quota else { return Ok(()) };
        let mut needed = used;
        for (key, bytes) in charges {
            let old = self.record(root, key).map_err(|e| e.at(ns, Some(key)))?;
            needed = needed
                .saturating_sub(old.map_or(0, |r| r.charged()))
                .saturating_add(*bytes);
        }
        if needed > quota {
            Err(Error::QuotaExceeded {
                used,
                quota,
                needed,
            })
        } else {
            Ok(())
        }
    }

    pub(crate) fn new_upload(&mut self) -> u64 {
        self.next_upload += 1;
        self.next_upload
    }

    fn found(&mut self, ns: &str, key: &str, at: Option<&str>) -> Result<(Ptr, Record), Error> {
        check_key(key)?;
        let root = self.root_at(ns, at)?;
        let record = self.record(root, key).map_err(|e| e.at(ns, Some(key)))?;
        Ok((root, record.ok_or(Error::NotFound)?))
    }

    /// An object's metadata, live or at snapshot `at`.
    pub fn stat(&mut self, ns: &str, key: &str, at: Option<&str>) -> Result<ObjectInfo, Error> {
        let (_, record) = self.found(ns, key, at)?;
        Ok(info(key, &record))
    }

    /// A whole object, live or at snapshot `at`.
    pub fn get(&mut self, ns: &str, key: &str, at: Option<&str>) -> Result<Object, Error> {
        let (root, rec) = self.found(ns, key, at)?;
        let checked = self
            .check_stream(root, key, VALUE, rec.value_at, rec.size)
            .and_then(|()| {
                self.check_stream(
                    root,
                    key,
                    EMBEDDING,
                    rec.embedding_at,
                    u64::from(rec.embedding_len),
                )
            });
        checked.map_err(|e| e.at(ns, Some(key)))?;
        let size = usize::try_from(rec.size).map_err(|_| Error::TooLarge)?;
        let mut value = zeroed(size);
        self.read_stream(root, key, VALUE, rec.value_at, rec.size, 0, &mut value)
            .map_err(|e| e.at(ns, Some(key)))?;
        let embedding = if rec.embedding_at == crate::keys::NONE {
            None
        } else {
            let mut bytes = zeroed(rec.embedding_len as usize);
            self.read_stream(
                root,
                key,
                EMBEDDING,
                rec.embedding_at,
                u64::from(rec.embedding_len),
                0,
                &mut bytes,
            )
            .map_err(|e| e.at(ns, Some(key)))?;
            Some(embedding_from(&bytes))
        };
        Ok(Object {
            info: info(key, &rec),
            value,
            embedding,
        })
    }

    /// Reads value bytes from `offset` into `buf`; returns how many (0 at or
    /// past the end).
    pub fn read(
        &mut self,
        ns: &str,
        key: &str,
        at: Option<&str>,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        let (root, rec) = self.found(ns, key, at)?;
        self.read_stream(root, key, VALUE, rec.value_at, rec.size, offset, buf)
            .map_err(|e| e.at(ns, Some(key)))
    }

    /// Deletes an object; durable after `Ok`.
    pub fn delete(&mut self, ns: &str, key: &str, _now: u64) -> Result<(), Error> {
        self.found(ns, key, None)?;
        self.commit(
            alloc::vec![Op::Delete {
                ns: ns.into(),
                key: key.into()
            }],
            None,
        )
    }
}
