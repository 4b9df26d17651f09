//! Objects, metadata, listing, chunked uploads and remounts.

mod common;

use aios_store::testing::MemDevice;
use aios_store::{Error, ListQuery, PutMeta, Store};
use common::{assert_clean, bytes, mem_store, meta};

#[test]
fn put_get_overwrite_delete_survive_remount() {
    let mut store = mem_store(16);
    let info = store.put("ns", "a", b"hello", &meta(&["x"]), 10).unwrap();
    assert_eq!(
        (info.size, info.version, info.created, info.modified),
        (5, 1, 10, 10)
    );
    let info = store
        .put("ns", "a", b"hello again", &meta(&["y"]), 20)
        .unwrap();
    assert_eq!(
        (info.size, info.version, info.created, info.modified),
        (11, 2, 10, 20)
    );
    assert_eq!(info.tags, ["y"]);
    let big = bytes(1, 100_000);
    store.put("ns", "big", &big, &meta(&[]), 30).unwrap();
    store.put("ns", "gone", b"x", &meta(&[]), 30).unwrap();
    store.delete("ns", "gone", 40).unwrap();
    assert_eq!(store.get("ns", "gone", None), Err(Error::NotFound));
    let dev = store.abandon();
    let (mut store, report) = Store::mount(dev).unwrap();
    assert!(report.replayed >= 4, "journal replayed: {report:?}");
    assert_eq!(store.get("ns", "a", None).unwrap().value, b"hello again");
    assert_eq!(store.get("ns", "big", None).unwrap().value, big);
    let mut part = vec![0u8; 5000];
    assert_eq!(
        store.read("ns", "big", None, 95_000, &mut part).unwrap(),
        5000
    );
    assert_eq!(part, big[95_000..]);
    assert_eq!(
        store.read("ns", "big", None, 100_000, &mut part).unwrap(),
        0
    );
    let ns = &store.namespaces().unwrap()[0];
    assert_eq!((ns.objects, ns.used_bytes), (2, 100_011));
    assert_clean(&mut store);
    let dev = store.unmount().unwrap();
    let (mut store, report) = Store::mount(dev).unwrap();
    assert_eq!(report.replayed, 0);
    assert_eq!(store.get("ns", "big", None).unwrap().value, big);
    assert_clean(&mut store);
}

#[test]
fn embeddings_and_tags_and_listing() {
    let mut store = mem_store(16);
    let small = PutMeta {
        content_type: "text/plain".into(),
        tags: vec!["red".into(), "big".into()],
        embedding: Some(vec![0.5, -1.0, 3.25]),
    };
    let large = PutMeta {
        embedding: Some((0..1536).map(|i| i as f32 / 7.0).collect()),
        ..small.clone()
    };
    store.put("ns", "doc/1", b"one", &small, 1).unwrap();
    store.put("ns", "doc/2", b"two", &large, 1).unwrap();
    store
        .put("ns", "doc/3", b"three", &meta(&["red"]), 1)
        .unwrap();
    store
        .put("ns", "img/1", b"four", &meta(&["red", "big"]), 1)
        .unwrap();
    let got = store.get("ns", "doc/2", None).unwrap();
    assert_eq!(got.embedding, large.embedding);
    assert!(got.info.has_embedding);
    assert_eq!(
        store.get("ns", "doc/1", None).unwrap().embedding,
        small.embedding
    );
    let keys = |v: Vec<aios_store::ObjectInfo>| v.into_iter().map(|i| i.key).collect::<Vec<_>>();
    let q = |prefix: &str, tags: &[&str], after: Option<&str>, limit| ListQuery {
        prefix: prefix.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        after: after.map(String::from),
        limit,
    };
    assert_eq!(
        keys(store.list("ns", &q("doc/", &[], None, 0), None).unwrap()),
        ["doc/1", "doc/2", "doc/3"]
    );
    assert_eq!(
        keys(
            store
                .list("ns", &q("doc/", &[], Some("doc/1"), 1), None)
                .unwrap()
        ),
        ["doc/2"]
    );
    assert_eq!(
        keys(
            store
                .list("ns", &q("", &["red", "big"], None, 0), None)
                .unwrap()
        ),
        ["doc/1", "doc/2", "img/1"]
    );
    assert_eq!(
        keys(
            store
                .list("ns", &q("doc", &["big", "red"], Some("doc/1"), 0), None)
                .unwrap()
        ),
        ["doc/2"]
    );
    store.put("ns", "doc/1", b"one", &meta(&[]), 2).unwrap();
    assert_eq!(
        keys(store.list("ns", &q("", &["red"], None, 0), None).unwrap()),
        ["doc/2", "doc/3", "img/1"]
    );
    assert_clean(&mut store);
}

