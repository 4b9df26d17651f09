//! The `api` suite: an intent's round trip through the node's API, from
//! the host's request to the reply, in busy guest instructions per
//! request; and `/health`, which is the same connection, TLS handshake
//! and HTTP exchange without the intent, so the difference is what the
//! intent itself costs (routing, the policy and audit, the echo agent's
//! receive and reply, the JSON and CBOR both ways).
//!
//! The handshake dominates: see `docs/benchmarks.md` for why the
//! intent's own part is not the difference of the two here.
//!
//! One boot, one CPU, `-icount shift=0,sleep=on`: every guest instruction
//! is one nanosecond of guest time, and the time the CPU is halted passes
//! at the host's pace. Not `sleep=off` as the other suites: a request
//! waits on the host's side of the TLS handshake, and while it waits the
//! API looks at the network service every 2 ms; with `sleep=off` the guest
//! clock would jump from one such look to the next as fast as the host
//! can run them, so the count would grow with how long the host took, not
//! with what the node did. Busy time is the guest time less the time the
//! CPU was halted (`info`'s `idle:` line, read before and after a batch of
//! requests); the cost of one `info` is measured the same way and taken
//! off. Runs therefore do not repeat bit for bit; each case runs in
//! [`BATCHES`] batches and the median batch is reported.
//!
//! The host side is `tls-peer request` (rustls on aws-lc-rs), offering
//! one key exchange group: a new connection per request (`Connection:
//! close`, as curl makes them), and then all of a batch's requests on one
//! kept connection (as an SDK with a connection pool makes them). The agent is the example `echo` (intent `demo.echo`),
//! sent a 64-character text.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::Measure;
use super::boot::median;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::nics::Nic;
use crate::paths::Paths;
use crate::serial::Session;
use crate::tls_peer::{self, Peer};

/// Requests per batch.
pub(super) const REQUESTS: usize = 20;
/// Batches per case; the median is reported.
pub(super) const BATCHES: usize = 5;
/// Requests before the first batch: the first connections fill the
/// caches and the allocator's pools.
pub(super) const WARM_UP: usize = 5;
/// The address the guest takes (QEMU's user network forwards to it).
pub(super) const GUEST_ADDRESS: &str = "10.0.2.15/24";
/// Guest time counts instructions; halted time passes at the host's pace.
pub(super) const ICOUNT_SLEEP: [&str; 4] = [
    "-icount",
    "shift=0,sleep=on",
    "-rtc",
    "base=2024-01-01T00:00:00,clock=vm",
];
const READY: Duration = Duration::from_secs(180);
const STEP: Duration = Duration::from_secs(60);

/// The intent's request body: `{"text": 64 characters}`.
pub(super) fn echo_body() -> String {
    format!(r#"{{"text":"{}"}}"#, "a".repeat(64))
}

/// Boots once and measures each case.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    let peer = tls_peer::ensure(paths)?;
    build::bundle(paths)?;
    let port = crate::e2e_net::free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e))?;
    let mut machine = super::pvh_machine(
        paths,
        &kernel,
        &format!("{DEFAULT_CMDLINE} net.ip={GUEST_ADDRESS}"),
        1,
        false,
    );
    machine.extra = ICOUNT_SLEEP.iter().map(|a| a.to_string()).collect();
    machine.extra.extend(
        Nic::Virtio.qemu_args_with("net0", &[format!("hostfwd=tcp:127.0.0.1:{port}-:443")]),
    );
    println!("xtask: bench api under -icount shift=0,sleep=on, smp 1 …");
    let body = echo_body();
    super::measure_boot(paths, &machine, "bench-api-icount", |s| {
        ready(s)?;
        send(s, "spawn echo")?;
        found(
            s.wait_for(STEP, |l| l.contains("spawned echo as agent")),
            "spawn line",
        )?;
        let node = Node { peer: &peer, port };
        let (intent, health) = cases(&body);
        for group in ["hybrid", "x25519"] {
            node.requests(&intent, group, WARM_UP)?;
        }
        let snapshot = snapshot_cost(s)?;
        let mut measures = Vec::new();
        let mut per_request = |name: &str, case: &Case<'_>, group: &str, connections: &str| {
            let batch = batches(s, snapshot, || {
                node.requests_on(case, group, connections, REQUESTS)
            })?;
            measures.extend(batch.measures(name));
            Ok::<(), String>(())
        };
        per_request("intent_round_trip_hybrid", &intent, "hybrid", "fresh")?;
        per_request("intent_round_trip_x25519", &intent, "x25519", "fresh")?;
        per_request("health_hybrid", &health, "hybrid", "fresh")?;
        per_request("health_x25519", &health, "x25519", "fresh")?;
        // One connection for the whole batch: its handshake is shared by
        // the batch's requests, so what is left is the request itself.
        per_request("intent_round_trip_kept", &intent, "hybrid", "kept")?;
        per_request("health_kept", &health, "hybrid", "kept")?;
        measures.push(instructions("info_snapshot", snapshot));
        Ok(measures)
    })
}

