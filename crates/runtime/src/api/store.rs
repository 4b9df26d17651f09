//! Store objects for the API: read and written whole, and listed, with
//! the store calls the `store_*` syscalls use. A token reaches every
//! namespace but the kernel's (`aios.*`); the policy, asked before
//! ([`Runtime::api_request`]), decides on the namespace. The API's
//! requests take their turns at the device as one client.

use super::ApiError;
use crate::Runtime;
use crate::post::API;
use crate::storage::{REQUEST_COST, ensure_namespace, list_page, object_info, reserved};
use aios_abi::Error;
use aios_abi::payload::{StoreListing, StoreObjectInfo};
use aios_store::{ListQuery, PutMeta};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The byte quota of a namespace the API creates by writing into it
/// (an agent's namespaces get their manifest's storage quota).
pub const API_NAMESPACE_QUOTA: u64 = 16 << 20;

/// Refuses the kernel's namespaces and names the store would refuse,
/// with the store's words.
fn check(ns: &str, key: Option<&str>) -> Result<(), ApiError> {
    if reserved(ns) {
        return Err(ApiError::new(
            Error::PermissionDenied,
            format!("namespace {ns} is the kernel's (aios.* are reserved)"),
        ));
    }
    aios_store::check_name(ns)?;
    if let Some(key) = key {
        aios_store::check_key(key)?;
    }
    Ok(())
}

impl Runtime {
    /// Object `key` of namespace `ns`, whole: its metadata and bytes.
    /// An object larger than `max` bytes is `BufferTooSmall`; with no
    /// store mounted, `Unavailable`.
    pub fn api_store_get(
        &self,
        ns: &str,
        key: &str,
        max: usize,
    ) -> Result<(StoreObjectInfo, Vec<u8>), ApiError> {
        check(ns, Some(key))?;
        let now = self.inner.platform.now_ns();
        let turn = self.turn(max as u64 + REQUEST_COST, now)?;
        let object = turn.with(|m| -> Result<_, ApiError> {
            let info = m.store.stat(ns, key, None)?;
            if info.size > max as u64 {
                return Err(ApiError::new(
                    Error::BufferTooSmall,
                    format!(
                        "object {key} is {} bytes; the API reads objects up to {max}",
                        info.size
                    ),
                ));
            }
            Ok(m.store.get(ns, key, None)?)
        })??;
        Ok((object_info(object.info), object.value))
    }

    /// Writes `value` as object `key` of `ns` with `content_type`,
    /// creating the namespace (with [`API_NAMESPACE_QUOTA`]) on first
    /// use. Returns whether the object is new.
    pub fn api_store_put(
        &self,
        ns: &str,
        key: &str,
        content_type: &str,
        value: &[u8],
    ) -> Result<bool, ApiError> {
        check(ns, Some(key))?;
        let now = self.inner.platform.now_ns();
        let turn = self.turn(value.len() as u64 + REQUEST_COST, now)?;
        turn.with(|m| -> Result<bool, ApiError> {
            ensure_namespace(m, ns, API_NAMESPACE_QUOTA, now)?;
            let meta = PutMeta {
                content_type: String::from(content_type),
                tags: Vec::new(),
                embedding: None,
            };
            let info = m.store.put(ns, key, value, &meta, now)?;
            Ok(info.version == 1)
        })?
    }

    /// At most `limit` objects of `ns` (0 or more than the cap: the
    /// cap, 256) whose keys start with `prefix`, after key `after`.
    pub fn api_store_list(
        &self,
        ns: &str,
        prefix: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<StoreListing, ApiError> {
        check(ns, None)?;
        let query = ListQuery {
            prefix: String::from(prefix),
            tags: Vec::new(),
            after: after.map(String::from),
            limit: 0,
        };
        let now = self.inner.platform.now_ns();
        let turn = self.turn(REQUEST_COST, now)?;
        Ok(turn.with(|m| list_page(m, ns, query, None, limit))??)
    }

    /// The API's turn at the device, or why the store cannot be used.
    fn turn(&self, cost: u64, now: u64) -> Result<crate::storage::Turn<'_>, ApiError> {
        self.inner
            .storage
            .turn(API, cost, now)
            .map_err(|e| match e {
                Error::Unavailable => ApiError::new(e, "no data disk is mounted on this node"),
                Error::WouldBlock => ApiError::new(e, "the store is busy; try again"),
                e => ApiError::from(e),
            })
    }
}
