//! Tampering changes exactly one byte and verification names the record.

use aios_audit::{AuditError, AuditLog, Config, Kind};

use super::*;
use crate::verify;

fn export() -> Vec<u8> {
    let config = Config {
        checkpoint_every: 4,
        max_records: 100,
    };
    let mut log = AuditLog::with_config([3; 32], config);
    log.append(1, Kind::Boot, 0, "boot");
    log.append(2, Kind::Spawn, 24, "");
    log.append(3, Kind::Grant, 5, "caf\u{e9}");
    log.append(4, Kind::Denial, 65_535, "\u{10ffff}");
    log.append(5, Kind::Exit, 5, "ok");
    log.export()
}

fn differing_bytes(a: &[u8], b: &[u8]) -> usize {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

#[test]
fn every_record_can_be_tampered_and_is_named() {
    let original = export();
    assert!(verify(&original, None).is_ok());
    for seq in 0..6 {
        let (altered, tampered) = tamper(&original, seq).expect("the record exists");
        assert_eq!(tampered.seq, seq);
        assert_eq!(tampered.new, tampered.old ^ 1);
        assert_eq!(differing_bytes(&original, &altered), 1, "record {seq}");
        assert_eq!(
            verify(&altered, None),
            Err(ToolError::Audit(AuditError::BadHash { seq })),
            "record {seq}"
        );
    }
}

#[test]
fn multibyte_details_stay_valid_utf8() {
    let original = export();
    let (altered, tampered) = tamper(&original, 2).expect("record 2");
    assert_eq!(tampered.field, TamperedField::Detail(4));
    let log = ExportedLog::decode(&altered).expect("still decodes");
    assert_eq!(log.records[2].detail, "caf\u{e8}");
    let (altered, _) = tamper(&original, 3).expect("record 3");
    let log = ExportedLog::decode(&altered).expect("still decodes");
    assert_eq!(log.records[3].detail, "\u{10fffe}");
}

#[test]
fn an_empty_detail_alters_the_subject() {
    let (altered, tampered) = tamper(&export(), 1).expect("record 1");
    assert_eq!(tampered.field, TamperedField::Subject);
    assert_eq!((tampered.old, tampered.new), (24, 25));
    let log = ExportedLog::decode(&altered).expect("still decodes");
    assert_eq!(log.records[1].subject, 25);
    assert_eq!(log.records[1].detail, "");
}

#[test]
fn a_record_not_in_the_export_is_refused() {
    assert_eq!(
        tamper(&export(), 6).map(|(_, t)| t),
        Err(ToolError::NoSuchRecord { seq: 6 })
    );
    assert_eq!(
        tamper(&[0x87, 0x01], 0).map(|(_, t)| t),
        Err(ToolError::Audit(AuditError::Malformed))
    );
}
