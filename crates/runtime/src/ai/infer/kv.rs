//! KV caches in the memory fabric: a request not running is suspended by
//! saving its session there (and dropping it from kernel memory), and
//! restored when it runs again; a named conversation's session is saved
//! at the end of each answer and restored by the next request naming it.
//! The region belongs to the kernel and has no name, so no agent can
//! reach it through a MemoryRegion capability.

use crate::Inner;
use aios_fabric::{Quota, RegionId, RegionKind, StoreRequest};
use aios_ml::Session;
use alloc::string::String;

/// The kernel's identity in the fabric.
const KERNEL_ACTOR: u64 = 0;
/// What the KV region may hold (a SmolLM2 token's keys and values are
/// about 23 KiB: some 11,000 tokens of saved context).
const KV_QUOTA: Quota = Quota {
    max_entries: 4096,
    max_bytes: 256 << 20,
};

impl Inner {
    /// The KV region, created on first use.
    fn kv_region(&self) -> Option<RegionId> {
        let mut engine = self.inference.engine.lock();
        if let Some(region) = engine.kv_region {
            return Some(region);
        }
        let mut memory = self.memory.lock();
        let region = memory
            .as_mut()?
            .fabric
            .create_region(KERNEL_ACTOR, RegionKind::Ephemeral, KV_QUOTA)
            .ok()?;
        engine.kv_region = Some(region);
        Some(region)
    }

    /// True when a session is saved under `key`.
    pub(crate) fn kv_exists(&self, key: &str) -> bool {
        let Some(region) = self.kv_region() else {
            return false;
        };
        let memory = self.memory.lock();
        memory
            .as_ref()
            .is_some_and(|m| m.fabric.get(KERNEL_ACTOR, region, key, None).is_ok())
    }

    /// Saves `session` under `key`, replacing what was there (only the
    /// newest context is worth keeping: older versions would hold
    /// megabytes each).
    pub(crate) fn kv_save(&self, key: &str, session: &Session<'_, '_>) -> Result<(), String> {
        let region = self.kv_region().ok_or("no memory fabric")?;
        let bytes = session.save();
        let mut memory = self.memory.lock();
        let fabric = &mut memory.as_mut().ok_or("no memory fabric")?.fabric;
        let _ = fabric.delete(KERNEL_ACTOR, region, key);
        fabric
            .store(
                KERNEL_ACTOR,
                region,
                StoreRequest::new(key, &bytes),
                self.platform.now_ns(),
            )
            .map(drop)
            .map_err(|e| alloc::format!("saving the context: {e}"))
    }

    /// The session saved under `key`; with `take`, the saved copy is
    /// dropped (a suspended request's: it is resident again).
    pub(crate) fn kv_restore(
        &self,
        key: &str,
        take: bool,
    ) -> Result<Session<'static, 'static>, String> {
        let llm = self.llm().map_err(|e| alloc::format!("{e:?}"))?;
        let region = self.kv_region().ok_or("no memory fabric")?;
        let mut memory = self.memory.lock();
        let fabric = &mut memory.as_mut().ok_or("no memory fabric")?.fabric;
        let session = {
            let entry = fabric
                .get(KERNEL_ACTOR, region, key, None)
                .map_err(|e| alloc::format!("restoring the context: {e}"))?;
            Session::restore(llm, &entry.value)
                .map_err(|e| alloc::format!("restoring the context: {e}"))?
        };
        if take {
            let _ = fabric.delete(KERNEL_ACTOR, region, key);
        }
        Ok(session)
    }

    /// Forgets the session saved under `key`.
    pub(crate) fn kv_drop(&self, key: &str) {
        if let Some(region) = self.kv_region() {
            let mut memory = self.memory.lock();
            if let Some(m) = memory.as_mut() {
                let _ = m.fabric.delete(KERNEL_ACTOR, region, key);
            }
        }
    }
}
