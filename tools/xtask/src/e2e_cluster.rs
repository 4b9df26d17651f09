//! Tier 10, two nodes: `node-a` and `node-b` boot with their own bundles
//! (the cluster key's certificate and each node's ML-DSA-65 seed) and
//! dial each other through this machine's loopback (`crate::cluster`).
//! - both log the link, each having checked the other's certificate and
//!   proof over TLS with X25519MLKEM768 only;
//! - an intent served on one node is sent from the other's console and
//!   answered, both ways (`demo.echo`, served by whichever node runs the
//!   echo agent), and each side's audit log names the other node;
//! - `node-b` stops: a message for it from `node-a` is refused at once
//!   (not waited on for the console's 5 s);
//! - `node-b` boots again: the link comes back and so does routing.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cli::DEFAULT_CMDLINE;
use crate::cluster::{NODES, link_forwards, node_bundle, peers_setting};
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::nics::Nic;
use crate::paths::Paths;
use crate::qemu::{Boot, Machine};
use crate::report::Checks;
use crate::serial::{Session, Wait};
use crate::tls_peer::Peer;

const READY: Duration = Duration::from_secs(90);
const STEP: Duration = Duration::from_secs(30);
/// How long a node may take to learn what the other serves (it is said
/// with the pings, once a second).
const PROPAGATION: Duration = Duration::from_secs(20);

/// Runs the scenario and records its checks.
pub fn run(paths: &Paths, peer: &Peer, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e two nodes linked …");
    let port =
        || crate::e2e_net::free_port().map_err(|e| Error::io(std::path::Path::new("127.0.0.1"), e));
    let ports = [port()?, port()?];
    let mut nodes = Vec::new();
    for (index, name) in NODES.into_iter().enumerate() {
        let bundle: PathBuf = node_bundle(paths, name)?;
        let mut machine = crate::e2e::production_pvh(paths);
        machine.boot = Boot::Pvh {
            kernel: paths.kernel_elf(),
            bundle,
            cmdline: format!("{DEFAULT_CMDLINE} {}", peers_setting()),
        };
        machine.extra = Nic::Virtio
            .qemu_args_with("net0", &link_forwards(peer, ports[index], ports[1 - index]));
        nodes.push(machine);
    }
    let mut a = Session::spawn(&nodes[0], false)?;
    let mut b = Session::spawn(&nodes[1], false)?;
    let outcome = scenario(&mut a, &mut b, &nodes[1], checks);
    // Stopped first: a session's log is whole once its QEMU has exited.
    a.kill();
    b.kill();
    let log_a = a.save_log(&paths.logs(), "e2e-cluster-node-a")?;
    let log_b = b.save_log(&paths.logs(), "e2e-cluster-node-b")?;
    if let Err(why) = outcome {
        checks.record(
            "two nodes scenario",
            Err(format!(
                "{why}\n  {}\n  {}",
                log_a.display(),
                log_b.display()
            )),
        );
    }
    Ok(())
}

fn scenario(
    a: &mut Session,
    b: &mut Session,
    node_b: &Machine,
    checks: &mut Checks,
) -> Result<(), String> {
    console(a)?;
    console(b)?;
    let linked_a = a.wait_for(READY, |l| l.contains("cluster: linked to node node-b"));
    let linked_b = b.wait_for(READY, |l| l.contains("cluster: linked to node node-a"));
    checks.expect(
        "two nodes link, each proving its ML-DSA-65 identity over TLS with X25519MLKEM768 only",
        matches!(linked_a, Wait::Found(_)) && matches!(linked_b, Wait::Found(_)),
        || format!("node-a: {linked_a:?}; node-b: {linked_b:?}"),
    );

    // node-a serves demo.echo; node-b's console asks.
    let echo_a = spawn_echo(a)?;
    let there = ask_until_answered(b, "from b")?;
    checks.expect(
        "an intent served on node-a is sent from node-b's console and answered",
        there.contains(r#"{"text":"from b"}"#),
        || there.clone(),
    );
    // And the other way: node-b serves it, node-a asks.
    send(a, &format!("kill {echo_a}"))?;
    found(a.wait_for(STEP, |l| l.starts_with("killed")), "kill line")?;
    spawn_echo(b)?;
    let back = ask_until_answered(a, "from a")?;
    checks.expect(
        "an intent served on node-b is sent from node-a's console and answered",
        back.contains(r#"{"text":"from a"}"#),
        || back.clone(),
    );
    send(a, "audit tail 12")?;
    let left = found(
        a.wait_for(STEP, |l| l.contains("to node node-b (agent")),
        "node-a's record of the message it sent",
    );
    send(b, "audit tail 12")?;
    let came = found(
        b.wait_for(STEP, |l| l.contains("from node node-a (agent")),
        "node-b's record of the message it got",
    );
    checks.record(
        "both nodes audit the message: one sent it to node-b, the other got it from node-a",
        left.and(came).map(drop),
    );

    // node-b stops: node-a is told at once, not after its 5 s wait.
    b.kill();
    let lost = a.wait_for(STEP, |l| l.contains("cluster: link to node node-b lost"));
    let asked = Instant::now();
    send(a, r#"send demo.echo {"text":"anyone?"}"#)?;
    let answer = found(
        a.wait_for(STEP, |l| {
            l.starts_with("send: ") || l.starts_with("reply from")
        }),
        "send's answer",
    )?;
    let took = asked.elapsed();
    checks.expect(
        "a stopped node is reported: the link is dropped and a message for it is refused at once",
        matches!(lost, Wait::Found(_))
            && (answer.contains("no agent serves") || answer.contains("not answered"))
            && took < Duration::from_secs(4),
        || format!("{lost:?}; {answer:?} after {took:?}"),
    );

    // node-b boots again: the link and routing come back.
    let mut b = Session::spawn(node_b, false).map_err(|e| e.to_string())?;
    let booted = console(&mut b);
    let relinked = a.wait_for(READY, |l| l.contains("cluster: linked to node node-b"));
    let resumed = booted
        .and_then(|()| spawn_echo(&mut b))
        .and_then(|_| ask_until_answered(a, "again"));
    checks.expect(
        "node-b back: the link is made again and node-a's message is answered there",
        matches!(relinked, Wait::Found(_))
            && resumed
                .as_deref()
                .is_ok_and(|r| r.contains(r#"{"text":"again"}"#)),
        || format!("{relinked:?}; {resumed:?}"),
    );
    b.kill();
    Ok(())
}

/// Waits for the console's prompt line.
fn console(s: &mut Session) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line").map(drop)
}

/// Spawns the echo agent: its id.
fn spawn_echo(s: &mut Session) -> Result<String, String> {
    send(s, "spawn echo")?;
    let line = found(
        s.wait_for(STEP, |l| l.contains("spawned echo as agent")),
        "spawn line",
    )?;
    Ok(line.rsplit(' ').next().unwrap_or_default().to_string())
}

/// Sends `demo.echo {"text": TEXT}` until the other node answers (it
/// learns what the other serves within a second or two): the reply line.
fn ask_until_answered(s: &mut Session, text: &str) -> Result<String, String> {
    let started = Instant::now();
    loop {
        send(s, &format!(r#"send demo.echo {{"text":"{text}"}}"#))?;
        let line = found(
            s.wait_for(STEP, |l| {
                l.starts_with("send: ") || l.starts_with("reply from")
            }),
            "send's answer",
        )?;
        if line.starts_with("reply from") || started.elapsed() > PROPAGATION {
            return Ok(line);
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
