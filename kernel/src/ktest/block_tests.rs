//! Tests of the block drivers on every disk QEMU attached: one of each
//! kind must be present (the ktest boots attach virtio-blk, NVMe and
//! AHCI). They overwrite the disks' first 20 MiB and last sector.

use super::remote::Outcome;
use super::{ensure, ktests};
use aios_hal::blk::{BlkError, Disk, DiskKind};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

ktests!(
    one_disk_of_each_kind_is_present,
    capacity_and_identity_are_sane,
    patterns_round_trip_across_ranges,
    misaligned_buffers_round_trip,
    out_of_range_and_odd_lengths_are_refused,
    completions_arrive_by_interrupt,
    tickets_keep_requests_in_flight_together,
    two_cpus_use_a_disk_at_once,
    sequential_throughput_with_1_mib_requests,
);

fn disks() -> &'static [Disk] {
    crate::blk::disks()
}

/// A byte pattern that differs per disk, sector and offset.
fn pattern(seed: u64, lba: u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| {
            let x = seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(lba.wrapping_mul(0x100_0000_01B3))
                .wrapping_add(i as u64);
            (x ^ (x >> 13) ^ (x >> 29)) as u8
        })
        .collect()
}

fn one_disk_of_each_kind_is_present() -> Result<(), String> {
    for kind in [DiskKind::Virtio, DiskKind::Nvme, DiskKind::Ahci] {
        ensure!(
            disks().iter().any(|d| d.kind() == kind),
            "no {:?} disk found (disks: {:?})",
            kind,
            disks().iter().map(|d| d.name()).collect::<Vec<_>>()
        );
    }
    Ok(())
}

fn capacity_and_identity_are_sane() -> Result<(), String> {
    for disk in disks() {
        ensure!(
            disk.sector_size() == 512,
            "{}: sector size {}",
            disk.name(),
            disk.sector_size()
        );
        ensure!(
            disk.sectors() >= 64 * 2048 && disk.sectors() < (1 << 40),
            "{}: implausible capacity {} sectors",
            disk.name(),
            disk.sectors()
        );
        ensure!(
            disk.max_transfer() >= 4096 && disk.max_transfer().is_multiple_of(512),
            "{}: max transfer {}",
            disk.name(),
            disk.max_transfer()
        );
    }
    Ok(())
}

fn round_trip(disk: &Disk, seed: u64, lba: u64, len: usize) -> Result<(), String> {
    let data = pattern(seed, lba, len);
    disk.write(lba, &data)
        .map_err(|e| format!("{}: write {}+{}: {}", disk.name(), lba, len, e))?;
    disk.flush()
        .map_err(|e| format!("{}: flush: {}", disk.name(), e))?;
    let mut back = vec![0u8; len];
    disk.read(lba, &mut back)
        .map_err(|e| format!("{}: read {}+{}: {}", disk.name(), lba, len, e))?;
    if let Some(i) = data.iter().zip(&back).position(|(a, b)| a != b) {
        return Err(format!(
            "{}: lba {} len {}: byte {} differs",
            disk.name(),
            lba,
            len,
            i
        ));
    }
    Ok(())
}

fn patterns_round_trip_across_ranges() -> Result<(), String> {
    for (n, disk) in disks().iter().enumerate() {
        let big = usize::try_from(disk.max_transfer() * 2).unwrap_or(0) + 1536;
        let ranges = [
            (0, 512),
            (7, 3 * 4096 + 512),
            (1000, big),
            (disk.sectors() - 1, 512),
        ];
        for (lba, len) in ranges {
            round_trip(disk, n as u64 + 1, lba, len)?;
        }
        // A second pass with other data proves the first was not stale.
        round_trip(disk, n as u64 + 101, 7, 3 * 4096 + 512)?;
    }
    Ok(())
}

fn misaligned_buffers_round_trip() -> Result<(), String> {
    for disk in disks() {
        let data = pattern(7, 3000, 4096);
        let mut holder = vec![0u8; 4096 + 1];
        holder[1..].copy_from_slice(&data);
        disk.write(3000, &holder[1..])
            .map_err(|e| format!("{}: {}", disk.name(), e))?;
        let mut back = vec![0u8; 4096 + 3];
        disk.read(3000, &mut back[3..])
            .map_err(|e| format!("{}: {}", disk.name(), e))?;
        ensure!(
            back[3..] == data[..],
            "{}: misaligned round trip differs",
            disk.name()
        );
    }
    Ok(())
}

fn out_of_range_and_odd_lengths_are_refused() -> Result<(), String> {
    for disk in disks() {
        let mut two = vec![0u8; 1024];
        let end = disk.sectors();
        let cases: [(&str, Result<(), BlkError>, BlkError); 5] = [
            (
                "read at end",
                disk.read(end, &mut two[..512]),
                BlkError::OutOfRange,
            ),
            (
                "read across end",
                disk.read(end - 1, &mut two),
                BlkError::OutOfRange,
            ),
            (
                "write at u64::MAX",
                disk.write(u64::MAX, &two[..512]),
                BlkError::OutOfRange,
            ),
            (
                "odd length",
                disk.read(0, &mut two[..100]),
                BlkError::BadBuffer,
            ),
            ("empty", disk.write(0, &[]), BlkError::BadBuffer),
        ];
        for (what, got, want) in cases {
            ensure!(
                got == Err(want),
                "{}: {}: {:?}, expected {:?}",
                disk.name(),
                what,
                got,
                want
            );
        }
    }
    Ok(())
}

