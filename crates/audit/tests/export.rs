//! Exporting a log and verifying the export, as the host tool will.

use aios_audit::{
    AuditError, AuditLog, Config, EXPORT_MAGIC, ExportedLog, Kind, fingerprint, verify_export,
};

fn sample_log() -> AuditLog {
    let mut log = AuditLog::with_config(
        [9; 32],
        Config {
            checkpoint_every: 6,
            max_records: 1024,
        },
    );
    for i in 0..14u64 {
        log.append(i * 7, Kind::Spawn, i, "agent started");
    }
    log
}

#[test]
fn export_round_trips_and_verifies_like_the_log() {
    let log = sample_log();
    let bytes = log.export();
    let exported = ExportedLog::decode(&bytes).expect("decodes");
    assert_eq!(exported, log.to_exported());
    assert_eq!(exported.encode(), bytes);
    let summary = verify_export(&bytes, Some(log.key_fingerprint())).expect("verifies");
    assert_eq!(Ok(summary), log.verify());
    assert_eq!(summary.records, 16);
    assert_eq!(summary.signed_through, Some(13));
    assert_eq!(verify_export(&bytes, None), Ok(summary));
}

#[test]
fn a_bounded_log_exports_from_its_anchor() {
    let mut log = AuditLog::with_config(
        [9; 32],
        Config {
            checkpoint_every: 4,
            max_records: 7,
        },
    );
    for i in 0..40u64 {
        log.append(i, Kind::Revoke, i, "revoked");
    }
    let summary = verify_export(&log.export(), Some(log.key_fingerprint())).expect("verifies");
    assert_eq!(summary.first_seq, log.first_seq());
    assert!(summary.first_seq > 0);
    assert_eq!(summary.records, 7);
}

#[test]
fn an_untrusted_key_is_refused() {
    let bytes = sample_log().export();
    assert_eq!(
        verify_export(&bytes, Some([0; 32])),
        Err(AuditError::UntrustedKey)
    );
}

#[test]
fn a_log_rewritten_under_another_key_is_refused_with_the_trusted_key() {
    let honest = sample_log();
    let mut forger = AuditLog::new([66; 32]);
    for record in honest.records().filter(|r| r.kind != Kind::Checkpoint) {
        forger.append(
            record.time_ns,
            record.kind,
            record.subject,
            "nothing happened",
        );
    }
    forger.checkpoint(0).expect("signs");
    let forged = forger.export();
    assert!(verify_export(&forged, None).is_ok());
    assert_eq!(
        verify_export(&forged, Some(honest.key_fingerprint())),
        Err(AuditError::UntrustedKey)
    );
}

#[test]
fn a_forged_checkpoint_signature_is_refused() {
    let log = sample_log();
    let mut exported = log.to_exported();
    exported.checkpoints[1].signature[100] ^= 0x01;
    let seq = exported.checkpoints[1].seq;
    assert_eq!(
        exported.verify(None),
        Err(AuditError::BadCheckpoint { seq })
    );

    let mut exported = log.to_exported();
    exported.checkpoints[0].signature.truncate(10);
    let seq = exported.checkpoints[0].seq;
    let bytes = exported.encode();
    assert_eq!(
        verify_export(&bytes, None),
        Err(AuditError::BadCheckpoint { seq })
    );
}

#[test]
fn a_checkpoint_moved_to_another_record_is_refused() {
    let mut exported = sample_log().to_exported();
    let first = exported.checkpoints[0].clone();
    exported.checkpoints[0].seq = first.seq - 1;
    assert_eq!(
        exported.verify(None),
        Err(AuditError::BadCheckpoint { seq: first.seq - 1 })
    );
}

#[test]
fn a_removed_checkpoint_is_refused() {
    let mut exported = sample_log().to_exported();
    let removed = exported.checkpoints.remove(0);
    assert_eq!(
        exported.verify(None),
        Err(AuditError::BadCheckpoint { seq: removed.seq })
    );
}

#[test]
fn a_checkpoint_past_the_last_record_is_refused() {
    let mut exported = sample_log().to_exported();
    // Cut the tail from the last checkpoint record on: its signature stays.
    let last_signed = exported.checkpoints.last().expect("signed").seq;
    exported.records.truncate(last_signed as usize);
    assert_eq!(
        exported.verify(None),
        Err(AuditError::BadCheckpoint { seq: last_signed })
    );
}

#[test]
fn every_truncation_of_an_export_is_refused() {
    let bytes = sample_log().export();
    for len in 0..bytes.len() {
        assert_eq!(
            verify_export(&bytes[..len], None),
            Err(AuditError::Truncated),
            "prefix of {len} bytes"
        );
    }
}

#[test]
fn malformed_exports_are_refused() {
    let log = sample_log();
    let mut bytes = log.export();
    bytes.push(0);
    assert_eq!(verify_export(&bytes, None), Err(AuditError::TrailingBytes));

    let mut bytes = log.export();
    let magic = bytes
        .windows(EXPORT_MAGIC.len())
        .position(|w| w == EXPORT_MAGIC.as_bytes())
        .expect("magic present");
    bytes[magic] = b'x';
    assert_eq!(verify_export(&bytes, None), Err(AuditError::Malformed));

    let mut bytes = log.export();
    bytes[magic + EXPORT_MAGIC.len()] = 2;
    assert_eq!(
        verify_export(&bytes, None),
        Err(AuditError::UnsupportedVersion(2))
    );

    assert_eq!(verify_export(&[0xff; 40], None), Err(AuditError::Malformed));

    let mut exported = log.to_exported();
    exported.public_key.truncate(100);
    let bytes = exported.encode();
    assert_eq!(verify_export(&bytes, None), Err(AuditError::BadPublicKey));
    let trusted = fingerprint(&exported.public_key);
    assert_eq!(
        verify_export(&bytes, Some(trusted)),
        Err(AuditError::BadPublicKey)
    );
}

#[test]
fn a_huge_announced_record_count_is_refused_before_allocating() {
    let mut exported = sample_log().to_exported();
    exported.records.clear();
    exported.checkpoints.clear();
    let mut bytes = exported.encode();
    // The empty record array is the byte before the empty checkpoint array
    // at the end; announce 2^32 records instead.
    let at = bytes.len() - 2;
    assert_eq!(bytes[at], 0x80);
    bytes.splice(at..=at, [0x9a, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(verify_export(&bytes, None), Err(AuditError::Truncated));
}
