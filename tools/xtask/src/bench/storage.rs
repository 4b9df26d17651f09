//! The `storage` suite: the kernel's `bench-storage` measurement, run at
//! boot with a fresh blank disk on each controller. Per controller: raw
//! sequential write and read through the driver, then a 256 MiB object
//! written and read through the store, and 4 KiB puts that each commit;
//! then snapshot cost with 1,000 and 100,000 objects. One boot under
//! `-icount shift=0` (ns are guest instructions), one for wall time. The
//! disks use QEMU's `cache=unsafe`: guest flushes cost the host nothing,
//! so the figures are the guest's path (driver, store, checksums), not
//! this machine's disk, and under `-icount` a host `fsync` cannot show up
//! as a jump of the guest's clock.

use std::time::Duration;

use super::Measure;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::disks::Controller;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::serial::{Session, Wait};

const READY_TIMEOUT: Duration = Duration::from_secs(180);
const RESULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// Each controller's scratch disk (sparse).
const DISK_BYTES: u64 = 1 << 30;

/// One controller's figures, in ns (guest instructions under icount).
#[derive(Debug, Clone, Default, PartialEq)]
struct DiskFigures {
    raw_bytes: f64,
    raw_write_ns: f64,
    raw_read_ns: f64,
    store_bytes: f64,
    store_write_ns: f64,
    store_read_ns: f64,
    puts: f64,
    puts_ns: f64,
}

/// What one boot measured.
#[derive(Debug, Clone, Default, PartialEq)]
struct Figures {
    disks: Vec<(Controller, DiskFigures)>,
    /// (objects, ns) per snapshot measured.
    snapshots: Vec<(f64, f64)>,
}

/// Measures storage: one boot under icount, one for wall time.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let cmdline = format!("{DEFAULT_CMDLINE} bench-storage");
    let mut measures = Vec::new();
    for (step, counted) in [(1, true), (2, false)] {
        let label = if counted { "icount" } else { "wall" };
        println!("xtask: [{step}/2] bench storage ({label}) …");
        let mut machine = super::pvh_machine(paths, &kernel, &cmdline, 1, counted);
        machine.memory = "1G".to_string();
        let dir = paths.aios.join("bench-disks");
        machine
            .extra
            .extend(crate::disks::scratch_disks(&dir, DISK_BYTES, "unsafe")?);
        let figures =
            super::measure_boot(paths, &machine, &format!("bench-storage-{label}"), drive)?;
        measures.extend(to_measures(&figures, counted));
    }
    Ok(measures)
}

fn mib_per_s(bytes: f64, ns: f64) -> f64 {
    if ns <= 0.0 {
        return 0.0;
    }
    bytes / (1 << 20) as f64 / (ns / 1e9)
}

fn to_measures(figures: &Figures, counted: bool) -> Vec<Measure> {
    let (suffix, time_unit) = if counted {
        ("guest", "instructions")
    } else {
        ("wall", "ns")
    };
    let measure = |name: String, value: f64, unit: &str, target: Option<&str>| Measure {
        name,
        value,
        unit: unit.to_string(),
        target: target.map(String::from),
    };
    let mut out = Vec::new();
    for (controller, d) in &figures.disks {
        let c = controller.name();
        let raw_w = mib_per_s(d.raw_bytes, d.raw_write_ns);
        let raw_r = mib_per_s(d.raw_bytes, d.raw_read_ns);
        let store_w = mib_per_s(d.store_bytes, d.store_write_ns);
        let store_r = mib_per_s(d.store_bytes, d.store_read_ns);
        let rate = if counted { "MiB/s guest" } else { "MiB/s wall" };
        out.push(measure(
            format!("raw_seq_write_{c}_{suffix}"),
            raw_w,
            rate,
            None,
        ));
        out.push(measure(
            format!("raw_seq_read_{c}_{suffix}"),
            raw_r,
            rate,
            None,
        ));
        out.push(measure(
            format!("store_write_256MiB_{c}_{suffix}"),
            store_w,
            rate,
            None,
        ));
        out.push(measure(
            format!("store_read_256MiB_{c}_{suffix}"),
            store_r,
            rate,
            None,
        ));
        out.push(measure(
            format!("store_write_vs_raw_{c}_{suffix}"),
            100.0 * store_w / raw_w.max(f64::MIN_POSITIVE),
            "%",
            Some(">= 70"),
        ));
        out.push(measure(
            format!("store_read_vs_raw_{c}_{suffix}"),
            100.0 * store_r / raw_r.max(f64::MIN_POSITIVE),
            "%",
            Some(">= 70"),
        ));
        out.push(measure(
            format!("put_4k_commits_per_s_{c}_{suffix}"),
            d.puts / (d.puts_ns / 1e9).max(f64::MIN_POSITIVE),
            "commits/s",
            None,
        ));
    }
    for (objects, ns) in &figures.snapshots {
        out.push(measure(
            format!("snapshot_{}_objects_{suffix}", *objects as u64),
            *ns,
            time_unit,
            Some("< 1000000"),
        ));
    }
    out
}

