//! Named snapshots of a namespace or of the whole volume. Taking one
//! checkpoints and then records the current root: O(1) block writes,
//! whatever the number of objects. Rollback points the live root back at
//! the snapshot's; deleting or rolling back frees what only the dropped
//! trees held (by a mark-and-sweep of the remaining roots).

use crate::codec::{Reader, Writer};
use crate::device::BlockDevice;
use crate::error::Error;
use crate::names::{VOLUME, check_name};
use crate::namespace::{snap_key, snap_prefix};
use crate::node::Ptr;
use crate::store::Store;
use crate::types::SnapshotInfo;
use alloc::string::String;
use alloc::vec::Vec;

fn encode_snap(root: u64, created: u64, generation: u64, used: u64, objects: u64) -> Vec<u8> {
    let mut w = Writer::new();
    for v in [root, created, generation, used, objects] {
        w.u64(v);
    }
    w.0
}

/// Decodes a snapshot record: its info and its root block.
pub(crate) fn decode_snap(name: &str, bytes: &[u8]) -> Option<(SnapshotInfo, u64)> {
    let mut r = Reader::new(bytes);
    let root = r.u64()?;
    let info = SnapshotInfo {
        name: String::from(name),
        created: r.u64()?,
        generation: r.u64()?,
        used_bytes: r.u64()?,
        objects: r.u64()?,
    };
    r.is_done().then_some((info, root))
}

impl<D: BlockDevice> Store<D> {
    fn written_root(&self, ns: &str) -> Result<u64, Error> {
        match self.ns(ns)?.root {
            Ptr::Disk(addr) => Ok(addr),
            Ptr::Mem(_) => Err(Error::corrupt(0, "namespace root after checkpoint")),
        }
    }

    /// Takes snapshot `name` of namespace `ns`; durable after `Ok`.
    pub fn snapshot(&mut self, ns: &str, name: &str, now: u64) -> Result<(), Error> {
        check_name(name)?;
        self.ns(ns)?;
        let key = snap_key(ns, name);
        if self.pager.get(self.dir_root, &key)?.is_some() {
            return Err(Error::Exists);
        }
        self.ensure_room()?;
        self.checkpoint()?;
        let generation = self.sb.generation;
        let root = self.written_root(ns)?;
        let state = self.ns(ns)?;
        let value = encode_snap(root, now, generation, state.used, state.objects);
        self.dir_root = self
            .pager
            .insert(self.dir_root, key, value, self.volume_snap_gen)?;
        if let Some(state) = self.namespaces.get_mut(ns) {
            state.snap_gen = generation;
            state.dirty = true;
        }
        self.dirty = true;
        self.checkpoint()
    }

    /// Snapshots of `ns` (or of the volume, for `VOLUME`), oldest first.
    pub fn snapshots(&mut self, ns: &str) -> Result<Vec<SnapshotInfo>, Error> {
        if ns == VOLUME {
            return Ok(self
                .volume_snapshot_list()?
                .into_iter()
                .map(|s| s.1)
                .collect());
        }
        self.ns(ns)?;
        let mut list = self.ns_snapshots(ns)?;
        list.sort_by_key(|s| (s.0.generation, s.0.created));
        Ok(list.into_iter().map(|s| s.0).collect())
    }

    fn ns_snapshots(&mut self, ns: &str) -> Result<Vec<(SnapshotInfo, u64)>, Error> {
        let prefix = snap_prefix(ns);
        let mut raw = Vec::new();
        self.pager.scan(self.dir_root, &prefix, &mut |k, v| {
            let more = k.starts_with(&prefix);
            if more {
                raw.push((k[prefix.len()..].to_vec(), v.to_vec()));
            }
            more
        })?;
        let mut out = Vec::new();
        for (name, value) in raw {
            let name = String::from_utf8(name).map_err(|_| Error::corrupt(0, "snapshot record"))?;
            out.push(
                decode_snap(&name, &value).ok_or_else(|| Error::corrupt(0, "snapshot record"))?,
            );
        }
        Ok(out)
    }

