//! Reading the host benchmarks' figures from what they print: the
//! `RESULT <who> key=value …` lines of the embedding and HNSW programs and
//! of `llm_golden.py`, and `llm_bench`'s `prompt eval:` and `generation:`
//! lines.

/// LLM throughput, single thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Llm {
    pub prompt_tokens_per_s: f64,
    pub generation_tokens_per_s: f64,
}

/// Embeddings per second, one sentence per call, single thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Embed {
    /// Over all the golden sentences.
    pub all: f64,
    /// Over those of at most 64 tokens.
    pub short: f64,
}

/// The first operating point with recall@10 >= 0.95.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Hnsw {
    pub build_s: f64,
    pub ef: f64,
    pub recall: f64,
    pub queries_per_s: f64,
}

/// The `key=value` fields of every `RESULT <who> …` line.
fn results<'a>(output: &'a str, who: &str) -> Vec<Vec<(&'a str, &'a str)>> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("RESULT ")?;
            let (name, fields) = rest.split_once(' ')?;
            (name == who).then(|| {
                fields
                    .split_whitespace()
                    .filter_map(|pair| pair.split_once('='))
                    .collect()
            })
        })
        .collect()
}

fn number(fields: &[(&str, &str)], key: &str) -> Result<f64, String> {
    let (_, value) = fields
        .iter()
        .find(|(k, _)| *k == key)
        .ok_or_else(|| format!("no `{key}` in a RESULT line"))?;
    value
        .parse()
        .map_err(|_| format!("`{key}={value}` is not a number"))
}

/// The rate `R` of `llm_bench`'s line `<prefix> … = R tokens/s`.
fn rate_after(output: &str, prefix: &str) -> Result<f64, String> {
    let line = output
        .lines()
        .find(|line| line.starts_with(prefix))
        .ok_or_else(|| format!("llm_bench printed no `{prefix}` line"))?;
    line.rsplit_once('=')
        .and_then(|(_, rate)| rate.trim().strip_suffix("tokens/s"))
        .and_then(|rate| rate.trim().parse().ok())
        .ok_or_else(|| format!("no rate in `{line}`"))
}

/// `llm_bench`'s prompt and generation rates.
pub(super) fn llm_bench(output: &str) -> Result<Llm, String> {
    Ok(Llm {
        prompt_tokens_per_s: rate_after(output, "prompt eval:")?,
        generation_tokens_per_s: rate_after(output, "generation:")?,
    })
}

/// `llm_golden.py --bench-only`'s `RESULT llamacpp` line.
pub(super) fn llama_cpp(output: &str) -> Result<Llm, String> {
    let lines = results(output, "llamacpp");
    let fields = lines.last().ok_or("no `RESULT llamacpp` line")?;
    Ok(Llm {
        prompt_tokens_per_s: number(fields, "prompt_tokens_per_s")?,
        generation_tokens_per_s: number(fields, "generation_tokens_per_s")?,
    })
}

/// Embeddings per second of `who` for both workloads; where a program
/// ran several backends, the AVX2 one (the one AIOS uses when present).
pub(super) fn embed(output: &str, who: &str) -> Result<Embed, String> {
    let lines = results(output, who);
    let rate = |workload: &str| {
        let mine: Vec<_> = lines
            .iter()
            .filter(|fields| fields.contains(&("workload", workload)))
            .collect();
        let best = mine
            .iter()
            .find(|fields| fields.contains(&("backend", "avx2")))
            .or(mine.last())
            .ok_or_else(|| format!("no `RESULT {who} workload={workload}` line"))?;
        number(best, "embeddings_per_s")
    };
    Ok(Embed {
        all: rate("all")?,
        short: rate("short")?,
    })
}

/// The `RESULT <who> build_s=… ef=… recall=… qps=…` line of an HNSW run.
pub(super) fn hnsw(output: &str, who: &str) -> Result<Hnsw, String> {
    let lines = results(output, who);
    let fields = lines
        .last()
        .ok_or_else(|| format!("no `RESULT {who}` line: recall@10 never reached 0.95"))?;
    Ok(Hnsw {
        build_s: number(fields, "build_s")?,
        ef: number(fields, "ef")?,
        recall: number(fields, "recall")?,
        queries_per_s: number(fields, "qps")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_bench_lines_give_both_rates() {
        let out = "load: 31.0 ms, backend Avx2\noutput: \"The sky = blue\"\n\
                   prompt eval: 63 tokens in 0.800 s = 78.8 tokens/s\n\
                   generation: 64 tokens in 2.000 s = 31.5 tokens/s\n";
        assert_eq!(
            llm_bench(out).unwrap(),
            Llm {
                prompt_tokens_per_s: 78.8,
                generation_tokens_per_s: 31.5
            }
        );
        assert!(llm_bench("llm_bench: model not found at /x").is_err());
    }

    #[test]
    fn llama_cpp_result_line_is_read() {
        let out = "llama.cpp n_threads=1: …\nRESULT llamacpp prompt_tokens=63 \
                   prompt_tokens_per_s=70.25 generation_tokens_per_s=40.50\n";
        let llm = llama_cpp(out).unwrap();
        assert_eq!(llm.prompt_tokens_per_s, 70.25);
        assert_eq!(llm.generation_tokens_per_s, 40.5);
        assert!(llama_cpp("RESULT llamacpp prompt_tokens_per_s=x").is_err());
    }

    #[test]
    fn embed_prefers_avx2_and_reads_both_workloads() {
        let out = "RESULT aios workload=all backend=scalar embeddings_per_s=5.00\n\
                   RESULT aios workload=all backend=avx2 embeddings_per_s=30.00\n\
                   RESULT aios workload=short backend=scalar embeddings_per_s=9.00\n\
                   RESULT other workload=short embeddings_per_s=1.00\n";
        let embed_rates = embed(out, "aios").unwrap();
        assert_eq!(embed_rates.all, 30.0);
        assert_eq!(embed_rates.short, 9.0);
        let reference = "RESULT sentence-transformers workload=all embeddings_per_s=23.5\n";
        assert!(embed(reference, "sentence-transformers").is_err());
    }

    #[test]
    fn hnsw_result_line_is_read_and_its_absence_explained() {
        let out = "ef   16: recall@10 0.9640   7140 q/s\n\
                   RESULT hnswlib build_s=103.60 ef=16 recall=0.9650 qps=8284\n";
        assert_eq!(
            hnsw(out, "hnswlib").unwrap(),
            Hnsw {
                build_s: 103.6,
                ef: 16.0,
                recall: 0.965,
                queries_per_s: 8284.0
            }
        );
        let err = hnsw(out, "aios").unwrap_err();
        assert!(err.contains("0.95"), "{err}");
    }
}
