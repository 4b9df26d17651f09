//! Property tests: any alteration, removal or reordering of records in an
//! export is detected and names the first record affected.

use std::sync::OnceLock;

use aios_audit::{AuditError, AuditLog, Config, ExportedLog, Kind, Record};
use proptest::prelude::*;

/// One signed log, built once: signing is the slow part.
fn exported() -> &'static ExportedLog {
    static LOG: OnceLock<ExportedLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let mut log = AuditLog::with_config(
            [11; 32],
            Config {
                checkpoint_every: 8,
                max_records: 1024,
            },
        );
        for i in 0..40u64 {
            let kind = [Kind::Spawn, Kind::Grant, Kind::Denial, Kind::Exit][(i % 4) as usize];
            log.append(i * 1_000, kind, i % 3, &format!("event {i}"));
        }
        log.to_exported()
    })
}

/// Changes field `field` (0..7) of `record` to a different value.
fn alter(record: &mut Record, field: u8, delta: u64) {
    let delta = delta.max(1);
    match field {
        0 => record.seq = record.seq.wrapping_add(delta),
        1 => record.time_ns = record.time_ns.wrapping_add(delta),
        2 => {
            let code = u64::from(record.kind.code());
            record.kind = (1..12)
                .map(|step| Kind::from_code((code + delta + step) % 12).expect("valid code"))
                .find(|k| *k != record.kind && *k != Kind::Checkpoint)
                .expect("another kind");
        }
        3 => record.subject = record.subject.wrapping_add(delta),
        4 => record.detail.push('!'),
        5 => record.prev_hash[(delta % 32) as usize] ^= 0x80,
        _ => record.hash[(delta % 32) as usize] ^= 0x01,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn altering_any_field_of_any_record_names_it(
        position in 0usize..45,
        field in 0u8..7,
        delta in any::<u64>(),
    ) {
        let mut log = exported().clone();
        let position = position % log.records.len();
        let seq = log.records[position].seq;
        alter(&mut log.records[position], field, delta);
        let bytes = log.encode();
        prop_assert_eq!(
            aios_audit::verify_export(&bytes, None),
            Err(AuditError::BadHash { seq })
        );
    }

    #[test]
    fn a_rehashed_alteration_breaks_the_chain_or_the_checkpoint(
        position in 0usize..44,
        field in 1u8..5,
        delta in any::<u64>(),
    ) {
        let mut log = exported().clone();
        let position = position % (log.records.len() - 1);
        let record = &mut log.records[position];
        let seq = record.seq;
        let was_checkpoint = record.kind == Kind::Checkpoint;
        alter(record, field, delta);
        record.hash = record.compute_hash();
        // A rewritten checkpoint record no longer matches its signature;
        // any other rewritten record no longer matches its successor's link.
        let expected = if was_checkpoint {
            AuditError::BadCheckpoint { seq }
        } else {
            AuditError::BrokenChain { seq: seq + 1 }
        };
        prop_assert_eq!(log.verify(None), Err(expected));
    }

    #[test]
    fn a_removed_record_is_named(position in 0usize..45) {
        let mut log = exported().clone();
        let position = position % (log.records.len() - 1);
        let seq = log.records.remove(position).seq;
        prop_assert_eq!(log.verify(None), Err(AuditError::BrokenChain { seq }));
    }

    #[test]
    fn reordered_records_are_named(position in 0usize..45) {
        let mut log = exported().clone();
        let position = position % (log.records.len() - 1);
        let seq = log.records[position].seq;
        log.records.swap(position, position + 1);
        prop_assert_eq!(log.verify(None), Err(AuditError::BrokenChain { seq }));
    }
}

#[test]
fn the_untouched_log_verifies() {
    let summary = exported().verify(None).expect("verifies");
    assert_eq!(summary.records, 45);
    assert_eq!(summary.signed_through, Some(44));
}

#[test]
fn only_the_unsigned_tail_can_be_cut_unnoticed() {
    // The documented limit: records after the last checkpoint are chained
    // but not signed, so cutting them leaves a consistent, shorter log; the
    // summary says how far the signature reaches.
    let mut unsigned = AuditLog::new([11; 32]);
    unsigned.append(1, Kind::Spawn, 1, "a");
    unsigned.append(2, Kind::Spawn, 1, "b");
    let mut cut = unsigned.to_exported();
    cut.records.pop();
    let summary = cut.verify(None).expect("a cut unsigned tail verifies");
    assert_eq!((summary.records, summary.signed_through), (1, None));
}
