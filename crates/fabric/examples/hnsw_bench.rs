//! HNSW benchmark: build time, recall@10 and single-thread queries/s per ef.
//!
//! `cargo run --release -p aios-fabric --example hnsw_bench -- [N] [CENTRES] [OUT]`
//! generates the clustered set (N × 384, default 100,000 with 1,000 centres),
//! writes it with queries and exact ground truth to OUT (default
//! `target/bench/hnsw_data.bin`) for `tools/ml-golden/hnsw_bench.py`, builds
//! the index with M=16, ef_construction=200 and sweeps ef.

use aios_fabric::dataset::clustered;
use aios_fabric::{Hnsw, HnswParams, Neighbour, SearchScratch};
use std::io::Write;
use std::time::Instant;

const DIM: usize = 384;
const K: usize = 10;
const QUERIES: usize = 1_000;
/// Timed passes over the queries per ef (the fastest counts).
const PASSES: usize = 5;
/// Shortest CPU time of one timed pass.
const MIN_PASS_S: f64 = 0.2;
const EFS: [usize; 11] = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).map_or(Ok(100_000), |a| a.parse())?;
    let centres: usize = args.get(2).map_or(Ok(1_000), |a| a.parse())?;
    let out = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "target/bench/hnsw_data.bin".into());

    // Queries are held-out points of the same mixture: the same seed gives
    // the same centres, so generate count + QUERIES points and split.
    let all = clustered(count + QUERIES, DIM, centres, 0.5, 42);
    let (data, queries) = all.split_at(count * DIM);

    let mut params = HnswParams::new(DIM);
    params.m = 16;
    params.ef_construction = 200;
    let mut index = Hnsw::new(params)?;
    let start = cpu_seconds();
    for row in data.chunks_exact(DIM) {
        index.insert(row)?;
    }
    let build = cpu_seconds() - start;
    println!("build: {count} x {DIM}, {centres} centres, M=16 ef_c=200: {build:.2} s CPU");

    let start = Instant::now();
    let truth: Vec<Vec<Neighbour>> = queries
        .chunks_exact(DIM)
        .map(|q| index.exact_search(q, K, |_| true))
        .collect::<Result<_, _>>()?;
    println!("exact ground truth: {:.2} s", start.elapsed().as_secs_f64());
    write_data(&out, count, data, queries, &truth)?;

    let mut scratch = SearchScratch::new();
    let mut found = Vec::new();
    let mut chosen = None;
    for ef in EFS {
        // CPU time, best of PASSES passes: the machine is shared, so wall
        // time mostly measures the neighbours' load, and even CPU time
        // stretches while they contend for the caches. A pass repeats the
        // query set until it has run MIN_PASS_S, as the CPU clock ticks in
        // milliseconds (one set at a high rate lasts a few dozen).
        let (mut hits, mut best) = (0usize, f64::MAX);
        for _ in 0..PASSES {
            let start = cpu_seconds();
            let mut sets = 0u32;
            while sets == 0 || cpu_seconds() - start < MIN_PASS_S {
                hits = 0;
                for (query, truth) in queries.chunks_exact(DIM).zip(&truth) {
                    index.search_with(&mut scratch, query, K, ef, |_| true, &mut found)?;
                    hits += found
                        .iter()
                        .filter(|f| truth.iter().any(|t| t.id == f.id))
                        .count();
                }
                sets += 1;
            }
            best = best.min((cpu_seconds() - start) / f64::from(sets));
        }
        let qps = QUERIES as f64 / best;
        let recall = hits as f64 / (QUERIES * K) as f64;
        println!("ef {ef:4}: recall@10 {recall:.4}  {qps:9.0} q/s");
        if recall >= 0.95 && chosen.is_none() {
            chosen = Some((ef, recall, qps));
        }
    }
    if let Some((ef, recall, qps)) = chosen {
        println!("RESULT aios build_s={build:.2} ef={ef} recall={recall:.4} qps={qps:.0}");
    }
    measure_deletes(&mut index, queries, chosen.map_or(64, |c| c.0))
}

/// Deletes 1 % of the vectors, reports the cost per delete and recall@10
/// on 100 queries against a fresh exact answer over the survivors.
fn measure_deletes(
    index: &mut Hnsw,
    queries: &[f32],
    ef: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let doomed: Vec<u32> = index.ids().step_by(100).collect();
    let start = cpu_seconds();
    for &id in &doomed {
        index.delete(id)?;
    }
    let per_delete = (cpu_seconds() - start) / doomed.len() as f64;
    let (mut hits, mut total) = (0, 0);
    for query in queries.chunks_exact(DIM).take(100) {
        let truth = index.exact_search(query, K, |_| true)?;
        let found = index.search(query, K, ef)?;
        if found.iter().any(|f| doomed.binary_search(&f.id).is_ok()) {
            return Err("a deleted id was returned".into());
        }
        hits += found
            .iter()
            .filter(|f| truth.iter().any(|t| t.id == f.id))
            .count();
        total += K;
    }
    println!(
        "deletes: {} at {:.2} ms each; recall@10 at ef {ef} afterwards {:.4}",
        doomed.len(),
        per_delete * 1e3,
        hits as f64 / total as f64
    );
    Ok(())
}

/// Seconds this process has run on a CPU (Linux schedstat, nanoseconds);
/// wall time if that is unavailable.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(
            || {
                use std::sync::OnceLock;
                static EPOCH: OnceLock<Instant> = OnceLock::new();
                EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64()
            },
            |ns| ns as f64 / 1e9,
        )
}

/// Layout (little endian): b"AIOSHNSW", u64 count, u64 queries, u64 dim,
/// u64 k, count×dim f32, queries×dim f32, queries×k u32 exact ids.
fn write_data(
    path: &str,
    count: usize,
    data: &[f32],
    queries: &[f32],
    truth: &[Vec<Neighbour>],
) -> std::io::Result<()> {
    if let Some(parent) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(b"AIOSHNSW")?;
    for value in [count, QUERIES, DIM, K] {
        file.write_all(&(value as u64).to_le_bytes())?;
    }
    for value in data.iter().chain(queries) {
        file.write_all(&value.to_le_bytes())?;
    }
    for row in truth {
        for neighbour in row {
            file.write_all(&neighbour.id.to_le_bytes())?;
        }
    }
    file.flush()
}