fn drive(session: &mut Session) -> Result<Figures, String> {
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(_) => {}
        other => return Err(format!("no ready line ({other:?})")),
    }
    match session.wait_for(RESULT_TIMEOUT, |line| {
        let line = protocol::without_prompt(line);
        line.starts_with("bench: storage done") || line.starts_with("bench: storage failed")
    }) {
        Wait::Found(line) if line.text.contains("done") => {}
        Wait::Found(line) => return Err(line.text),
        other => return Err(format!("no storage results ({other:?})")),
    }
    parse(
        session
            .lines()
            .iter()
            .map(|l| protocol::without_prompt(&l.text)),
    )
}

/// Reads the `bench: storage-<controller> …` and `bench: snapshot …` lines.
fn parse<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Figures, String> {
    let mut figures = Figures::default();
    for line in lines {
        let Some(rest) = line.strip_prefix("bench: ") else {
            continue;
        };
        let (head, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let values = pairs(tail);
        let get = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| *v)
                .ok_or_else(|| format!("no `{key}` in `{line}`"))
        };
        if let Some(name) = head.strip_prefix("storage-") {
            let controller =
                Controller::parse(name).ok_or_else(|| format!("unknown controller in `{line}`"))?;
            figures.disks.push((
                controller,
                DiskFigures {
                    raw_bytes: get("raw_bytes")?,
                    raw_write_ns: get("raw_write_ns")?,
                    raw_read_ns: get("raw_read_ns")?,
                    store_bytes: get("store_bytes")?,
                    store_write_ns: get("store_write_ns")?,
                    store_read_ns: get("store_read_ns")?,
                    puts: get("puts")?,
                    puts_ns: get("puts_ns")?,
                },
            ));
        } else if head == "snapshot" {
            figures
                .snapshots
                .push((get("objects")?, get("snapshot_ns")?));
        }
    }
    if figures.disks.len() != Controller::ALL.len() || figures.snapshots.is_empty() {
        return Err(format!("incomplete results: {figures:?}"));
    }
    Ok(figures)
}

fn pairs(text: &str) -> Vec<(String, f64)> {
    text.split_whitespace()
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_parse_into_figures_and_measures() {
        let mut lines = Vec::new();
        for c in ["virtio", "nvme", "ahci"] {
            lines.push(format!(
                "bench: storage-{c} raw_bytes=1048576 raw_write_ns=1000000000 raw_read_ns=500000000 \
                 store_bytes=1048576 store_write_ns=2000000000 store_read_ns=500000000 puts=100 puts_ns=1000000000"
            ));
        }
        lines.push("bench: snapshot objects=1000 snapshot_ns=5000".to_string());
        lines.push("bench: snapshot objects=100000 snapshot_ns=5100".to_string());
        let figures = parse(lines.iter().map(String::as_str)).unwrap();
        assert_eq!(figures.disks.len(), 3);
        let measures = to_measures(&figures, true);
        let find = |name: &str| measures.iter().find(|m| m.name == name).unwrap().value;
        assert_eq!(find("raw_seq_write_virtio_guest"), 1.0);
        assert_eq!(find("raw_seq_read_nvme_guest"), 2.0);
        assert_eq!(find("store_write_vs_raw_ahci_guest"), 50.0);
        assert_eq!(find("put_4k_commits_per_s_virtio_guest"), 100.0);
        assert_eq!(find("snapshot_100000_objects_guest"), 5100.0);
        assert!(parse(lines[..2].iter().map(String::as_str)).is_err());
    }
}
