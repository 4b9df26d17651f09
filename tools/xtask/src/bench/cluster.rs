//! The `cluster` suite: an intent's round trip across two nodes. The host
//! asks `node-a`'s API for `demo.echo`, which only `node-b` serves: the
//! request crosses the nodes' link (TLS 1.3, X25519MLKEM768, ML-DSA-65
//! identities; `docs/cluster.md`), the echo agent answers on `node-b`,
//! and the reply comes back the same way. Figures per round trip, in busy
//! guest instructions on each node, measured as the `api` suite measures
//! (`-icount shift=0,sleep=on`, one CPU each, `info` snapshots around
//! batches; see there why `sleep=on`), with `/health` on `node-a` for what
//! the API's connection costs by itself, the round trip again with every
//! request of a batch on one kept connection (no handshake), and each node's busy
//! instructions per second while nothing is asked of it (the links'
//! pings and the network service's looks while a link is up).

use std::path::Path;
use std::time::{Duration, Instant};

use super::Measure;
use super::api::{
    BATCHES, GUEST_ADDRESS, ICOUNT_SLEEP, Node, REQUESTS, Snapshot, WARM_UP, cases, echo_body,
    instructions, ready, snapshot, snapshot_cost, summarise,
};
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::cluster::{NODES, link_forwards, node_bundle, peers_setting};
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::nics::Nic;
use crate::paths::Paths;
use crate::qemu::{Boot, Machine};
use crate::serial::Session;
use crate::tls_peer;

const LINK: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(60);
/// How long `node-a` may take to learn that `node-b` serves the intent.
const PROPAGATION: Duration = Duration::from_secs(30);
/// The quiet window each node's background is measured over.
const QUIET: Duration = Duration::from_secs(3);
const POWEROFF: Duration = Duration::from_secs(30);

/// Boots the two nodes once and measures.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    let peer = tls_peer::ensure(paths)?;
    build::bundle(paths)?;
    let port = || crate::e2e_net::free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e));
    let links = [port()?, port()?];
    let api = port()?;
    let mut machines = Vec::new();
    for (index, name) in NODES.into_iter().enumerate() {
        let mut forwards = link_forwards(&peer, links[index], links[1 - index]);
        if index == 0 {
            forwards.push(format!("hostfwd=tcp:127.0.0.1:{api}-:443"));
        }
        let mut extra: Vec<String> = ICOUNT_SLEEP.iter().map(|a| a.to_string()).collect();
        extra.extend(Nic::Virtio.qemu_args_with("net0", &forwards));
        machines.push(Machine {
            smp: 1,
            memory: "512M".to_string(),
            boot: Boot::Pvh {
                kernel: kernel.clone(),
                bundle: node_bundle(paths, name)?,
                cmdline: format!(
                    "{DEFAULT_CMDLINE} net.ip={GUEST_ADDRESS} {}",
                    peers_setting()
                ),
            },
            extra,
        });
    }
    println!("xtask: bench cluster: two nodes under -icount shift=0,sleep=on, smp 1 each …");
    let mut a = Session::spawn(&machines[0], false)?;
    let mut b = Session::spawn(&machines[1], false)?;
    let node = Node {
        peer: &peer,
        port: api,
    };
    let outcome = measure(&mut a, &mut b, &node);
    let mut stopped = Ok(());
    for (session, name) in [(&mut a, NODES[0]), (&mut b, NODES[1])] {
        let exited = match &outcome {
            Ok(_) => session
                .send("poweroff\n")
                .and_then(|()| session.wait_exit(POWEROFF)),
            Err(_) => Ok(None),
        };
        if !matches!(exited, Ok(Some(status)) if crate::process::exit_code(status) == 0) {
            session.kill();
            if outcome.is_ok() {
                stopped = Err(format!("{name}: `poweroff` did not exit QEMU with 0"));
            }
        }
    }
    let log_a = a.save_log(&paths.logs(), "bench-cluster-node-a")?;
    let log_b = b.save_log(&paths.logs(), "bench-cluster-node-b")?;
    println!(
        "xtask: serial logs: {} {}",
        log_a.display(),
        log_b.display()
    );
    outcome.and_then(|m| stopped.map(|()| m)).map_err(|why| {
        Error::Check(format!(
            "bench cluster: {why}; serial logs: {} {}",
            log_a.display(),
            log_b.display()
        ))
    })
}