    /// Points `ns` back at snapshot `name`; later changes are dropped.
    pub fn rollback(&mut self, ns: &str, name: &str, _now: u64) -> Result<(), Error> {
        self.ns(ns)?;
        let value = self
            .pager
            .get(self.dir_root, &snap_key(ns, name))?
            .ok_or(Error::NoSnapshot)?;
        let (info, root) =
            decode_snap(name, &value).ok_or_else(|| Error::corrupt(0, "snapshot record"))?;
        self.checkpoint()?;
        if let Some(state) = self.namespaces.get_mut(ns) {
            state.root = Ptr::Disk(root);
            state.used = info.used_bytes;
            state.objects = info.objects;
            state.dirty = true;
        }
        self.dirty = true;
        self.checkpoint()?;
        self.collect_garbage()
    }

    /// Deletes snapshot `name` of `ns` (or a volume snapshot, for `VOLUME`)
    /// and frees what only it held.
    pub fn delete_snapshot(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        if ns == VOLUME {
            self.volume_snapshot(name)?.ok_or(Error::NoSnapshot)?;
            self.volume_snapshots = self
                .pager
                .remove(self.volume_snapshots, name.as_bytes(), 0)?;
            self.volume_snap_gen = self
                .volume_snapshot_list()?
                .iter()
                .map(|s| s.1.generation)
                .max()
                .unwrap_or(0);
        } else {
            self.ns(ns)?;
            let key = snap_key(ns, name);
            self.pager
                .get(self.dir_root, &key)?
                .ok_or(Error::NoSnapshot)?;
            self.dir_root = self
                .pager
                .remove(self.dir_root, &key, self.volume_snap_gen)?;
            let newest = self
                .ns_snapshots(ns)?
                .iter()
                .map(|s| s.0.generation)
                .max()
                .unwrap_or(0);
            if let Some(state) = self.namespaces.get_mut(ns) {
                state.snap_gen = newest;
                state.dirty = true;
            }
        }
        self.dirty = true;
        self.checkpoint()?;
        self.collect_garbage()
    }

    /// Volume snapshots: (directory root, info), oldest first.
    pub(crate) fn volume_snapshot_list(&mut self) -> Result<Vec<(u64, SnapshotInfo)>, Error> {
        let mut raw = Vec::new();
        self.pager.scan(self.volume_snapshots, b"", &mut |k, v| {
            raw.push((k.to_vec(), v.to_vec()));
            true
        })?;
        let mut out = Vec::new();
        for (name, value) in raw {
            let name =
                String::from_utf8(name).map_err(|_| Error::corrupt(0, "volume snapshot record"))?;
            let (info, dir) = decode_snap(&name, &value)
                .ok_or_else(|| Error::corrupt(0, "volume snapshot record"))?;
            out.push((dir, info));
        }
        out.sort_by_key(|s| s.1.generation);
        Ok(out)
    }

    /// The volume snapshot `name`: (info, directory root).
    pub(crate) fn volume_snapshot(
        &mut self,
        name: &str,
    ) -> Result<Option<(SnapshotInfo, u64)>, Error> {
        match self.pager.get(self.volume_snapshots, name.as_bytes())? {
            Some(v) => {
                Ok(Some(decode_snap(name, &v).ok_or_else(|| {
                    Error::corrupt(0, "volume snapshot record")
                })?))
            }
            None => Ok(None),
        }
    }

    /// Snapshots every namespace at once; durable after `Ok`.
    pub fn snapshot_volume(&mut self, name: &str, now: u64) -> Result<(), Error> {
        check_name(name)?;
        if self.volume_snapshot(name)?.is_some() {
            return Err(Error::Exists);
        }
        self.ensure_room()?;
        self.checkpoint()?;
        let generation = self.sb.generation;
        let value = encode_snap(self.sb.dir_root, now, generation, 0, 0);
        self.volume_snapshots =
            self.pager
                .insert(self.volume_snapshots, name.as_bytes().to_vec(), value, 0)?;
        self.volume_snap_gen = generation;
        self.dirty = true;
        self.checkpoint()
    }

    /// Returns every namespace to volume snapshot `name` (namespace
    /// snapshots taken since are dropped with it; volume snapshots stay).
    pub fn rollback_volume(&mut self, name: &str, _now: u64) -> Result<(), Error> {
        let (_, dir) = self.volume_snapshot(name)?.ok_or(Error::NoSnapshot)?;
        self.checkpoint()?;
        self.dir_root = Ptr::Disk(dir);
        self.load_directory()?;
        self.dirty = true;
        self.checkpoint()?;
        self.collect_garbage()
    }
}
