//! The serial console: a line editor and the built-in commands. (It
//! becomes an agent once agents exist.)

use crate::{println, system};
use aios_hal::serial;
use core::sync::atomic::Ordering;

const MAX_LINE: usize = 256;
const PROMPT: &[u8] = b"aios> ";

/// Serves the console forever.
pub fn run() -> ! {
    let mut line = [0u8; MAX_LINE];
    let mut len = 0usize;
    let mut overflow = false;
    serial::write_bytes(PROMPT);
    loop {
        let Some(byte) = serial::try_read() else {
            aios_hal::percpu::idle();
            continue;
        };
        match byte {
            b'\r' | b'\n' => {
                serial::write_bytes(b"\n");
                if overflow {
                    println!("error: line longer than {} bytes, ignored", MAX_LINE);
                } else {
                    match core::str::from_utf8(&line[..len]) {
                        Ok(text) => execute(text.trim()),
                        Err(_) => println!("error: input is not UTF-8"),
                    }
                }
                len = 0;
                overflow = false;
                serial::write_bytes(PROMPT);
            }
            0x08 | 0x7F if len > 0 => {
                len -= 1;
                serial::write_bytes(b"\x08 \x08");
            }
            0x20..=0x7E | 0x80..=0xFF => {
                if len < MAX_LINE {
                    line[len] = byte;
                    len += 1;
                    serial::write_bytes(&[byte]);
                } else {
                    overflow = true;
                }
            }
            _ => {}
        }
    }
}

/// Runs one command line.
pub fn execute(line: &str) {
    let mut words = line.split_ascii_whitespace();
    let Some(command) = words.next() else {
        return;
    };
    match command {
        "help" => help(),
        "info" => info(),
        "poweroff" => {
            println!("powering off");
            let why = crate::power::power_off();
            println!("error: poweroff failed: {}", why);
        }
        other => println!("unknown command: {}", other),
    }
}

fn help() {
    println!("commands:");
    println!("  help      this list");
    println!("  info      CPUs, memory, uptime, boot measurements");
    println!("  poweroff  switch the machine off (ACPI S5)");
}

fn info() {
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
