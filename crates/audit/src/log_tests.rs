//! The in-memory log: tampering is caught by `AuditLog::verify`, and the
//! count of records since the last checkpoint.

use alloc::string::String;

use super::*;

fn small_log() -> AuditLog {
    let config = Config {
        checkpoint_every: 4,
        max_records: 64,
    };
    let mut log = AuditLog::with_config([7; 32], config);
    for i in 0..10u64 {
        log.append(i * 100, Kind::Spawn, i, "agent");
    }
    log
}

#[test]
fn an_altered_record_in_memory_is_named() {
    let mut log = small_log();
    assert!(log.verify().is_ok());
    log.records[3].detail = String::from("forged");
    assert_eq!(log.verify(), Err(AuditError::BadHash { seq: 3 }));
}

#[test]
fn a_removed_record_in_memory_is_named() {
    let mut log = small_log();
    log.records.remove(2);
    assert_eq!(log.verify(), Err(AuditError::BrokenChain { seq: 2 }));
}

#[test]
fn a_removed_checkpoint_in_memory_is_named() {
    let mut log = small_log();
    let dropped = log.checkpoints.pop_front().map(|c| c.seq);
    assert_eq!(dropped, Some(4));
    assert_eq!(log.verify(), Err(AuditError::BadCheckpoint { seq: 4 }));
}

#[test]
fn a_moved_anchor_is_named() {
    let mut log = small_log();
    log.anchor.hash = [1; 32];
    assert_eq!(log.verify(), Err(AuditError::BrokenChain { seq: 0 }));
}

#[test]
fn configuration_minimums_are_enforced() {
    let log = AuditLog::with_config(
        [0; 32],
        Config {
            checkpoint_every: 0,
            max_records: 0,
        },
    );
    assert_eq!(
        log.config(),
        Config {
            checkpoint_every: 1,
            max_records: 2
        }
    );
}

#[test]
fn with_the_smallest_bound_append_still_returns_its_record() {
    let mut log = AuditLog::with_config(
        [0; 32],
        Config {
            checkpoint_every: 1,
            max_records: 2,
        },
    );
    for i in 0..5u64 {
        let record = log.append(i, Kind::Grant, i, "cap");
        assert_eq!((record.kind, record.subject), (Kind::Grant, i));
    }
    assert_eq!(log.len(), 2);
    assert_eq!(log.verify().map(|s| s.signed_through), Ok(Some(9)));
}

#[test]
fn unsigned_counts_records_since_the_last_checkpoint() {
    let mut log = AuditLog::with_config(
        [3; 32],
        Config {
            checkpoint_every: u32::MAX,
            max_records: 16,
        },
    );
    assert_eq!(log.unsigned(), 0);
    for i in 0..5 {
        log.append(i, Kind::Spawn, i, "x");
    }
    assert_eq!(log.unsigned(), 5);
    log.checkpoint(9).unwrap();
    assert_eq!(log.unsigned(), 0);
    log.append(10, Kind::Exit, 1, "y");
    assert_eq!(log.unsigned(), 1);
}
