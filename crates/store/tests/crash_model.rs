//! Property test: random operations (puts, chunked puts, deletes,
//! snapshots, rollbacks, snapshot deletes, crashes with lost or partly kept
//! unflushed writes, failing and torn writes) against a model. After every
//! crash and remount, every acknowledged write is present and fsck is clean.

mod common;

use std::collections::BTreeMap;

use aios_store::testing::FaultyDevice;
use aios_store::{FormatOptions, ListQuery, Store};
use common::{bytes, faulty_store, meta};
use proptest::prelude::*;

type Objects = BTreeMap<String, Vec<u8>>;
/// A key whose write failed, with its old and its attempted value.
type Uncertain = (String, Option<Vec<u8>>, Option<Vec<u8>>);

#[derive(Debug, Clone)]
enum Op {
    Put(u8, u32),
    Chunked(u8, u32, bool),
    Delete(u8),
    Snapshot(u8),
    Rollback(u8),
    DeleteSnapshot(u8),
    Sync,
    Crash(Option<u64>),
    FailingPut(u8, u32, u64),
    TornPut(u8, u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..12u8, 0..12_000u32).prop_map(|(k, n)| Op::Put(k, n)),
        2 => (0..12u8, 0..60_000u32, any::<bool>()).prop_map(|(k, n, f)| Op::Chunked(k, n, f)),
        3 => (0..12u8).prop_map(Op::Delete),
        1 => (0..3u8).prop_map(Op::Snapshot),
        1 => (0..3u8).prop_map(Op::Rollback),
        1 => (0..3u8).prop_map(Op::DeleteSnapshot),
        1 => Just(Op::Sync),
        2 => proptest::option::of(any::<u64>()).prop_map(Op::Crash),
        1 => (0..12u8, 0..30_000u32, 0..12u64).prop_map(|(k, n, f)| Op::FailingPut(k, n, f)),
        1 => (0..12u8, 1..6u64).prop_map(|(k, t)| Op::TornPut(k, t)),
    ]
}

struct Harness {
    store: Option<Store<FaultyDevice>>,
    live: Objects,
    snaps: BTreeMap<String, Objects>,
    /// A key whose last write failed: either value may have survived.
    uncertain: Option<Uncertain>,
    counter: u64,
}

impl Harness {
    fn store(&mut self) -> &mut Store<FaultyDevice> {
        self.store.as_mut().expect("mounted")
    }

    fn crash(&mut self, keep: Option<u64>) {
        let mut dev = self.store.take().expect("mounted").abandon();
        dev.crash(keep);
        let (store, _) = Store::mount(dev).expect("mount after crash");
        self.store = Some(store);
        if let Some((key, old, new)) = self.uncertain.take() {
            let found = self.store().get("ns", &key, None).ok().map(|o| o.value);
            assert!(
                found == old || found == new,
                "{key}: neither old nor new value after a failed write"
            );
            match found {
                Some(v) => self.live.insert(key, v),
                None => self.live.remove(&key),
            };
        }
        self.check();
    }

    fn check(&mut self) {
        let live = self.live.clone();
        let store = self.store();
        for (key, value) in &live {
            assert_eq!(
                &store
                    .get("ns", key, None)
                    .expect("acknowledged object")
                    .value,
                value,
                "{key}"
            );
        }
        let listed = store.list("ns", &ListQuery::default(), None).unwrap();
        assert_eq!(listed.len(), live.len(), "no extra objects");
        let snaps = self.snaps.clone();
        let store = self.store();
        for (name, objects) in &snaps {
            for (key, value) in objects {
                assert_eq!(
                    &store.get("ns", key, Some(name)).unwrap().value,
                    value,
                    "{key} at {name}"
                );
            }
            assert_eq!(
                store
                    .list("ns", &ListQuery::default(), Some(name))
                    .unwrap()
                    .len(),
                objects.len()
            );
        }
        let report = store.fsck().unwrap();
        assert!(report.is_clean(), "fsck: {:?}", report.problems);
    }

    fn run(&mut self, op: Op) {
        self.counter += 1;
        let now = self.counter;
        match op {
            Op::Put(k, n) => {
                let (key, value) = (format!("k{k}"), bytes(now, n as usize));
                self.store()
                    .put("ns", &key, &value, &meta(&["t"]), now)
                    .unwrap();
                self.live.insert(key, value);
            }
            Op::Chunked(k, n, finish) => {
                let (key, value) = (format!("k{k}"), bytes(now, n as usize));
                let store = self.store();
                let mut up = store.begin("ns", &key, &meta(&[]), now).unwrap();
                for chunk in value.chunks(7_000) {
                    store.write_chunk(&mut up, chunk).unwrap();
                }
                if finish {
                    store.finish(up, now).unwrap();
                    self.live.insert(key, value);
                } else {
                    // Crash with the upload open: nothing of it may appear.
                    self.crash(Some(now));
                }
            }
            Op::Delete(k) => {
                let key = format!("k{k}");
                let result = self.store().delete("ns", &key, now);
                assert_eq!(result.is_ok(), self.live.remove(&key).is_some());
            }
            Op::Snapshot(s) => {
                let name = format!("s{s}");
                let result = self.store().snapshot("ns", &name, now);
                assert_eq!(result.is_ok(), !self.snaps.contains_key(&name));
                self.snaps.entry(name).or_insert_with(|| self.live.clone());
            }
            Op::Rollback(s) => {
                let name = format!("s{s}");
                let result = self.store().rollback("ns", &name, now);
                match self.snaps.get(&name) {
                    Some(objects) => {
                        result.unwrap();
                        self.live = objects.clone();
                    }
                    None => assert!(result.is_err()),
                }
            }
            Op::DeleteSnapshot(s) => {
                let name = format!("s{s}");
                let result = self.store().delete_snapshot("ns", &name);
                assert_eq!(result.is_ok(), self.snaps.remove(&name).is_some());
            }
            Op::Sync => self.store().sync().unwrap(),
            Op::Crash(keep) => self.crash(keep),
            Op::FailingPut(k, n, fail) => {
                self.failing(k, bytes(now, n as usize), now, |d| d.fail_after(fail))
            }
            Op::TornPut(k, tear) => {
                self.failing(k, bytes(now, 40_000), now, |d| d.tear_next_write(tear))
            }
        }
    }

    fn failing(&mut self, k: u8, value: Vec<u8>, now: u64, arm: impl FnOnce(&mut FaultyDevice)) {
        let key = format!("k{k}");
        arm(self.store().device());
        match self.store().put("ns", &key, &value, &meta(&[]), now) {
            Ok(_) => {
                self.live.insert(key, value);
            }
            Err(_) => {
                self.uncertain = Some((key.clone(), self.live.get(&key).cloned(), Some(value)))
            }
        }
        self.crash(Some(now));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn acknowledged_writes_survive_crashes(ops in proptest::collection::vec(op(), 1..60)) {
        let options = FormatOptions { journal_blocks: Some(24), checkpoint_records: 6 };
        let mut h = Harness { store: Some(faulty_store(12, options)), live: Objects::new(), snaps: BTreeMap::new(), uncertain: None, counter: 0 };
        for op in ops {
            h.run(op);
        }
        h.crash(None);
    }
}
