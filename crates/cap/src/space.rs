//! The capability space: every agent's table plus the derivation tree.

use crate::error::CapError;
use crate::resource::{AgentId, Resource};
use crate::table::{CapId, Table};
use crate::view::CapView;
use aios_abi::Handle;
use aios_abi::payload::CapKind;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

/// One capability in the derivation tree.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) owner: AgentId,
    pub(crate) handle: Handle,
    pub(crate) resource: Resource,
    pub(crate) rights: u32,
    pub(crate) quota: Option<u64>,
    pub(crate) expires_ns: Option<u64>,
    /// The capability this one was derived from; `None` for minted roots.
    pub(crate) parent: Option<CapId>,
    pub(crate) children: BTreeSet<CapId>,
}

impl Node {
    pub(crate) fn is_expired(&self, now_ns: u64) -> bool {
        self.expires_ns.is_some_and(|expiry| now_ns >= expiry)
    }

    fn view(&self) -> CapView {
        CapView {
            handle: self.handle,
            kind: self.resource.kind(),
            rights: self.rights,
            resource: self.resource.clone(),
            quota: self.quota,
            expires_ns: self.expires_ns,
        }
    }
}

/// All agents' capability tables and the tree linking each derived
/// capability to its source. The kernel keeps one behind a lock.
#[derive(Debug, Default)]
pub struct CapSpace {
    pub(crate) tables: BTreeMap<AgentId, Table>,
    pub(crate) nodes: BTreeMap<CapId, Node>,
    next_id: CapId,
}

impl CapSpace {
    /// An empty space with no agents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives `agent` an empty table; an existing table is kept as it is.
    pub fn add_agent(&mut self, agent: AgentId) {
        self.tables.entry(agent).or_default();
    }

    /// Issues a root capability (one the kernel creates, not derived from
    /// another) into `owner`'s table.
    pub fn mint(
        &mut self,
        owner: AgentId,
        resource: Resource,
        rights: u32,
        quota: Option<u64>,
        expires_ns: Option<u64>,
    ) -> Result<Handle, CapError> {
        let node = Node {
            owner,
            handle: Handle(0),
            resource,
            rights,
            quota,
            expires_ns,
            parent: None,
            children: BTreeSet::new(),
        };
        let (_, handle) = self.insert(node)?;
        Ok(handle)
    }

    /// Checks that `owner` holds `handle`, unexpired, of `kind`, with every
    /// bit of `needed_rights`; errors are checked in the order stale,
    /// expired, wrong kind, permission.
    pub fn check(
        &self,
        owner: AgentId,
        handle: Handle,
        kind: CapKind,
        needed_rights: u32,
        now_ns: u64,
    ) -> Result<CapView, CapError> {
        let (_, node) = self.live(owner, handle, now_ns)?;
        if node.resource.kind() != kind {
            return Err(CapError::WrongKind);
        }
        if node.rights & needed_rights != needed_rights {
            return Err(CapError::PermissionDenied);
        }
        Ok(node.view())
    }

    /// `owner`'s unexpired capabilities, ordered by handle.
    pub fn list(&self, owner: AgentId, now_ns: u64) -> Vec<CapView> {
        let Some(table) = self.tables.get(&owner) else {
            return Vec::new();
        };
        let mut views: Vec<CapView> = table
            .entries()
            .filter_map(|(_, id)| self.nodes.get(&id))
            .filter(|node| !node.is_expired(now_ns))
            .map(Node::view)
            .collect();
        views.sort_by_key(|view| view.handle);
        views
    }

    /// True if `owner` holds a live, unexpired capability of `kind` (without
    /// building the list: the kernel asks this often).
    pub fn holds_kind(&self, owner: AgentId, kind: CapKind, now_ns: u64) -> bool {
        self.tables.get(&owner).is_some_and(|table| {
            table
                .entries()
                .filter_map(|(_, id)| self.nodes.get(&id))
                .any(|node| !node.is_expired(now_ns) && node.resource.kind() == kind)
        })
    }

    /// Capabilities alive in all tables, expired ones included until
    /// revoked or swept.
    pub fn count(&self) -> usize {
        self.nodes.len()
    }

    /// The capability `handle` names in `owner`'s table.
    pub(crate) fn lookup(
        &self,
        owner: AgentId,
        handle: Handle,
    ) -> Result<(CapId, &Node), CapError> {
        let id = self
            .tables
            .get(&owner)
            .and_then(|table| table.get(handle))
            .ok_or(CapError::StaleHandle)?;
        let node = self.nodes.get(&id).ok_or(CapError::StaleHandle)?;
        Ok((id, node))
    }

    /// Like [`Self::lookup`], refusing an expired capability.
    pub(crate) fn live(
        &self,
        owner: AgentId,
        handle: Handle,
        now_ns: u64,
    ) -> Result<(CapId, &Node), CapError> {
        let (id, node) = self.lookup(owner, handle)?;
        if node.is_expired(now_ns) {
            return Err(CapError::Expired);
        }
        Ok((id, node))
    }

    /// Puts `node` in its owner's table and the tree, setting its handle.
    /// Fails without changing anything.
    pub(crate) fn insert(&mut self, mut node: Node) -> Result<(CapId, Handle), CapError> {
        let id = self.next_id;
        let next_id = id.checked_add(1).ok_or(CapError::TableFull)?;
        let table = self
            .tables
            .get_mut(&node.owner)
            .ok_or(CapError::NoSuchAgent)?;
        let handle = table.insert(id)?;
        node.handle = handle;
        self.nodes.insert(id, node);
        self.next_id = next_id;
        Ok((id, handle))
    }
}
