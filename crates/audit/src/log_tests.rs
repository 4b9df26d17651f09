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

#[test]
fn a_continuing_log_chains_from_the_previous_one_in_verifiable_segments() {
    let mut first = AuditLog::new([1; 32]);
    for i in 0..5 {
        first.append(i, Kind::Spawn, i, "first boot");
    }
    first.checkpoint(10).unwrap();
    let head = first.head_hash();
    let next = first.next_seq();
    let earlier = first.export_from(0).unwrap();
    assert!(earlier.verify(None).is_ok());

    // The next boot: another key, numbering and chain continue.
    let mut second = AuditLog::new([2; 32]);
    second.rebase(next, head);
    second.append(20, Kind::Boot, 0, "second boot");
    second.append(21, Kind::Spawn, 3, "again");
    second.checkpoint(22).unwrap();
    second.append(23, Kind::Kill, 3, "after the checkpoint");
    second.checkpoint(24).unwrap();
    assert_eq!(second.first_seq(), next);
    assert!(second.verify().is_ok());

    let all = second.export_from(0).unwrap();
    assert_eq!(all.anchor_seq, next);
    assert_eq!(all.anchor_hash, head);
    assert!(all.verify(None).is_ok());
    // A later segment starts after the first checkpoint and verifies alone.
    let tail = second.export_from(next + 3).unwrap();
    assert_eq!(tail.records.len(), 2);
    assert_eq!(tail.anchor_hash, all.records[2].hash);
    assert_eq!(tail.checkpoints.len(), 1);
    assert!(tail.verify(None).is_ok());
    assert!(second.export_from(next + 100).is_none());
}

#[test]
fn rebasing_renumbers_and_rechains_what_was_appended_before_storage_was_found() {
    let mut earlier = AuditLog::new([1; 32]);
    earlier.append(1, Kind::Spawn, 1, "before");
    earlier.append(2, Kind::Spawn, 2, "before");
    let (next, head) = (earlier.next_seq(), earlier.head_hash());

    let mut log = AuditLog::new([2; 32]);
    log.append(5, Kind::Boot, 0, "boot");
    log.checkpoint(6).unwrap();
    log.append(7, Kind::ImageRefused, 0, "bad image");
    log.rebase(next, head);
    let records: Vec<&Record> = log.records().collect();
    assert_eq!(records.len(), 2, "the checkpoint record is dropped");
    assert_eq!(records[0].seq, next);
    assert_eq!(records[0].detail, "boot");
    assert_eq!(records[1].kind, Kind::ImageRefused);
    assert_eq!(log.unsigned(), 2);
    assert_eq!(log.checkpoints().count(), 0);
    log.checkpoint(8).unwrap();
    assert!(log.verify().is_ok());
    assert_eq!(log.export_from(0).unwrap().anchor_hash, head);
}
