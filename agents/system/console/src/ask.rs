//! `ask PROMPT`: the kernel language model's answer, written to the
//! console piece by piece as the kernel streams it, then a line saying
//! how many tokens it took, why it stopped, and how fast it went.

use crate::{Error, Host};
use aios_abi::payload::finish;

/// Streams the answer to `prompt`.
pub(crate) fn ask(host: &mut impl Host, prompt: &str) -> Result<(), Error> {
    let started = host.clock_ns();
    host.ask(prompt)?;
    let mut wrote_newline = true;
    loop {
        let piece = host.ask_next()?;
        if !piece.text.is_empty() {
            host.write(piece.text.as_bytes());
            wrote_newline = piece.text.ends_with('\n');
        }
        let Some(code) = piece.finish else {
            continue;
        };
        if !wrote_newline {
            host.write(b"\n");
        }
        let ended = host.clock_ns();
        let line = summary(
            piece.generated,
            piece.prompt_tokens,
            code,
            piece.error.as_deref(),
            ended.saturating_sub(started),
        );
        host.write(line.as_bytes());
        return Ok(());
    }
}

/// `[N tokens (P in the prompt), REASON, R tokens/s]`.
fn summary(generated: u32, prompt: u32, code: u8, error: Option<&str>, ns: u64) -> String {
    let reason = match code {
        finish::END_OF_TURN => "end of answer",
        finish::STOP => "stop string",
        finish::LENGTH => "length limit",
        finish::CONTEXT => "context full",
        finish::QUOTA => "token quota used up",
        finish::CANCELLED => "cancelled",
        _ => "failed",
    };
    let rate = if ns == 0 {
        0.0
    } else {
        f64::from(generated) * 1e9 / ns as f64
    };
    let error = error.map(|e| format!(": {e}")).unwrap_or_default();
    format!("[{generated} tokens ({prompt} in the prompt), {reason}{error}, {rate:.2} tokens/s]\n")
}

#[cfg(test)]
mod tests {
    use super::summary;
    use aios_abi::payload::finish;

    #[test]
    fn the_summary_names_the_reason_and_rate() {
        assert_eq!(
            summary(10, 30, finish::END_OF_TURN, None, 2_000_000_000),
            "[10 tokens (30 in the prompt), end of answer, 5.00 tokens/s]\n"
        );
        assert_eq!(
            summary(0, 3, finish::ERROR, Some("bad model"), 0),
            "[0 tokens (3 in the prompt), failed: bad model, 0.00 tokens/s]\n"
        );
    }
}
