//! `top`: the agent table (with messaging counters) and the IPC totals,
//! redrawn every second until a key is pressed.

use crate::shell::{is_no_input, say};
use crate::{Error, Host, listing, messaging};
use std::collections::VecDeque;

/// How often `top` redraws.
pub const REFRESH_NS: u64 = 1_000_000_000;
/// Clears the terminal and homes the cursor, before each frame.
const CLEAR: &str = "\x1b[2J\x1b[H";

/// Redraws every [`REFRESH_NS`] until a key is pressed (the key is
/// consumed; one typed ahead, waiting in `pending`, counts).
pub(crate) fn run<H: Host>(host: &mut H, pending: &mut VecDeque<u8>) -> Result<(), Error> {
    loop {
        let now = host.clock_ns();
        let lines = frame(host, now);
        say(host, lines);
        if pending.pop_front().is_some() {
            return Ok(());
        }
        let deadline = now.saturating_add(REFRESH_NS);
        loop {
            let left = deadline.saturating_sub(host.clock_ns());
            if left == 0 {
                break;
            }
            match host.read(&mut [0u8; 1], left) {
                Ok(0) => {}
                Ok(_) => return Ok(()),
                Err(error) if is_no_input(&error) => {}
                Err(error) => return Err(error),
            }
        }
    }
}

/// One screen: header, IPC totals (when the kernel reports them), then
/// the agent table or why it is missing.
fn frame<H: Host>(host: &mut H, now: u64) -> Vec<String> {
    let mut frame = vec![format!("{CLEAR}{}", listing::top_header(now))];
    if let Ok(stats) = host.ipc_stats() {
        frame.push(messaging::totals(&stats));
    }
    match host.agent_list() {
        Ok(agents) => frame.extend(listing::agent_table(&agents)),
        Err(error) => frame.push(format!("error: {error}")),
    }
    frame
}
