//! A snapshot of one capability, as checks and listings return it.

use crate::resource::Resource;
use aios_abi::Handle;
use aios_abi::payload::{CapInfo, CapKind};

/// One capability as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapView {
    /// Its handle in the holder's table.
    pub handle: Handle,
    /// Kind of the resource.
    pub kind: CapKind,
    /// Rights bits (`aios_abi::payload::rights`).
    pub rights: u32,
    /// What it designates.
    pub resource: Resource,
    /// Quota remaining; `None` means unlimited.
    pub quota: Option<u64>,
    /// Expiry in nanoseconds since boot; `None` means never.
    pub expires_ns: Option<u64>,
}

impl CapView {
    /// The ABI form reported by `cap_list`.
    pub fn to_info(&self) -> CapInfo {
        CapInfo {
            handle: self.handle.raw(),
            kind: self.kind,
            rights: self.rights,
            resource: self.resource.describe(),
            quota: self.quota,
            expires_ns: self.expires_ns,
        }
    }
}