/// Waits for the ready line, the console agent and the API.
pub(super) fn ready(s: &mut Session) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line")?;
    found(
        s.wait_for(READY, |l| l.contains("api: https on port")),
        "API line",
    )?;
    found(
        s.wait_for(READY, |l| {
            l.contains("supervisor: started console as agent")
        }),
        "console agent",
    )
    .map(drop)
}

/// The two requests measured: `demo.echo` with `body`, and `/health`.
pub(super) fn cases(body: &str) -> (Case<'_>, Case<'static>) {
    (
        Case {
            method: "POST",
            path: "/v1/intents/demo.echo",
            body: Some(body),
            expect: "\"reply\":{\"text\":\"aaaa",
        },
        Case {
            method: "GET",
            path: "/health",
            body: None,
            expect: "\"status\":\"ok\"",
        },
    )
}

/// A request the benchmark makes, and a piece of the body every answer
/// must hold.
pub(super) struct Case<'a> {
    pub(super) method: &'a str,
    pub(super) path: &'a str,
    pub(super) body: Option<&'a str>,
    pub(super) expect: &'a str,
}

/// A node's API as the host reaches it.
pub(super) struct Node<'a> {
    pub(super) peer: &'a Peer,
    pub(super) port: u16,
}

impl Node<'_> {
    /// Makes `count` requests of `case` with `tls-peer`, offering `group`,
    /// each on a fresh connection; fails unless each is answered 200 with
    /// the expected body over that group.
    pub(super) fn requests(
        &self,
        case: &Case<'_>,
        group: &str,
        count: usize,
    ) -> Result<(), String> {
        self.requests_on(case, group, "fresh", count)
    }

    /// As [`Node::requests`], on `connections`: `fresh` (one each) or
    /// `kept` (all on one).
    pub(super) fn requests_on(
        &self,
        case: &Case<'_>,
        group: &str,
        connections: &str,
        count: usize,
    ) -> Result<(), String> {
        let mut command = Command::new(&self.peer.binary);
        command
            .arg("request")
            .arg(self.peer.pki.join("ca.pem"))
            .arg(format!("127.0.0.1:{}", self.port))
            .arg(self.peer.pki.join("api-token"))
            .arg(group)
            .arg(connections)
            .arg(count.to_string())
            .arg(case.method)
            .arg(case.path);
        if let Some(body) = case.body {
            command.arg(body);
        }
        let output = command
            .output()
            .map_err(|e| format!("tls-peer request: {e}"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "tls-peer request {} {}: {} (after {text:?})",
                case.method,
                case.path,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let negotiated = match group {
            "hybrid" => "X25519MLKEM768",
            _ => "X25519",
        };
        let answers: Vec<&str> = text.lines().collect();
        let good = |line: &&str| {
            line.starts_with("status=200 ")
                && line.contains(&format!(" group={negotiated} "))
                && line.contains(case.expect)
        };
        match answers.iter().find(|line| !good(line)) {
            _ if answers.len() != count => Err(format!(
                "{} {}: {} answers to {count} requests",
                case.method,
                case.path,
                answers.len()
            )),
            Some(line) => Err(format!("{} {}: answered {line}", case.method, case.path)),
            None => Ok(()),
        }
    }
}

/// A node's clock and idle time, from `info`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Snapshot {
    uptime_ns: f64,
    idle_ns: f64,
}

impl Snapshot {
    /// Busy guest nanoseconds (instructions) from `self` to `later`, one
    /// CPU.
    pub(super) fn busy_until(self, later: Snapshot) -> f64 {
        (later.uptime_ns - self.uptime_ns) - (later.idle_ns - self.idle_ns)
    }
}

