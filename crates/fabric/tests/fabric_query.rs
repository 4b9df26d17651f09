//! Queries by tags, by vector, by both, across regions and through overlays.

mod common;

use aios_fabric::dataset::clustered;
use aios_fabric::{Access, Fabric, FabricConfig, Query, Quota, RegionKind, StoreRequest};
use common::FakePersist;

const OWNER: u64 = 1;
const WRITER: u64 = 2;

fn axis(i: usize) -> Vec<f32> {
    let mut v = vec![0.05; 4];
    v[i] = 1.0;
    v
}

fn keys(hits: &[aios_fabric::Hit<'_>]) -> Vec<String> {
    hits.iter().map(|h| h.entry.key.clone()).collect()
}

#[test]
fn tags_vectors_and_both() {
    let mut fabric = Fabric::new(FabricConfig::new(4), FakePersist::default()).expect("config");
    let region = fabric
        .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
        .expect("region");
    let items = [
        ("a", 0, ["red"]),
        ("b", 1, ["red"]),
        ("c", 2, ["blue"]),
        ("d", 3, ["blue"]),
    ];
    for (time, (key, direction, tags)) in items.iter().enumerate() {
        let embedding = axis(*direction);
        let request = StoreRequest::new(key, b"").tags(tags).embedding(&embedding);
        fabric
            .store(OWNER, region, request, time as u64)
            .expect("store");
    }
    fabric
        .store(
            OWNER,
            region,
            StoreRequest::new("plain", b"").tags(&["red"]),
            9,
        )
        .expect("store");

    let by_tag = Query {
        tags: vec!["red".into()],
        k: 10,
        ..Query::default()
    };
    assert_eq!(
        keys(&fabric.query(OWNER, &[region], &by_tag).expect("q")),
        ["plain", "b", "a"]
    );
    let by_vector = Query {
        vector: Some(axis(2)),
        k: 2,
        min_score: -1.0,
        ..Query::default()
    };
    let hits = fabric.query(OWNER, &[region], &by_vector).expect("q");
    assert_eq!(hits[0].entry.key, "c");
    assert!(hits[0].score > 0.99 && hits[1].score < 0.2);
    let both = Query {
        tags: vec!["red".into()],
        vector: Some(axis(2)),
        k: 10,
        min_score: -1.0,
        ..Query::default()
    };
    let hits = fabric.query(OWNER, &[region], &both).expect("q");
    assert_eq!(
        hits.len(),
        2,
        "entries without embeddings never match a vector"
    );
    assert!(hits.iter().all(|h| h.entry.tags == ["red"]));
    let strict = Query {
        vector: Some(axis(2)),
        k: 10,
        min_score: 0.5,
        ..Query::default()
    };
    assert_eq!(
        keys(&fabric.query(OWNER, &[region], &strict).expect("q")),
        ["c"]
    );
    let mixed = Query {
        vector: Some(axis(0)),
        text_vector: Some(axis(1)),
        k: 4,
        min_score: -1.0,
        ..Query::default()
    };
    let top: Vec<String> = keys(&fabric.query(OWNER, &[region], &mixed).expect("q"))[..2].to_vec();
    assert!(top.contains(&"a".to_string()) && top.contains(&"b".to_string()));
    assert!(
        fabric.query(9, &[region], &by_tag).is_err(),
        "strangers cannot query"
    );
}

#[test]
fn graph_path_agrees_with_exact_path_and_respects_overlays() {
    let dim = 16;
    let data = clustered(3_000, dim, 30, 0.5, 5);
    let mut results = Vec::new();
    for exact_below in [usize::MAX, 0] {
        let mut config = FabricConfig::new(dim);
        config.exact_below = exact_below;
        let mut fabric = Fabric::new(config, FakePersist::default()).expect("config");
        let region = fabric
            .create_region(OWNER, RegionKind::Ephemeral, Quota::UNLIMITED)
            .expect("region");
        let other = fabric
            .create_region(WRITER, RegionKind::Ephemeral, Quota::UNLIMITED)
            .expect("region");
        for (i, row) in data.chunks_exact(dim).enumerate() {
            let tags: &[&str] = if i % 2 == 0 { &["even"] } else { &["odd"] };
            let (owner, target) = if i < 2_500 {
                (OWNER, region)
            } else {
                (WRITER, other)
            };
            let key = format!("k{i}");
            fabric
                .store(
                    owner,
                    target,
                    StoreRequest::new(&key, b"").tags(tags).embedding(row),
                    0,
                )
                .expect("store");
        }
        fabric
            .share(WRITER, other, OWNER, Access::ReadOnly)
            .expect("share");
        fabric
            .share(OWNER, region, WRITER, Access::ReadWrite)
            .expect("share");
        // The writer moves k0 onto the query point in its own view.
        let query_point = &data[dim * 2_998..dim * 2_999];
        fabric
            .store(
                WRITER,
                region,
                StoreRequest::new("k0", b"moved")
                    .tags(&["even"])
                    .embedding(query_point),
                1,
            )
            .expect("store");

        let query = Query {
            tags: vec!["even".into()],
            vector: Some(query_point.to_vec()),
            k: 5,
            min_score: -1.0,
            ..Query::default()
        };
        let owner_hits = fabric.query(OWNER, &[region, other], &query).expect("q");
        assert!(
            owner_hits.iter().all(|h| h.entry.value.is_empty()),
            "the owner never sees the draft"
        );
        assert_eq!(
            (owner_hits[0].entry.key.as_str(), owner_hits[0].entry.region),
            ("k2998", other)
        );
        let owner_view = keys(&owner_hits);
        let writer_view = fabric.query(WRITER, &[region], &query).expect("q");
        assert_eq!(writer_view[0].entry.key, "k0");
        assert_eq!(writer_view[0].entry.value, b"moved");
        assert_eq!(
            writer_view.iter().filter(|h| h.entry.key == "k0").count(),
            1,
            "base k0 is shadowed"
        );
        results.push(owner_view);
    }
    assert_eq!(
        results[0][..3],
        results[1][..3],
        "graph search finds the exact top 3"
    );
}
