//! The in-memory audit log: append, checkpoint, bound, verify.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::chain::{self, Anchor, Summary};
use crate::checkpoint::{NodeKey, fingerprint};
use crate::{AuditError, Checkpoint, Kind, Record};

/// How often the log signs itself and how much of it stays in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// A signed checkpoint follows every this many records (at least 1).
    pub checkpoint_every: u32,
    /// Most records kept in memory (at least 2); older ones are dropped.
    pub max_records: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            checkpoint_every: 64,
            max_records: 1024,
        }
    }
}

/// An append-only, hash-chained log of security-relevant events, signed
/// at checkpoints with the node's ML-DSA-65 key.
pub struct AuditLog {
    key: NodeKey,
    config: Config,
    /// Where `records` starts: every record before it was dropped.
    anchor: Anchor,
    records: VecDeque<Record>,
    /// Checkpoints of kept records, in sequence order.
    checkpoints: VecDeque<Checkpoint>,
    /// Records appended since the last checkpoint.
    unsigned: u32,
}

impl AuditLog {
    /// An empty log signing with the ML-DSA-65 key whose seed is
    /// `node_seed`, with the default [`Config`].
    pub fn new(node_seed: [u8; 32]) -> AuditLog {
        AuditLog::with_config(node_seed, Config::default())
    }

    /// An empty log with `config`; values below the minimums are raised to them.
    pub fn with_config(node_seed: [u8; 32], config: Config) -> AuditLog {
        AuditLog {
            key: NodeKey::from_seed(&node_seed),
            config: Config {
                checkpoint_every: config.checkpoint_every.max(1),
                max_records: config.max_records.max(2),
            },
            anchor: Anchor {
                seq: 0,
                hash: [0; 32],
            },
            records: VecDeque::new(),
            checkpoints: VecDeque::new(),
            unsigned: 0,
        }
    }

    /// Moves the kept records onto the end of an earlier log (a previous
    /// boot's, found in storage after these were appended): they are
    /// renumbered from `next_seq` and re-chained from `previous_hash`.
    /// Their checkpoints, signed over the old numbering, are dropped (and
    /// so are checkpoint records); the next checkpoint covers them again.
    pub fn rebase(&mut self, next_seq: u64, previous_hash: [u8; 32]) {
        let kept: Vec<Record> = self.records.drain(..).collect();
        self.checkpoints.clear();
        self.unsigned = 0;
        self.anchor = Anchor {
            seq: next_seq,
            hash: previous_hash,
        };
        for record in kept.iter().filter(|r| r.kind != Kind::Checkpoint) {
            self.push_record(Record::new(
                self.next_seq(),
                record.time_ns,
                record.kind,
                record.subject,
                &record.detail,
                self.head_hash(),
            ));
            self.unsigned = self.unsigned.saturating_add(1);
        }
    }

    /// Appends a record and returns it. After every
    /// [`checkpoint_every`](Config::checkpoint_every) records the log also
    /// appends a [`Kind::Checkpoint`] record and signs it; appending a
    /// `Kind::Checkpoint` record yourself makes such a signed checkpoint.
    pub fn append(&mut self, time_ns: u64, kind: Kind, subject: u64, detail: &str) -> &Record {
        if kind == Kind::Checkpoint {
            // A failed signature leaves an unsigned checkpoint record, which
            // `verify` reports: the failure is never silent.
            let _ = self.checkpoint_with(time_ns, subject, detail);
            return self.newest(0);
        }
        self.push_record(Record::new(
            self.next_seq(),
            time_ns,
            kind,
            subject,
            detail,
            self.head_hash(),
        ));
        self.unsigned = self.unsigned.saturating_add(1);
        if self.unsigned >= self.config.checkpoint_every {
            let _ = self.checkpoint_with(time_ns, 0, "periodic");
            return self.newest(1);
        }
        self.newest(0)
    }

    /// Records appended since the last checkpoint (saturating), so a caller
    /// that makes checkpoints itself can decide when without walking the
    /// log.
    pub fn unsigned(&self) -> usize {
        self.unsigned as usize
    }