fn measure(a: &mut Session, b: &mut Session, node: &Node<'_>) -> Result<Vec<Measure>, String> {
    ready(a)?;
    ready(b)?;
    for (s, other) in [(&mut *a, NODES[1]), (&mut *b, NODES[0])] {
        found(
            s.wait_for(LINK, |l| {
                l.contains(&format!("cluster: linked to node {other}"))
            }),
            "cluster link",
        )?;
    }
    send(b, "spawn echo")?;
    found(
        b.wait_for(STEP, |l| l.contains("spawned echo as agent")),
        "spawn line",
    )?;
    let body = echo_body();
    let (intent, health) = cases(&body);
    // node-a learns what node-b serves with the pings, once a second.
    let started = Instant::now();
    while let Err(why) = node.requests(&intent, "hybrid", 1) {
        if started.elapsed() > PROPAGATION {
            return Err(format!("node-a never routed demo.echo to node-b: {why}"));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    node.requests(&intent, "hybrid", WARM_UP)?;
    let cost = [snapshot_cost(a)?, snapshot_cost(b)?];
    let mut measures = Vec::new();
    let mut nodes = [a, b];
    let cross = pair_batches(&mut nodes, cost, || {
        node.requests(&intent, "hybrid", REQUESTS)
    })?;
    let bare = pair_batches(&mut nodes, cost, || {
        node.requests(&health, "hybrid", REQUESTS)
    })?;
    // On one kept connection: no handshake per request.
    let kept = pair_batches(&mut nodes, cost, || {
        node.requests_on(&intent, "hybrid", "kept", REQUESTS)
    })?;
    let quiet = pair_batches(&mut nodes, cost, || {
        std::thread::sleep(QUIET);
        Ok(())
    })?;
    let [cross_a, cross_b] = cross;
    let [bare_a, _] = bare;
    let [kept_a, kept_b] = kept;
    measures.extend(cross_a.measures("round_trip_node_a"));
    measures.extend(cross_b.measures("round_trip_node_b"));
    measures.extend(bare_a.measures("health_node_a"));
    measures.extend(kept_a.measures("round_trip_kept_node_a"));
    measures.extend(kept_b.measures("round_trip_kept_node_b"));
    measures.push(instructions(
        "round_trip_over_health_both_nodes",
        cross_a.busy - bare_a.busy + cross_b.busy,
    ));
    // The quiet window's figures were divided by REQUESTS like the others.
    let per_second = |busy: f64| busy * REQUESTS as f64 / QUIET.as_secs_f64();
    for (name, quiet) in ["node_a", "node_b"].into_iter().zip(quiet) {
        measures.push(Measure {
            name: format!("background_{name}"),
            value: per_second(quiet.busy).round(),
            unit: "instructions/s".to_string(),
            target: None,
        });
    }
    Ok(measures)
}

/// Runs `batch` [`BATCHES`] times between snapshots of both nodes: each
/// node's median busy instructions per request.
fn pair_batches(
    nodes: &mut [&mut Session; 2],
    cost: [f64; 2],
    batch: impl Fn() -> Result<(), String>,
) -> Result<[super::api::Batches; 2], String> {
    let mut busy = [Vec::new(), Vec::new()];
    let mut wall = Vec::new();
    for _ in 0..BATCHES {
        let before: Vec<Snapshot> = nodes
            .iter_mut()
            .map(|s| snapshot(s))
            .collect::<Result<_, _>>()?;
        let started = Instant::now();
        batch()?;
        wall.push(started.elapsed().as_secs_f64() * 1e3 / REQUESTS as f64);
        for (index, s) in nodes.iter_mut().enumerate() {
            let after = snapshot(s)?;
            busy[index].push((before[index].busy_until(after) - cost[index]) / REQUESTS as f64);
        }
    }
    let [mut busy_a, mut busy_b] = busy;
    Ok([
        summarise(&mut busy_a, &mut wall.clone()),
        summarise(&mut busy_b, &mut wall),
    ])
}
