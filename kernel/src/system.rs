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

/// The system facts as `system_info` reports them (and `info` prints).
pub fn snapshot() -> aios_abi::payload::SystemInfo {
    use alloc::string::String;
    use alloc::vec::Vec;
    let frames = aios_hal::frames::stats();
    let (boot_path, verified_by, cpus_present, measurements) = match get() {
        Some(sys) => {
            let (path, key) = match sys.boot_info.boot_path {
                aios_bootinfo::BootPath::Uefi => ("uefi", Some(sys.boot_info.verified_by.to_vec())),
                aios_bootinfo::BootPath::Pvh => ("pvh", None),
            };
            let log = aios_hal::memory::boot_log(sys.boot_info).unwrap_or(&[]);
            let measurements: Vec<_> = log
                .iter()
                .map(|m| aios_abi::payload::Measurement {
                    name: String::from(m.name()),
                    size: m.size,
                    sha3_256: m.sha3_256.to_vec(),
                    verified: m.verified != 0,
                })
                .collect();
            (path, key, sys.cpus_present, measurements)
        }
        None => ("unknown", None, 1, Vec::new()),
    };
    aios_abi::payload::SystemInfo {
        version: String::from(VERSION),
        cpus_online: aios_hal::percpu::online_count() as u32,
        cpus_present: cpus_present as u32,
        memory_total: frames.total * 4096,
        memory_free: frames.free * 4096,
        uptime_ns: aios_hal::clock::now_ns(),
        boot_path: String::from(boot_path),
        verified_by,
        measurements,
        heap_used: aios_hal::heap::stats().used,
        idle_ns: aios_hal::percpu::idle_ns_total(),
    }
}
