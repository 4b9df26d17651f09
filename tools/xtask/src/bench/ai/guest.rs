//! The guest half of the `ai` suite: the kernel's `bench-ai` measurement
//! (`kernel/src/ai_bench.rs`) on a scratch data disk holding the models,
//! booted once under `-icount shift=0` (ns are guest instructions) and
//! once for wall time, one CPU each.

use std::path::PathBuf;
use std::time::Duration;

use crate::bench::Measure;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::disks::Controller;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::serial::{Session, Wait};

const READY_TIMEOUT: Duration = Duration::from_secs(180);
/// Under TCG a token takes a second or more of wall time.
const RESULT_TIMEOUT: Duration = Duration::from_secs(900);
/// The scratch data disk (sparse): the models take about 190 MB.
const DISK_BYTES: u64 = 512 << 20;

/// What one boot measured, in ns (guest instructions under icount).
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    llm_load_ns: f64,
    prompt_tokens: f64,
    prompt_ns: f64,
    generated_tokens: f64,
    generation_ns: f64,
    embed_load_ns: f64,
    embeddings: f64,
    embed_ns: f64,
}

/// Installs the models on a fresh disk and measures them in the guest.
pub(super) fn run(paths: &Paths, files: &[(PathBuf, &'static str)]) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let image = paths.aios.join("bench-ai").join("data.img");
    crate::data_disk::format(&image, DISK_BYTES)?;
    crate::models::install(&image, files)?;
    let cmdline = format!("{DEFAULT_CMDLINE} bench-ai");
    let mut measures = Vec::new();
    for (step, counted) in [(1, true), (2, false)] {
        let label = if counted { "icount" } else { "wall" };
        println!("xtask: [{step}/2] bench ai in the guest ({label}) …");
        let mut machine = crate::bench::pvh_machine(paths, &kernel, &cmdline, 1, counted);
        machine.memory = "1G".to_string();
        machine
            .extra
            .extend(Controller::Virtio.qemu_args_cached(&image, "unsafe"));
        let started = std::time::Instant::now();
        let figures =
            crate::bench::measure_boot(paths, &machine, &format!("bench-ai-{label}"), drive)?;
        println!(
            "xtask: the {label} boot took {:.0} s",
            started.elapsed().as_secs_f64()
        );
        measures.extend(to_measures(&figures, counted));
    }
    Ok(measures)
}

fn drive(session: &mut Session) -> Result<Figures, String> {
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(_) => {}
        other => return Err(format!("no ready line ({other:?})")),
    }
    match session.wait_for(RESULT_TIMEOUT, |line| {
        let line = protocol::without_prompt(line);
        line.starts_with("bench: ai done") || line.starts_with("bench: ai failed")
    }) {
        Wait::Found(line) if line.text.contains("done") => {}
        Wait::Found(line) => return Err(line.text),
        other => return Err(format!("no AI results ({other:?})")),
    }
    parse(
        session
            .lines()
            .iter()
            .map(|l| protocol::without_prompt(&l.text)),
    )
}

/// Reads the `bench: ai-llm …` and `bench: ai-embed …` lines.
fn parse<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Figures, String> {
    let (mut llm, mut embed) = (None, None);
    for line in lines {
        if let Some(rest) = line.strip_prefix("bench: ai-llm ") {
            llm = Some(rest);
        } else if let Some(rest) = line.strip_prefix("bench: ai-embed ") {
            embed = Some(rest);
        }
    }
    let llm = llm.ok_or("no `bench: ai-llm` line")?;
    let embed = embed.ok_or("no `bench: ai-embed` line")?;
    Ok(Figures {
        llm_load_ns: value(llm, "load_ns")?,
        prompt_tokens: value(llm, "prompt_tokens")?,
        prompt_ns: value(llm, "prompt_ns")?,
        generated_tokens: value(llm, "generated_tokens")?,
        generation_ns: value(llm, "generation_ns")?,
        embed_load_ns: value(embed, "load_ns")?,
        embeddings: value(embed, "embeddings")?,
        embed_ns: value(embed, "embed_ns")?,
    })
}

fn value(fields: &str, key: &str) -> Result<f64, String> {
    fields
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| format!("no number `{key}` in `{fields}`"))
}