#[test]
fn chunked_upload_streams_and_is_invisible_until_finish() {
    let mut store = mem_store(64);
    let data = bytes(7, 5_000_000);
    let mut up = store.begin("ns", "video", &meta(&["v"]), 5).unwrap();
    for chunk in data.chunks(65_537) {
        store.write_chunk(&mut up, chunk).unwrap();
    }
    assert_eq!(up.written(), data.len() as u64);
    assert_eq!(store.stat("ns", "video", None), Err(Error::NotFound));
    let info = store.finish(up, 6).unwrap();
    assert_eq!(info.size, 5_000_000);
    assert_eq!(store.get("ns", "video", None).unwrap().value, data);
    let mut small = store.begin("ns", "tiny", &meta(&[]), 5).unwrap();
    store.write_chunk(&mut small, b"ab").unwrap();
    store.write_chunk(&mut small, b"cd").unwrap();
    store.finish(small, 6).unwrap();
    assert_eq!(store.get("ns", "tiny", None).unwrap().value, b"abcd");
    let before = store.stats().blocks_free;
    let mut dropped = store.begin("ns", "dropped", &meta(&[]), 5).unwrap();
    store.write_chunk(&mut dropped, &data[..1_000_000]).unwrap();
    assert!(store.stats().blocks_free < before);
    store.abort(dropped);
    assert_eq!(store.stats().blocks_free, before);
    assert_clean(&mut store);
}

#[test]
fn bad_names_and_missing_things_are_errors() {
    let mut store = mem_store(8);
    assert!(matches!(
        store.put("ns", "", b"x", &meta(&[]), 1),
        Err(Error::InvalidName(_))
    ));
    assert!(matches!(
        store.put("ns", &"k".repeat(256), b"x", &meta(&[]), 1),
        Err(Error::InvalidName(_))
    ));
    assert_eq!(
        store.put("nope", "k", b"x", &meta(&[]), 1),
        Err(Error::NoNamespace)
    );
    assert_eq!(store.create_namespace("ns", None, 1), Err(Error::Exists));
    assert!(matches!(
        store.create_namespace("a b", None, 1),
        Err(Error::InvalidName(_))
    ));
    assert_eq!(store.get("ns", "k", Some("snap")), Err(Error::NoSnapshot));
    assert_eq!(store.delete("ns", "k", 1), Err(Error::NotFound));
    assert_eq!(
        Store::mount(MemDevice::new(64)).err(),
        Some(Error::NotFormatted)
    );
    assert_eq!(
        Store::format(MemDevice::new(64), Default::default()).err(),
        Some(Error::DeviceTooSmall)
    );
}

#[test]
fn quota_is_enforced_per_namespace() {
    let mut store = mem_store(16);
    store.create_namespace("q", Some(10_000), 1).unwrap();
    store.put("q", "a", &[1; 6000], &meta(&[]), 1).unwrap();
    let err = store.put("q", "b", &[1; 6000], &meta(&[]), 1).unwrap_err();
    assert_eq!(
        err,
        Error::QuotaExceeded {
            used: 6000,
            quota: 10_000,
            needed: 12_000
        }
    );
    store.put("q", "a", &[2; 9000], &meta(&[]), 1).unwrap();
    let mut up = store.begin("q", "c", &meta(&[]), 1).unwrap();
    assert!(matches!(
        store.write_chunk(&mut up, &[0; 2000]),
        Err(Error::QuotaExceeded { .. })
    ));
    store.delete("q", "a", 2).unwrap();
    store.put("q", "b", &[1; 6000], &meta(&[]), 1).unwrap();
    assert_eq!(
        store
            .namespaces()
            .unwrap()
            .iter()
            .find(|n| n.name == "q")
            .unwrap()
            .used_bytes,
        6000
    );
}

#[test]
fn many_objects_split_the_tree_and_group_commit_works() {
    let mut store = mem_store(64);
    for i in 0..3000u32 {
        let key = format!("key/{i:05}");
        store
            .put(
                "ns",
                &key,
                &bytes(u64::from(i), (i % 300) as usize),
                &meta(&[if i % 2 == 0 { "even" } else { "odd" }]),
                1,
            )
            .unwrap();
    }
    let m = meta(&[]);
    let batch: Vec<(String, Vec<u8>)> = (0..50)
        .map(|i| (format!("batch/{i}"), bytes(i, 100)))
        .collect();
    let items: Vec<(&str, &[u8], &PutMeta)> = batch
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice(), &m))
        .collect();
    let flushes = store.stats().device_flushes;
    store.put_many("ns", &items, 2).unwrap();
    assert!(
        store.stats().device_flushes - flushes <= 3,
        "one flush for the batch (plus a checkpoint at most)"
    );
    for i in (0..3000u32).step_by(2) {
        store.delete("ns", &format!("key/{i:05}"), 3).unwrap();
    }
    let dev = store.abandon();
    let (mut store, _) = Store::mount(dev).unwrap();
    let odd = store
        .list(
            "ns",
            &ListQuery {
                tags: vec!["odd".into()],
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(odd.len(), 1500);
    let even = store
        .list(
            "ns",
            &ListQuery {
                tags: vec!["even".into()],
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert!(even.is_empty());
    for i in (1..3000u32).step_by(2) {
        assert_eq!(
            store.get("ns", &format!("key/{i:05}"), None).unwrap().value,
            bytes(u64::from(i), (i % 300) as usize)
        );
    }
    assert_eq!(
        store
            .list(
                "ns",
                &ListQuery {
                    prefix: "batch/".into(),
                    ..Default::default()
                },
                None
            )
            .unwrap()
            .len(),
        50
    );
    assert_clean(&mut store);
}
