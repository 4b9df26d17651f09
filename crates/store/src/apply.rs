//! Applying journaled operations to a namespace's tree (at commit and at
//! replay): the object record, its streams, and its tag-index entries.

use crate::device::BlockDevice;
use crate::error::Error;
use crate::keys::{self, EMBEDDING, EXTENTS, INLINE, INLINE_CHUNK, NONE, Record, VALUE};
use crate::node::Ptr;
use crate::record::{Op, Stream};
use crate::store::Store;
use alloc::vec::Vec;

/// An extent entry: its tree key and (first block, block count, birth).
pub(crate) type ExtentEntry = (Vec<u8>, (u64, u64, u64));

impl<D: BlockDevice> Store<D> {
    /// Applies a committed group of operations.
    pub(crate) fn apply(&mut self, ops: &[Op]) -> Result<(), Error> {
        for op in ops {
            match op {
                Op::Put {
                    ns,
                    key,
                    now,
                    content_type,
                    tags,
                    value,
                    embedding,
                } => self
                    .apply_put(ns, key, *now, content_type, tags, value, embedding.as_ref())
                    .map_err(|e| e.at(ns, Some(key)))?,
                Op::Delete { ns, key } => self
                    .apply_delete(ns, key)
                    .map_err(|e| e.at(ns, Some(key)))?,
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_put(
        &mut self,
        ns: &str,
        key: &str,
        now: u64,
        content_type: &str,
        tags: &[alloc::string::String],
        value: &Stream,
        embedding: Option<&Stream>,
    ) -> Result<(), Error> {
        let shared = self.shared_gen(ns);
        let birth = self.birth();
        let mut root = self.ns(ns)?.root;
        let old = self.record(root, key)?;
        if let Some(old) = &old {
            root = self.drop_object(root, key, old, shared)?;
        }
        let where_is = |s: &Stream| match s {
            Stream::Inline(_) => INLINE,
            Stream::Extents { .. } => EXTENTS,
        };
        let record = Record {
            size: value.len(),
            version: old.as_ref().map_or(1, |o| o.version.saturating_add(1)),
            created: old.as_ref().map_or(now, |o| o.created),
            modified: now,
            value_at: where_is(value),
            embedding_at: embedding.map_or(NONE, where_is),
            embedding_len: embedding.map_or(0, |e| e.len() as u32),
            content_type: content_type.into(),
            tags: tags.to_vec(),
        };
        root = self
            .pager
            .insert(root, keys::object(key), record.encode(), shared)?;
        root = self.put_stream(root, key, VALUE, value, birth, shared)?;
        if let Some(e) = embedding {
            root = self.put_stream(root, key, EMBEDDING, e, birth, shared)?;
        }
        for tag in tags {
            root = self
                .pager
                .insert(root, keys::tag(tag, key), Vec::new(), shared)?;
        }
        let state = self.namespaces.get_mut(ns).ok_or(Error::NoNamespace)?;
        state.root = root;
        state.used = state
            .used
            .saturating_sub(old.as_ref().map_or(0, Record::charged))
            .saturating_add(record.charged());
        if old.is_none() {
            state.objects += 1;
        }
        state.dirty = true;
        Ok(())
    }

    fn apply_delete(&mut self, ns: &str, key: &str) -> Result<(), Error> {
        let shared = self.shared_gen(ns);
        let mut root = self.ns(ns)?.root;
        let Some(old) = self.record(root, key)? else {
            return Ok(());
        };
        root = self.drop_object(root, key, &old, shared)?;
        root = self.pager.remove(root, &keys::object(key), shared)?;
        let state = self.namespaces.get_mut(ns).ok_or(Error::NoNamespace)?;
        state.root = root;
        state.used = state.used.saturating_sub(old.charged());
        state.objects = state.objects.saturating_sub(1);
        state.dirty = true;
        Ok(())
    }

    /// The record of `key` in the tree at `root`.
    pub(crate) fn record(&mut self, root: Ptr, key: &str) -> Result<Option<Record>, Error> {
        match self.pager.get(root, &keys::object(key))? {
            Some(bytes) => Record::decode(&bytes)
                .map(Some)
                .ok_or_else(|| Error::corrupt(0, "object record")),
            None => Ok(None),
        }
    }

    fn put_stream(
        &mut self,
        mut root: Ptr,
        key: &str,
        which: u8,
        stream: &Stream,
        birth: u64,
        shared: u64,
    ) -> Result<Ptr, Error> {
        match stream {
            Stream::Inline(bytes) => {
                for (i, chunk) in bytes.chunks(INLINE_CHUNK).enumerate() {
                    root = self.pager.insert(
                        root,
                        keys::inline(key, which, i as u8),
                        chunk.to_vec(),
                        shared,
                    )?;
                }
            }
            Stream::Extents { runs, .. } => {
                let mut first = 0u64;
                for &(start, count) in runs {
                    self.pager.space.mark(start, count);
                    root = self.pager.insert(
                        root,
                        keys::extent(key, which, first),
                        keys::extent_value(start, count, birth),
                        shared,
                    )?;
                    first = first.saturating_add(count);
                }
            }
        }
        Ok(root)
    }

    /// Removes an object's streams and tag entries (not its record); frees
    /// extents no snapshot can share.
    fn drop_object(
        &mut self,
        mut root: Ptr,
        key: &str,
        old: &Record,
        shared: u64,
    ) -> Result<Ptr, Error> {
        for (which, at, len) in [
            (VALUE, old.value_at, old.size),
            (EMBEDDING, old.embedding_at, u64::from(old.embedding_len)),
        ] {
            match at {
                INLINE => {
                    for i in 0..len.div_ceil(INLINE_CHUNK as u64) {
                        root =
                            self.pager
                                .remove(root, &keys::inline(key, which, i as u8), shared)?;
                    }
                }
                EXTENTS => {
                    for (entry, (start, count, birth)) in self.extents(root, key, which)? {
                        root = self.pager.remove(root, &entry, shared)?;
                        if birth > shared {
                            self.pager.space.free_later(start, count);
                        } else {
                            self.pager.space.retain(start, count);
                        }
                    }
                }
                _ => {}
            }
        }
        for tag in &old.tags {
            root = self.pager.remove(root, &keys::tag(tag, key), shared)?;
        }
        Ok(root)
    }

    /// A stream's extent entries: (tree key, (start, count, birth)), in order.
    pub(crate) fn extents(
        &mut self,
        root: Ptr,
        key: &str,
        which: u8,
    ) -> Result<Vec<ExtentEntry>, Error> {
        let prefix = keys::stream(b'd', key, which);
        let mut out = Vec::new();
        let mut bad = false;
        self.pager.scan(root, &prefix, &mut |k, v| {
            if !k.starts_with(&prefix) {
                return false;
            }
            match keys::decode_extent(v) {
                Some(e) => out.push((k.to_vec(), e)),
                None => bad = true,
            }
            true
        })?;
        if bad {
            return Err(Error::corrupt(0, "extent entry"));
        }
        Ok(out)
    }
}