    /// Appends a [`Kind::Checkpoint`] record now and signs it, so that
    /// everything appended so far is covered by a signature.
    pub fn checkpoint(&mut self, time_ns: u64) -> Result<&Checkpoint, AuditError> {
        self.checkpoint_with(time_ns, 0, "on demand")?;
        self.checkpoints.back().ok_or(AuditError::SigningFailed)
    }

    /// Appends a checkpoint record and signs it. ML-DSA fails only if its
    /// rejection sampling never ends (probability far below 2^-100); the
    /// record then stays unsigned and `verify` names it.
    fn checkpoint_with(
        &mut self,
        time_ns: u64,
        subject: u64,
        detail: &str,
    ) -> Result<(), AuditError> {
        let record = Record::new(
            self.next_seq(),
            time_ns,
            Kind::Checkpoint,
            subject,
            detail,
            self.head_hash(),
        );
        let signed = self.key.sign(record.seq, record.hash);
        self.push_record(record);
        self.unsigned = 0;
        self.checkpoints.push_back(signed?);
        Ok(())
    }

    /// The record `back` places before the newest. Only called for records
    /// just pushed; `max_records` >= 2 keeps both of the last two.
    fn newest(&self, back: usize) -> &Record {
        &self.records[self.records.len() - 1 - back]
    }

    /// Adds `record` and drops the oldest records (and their checkpoints)
    /// beyond the memory bound, moving the anchor to the oldest kept one.
    fn push_record(&mut self, record: Record) {
        self.records.push_back(record);
        while self.records.len() > self.config.max_records {
            if let Some(dropped) = self.records.pop_front() {
                self.anchor = Anchor {
                    seq: dropped.seq.saturating_add(1),
                    hash: dropped.hash,
                };
            }
        }
        while self
            .checkpoints
            .front()
            .is_some_and(|c| c.seq < self.anchor.seq)
        {
            self.checkpoints.pop_front();
        }
    }

    /// The last `n` records (fewer if fewer are kept), oldest first.
    pub fn tail(&self, n: usize) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.range(self.records.len().saturating_sub(n)..)
    }

    /// Every kept record, oldest first.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.records.iter()
    }

    /// Every kept checkpoint, oldest first.
    pub fn checkpoints(&self) -> impl DoubleEndedIterator<Item = &Checkpoint> {
        self.checkpoints.iter()
    }

    /// Re-hashes every kept record, checks the chain from the oldest kept
    /// one and every checkpoint's signature; names the first fault.
    pub fn verify(&self) -> Result<Summary, AuditError> {
        chain::verify(
            self.anchor,
            &self.records,
            &self.checkpoints,
            self.key.verifying(),
            self.key_fingerprint(),
        )
    }

    /// The sequence number the next record will get.
    pub fn next_seq(&self) -> u64 {
        self.records
            .back()
            .map_or(self.anchor.seq, |r| r.seq.saturating_add(1))
    }

    /// Sequence number of the oldest kept record (or of the next one, if
    /// none is kept).
    pub fn first_seq(&self) -> u64 {
        self.anchor.seq
    }

    /// Hash of the newest record; zeros before the first.
    pub fn head_hash(&self) -> [u8; 32] {
        self.records.back().map_or(self.anchor.hash, |r| r.hash)
    }

    /// The hash the oldest kept record chains from.
    pub fn anchor_hash(&self) -> [u8; 32] {
        self.anchor.hash
    }

    /// The encoded ML-DSA-65 public key checkpoints verify with.
    pub fn public_key(&self) -> &[u8] {
        self.key.public_key()
    }

    /// SHA3-256 of [`public_key`](AuditLog::public_key).
    pub fn key_fingerprint(&self) -> [u8; 32] {
        fingerprint(self.key.public_key())
    }

    /// The configuration in force (after raising values to the minimums).
    pub fn config(&self) -> Config {
        self.config
    }

    /// Number of records kept in memory.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True before the first record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
#[path = "log_tests.rs"]
mod tests;
