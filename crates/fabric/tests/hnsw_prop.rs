//! Property test: random insert/delete/search sequences against brute force.

use aios_fabric::{Hnsw, HnswParams};
use proptest::prelude::*;
use std::collections::BTreeMap;

const DIM: usize = 8;

#[derive(Clone, Debug)]
enum Op {
    Insert(Vec<f32>),
    Delete(usize),
    Search(Vec<f32>),
}

fn vector() -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(-1.0f32..1.0, DIM)
        .prop_filter("non-zero", |v| v.iter().any(|x| x.abs() > 0.01))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => vector().prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Delete),
        2 => vector().prop_map(Op::Search),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn index_agrees_with_brute_force(ops in prop::collection::vec(op(), 1..120), m in 4usize..9) {
        let params = HnswParams { m, ef_construction: 32, ..HnswParams::new(DIM) };
        let mut index = Hnsw::new(params).expect("valid params");
        let mut live: BTreeMap<u32, Vec<f32>> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(v) => {
                    let id = index.insert(&v).expect("valid vector");
                    prop_assert!(live.insert(id, v.clone()).is_none(), "id {} handed out twice", id);
                    // Queried with itself it ranks first (ties only with equal directions).
                    let top = index.search(&v, live.len(), 128).expect("valid query");
                    let own = top.iter().find(|n| n.id == id);
                    prop_assert!(own.is_some_and(|n| n.score >= top[0].score - 1e-6 && n.score > 0.9999));
                }
                Op::Delete(pick) => {
                    if live.is_empty() {
                        continue;
                    }
                    let id = *live.keys().nth(pick % live.len()).expect("in range");
                    index.delete(id).expect("live id");
                    live.remove(&id);
                    prop_assert!(index.delete(id).is_err());
                }
                Op::Search(q) => {
                    let found = index.search(&q, 5, 128).expect("valid query");
                    prop_assert_eq!(found.len(), live.len().min(5), "every live node is reachable");
                    prop_assert!(found.iter().all(|n| live.contains_key(&n.id)), "no deleted id");
                    // With ef above the index size the walk must be exact.
                    let exact = index.exact_search(&q, 5, |_| true).expect("valid query");
                    for (got, want) in found.iter().zip(&exact) {
                        prop_assert!((got.score - want.score).abs() < 1e-5);
                    }
                }
            }
            prop_assert_eq!(index.len(), live.len());
        }
    }
}
