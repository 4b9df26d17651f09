//! Revocation through the derivation tree, agent removal and expiry sweeps.

use crate::error::CapError;
use crate::resource::AgentId;
use crate::space::CapSpace;
use crate::table::CapId;
use aios_abi::Handle;
use alloc::vec::Vec;

impl CapSpace {
    /// Revokes `owner`'s capability `handle` and everything derived from it,
    /// in every table; returns how many capabilities died. Unspent quota
    /// of the revoked subtree goes back to the capability it was carved
    /// from. Expired capabilities can be revoked too.
    pub fn revoke(&mut self, owner: AgentId, handle: Handle) -> Result<usize, CapError> {
        let (id, _) = self.lookup(owner, handle)?;
        Ok(self.revoke_subtree(id))
    }

    /// Deletes `agent`'s table and revokes every capability in it together
    /// with everything derived from them, in any agent; returns how many
    /// capabilities died (0 for an unknown agent).
    pub fn remove_agent(&mut self, agent: AgentId) -> usize {
        let Some(table) = self.tables.remove(&agent) else {
            return 0;
        };
        let held: Vec<CapId> = table.entries().map(|(_, id)| id).collect();
        drop(table);
        // A capability held here may already have died as a descendant of
        // an earlier one; revoke_subtree counts it only once.
        held.into_iter().map(|id| self.revoke_subtree(id)).sum()
    }

    /// Revokes every capability expired at `now_ns` (their descendants
    /// expire no later, so they go too), freeing slots and returning
    /// unspent quota; returns how many capabilities died.
    pub fn sweep_expired(&mut self, now_ns: u64) -> usize {
        let expired: Vec<CapId> = self
            .nodes
            .iter()
            .filter(|(_, node)| node.is_expired(now_ns))
            .map(|(id, _)| *id)
            .collect();
        expired.into_iter().map(|id| self.revoke_subtree(id)).sum()
    }

    /// Removes `root` and its descendants with an explicit stack (no
    /// recursion, so a deep delegation chain cannot exhaust the kernel
    /// stack); cost is proportional to the subtree. Returns the count.
    fn revoke_subtree(&mut self, root: CapId) -> usize {
        let Some(root_node) = self.nodes.remove(&root) else {
            return 0;
        };
        let parent = root_node.parent;
        let mut unspent: u64 = 0;
        let mut died = 0;
        let mut stack = Vec::from([root_node]);
        while let Some(node) = stack.pop() {
            died += 1;
            // Every quota in a subtree was carved from the root's, so the
            // sum never exceeds what the root was given.
            unspent = unspent.saturating_add(node.quota.unwrap_or(0));
            if let Some(table) = self.tables.get_mut(&node.owner) {
                table.free(node.handle);
            }
            stack.extend(node.children.iter().filter_map(|c| self.nodes.remove(c)));
        }
        if let Some(parent) = parent.and_then(|p| self.nodes.get_mut(&p)) {
            parent.children.remove(&root);
            if let Some(remaining) = parent.quota.as_mut() {
                *remaining = remaining.saturating_add(unspent);
            }
        }
        died
    }
}