/// The snapshot in `info`'s line `idle: N ns summed over the cpus,
/// uptime N ns`.
fn parse_snapshot(line: &str) -> Option<Snapshot> {
    let rest = crate::protocol::without_prompt(line).strip_prefix("idle: ")?;
    let (idle, rest) = rest.split_once(" ns summed over the cpus, uptime ")?;
    let uptime = rest.strip_suffix(" ns")?;
    Some(Snapshot {
        uptime_ns: uptime.trim().parse().ok()?,
        idle_ns: idle.trim().parse().ok()?,
    })
}

/// Types `info` and reads its snapshot.
pub(super) fn snapshot(s: &mut Session) -> Result<Snapshot, String> {
    send(s, "info")?;
    let line = found(
        s.wait_for(STEP, |l| parse_snapshot(l).is_some()),
        "info's idle line",
    )?;
    parse_snapshot(&line).ok_or_else(|| format!("unreadable idle line {line:?}"))
}

/// Busy instructions between two snapshots taken one after the other:
/// the part of the window the snapshots themselves cost (the median of
/// [`BATCHES`]).
pub(super) fn snapshot_cost(s: &mut Session) -> Result<f64, String> {
    let mut costs = Vec::new();
    for _ in 0..BATCHES {
        let before = snapshot(s)?;
        let after = snapshot(s)?;
        costs.push(before.busy_until(after));
    }
    Ok(median(&mut costs))
}

/// One case's figures: the median batch's busy instructions and host
/// wall time per request.
pub(super) struct Batches {
    pub(super) busy: f64,
    pub(super) wall_ms: f64,
    pub(super) spread: f64,
}

impl Batches {
    pub(super) fn measures(&self, name: &str) -> Vec<Measure> {
        vec![
            instructions(name, self.busy),
            Measure {
                name: format!("{name}_spread"),
                value: self.spread,
                unit: "%".to_string(),
                target: None,
            },
            Measure {
                name: format!("{name}_wall"),
                value: self.wall_ms,
                unit: "ms".to_string(),
                target: None,
            },
        ]
    }
}

/// Runs `batch` ([`REQUESTS`] requests) [`BATCHES`] times between
/// snapshots of `s`.
fn batches(
    s: &mut Session,
    snapshot_cost: f64,
    batch: impl Fn() -> Result<(), String>,
) -> Result<Batches, String> {
    let mut busy = Vec::new();
    let mut wall = Vec::new();
    for _ in 0..BATCHES {
        let before = snapshot(s)?;
        let started = Instant::now();
        batch()?;
        wall.push(started.elapsed().as_secs_f64() * 1e3 / REQUESTS as f64);
        let after = snapshot(s)?;
        busy.push((before.busy_until(after) - snapshot_cost) / REQUESTS as f64);
        println!(
            "xtask: batch of {REQUESTS}: {:.0} busy instructions per request",
            busy[busy.len() - 1]
        );
    }
    Ok(summarise(&mut busy, &mut wall))
}

/// The median of each and the spread of `busy` ((max − min) / median).
pub(super) fn summarise(busy: &mut [f64], wall: &mut [f64]) -> Batches {
    let middle = median(busy);
    let (low, high) = busy
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &b| {
            (low.min(b), high.max(b))
        });
    let spread = high - low;
    Batches {
        busy: middle,
        wall_ms: median(wall),
        spread: spread / middle * 100.0,
    }
}

pub(super) fn instructions(name: &str, value: f64) -> Measure {
    Measure {
        name: name.to_string(),
        value: value.round(),
        unit: "instructions".to_string(),
        target: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_info_line_gives_the_snapshot() {
        let before = parse_snapshot("aios> idle: 100 ns summed over the cpus, uptime 1000 ns")
            .expect("snapshot");
        let after =
            parse_snapshot("idle: 400 ns summed over the cpus, uptime 2000 ns").expect("snapshot");
        assert_eq!(before.busy_until(after), 700.0);
        assert!(parse_snapshot("idle: soon ns summed over the cpus, uptime 1 ns").is_none());
        assert!(parse_snapshot("uptime: 2.797 s").is_none());
    }

    #[test]
    fn batches_report_the_median_and_the_spread() {
        let got = summarise(&mut [120.0, 100.0, 110.0], &mut [3.0, 1.0, 2.0]);
        assert_eq!(got.busy, 110.0);
        assert_eq!(got.wall_ms, 2.0);
        assert!((got.spread - 20.0 / 110.0 * 100.0).abs() < 1e-9);
    }
}
