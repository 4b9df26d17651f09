//! Facts about the running system gathered at boot, for the console and
//! tests.

use crate::cmdline::Cmdline;
use aios_hal::{BootCpu, BootInfo};
use spin::Once;

/// What boot established.
pub struct System {
    /// The loader's hand-over.
    pub boot_info: &'static BootInfo,
    /// The command line.
    pub cmdline: Cmdline,
    /// Boot CPU bring-up results.
    pub boot_cpu: BootCpu,
    /// CPUs the firmware lists as usable.
    pub cpus_present: usize,
    /// The boot bundle's bytes (empty if none).
    pub bundle: &'static [u8],
    /// TSC ticks from kernel entry to `ready`.
    pub boot_ticks: u64,
}

static SYSTEM: Once<System> = Once::new();

/// Records the boot facts (once).
pub fn set(system: System) -> &'static System {
    SYSTEM.call_once(|| system)
}

/// The boot facts; `None` only before boot completes.
pub fn get() -> Option<&'static System> {
    SYSTEM.get()
}

/// The version printed in the ready line.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
