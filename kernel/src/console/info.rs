//! `info`: CPUs, memory, uptime, boot path and measurements, bundle.

use crate::{println, system};
use core::sync::atomic::Ordering;

pub(super) fn run() {
    let Some(sys) = system::get() else {
        println!("error: system not initialised");
        return;
    };
    println!("AIOS {}", system::VERSION);
    println!(
        "cpus online: {} of {}",
        aios_hal::percpu::online_count(),
        sys.cpus_present
    );
    let frames = aios_hal::frames::stats();
    println!(
        "memory: total {} MiB, free {} MiB",
        (frames.total * 4096) >> 20,
        (frames.free * 4096) >> 20
    );
    let heap = aios_hal::heap::stats();
    println!(
        "heap: {} KiB mapped, {} KiB used",
        heap.mapped >> 10,
        heap.used >> 10
    );
    let ns = aios_hal::clock::now_ns();
    println!(
        "uptime: {}.{:03} s",
        ns / 1_000_000_000,
        (ns / 1_000_000) % 1000
    );
    for cpu in aios_hal::percpu::all() {
        if !cpu.online.load(Ordering::Acquire) {
            continue;
        }
        let idle = cpu.idle_ns.load(Ordering::Relaxed);
        println!(
            "  cpu {} apic {}: idle {}%, {} timer ticks, {} interrupts",
            cpu.index,
            cpu.apic_id.load(Ordering::Relaxed),
            (u128::from(idle) * 100 / u128::from(ns.max(1))) as u64,
            cpu.ticks.load(Ordering::Relaxed),
            cpu.interrupts.load(Ordering::Relaxed)
        );
    }
    println!(
        "clock: tsc {} MHz, boot took {} ms",
        sys.boot_cpu.calibration.tsc_hz / 1_000_000,
        aios_hal::clock::tsc_to_ns(sys.boot_ticks) / 1_000_000
    );
    println!("random: {}", crate::random::status());
    match sys.boot_info.boot_path {
        aios_bootinfo::BootPath::Pvh => println!("boot: pvh unverified"),
        aios_bootinfo::BootPath::Uefi => println!(
            "boot: uefi verified key {}",
            Hex(&sys.boot_info.verified_by[..8])
        ),
    }
    match aios_hal::memory::boot_log(sys.boot_info) {
        Ok(log) => {
            for m in log {
                println!(
                    "measured: {} {} bytes sha3-256 {}{}",
                    m.name(),
                    m.size,
                    Hex(&m.sha3_256),
                    if m.verified != 0 { " verified" } else { "" }
                );
            }
        }
        Err(_) => println!("error: boot log unreadable"),
    }
    match aios_bundle::Bundle::parse(sys.bundle) {
        Ok(bundle) => {
            println!(
                "bundle: {} entries, {} bytes",
                bundle.len(),
                sys.bundle.len()
            );
            for entry in bundle.iter() {
                println!("  {} ({} bytes)", entry.name, entry.data.len());
            }
        }
        Err(e) if sys.bundle.is_empty() => {
            let _ = e;
            println!("bundle: none");
        }
        Err(e) => println!("bundle: malformed ({})", e),
    }
    println!("cmdline: {}", sys.cmdline.as_str());
}

/// Lower-case hex of a byte slice.
pub struct Hex<'a>(pub &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{:02x}", b)?;
        }
        Ok(())
    }
}
