//! Helpers shared by the integration tests: a signed log, scratch files,
//! and running the `aios-audit` binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use aios_audit::{AuditLog, Config, Kind};
use aios_audit_tool::hex;

/// A log of 15 records (seq 0..14) with signed checkpoints at 5, 11 and 14.
pub fn log() -> AuditLog {
    let config = Config {
        checkpoint_every: 5,
        max_records: 1000,
    };
    let mut log = AuditLog::with_config([42; 32], config);
    let kinds = [Kind::Boot, Kind::Spawn, Kind::Grant, Kind::Denial];
    for i in 0..12u64 {
        let kind = kinds[(i % 4) as usize];
        log.append(i * 1000, kind, i % 3, &format!("event {i}"));
    }
    assert!(log.checkpoint(99_000).is_ok());
    log
}

/// The log's node key fingerprint in hex.
pub fn fingerprint_hex(log: &AuditLog) -> String {
    hex::encode(&log.key_fingerprint())
}

/// A path in the test's scratch directory no other call of this run uses
/// (the next run reuses the same names, so files do not pile up).
pub fn scratch(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "aios-audit-{}-{n}-{name}",
        env!("CARGO_CRATE_NAME")
    ));
    // A stale file from the last run must not pass for this run's output.
    let _ = std::fs::remove_file(&path);
    path
}

/// Writes `bytes` to a fresh scratch file.
pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// What a run of the binary printed and how it exited.
pub struct Run {
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
    /// Exit status (-1 if killed by a signal).
    pub code: i32,
}

/// Runs `aios-audit` with `args`.
pub fn aios_audit(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_aios-audit"))
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Runs `aios-audit verify PATH EXTRA...`.
pub fn verify(path: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["verify", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    aios_audit(&args)
}
