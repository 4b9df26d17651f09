//! The lines of `info`, rendered from `system_info` in the kernel
//! console's formats.

use aios_abi::payload::SystemInfo;

/// The `info` output, one string per line.
pub fn lines(info: &SystemInfo) -> Vec<String> {
    let mut out = vec![
        format!("AIOS {}", info.version),
        format!("cpus online: {} of {}", info.cpus_online, info.cpus_present),
        format!(
            "memory: total {} MiB, free {} MiB",
            info.memory_total >> 20,
            info.memory_free >> 20
        ),
        format!("heap: {} KiB used", info.heap_used >> 10),
        format!(
            "uptime: {}.{:03} s",
            info.uptime_ns / 1_000_000_000,
            (info.uptime_ns / 1_000_000) % 1000
        ),
        // Exact, for measuring: busy time is the uptime times the CPUs
        // minus this (under `-icount shift=0`, guest instructions).
        format!(
            "idle: {} ns summed over the cpus, uptime {} ns",
            info.idle_ns, info.uptime_ns
        ),
        boot_line(info),
    ];
    out.extend(info.measurements.iter().map(|m| {
        format!(
            "measured: {} {} bytes sha3-256 {}{}",
            m.name,
            m.size,
            Hex(&m.sha3_256),
            if m.verified { " verified" } else { "" }
        )
    }));
    out
}

/// `boot: uefi verified key <16 hex>` when a key verified the boot, else
/// `boot: <path> unverified` (`pvh` in practice).
fn boot_line(info: &SystemInfo) -> String {
    match (info.boot_path.as_str(), &info.verified_by) {
        ("uefi", Some(key)) => {
            let fingerprint = key.get(..8).unwrap_or(key);
            format!("boot: uefi verified key {}", Hex(fingerprint))
        }
        (path, _) => format!("boot: {path} unverified"),
    }
}

/// Lower-case hex of a byte slice.
pub struct Hex<'a>(pub &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aios_abi::payload::Measurement;

    fn sample() -> SystemInfo {
        SystemInfo {
            version: "0.1.0".into(),
            cpus_online: 2,
            cpus_present: 4,
            memory_total: 511 << 20,
            memory_free: (500 << 20) + 12345,
            uptime_ns: 2_797_654_321,
            boot_path: "pvh".into(),
            verified_by: None,
            measurements: Vec::new(),
            heap_used: 3 << 10 | 1000,
            idle_ns: 0,
        }
    }

    #[test]
    fn pvh_boot_lines() {
        assert_eq!(
            lines(&sample()),
            [
                "AIOS 0.1.0",
                "cpus online: 2 of 4",
                "memory: total 511 MiB, free 500 MiB",
                "heap: 3 KiB used",
                "uptime: 2.797 s",
                "idle: 0 ns summed over the cpus, uptime 2797654321 ns",
                "boot: pvh unverified",
            ]
        );
    }

    #[test]
    fn uefi_boot_shows_key_and_measurements() {
        let mut info = sample();
        info.uptime_ns = 5_000_000;
        info.boot_path = "uefi".into();
        info.verified_by = Some((0u8..32).collect());
        info.measurements = vec![
            Measurement {
                name: "kernel.elf".into(),
                size: 123_456,
                sha3_256: vec![0xAB; 32],
                verified: true,
            },
            Measurement {
                name: "cmdline".into(),
                size: 0,
                sha3_256: vec![0x01; 32],
                verified: false,
            },
        ];
        let out = lines(&info);
        assert_eq!(out[4], "uptime: 0.005 s");
        assert_eq!(out[6], "boot: uefi verified key 0001020304050607");
        assert_eq!(
            out[7],
            format!(
                "measured: kernel.elf 123456 bytes sha3-256 {} verified",
                "ab".repeat(32)
            )
        );
        assert_eq!(
            out[8],
            format!("measured: cmdline 0 bytes sha3-256 {}", "01".repeat(32))
        );
        assert_eq!(out.len(), 9);
    }

    #[test]
    fn short_or_missing_keys_do_not_panic() {
        let mut info = sample();
        info.boot_path = "uefi".into();
        info.verified_by = Some(vec![0xFE, 0xED]);
        assert_eq!(lines(&info)[6], "boot: uefi verified key feed");
        info.verified_by = None;
        assert_eq!(lines(&info)[6], "boot: uefi unverified");
    }
}
