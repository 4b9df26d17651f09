//! Recall of the HNSW index on the clustered 10,000 × 384 set, before and after deletes.

use aios_fabric::dataset::clustered;
use aios_fabric::{Hnsw, HnswParams, SearchScratch};

const DIM: usize = 384;
const K: usize = 10;

/// Mean fraction of the exact top-10 that the index returns.
fn recall(index: &Hnsw, queries: &[f32], ef: usize) -> f64 {
    let mut scratch = SearchScratch::new();
    let mut found = Vec::new();
    let mut total = 0.0;
    let count = queries.len() / DIM;
    for query in queries.chunks_exact(DIM) {
        let truth = index.exact_search(query, K, |_| true).expect("valid query");
        index
            .search_with(&mut scratch, query, K, ef, |_| true, &mut found)
            .expect("valid query");
        assert_eq!(found.len(), K);
        let hits = found
            .iter()
            .filter(|f| truth.iter().any(|t| t.id == f.id))
            .count();
        total += hits as f64 / K as f64;
    }
    total / count as f64
}

/// `index` with every row of `data` inserted, ids handed out in order.
fn filled(mut index: Hnsw, data: &[f32]) -> Hnsw {
    let dim = index.params().dim;
    for (expected, row) in data.chunks_exact(dim).enumerate() {
        assert_eq!(index.insert(row).expect("valid vector"), expected as u32);
    }
    index
}

#[test]
fn recall_holds_through_deletes_and_reinserts() {
    // Queries are held-out points of the same mixture (same seed, so the
    // same centres): 10,000 indexed, the next 200 queried.
    let all = clustered(10_200, DIM, 100, 0.5, 42);
    let (data, queries) = all.split_at(10_000 * DIM);
    let mut params = HnswParams::new(DIM);
    params.ef_construction = 100;
    let mut index = filled(Hnsw::new(params).expect("valid params"), data);
    assert_eq!(index.len(), 10_000);
    let before = recall(&index, queries, 64);
    assert!(before >= 0.95, "recall@10 {before}");

    // Delete every tenth vector: none may come back, recall must hold.
    let deleted: Vec<u32> = (0..10_000).step_by(10).collect();
    for &id in &deleted {
        index.delete(id).expect("live id");
    }
    assert_eq!(index.len(), 9_000);
    assert!(
        index.delete(deleted[0]).is_err(),
        "double delete is refused"
    );
    let mut scratch = SearchScratch::new();
    let mut found = Vec::new();
    for query in queries.chunks_exact(DIM) {
        index
            .search_with(&mut scratch, query, 50, 100, |_| true, &mut found)
            .expect("valid query");
        assert!(
            found.iter().all(|n| n.id % 10 != 0),
            "a deleted id was returned"
        );
    }
    let after = recall(&index, queries, 64);
    assert!(after >= 0.95, "recall@10 after deletes {after}");

    // New vectors reuse the freed slots and are found by themselves.
    let fresh = clustered(500, DIM, 100, 0.5, 7);
    for row in fresh.chunks_exact(DIM) {
        let id = index.insert(row).expect("valid vector");
        assert_eq!(id % 10, 0, "freed slots are reused first");
        let top = index.search(row, 1, 64).expect("valid query");
        assert_eq!(top[0].id, id);
        assert!((top[0].score - 1.0).abs() < 1e-4);
    }
    let reinserted = recall(&index, queries, 64);
    assert!(reinserted >= 0.95, "recall@10 after reinserts {reinserted}");
}

#[test]
fn bad_vectors_are_refused_not_panicked_on() {
    let mut index = Hnsw::new(HnswParams::new(4)).expect("valid params");
    assert!(index.insert(&[1.0, 2.0]).is_err());
    assert!(index.insert(&[0.0; 4]).is_err());
    assert!(index.insert(&[f32::NAN, 1.0, 0.0, 0.0]).is_err());
    assert!(index.search(&[1.0; 3], 1, 8).is_err());
    assert!(
        index
            .search(&[1.0; 4], 1, 8)
            .expect("empty index")
            .is_empty()
    );
    assert!(
        Hnsw::new(HnswParams {
            m: 1,
            ..HnswParams::new(4)
        })
        .is_err()
    );
    assert!(Hnsw::new(HnswParams::new(0)).is_err());
    assert!(index.delete(3).is_err());
}

#[test]
fn same_seed_builds_the_same_graph() {
    let data = clustered(500, 32, 10, 0.5, 1);
    let build = || filled(Hnsw::new(HnswParams::new(32)).expect("valid params"), &data);
    let (a, b) = (build(), build());
    for query in data.chunks_exact(32).take(50) {
        assert_eq!(
            a.search(query, 10, 16).expect("q"),
            b.search(query, 10, 16).expect("q")
        );
    }
}

#[test]
fn both_kernels_walk_the_codes_and_return_exact_scores() {
    use aios_fabric::distance::{Kernel, dot, normalize_into};
    let all = clustered(2_050, DIM, 20, 0.5, 9);
    let (data, queries) = all.split_at(2_000 * DIM);
    let mut params = HnswParams::new(DIM);
    params.ef_construction = 64;
    let build = |kernel| {
        filled(
            Hnsw::with_kernel(params, kernel).expect("valid params"),
            data,
        )
    };
    let portable = build(Kernel::Portable);
    let detected = build(Kernel::detect());
    for index in [&portable, &detected] {
        let walked = recall(index, queries, 32);
        assert!(walked >= 0.95, "recall@10 {walked}");
        let mut unit = Vec::new();
        for query in queries.chunks_exact(DIM) {
            assert!(normalize_into(query, &mut unit));
            let found = index.search(query, K, 32).expect("valid query");
            // Re-ranked by the exact vectors: scores are the true cosines,
            // best first, whatever the 8-bit walk estimated.
            for pair in found.windows(2) {
                assert!(pair[0].score >= pair[1].score);
            }
            for hit in &found {
                let stored = index.vector(hit.id).expect("live id");
                assert!((hit.score - dot(&unit, stored)).abs() < 1e-5);
            }
        }
    }
}