fn to_measures(f: &Figures, counted: bool) -> Vec<Measure> {
    let suffix = if counted { "guest" } else { "wall" };
    let measure = |name: &str, value: f64, unit: &str| Measure {
        name: format!("kernel_{name}_{suffix}"),
        value,
        unit: unit.to_string(),
        target: None,
    };
    let per_second = |count: f64, ns: f64| count / (ns / 1e9).max(f64::MIN_POSITIVE);
    let per_item = |ns: f64, count: f64| ns / count.max(1.0);
    let rate = if counted { "/s guest" } else { "/s wall" };
    let mut out = vec![
        measure(
            "llm_prompt_tokens_per_s",
            per_second(f.prompt_tokens, f.prompt_ns),
            &format!("tokens{rate}"),
        ),
        measure(
            "llm_generation_tokens_per_s",
            per_second(f.generated_tokens, f.generation_ns),
            &format!("tokens{rate}"),
        ),
        measure(
            "embeddings_per_s",
            per_second(f.embeddings, f.embed_ns),
            &format!("embeddings{rate}"),
        ),
    ];
    let time = if counted { "instructions" } else { "ns" };
    out.extend([
        measure(
            &format!("llm_prompt_{time}_per_token"),
            per_item(f.prompt_ns, f.prompt_tokens),
            &format!("{time}/token"),
        ),
        measure(
            &format!("llm_generation_{time}_per_token"),
            per_item(f.generation_ns, f.generated_tokens),
            &format!("{time}/token"),
        ),
        measure(
            &format!("embed_{time}_per_embedding"),
            per_item(f.embed_ns, f.embeddings),
            &format!("{time}/embedding"),
        ),
        measure(&format!("llm_load_{time}"), f.llm_load_ns, time),
        measure(&format!("embed_load_{time}"), f.embed_load_ns, time),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: [&str; 5] = [
        "AIOS 0.1.0 ready",
        "bench: ai-llm backend=avx2 load_ns=5000 prompt_tokens=64 prompt_ns=32000000000 \
         generated_tokens=16 generation_ns=8000000000",
        "bench: ai-llm-text \"The sky is blue because\"",
        "bench: ai-embed backend=avx2 load_ns=7000 embeddings=4 tokens=12 embed_ns=2000000000",
        "bench: ai done",
    ];

    #[test]
    fn result_lines_parse_into_figures_and_measures() {
        let figures = parse(LINES.iter().copied()).unwrap();
        assert_eq!(figures.prompt_tokens, 64.0);
        assert_eq!(figures.embed_load_ns, 7000.0);
        let measures = to_measures(&figures, true);
        let find = |name: &str| measures.iter().find(|m| m.name == name).unwrap().value;
        assert_eq!(find("kernel_llm_prompt_tokens_per_s_guest"), 2.0);
        assert_eq!(find("kernel_llm_prompt_instructions_per_token_guest"), 5e8);
        assert_eq!(find("kernel_llm_generation_tokens_per_s_guest"), 2.0);
        assert_eq!(find("kernel_embeddings_per_s_guest"), 2.0);
        assert_eq!(find("kernel_embed_instructions_per_embedding_guest"), 5e8);
        assert_eq!(find("kernel_llm_load_instructions_guest"), 5000.0);
        let wall = to_measures(&figures, false);
        assert!(
            wall.iter()
                .any(|m| m.name == "kernel_llm_generation_ns_per_token_wall")
        );
    }

    #[test]
    fn a_missing_line_or_field_is_an_error() {
        assert!(parse(LINES[..3].iter().copied()).is_err());
        let broken = ["bench: ai-llm load_ns=1", LINES[3]];
        let err = parse(broken.iter().copied()).unwrap_err();
        assert!(err.contains("prompt_tokens"), "{err}");
    }
}
