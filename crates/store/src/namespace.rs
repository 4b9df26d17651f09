//! Namespaces: their state in memory, their records in the directory tree,
//! and finding the tree to read for a namespace at a snapshot.

use crate::codec::{Reader, Writer};
use crate::device::BlockDevice;
use crate::error::Error;
use crate::names::check_name;
use crate::node::Ptr;
use crate::store::Store;
use crate::types::NamespaceInfo;
use alloc::string::String;
use alloc::vec::Vec;

/// A namespace as mounted.
#[derive(Debug, Clone)]
pub(crate) struct NsState {
    pub(crate) root: Ptr,
    pub(crate) quota: Option<u64>,
    pub(crate) used: u64,
    pub(crate) objects: u64,
    pub(crate) created: u64,
    /// Newest snapshot's generation: blocks born no later may be shared.
    pub(crate) snap_gen: u64,
    /// Changed since the checkpoint.
    pub(crate) dirty: bool,
}

impl NsState {
    pub(crate) fn encode(&self, root: u64) -> Vec<u8> {
        let mut w = Writer::new();
        w.u64(root);
        w.u8(u8::from(self.quota.is_some()));
        w.u64(self.quota.unwrap_or(0));
        w.u64(self.used);
        w.u64(self.objects);
        w.u64(self.created);
        w.u64(self.snap_gen);
        w.0
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<NsState> {
        let mut r = Reader::new(bytes);
        let root = Ptr::Disk(r.u64()?);
        let has_quota = r.u8()? != 0;
        let quota = r.u64()?;
        let ns = NsState {
            root,
            quota: has_quota.then_some(quota),
            used: r.u64()?,
            objects: r.u64()?,
            created: r.u64()?,
            snap_gen: r.u64()?,
            dirty: false,
        };
        r.is_done().then_some(ns)
    }
}

/// `n<name>`: a namespace record in the directory tree.
pub(crate) fn ns_key(name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1);
    k.push(b'n');
    k.extend_from_slice(name.as_bytes());
    k
}

/// `s<len><ns><name>`: a namespace snapshot.
pub(crate) fn snap_key(ns: &str, name: &str) -> Vec<u8> {
    let mut k = snap_prefix(ns);
    k.extend_from_slice(name.as_bytes());
    k
}

/// `s<len><ns>`: all snapshots of `ns`.
pub(crate) fn snap_prefix(ns: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(ns.len() + 2);
    k.push(b's');
    k.push(ns.len() as u8);
    k.extend_from_slice(ns.as_bytes());
    k
}

/// Namespace records in a directory tree.
pub(crate) fn read_namespaces<D: BlockDevice>(
    pager: &mut crate::pager::Pager<D>,
    dir: Ptr,
) -> Result<Vec<(String, NsState)>, Error> {
    let mut found = Vec::new();
    let mut bad = None;
    pager.scan(dir, b"n", &mut |k, v| {
        if k.first() != Some(&b'n') {
            return false;
        }
        match (String::from_utf8(k[1..].to_vec()), NsState::decode(v)) {
            (Ok(name), Some(state)) => found.push((name, state)),
            _ => bad = Some(()),
        }
        true
    })?;
    match bad {
        Some(()) => Err(Error::corrupt(0, "namespace record")),
        None => Ok(found),
    }
}

impl<D: BlockDevice> Store<D> {
    /// Loads the namespaces and the newest volume snapshot generation.
    pub(crate) fn load_directory(&mut self) -> Result<(), Error> {
        self.namespaces = read_namespaces(&mut self.pager, self.dir_root)?
            .into_iter()
            .collect();
        let mut newest = 0;
        for snap in self.volume_snapshot_list()? {
            newest = newest.max(snap.1.generation);
        }
        self.volume_snap_gen = newest;
        Ok(())
    }

    /// Creates an empty namespace; durable after `Ok`.
    pub fn create_namespace(
        &mut self,
        ns: &str,
        quota_bytes: Option<u64>,
        now: u64,
    ) -> Result<(), Error> {
        check_name(ns)?;
        if self.namespaces.contains_key(ns) {
            return Err(Error::Exists);
        }
        self.ensure_room()?;
        let root = self.pager.empty_tree();
        let state = NsState {
            root,
            quota: quota_bytes,
            used: 0,
            objects: 0,
            created: now,
            snap_gen: 0,
            dirty: true,
        };
        self.namespaces.insert(String::from(ns), state);
        self.dirty = true;
        self.checkpoint()
    }

    /// Every namespace with its usage.
    pub fn namespaces(&self) -> Result<Vec<NamespaceInfo>, Error> {
        Ok(self
            .namespaces
            .iter()
            .map(|(name, s)| NamespaceInfo {
                name: name.clone(),
                used_bytes: s.used,
                quota_bytes: s.quota,
                objects: s.objects,
                created: s.created,
            })
            .collect())
    }

    /// The live state of `ns`.
    pub(crate) fn ns(&self, ns: &str) -> Result<&NsState, Error> {
        self.namespaces.get(ns).ok_or(Error::NoNamespace)
    }

    /// Generation up to which blocks of `ns`'s tree may be shared with a snapshot.
    pub(crate) fn shared_gen(&self, ns: &str) -> u64 {
        self.namespaces
            .get(ns)
            .map_or(0, |s| s.snap_gen)
            .max(self.volume_snap_gen)
    }

    /// The root of `ns`'s tree, live or at snapshot `at` (a namespace
    /// snapshot, or else a volume snapshot of that name).
    pub(crate) fn root_at(&mut self, ns: &str, at: Option<&str>) -> Result<Ptr, Error> {
        let Some(name) = at else {
            return Ok(self.ns(ns)?.root);
        };
        if let Some(snap) = self.pager.get(self.dir_root, &snap_key(ns, name))? {
            let info = crate::snapshots::decode_snap(name, &snap)
                .ok_or_else(|| Error::corrupt(0, "snapshot record"))?;
            return Ok(Ptr::Disk(info.1));
        }
        let Some((_, dir)) = self.volume_snapshot(name)? else {
            return Err(Error::NoSnapshot);
        };
        let record = self
            .pager
            .get(Ptr::Disk(dir), &ns_key(ns))?
            .ok_or(Error::NoNamespace)?;
        Ok(NsState::decode(&record)
            .ok_or_else(|| Error::corrupt(dir, "namespace record"))?
            .root)
    }
}