fn completions_arrive_by_interrupt() -> Result<(), String> {
    for disk in disks() {
        ensure!(
            disk.uses_interrupts(),
            "{}: polled, no MSI/MSI-X",
            disk.name()
        );
        let before = disk.stats();
        let mut buf = vec![0u8; 8192];
        disk.read(16, &mut buf)
            .map_err(|e| format!("{}: {}", disk.name(), e))?;
        let after = disk.stats();
        ensure!(
            after.interrupts > before.interrupts,
            "{}: no completion interrupt",
            disk.name()
        );
        ensure!(
            after.bytes_read >= before.bytes_read + 8192,
            "{}: bytes_read not counted",
            disk.name()
        );
        ensure!(
            after.requests > before.requests,
            "{}: requests not counted",
            disk.name()
        );
    }
    Ok(())
}

fn tickets_keep_requests_in_flight_together() -> Result<(), String> {
    for disk in disks() {
        let lbas: Vec<u64> = (0..4).map(|i| 5000 + i * 64).collect();
        let writes = lbas
            .iter()
            .map(|&lba| disk.submit_write(lba, &pattern(3, lba, 8192)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: submit write: {}", disk.name(), e))?;
        for ticket in writes {
            disk.wait(ticket)
                .map_err(|e| format!("{}: write: {}", disk.name(), e))?;
        }
        let reads = lbas
            .iter()
            .map(|&lba| disk.submit_read(lba, 8192))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: submit read: {}", disk.name(), e))?;
        for (ticket, &lba) in reads.into_iter().zip(&lbas) {
            let data = disk
                .wait(ticket)
                .map_err(|e| format!("{}: read: {}", disk.name(), e))?;
            ensure!(
                data == pattern(3, lba, 8192),
                "{}: ticket read of {} differs",
                disk.name(),
                lba
            );
        }
        let too_big = usize::try_from(disk.max_transfer()).unwrap_or(0) + 512;
        ensure!(
            matches!(disk.submit_read(0, too_big), Err(BlkError::BadBuffer)),
            "{}: a ticket above the max transfer was accepted",
            disk.name()
        );
    }
    Ok(())
}

/// What the other CPU's worker found.
static REMOTE: Outcome = Outcome::new();

/// The other CPU's half of `two_cpus_use_a_disk_at_once`, run from that
/// CPU's main loop.
fn remote_worker() {
    let result = disks()
        .iter()
        .enumerate()
        .try_for_each(|(n, disk)| hammer(disk, 200 + n as u64, 9000));
    REMOTE.report(result);
}

/// Eight 64 KiB round trips in a region of its own.
fn hammer(disk: &Disk, seed: u64, lba: u64) -> Result<(), String> {
    for i in 0..8u64 {
        round_trip(disk, seed + i, lba + i * 128, 65536)?;
    }
    Ok(())
}

fn two_cpus_use_a_disk_at_once() -> Result<(), String> {
    let Some(other) = super::remote::other_online_cpu() else {
        crate::println!("ktest: block: one CPU, the two-CPU case is skipped");
        return Ok(());
    };
    let before: Vec<u64> = disks().iter().map(|d| d.stats().requests).collect();
    REMOTE.start(other, remote_worker)?;
    for (n, disk) in disks().iter().enumerate() {
        hammer(disk, 300 + n as u64, 12000)?;
    }
    REMOTE.wait(other, 60, || aios_hal::clock::spin_ns(1_000_000))?;
    for (disk, was) in disks().iter().zip(before) {
        // Both halves: 2 × 8 round trips of write, flush, read each.
        ensure!(
            disk.stats().requests >= was + 48,
            "{}: requests missing",
            disk.name()
        );
    }
    Ok(())
}

fn sequential_throughput_with_1_mib_requests() -> Result<(), String> {
    const MIB: usize = 1 << 20;
    const TOTAL_MIB: u64 = 16;
    for disk in disks() {
        let data = pattern(77, 0, MIB);
        let start_lba = 4096;
        let t0 = aios_hal::clock::now_ns();
        for i in 0..TOTAL_MIB {
            disk.write(start_lba + i * 2048, &data)
                .map_err(|e| format!("{}: {}", disk.name(), e))?;
        }
        disk.flush()
            .map_err(|e| format!("{}: flush: {}", disk.name(), e))?;
        let t1 = aios_hal::clock::now_ns();
        let mut back = vec![0u8; MIB];
        for i in 0..TOTAL_MIB {
            disk.read(start_lba + i * 2048, &mut back)
                .map_err(|e| format!("{}: {}", disk.name(), e))?;
            ensure!(back == data, "{}: MiB {} read back differs", disk.name(), i);
        }
        let t2 = aios_hal::clock::now_ns();
        let rate = |ns: u64| TOTAL_MIB * 1_000_000_000 / ns.max(1);
        crate::println!(
            "blk-bench: {} write {} MiB/s read {} MiB/s ({} MiB, 1 MiB requests)",
            disk.name(),
            rate(t1 - t0),
            rate(t2 - t1),
            TOTAL_MIB
        );
    }
    Ok(())
}
