//! The audit log kept in the store: each boot's log continues the chain
//! the previous boot left there, and signed stretches of it are written
//! as segments that verify on their own.
//!
//! Namespace `aios.audit` (kernel-only) holds `seg-<first seq>`, one
//! exported log (see `aios_audit::ExportedLog`) per stretch of records
//! ending in a signed checkpoint, and `head`: the CBOR array
//! `[next_seq, head_hash]` of the last segment written. A crash between
//! the two puts leaves `head` one segment behind; the next boot then
//! continues from there and rewrites that segment's key with its own
//! records, so the stored chain never forks.

use crate::Inner;
use aios_audit::Kind;
use aios_store::{Error as StoreError, PutMeta};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel's namespace for the audit log.
pub(crate) const AUDIT_NS: &str = "aios.audit";
const HEAD: &str = "head";
/// The kernel's id at the I/O scheduler.
const KERNEL: u64 = 0;

fn segment_key(first_seq: u64) -> String {
    format!("seg-{first_seq:016}")
}

fn encode_head(next_seq: u64, hash: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    // Writing to a Vec cannot fail.
    let _ = e
        .array(2)
        .and_then(|e| e.u64(next_seq))
        .and_then(|e| e.bytes(hash));
    out
}

fn decode_head(bytes: &[u8]) -> Option<(u64, [u8; 32])> {
    let mut d = minicbor::Decoder::new(bytes);
    if d.array().ok()? != Some(2) {
        return None;
    }
    let next = d.u64().ok()?;
    let hash: [u8; 32] = d.bytes().ok()?.try_into().ok()?;
    Some((next, hash))
}

fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("application/cbor"),
        tags: alloc::vec![String::from("audit")],
        embedding: None,
    }
}

impl Inner {
    /// After the store mounts: continues the chain stored there (or starts
    /// storing this one), says which in the log itself, and returns that
    /// line. A stored head that cannot be read is reported the same way;
    /// the chain then starts afresh, and the store stays usable.
    pub(crate) fn resume_audit(&self) -> String {
        let now = self.platform.now_ns();
        let head = match self.storage.turn(KERNEL, 4096, now) {
            Ok(turn) => turn
                .with(|m| match m.store.get(AUDIT_NS, HEAD, None) {
                    Ok(object) => decode_head(&object.value)
                        .map(Some)
                        .ok_or_else(|| String::from("the stored head does not decode")),
                    Err(StoreError::NoNamespace) => m
                        .store
                        .create_namespace(AUDIT_NS, None, now)
                        .map(|()| None)
                        .map_err(|e| format!("{e}")),
                    Err(StoreError::NotFound) => Ok(None),
                    Err(e) => Err(format!("{e}")),
                })
                .unwrap_or_else(|e| Err(format!("{e}"))),
            Err(e) => Err(format!("{e}")),
        };
        let detail = match head {
            Ok(Some((next, hash))) => {
                self.guard.audit.lock().rebase(next, hash);
                format!(
                    "audit chain continued from stored record {}",
                    next.saturating_sub(1)
                )
            }
            Ok(None) => String::from("audit chain stored from this boot on"),
            Err(why) => format!("stored audit chain unreadable ({why}); a new chain starts"),
        };
        *self.storage.audit_next.lock() = self.guard.audit.lock().first_seq();
        self.audit(Kind::Boot, 0, &detail);
        detail
    }

    /// Writes the signed records not yet stored as a segment, then the
    /// head. Skipped while another CPU is at it, while nothing is mounted,
    /// or while the newest record is not a signed checkpoint (an unsigned
    /// tail waits for its checkpoint).
    pub(crate) fn persist_audit(&self) {
        if !self.storage.mounted_now() {
            return;
        }
        let Some(mut stored_next) = self.storage.audit_next.try_lock() else {
            return;
        };
        let (segment, next, head) = {
            let log = self.guard.audit.lock();
            let signed = log
                .records()
                .next_back()
                .is_some_and(|r| r.kind == Kind::Checkpoint)
                && log.unsigned() == 0;
            if !signed || log.next_seq() <= *stored_next {
                return;
            }
            let Some(segment) = log.export_from(*stored_next) else {
                return;
            };
            (segment, log.next_seq(), log.head_hash())
        };
        let bytes = segment.encode();
        let key = segment_key(segment.anchor_seq);
        let now = self.platform.now_ns();
        let Ok(turn) = self.storage.turn(KERNEL, bytes.len() as u64, now) else {
            return;
        };
        let written = turn.with(|m| {
            m.store.put(AUDIT_NS, &key, &bytes, &meta(), now)?;
            m.store
                .put(AUDIT_NS, HEAD, &encode_head(next, &head), &meta(), now)
        });
        if let Ok(Ok(_)) = written {
            *stored_next = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_round_trips_and_garbage_is_refused() {
        let bytes = encode_head(42, &[7; 32]);
        assert_eq!(decode_head(&bytes), Some((42, [7; 32])));
        assert_eq!(decode_head(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode_head(&[0x80]), None);
        assert_eq!(segment_key(5), "seg-0000000000000005");
    }
}
