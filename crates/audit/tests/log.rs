//! Appending, checkpointing, bounding and verifying the in-memory log.

use aios_audit::{AuditError, AuditLog, Config, Kind, MAX_DETAIL_LEN, fingerprint};

fn log_with(checkpoint_every: u32, max_records: usize, appends: u64) -> AuditLog {
    let mut log = AuditLog::with_config(
        [42; 32],
        Config {
            checkpoint_every,
            max_records,
        },
    );
    for i in 0..appends {
        log.append(i * 1_000, Kind::ALL[(i % 11) as usize], i % 5, "event");
    }
    log
}

#[test]
fn append_chains_records_from_zero_hash() {
    let mut log = AuditLog::new([1; 32]);
    let first = log.append(10, Kind::Spawn, 3, "spawned echo").clone();
    assert_eq!(first.seq, 0);
    assert_eq!(first.prev_hash, [0; 32]);
    assert_eq!(first.hash, first.compute_hash());
    assert_eq!(
        (first.time_ns, first.kind, first.subject),
        (10, Kind::Spawn, 3)
    );
    assert_eq!(first.detail, "spawned echo");
    let second = log.append(20, Kind::Denial, 3, "send refused").clone();
    assert_eq!(second.seq, 1);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(log.head_hash(), second.hash);
    let summary = log.verify().expect("fresh log verifies");
    assert_eq!(summary.records, 2);
    assert_eq!(summary.signed_through, None);
}

#[test]
fn a_checkpoint_is_signed_every_n_records() {
    let log = log_with(64, 1024, 200);
    let seqs: Vec<u64> = log.checkpoints().map(|c| c.seq).collect();
    assert_eq!(seqs, [64, 129, 194]);
    for c in log.checkpoints() {
        let record = log.records().find(|r| r.seq == c.seq).expect("kept");
        assert_eq!(record.kind, Kind::Checkpoint);
        assert_eq!(record.hash, c.hash);
        assert_eq!(c.signature.len(), aios_audit::SIGNATURE_LEN);
    }
    let summary = log.verify().expect("verifies");
    assert_eq!(summary.records, 203);
    assert_eq!(summary.checkpoints, 3);
    assert_eq!(summary.signed_through, Some(194));
    assert_eq!(summary.key_fingerprint, fingerprint(log.public_key()));
}

#[test]
fn an_on_demand_checkpoint_covers_everything_so_far() {
    let mut log = log_with(64, 1024, 5);
    let checkpoint = log.checkpoint(9_999).expect("signs").clone();
    assert_eq!(checkpoint.seq, 5);
    assert_eq!(checkpoint.hash, log.head_hash());
    assert_eq!(log.verify().map(|s| s.signed_through), Ok(Some(5)));
    // The periodic count restarts after an on-demand checkpoint.
    for i in 0..64 {
        log.append(i, Kind::Grant, 1, "cap");
    }
    assert_eq!(log.checkpoints().last().map(|c| c.seq), Some(70));
}

#[test]
fn appending_a_checkpoint_kind_signs_it() {
    let mut log = log_with(64, 1024, 3);
    let record = log.append(5, Kind::Checkpoint, 0, "before export").clone();
    assert_eq!(
        log.checkpoints().last().map(|c| (c.seq, c.hash)),
        Some((3, record.hash))
    );
    assert!(log.verify().is_ok());
}

#[test]
fn tail_returns_the_newest_records_oldest_first() {
    let log = log_with(1_000, 1024, 10);
    let tail: Vec<u64> = log.tail(3).map(|r| r.seq).collect();
    assert_eq!(tail, [7, 8, 9]);
    assert_eq!(log.tail(100).count(), 10);
    assert_eq!(log.tail(0).count(), 0);
}

#[test]
fn memory_is_bounded_and_the_rest_still_verifies() {
    let log = log_with(8, 20, 300);
    assert_eq!(log.len(), 20);
    let first = log.records().next().expect("kept").clone();
    assert_eq!(first.seq, log.first_seq());
    assert_eq!(first.prev_hash, log.anchor_hash());
    assert!(log.checkpoints().all(|c| c.seq >= first.seq));
    assert!(log.checkpoints().count() >= 2);
    let summary = log.verify().expect("bounded log verifies");
    assert_eq!(summary.first_seq, first.seq);
    assert_eq!(summary.records, 20);
    assert_eq!(log.next_seq(), first.seq + 20);
}

#[test]
fn long_details_are_cut_to_the_bound() {
    let mut log = AuditLog::new([3; 32]);
    let detail = "x".repeat(MAX_DETAIL_LEN * 4);
    assert_eq!(
        log.append(0, Kind::ImageRefused, 9, &detail).detail.len(),
        MAX_DETAIL_LEN
    );
    assert!(log.verify().is_ok());
}

#[test]
fn the_key_is_derived_from_the_seed() {
    let a = AuditLog::new([5; 32]);
    let b = AuditLog::new([5; 32]);
    let c = AuditLog::new([6; 32]);
    assert_eq!(a.public_key().len(), aios_audit::PUBLIC_KEY_LEN);
    assert_eq!(a.public_key(), b.public_key());
    assert_ne!(a.key_fingerprint(), c.key_fingerprint());
}

#[test]
fn errors_name_the_record() {
    let text = AuditError::BadHash { seq: 17 }.to_string();
    assert!(text.contains("17"), "{text}");
    let text = AuditError::BrokenChain { seq: 4 }.to_string();
    assert!(text.contains("record 4"), "{text}");
}
