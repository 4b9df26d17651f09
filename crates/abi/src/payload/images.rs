//! The payload of `image_list`: bundle images and their restart policies.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Restart modes in [`ImageInfo::restart_mode`].
pub mod restart_mode {
    /// Never restarted.
    pub const NEVER: u8 = 0;
    /// Restarted when it traps or exits with a non-zero code.
    pub const ON_FAILURE: u8 = 1;
    /// Restarted whenever it ends (except when killed).
    pub const ALWAYS: u8 = 2;
}

/// One agent image of the bundle or deployed at run time, as
/// `image_list` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct ImageInfo {
    /// Image name.
    #[n(0)]
    pub name: String,
    /// Why it was refused at load; none if it is ready to spawn.
    #[n(1)]
    pub refused: Option<String>,
    /// Started at boot (by the supervisor).
    #[n(2)]
    pub start_at_boot: bool,
    /// Images that must be running first.
    #[n(3)]
    pub depends_on: Vec<String>,
    /// A [`restart_mode`] value.
    #[n(4)]
    pub restart_mode: u8,
    /// Restarts allowed within `window_ms` before the circuit breaker opens.
    #[n(5)]
    pub max_restarts: u32,
    /// First restart delay; doubles on each restart.
    #[n(6)]
    pub backoff_initial_ms: u64,
    /// Longest restart delay.
    #[n(7)]
    pub backoff_max_ms: u64,
    /// Window over which restarts are counted.
    #[n(8)]
    pub window_ms: u64,
    /// Deployed at run time (through the node's API) rather than from the
    /// signed boot bundle. Absent means false.
    #[n(9)]
    #[cbor(default)]
    pub deployed: bool,
}

/// Reply of `image_list`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct ImageList {
    /// Every image: those the boot manifest names and those deployed, by
    /// name.
    #[n(0)]
    pub images: Vec<ImageInfo>,
}
