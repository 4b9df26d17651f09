//! Network glue: probes the PCI network controllers once and keeps the
//! interfaces for the network stack.

use aios_hal::net::Nic;
use alloc::vec::Vec;
use spin::Once;

static NICS: Once<Vec<Nic>> = Once::new();

/// Probes every supported network interface (once) and logs what was
/// found.
pub fn init() {
    NICS.call_once(|| {
        let windows = crate::blk::ecam_windows();
        if windows.is_empty() {
            return Vec::new();
        }
        aios_hal::net::probe(&windows)
    });
    for nic in nics() {
        let m = nic.mac();
        crate::info!(
            "net: {}, mac {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, link {}{}",
            nic.name(),
            m[0],
            m[1],
            m[2],
            m[3],
            m[4],
            m[5],
            if nic.link_up() { "up" } else { "down" },
            if nic.has_interrupt() { "" } else { " (polled)" }
        );
    }
}

/// The interfaces found at boot (empty before `init`).
pub fn nics() -> &'static [Nic] {
    NICS.get().map_or(&[], Vec::as_slice)
}
