//! Delegation with attenuation, and spending a capability's quota.

use crate::error::CapError;
use crate::resource::AgentId;
use crate::space::{CapSpace, Node};
use aios_abi::Handle;
use aios_abi::payload::rights;
use alloc::collections::BTreeSet;

impl CapSpace {
    /// Derives from `owner`'s capability `from` a narrower one in `to`'s
    /// table. `from` needs GRANT; `rights` must be a subset of its rights,
    /// `expires_ns` no later than its expiry, and `quota` at most what it
    /// has left, which the new capability carves out of it.
    #[allow(clippy::too_many_arguments)]
    pub fn derive(
        &mut self,
        owner: AgentId,
        from: Handle,
        to: AgentId,
        rights: u32,
        quota: Option<u64>,
        expires_ns: Option<u64>,
        now_ns: u64,
    ) -> Result<Handle, CapError> {
        let (source_id, source) = self.live(owner, from, now_ns)?;
        if source.rights & rights::GRANT == 0 {
            return Err(CapError::PermissionDenied);
        }
        if rights & !source.rights != 0 {
            return Err(CapError::NotAttenuated);
        }
        match (source.quota, quota) {
            (Some(_), None) => return Err(CapError::NotAttenuated),
            (Some(remaining), Some(wanted)) if wanted > remaining => {
                return Err(CapError::QuotaExceeded);
            }
            _ => {}
        }
        match (source.expires_ns, expires_ns) {
            (Some(_), None) => return Err(CapError::NotAttenuated),
            (Some(limit), Some(wanted)) if wanted > limit => {
                return Err(CapError::NotAttenuated);
            }
            _ => {}
        }
        let node = Node {
            owner: to,
            handle: Handle(0),
            resource: source.resource.clone(),
            rights,
            quota,
            expires_ns,
            parent: Some(source_id),
            children: BTreeSet::new(),
        };
        // Inserting is the last step that can fail, so a refused derivation
        // leaves the source untouched.
        let (child_id, handle) = self.insert(node)?;
        if let Some(source) = self.nodes.get_mut(&source_id) {
            if let (Some(remaining), Some(carved)) = (source.quota.as_mut(), quota) {
                *remaining = remaining.saturating_sub(carved);
            }
            source.children.insert(child_id);
        }
        Ok(handle)
    }

    /// Spends `amount` of the capability's quota and returns what remains.
    /// Nothing is spent if not enough remains. A capability without a quota
    /// is unlimited: nothing is recorded and `u64::MAX` is returned.
    pub fn consume(
        &mut self,
        owner: AgentId,
        handle: Handle,
        amount: u64,
        now_ns: u64,
    ) -> Result<u64, CapError> {
        let (id, _) = self.live(owner, handle, now_ns)?;
        let node = self.nodes.get_mut(&id).ok_or(CapError::StaleHandle)?;
        let Some(remaining) = node.quota.as_mut() else {
            return Ok(u64::MAX);
        };
        *remaining = remaining
            .checked_sub(amount)
            .ok_or(CapError::QuotaExceeded)?;
        Ok(*remaining)
    }
}
