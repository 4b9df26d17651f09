//! The payload of `system_info`.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// One boot-log entry in [`SystemInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Measurement {
    /// Component name.
    #[n(0)]
    pub name: String,
    /// Size in bytes.
    #[n(1)]
    pub size: u64,
    /// SHA3-256 digest.
    #[n(2)]
    pub sha3_256: Vec<u8>,
    /// Covered by the verified signature.
    #[n(3)]
    pub verified: bool,
}

/// Reply of `system_info`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SystemInfo {
    /// Kernel version.
    #[n(0)]
    pub version: String,
    /// CPUs running.
    #[n(1)]
    pub cpus_online: u32,
    /// CPUs the firmware lists.
    #[n(2)]
    pub cpus_present: u32,
    /// RAM managed by the kernel, bytes.
    #[n(3)]
    pub memory_total: u64,
    /// RAM free, bytes.
    #[n(4)]
    pub memory_free: u64,
    /// Nanoseconds since boot.
    #[n(5)]
    pub uptime_ns: u64,
    /// `"uefi"` or `"pvh"`.
    #[n(6)]
    pub boot_path: String,
    /// Fingerprint of the key that verified the boot (UEFI only).
    #[n(7)]
    pub verified_by: Option<Vec<u8>>,
    /// The boot log.
    #[n(8)]
    pub measurements: Vec<Measurement>,
    /// Kernel heap bytes in use.
    #[n(9)]
    pub heap_used: u64,
    /// Nanoseconds all CPUs have spent halted since boot (elapsed time
    /// minus this is the time they worked).
    #[n(10)]
    pub idle_ns: u64,
}
