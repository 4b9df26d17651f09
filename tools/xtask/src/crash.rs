//! Crash consistency: boots a machine, starts the `storewriter` agent,
//! kills QEMU at a random moment of its write workload, and checks on the
//! host that the disk mounts (replaying its journal), holds every write
//! the agent saw acknowledged, and checks clean. The workload is
//! recomputed here: keep [`value`] and [`KEYS`] equal to the agent's.

use std::time::Duration;

use crate::disks::Controller;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::Session;

/// How many machines are killed.
pub const RUNS: u64 = 20;
/// Distinct keys of the workload (`agents/examples/storewriter`).
const KEYS: u64 = 300;
/// Size of each run's data disk.
const DISK_BYTES: u64 = 64 << 20;
/// The kill comes this long (wall time, uniformly drawn) after the
/// workload starts.
const KILL_WINDOW_MS: (u64, u64) = (100, 2500);

/// The value operation `n` writes (as the agent computes it).
pub fn value(n: u64) -> Vec<u8> {
    let len = 64 + (n * 7919) % 8192;
    let unit = format!("{n:08}|");
    unit.bytes().cycle().take(len as usize).collect()
}

/// What key `k` may hold after operations `0..=last` were acknowledged:
/// the effect of the last of them on `k`, or, if the unacknowledged next
/// operation touches `k`, that one's effect instead.
pub fn allowed(k: u64, last: Option<u64>) -> Vec<Option<Vec<u8>>> {
    let effect = |n: u64| (n % 50 != 49).then(|| value(n));
    let acknowledged = last.and_then(|last| {
        let mut n = last - last % KEYS + k;
        if n > last {
            n = n.checked_sub(KEYS)?;
        }
        Some(n)
    });
    let mut allowed = vec![acknowledged.and_then(effect)];
    let next = last.map_or(0, |l| l + 1);
    if next % KEYS == k {
        allowed.push(effect(next));
    }
    allowed
}

/// A small deterministic generator for kill times.
fn kill_after(run: u64) -> Duration {
    let mut x = run.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    let (low, high) = KILL_WINDOW_MS;
    Duration::from_millis(low + x % (high - low))
}

/// The highest `acked N` the serial log shows.
fn last_acked(session: &Session) -> Option<u64> {
    session
        .lines()
        .iter()
        .filter_map(|l| l.text.split("acked ").nth(1)?.trim().parse::<u64>().ok())
        .max()
}

/// Runs [`RUNS`] crashes, cycling through the controllers.
pub fn runs(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    let dir = paths.aios.join("e2e-store");
    let mut failures = Vec::new();
    let mut acked_total = 0;
    for run in 0..RUNS {
        let controller = Controller::ALL[(run % 3) as usize];
        let image = dir.join(format!("crash-{run}.img"));
        crate::data_disk::format(&image, DISK_BYTES)?;
        let machine = crate::e2e_store::machine(paths, &image, controller);
        let mut session = Session::spawn(&machine, false)?;
        let started = crate::e2e_store::console_ready(&mut session)
            .and_then(|()| send(&mut session, "spawn storewriter"))
            .and_then(|()| {
                found(
                    session.wait_for(Duration::from_secs(60), |l| {
                        l.contains("storewriter: start")
                    }),
                    "the workload's start",
                )
            });
        if let Err(why) = started {
            session.kill();
            failures.push(format!("run {run}: {why}"));
            continue;
        }
        std::thread::sleep(kill_after(run));
        session.kill();
        let last = last_acked(&session);
        session.save_log(&paths.logs(), &format!("crash-{run}"))?;
        acked_total += last.map_or(0, |l| l + 1);
        if let Err(why) = verify(&image, last) {
            failures.push(format!(
                "run {run} ({}, killed after {:?}, last acked {last:?}): {why}",
                controller.name(),
                kill_after(run)
            ));
        } else {
            let _ = std::fs::remove_file(&image);
        }
    }
    println!(
        "  {RUNS} machines killed mid-workload, {acked_total} acknowledged operations checked"
    );
    checks.record(
        &format!(
            "{RUNS} crashes mid-workload: every acknowledged write survives, disks check clean"
        ),
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        },
    );
    Ok(())
}

/// Mounts the crashed disk and checks it against the workload.
fn verify(image: &std::path::Path, last: Option<u64>) -> Result<(), String> {
    let mut store = crate::data_disk::mount(image)?;
    for k in 0..KEYS {
        let key = format!("k{k}");
        let held = match store.get("crash", &key, None) {
            Ok(object) => Some(object.value),
            Err(aios_store::Error::NotFound | aios_store::Error::NoNamespace) => None,
            Err(e) => return Err(format!("reading {key}: {e}")),
        };
        if !allowed(k, last).contains(&held) {
            return Err(format!(
                "{key} holds {} instead of what the acknowledged writes left",
                held.map_or("nothing".to_string(), |v| {
                    String::from_utf8_lossy(&v[..v.len().min(9)]).into_owned()
                })
            ));
        }
    }
    let report = store.fsck().map_err(|e| format!("fsck: {e}"))?;
    if !report.problems.is_empty() {
        return Err(format!("fsck found {:?}", report.problems));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_the_agents_recipe() {
        assert_eq!(value(0).len(), 64);
        assert!(value(3).starts_with(b"00000003|0000"));
        assert_eq!(value(1).len(), 64 + 7919);
    }

    #[test]
    fn allowed_values_follow_the_last_acknowledged_operation() {
        // Nothing acknowledged: key 0 may be empty or hold operation 0.
        assert_eq!(allowed(0, None), vec![None, Some(value(0))]);
        assert_eq!(allowed(5, None), vec![None]);
        // After 0..=305: key 5 was last put by operation 305.
        assert_eq!(allowed(5, Some(305)), vec![Some(value(305))]);
        // Key 6 by 6, and 306 (unacknowledged) may have landed.
        assert_eq!(
            allowed(6, Some(305)),
            vec![Some(value(6)), Some(value(306))]
        );
        // Operation 349 deletes key 49.
        assert_eq!(allowed(49, Some(349)), vec![None]);
        assert_eq!(
            allowed(48, Some(347)),
            vec![Some(value(48)), Some(value(348))]
        );
    }

    #[test]
    fn kill_times_stay_in_the_window() {
        for run in 0..100 {
            let t = kill_after(run).as_millis() as u64;
            assert!((KILL_WINDOW_MS.0..KILL_WINDOW_MS.1).contains(&t));
        }
    }
}
