//! `cargo xtask run`: build what the boot needs and boot it, with the
//! serial console on this terminal or relayed through pipes.

mod pacing;

use std::io::{BufRead, IsTerminal};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use crate::build::{self, Kernel};
use crate::cli::RunOptions;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::{self, Boot, Machine, Serial};
use crate::serial::{Line, Session, Wait};
use crate::{process, setup};

/// How long a piped run waits for the ready line before giving up.
const READY_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a piped run waits for QEMU after its output closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a piped run looks at the console to pace its input.
const POLL: Duration = Duration::from_millis(50);

/// Boots and returns QEMU's exit code (ours, too).
pub fn run(paths: &Paths, options: &RunOptions) -> Result<i32, Error> {
    setup::run(paths)?;
    // The node's API certificate and first token go into the bundle.
    let peer = crate::tls_peer::ensure(paths)?;
    if options.nodes == 2 {
        return two_nodes(paths, options, &peer);
    }
    let boot = if options.pvh {
        let kernel = build::kernel(paths, Kernel::Production)?;
        build::bundle(paths)?;
        Boot::Pvh {
            kernel,
            bundle: paths.bundle(),
            cmdline: options.image.cmdline.clone(),
        }
    } else {
        let image = build::image(paths, &options.image)?;
        Boot::Uefi {
            esp: image.esp,
            vars: qemu::fresh_vars(&paths.aios, "run")?,
        }
    };
    let data = crate::data_disk::ensure(paths)?;
    let machine = Machine {
        smp: options.smp,
        memory: options.memory.clone(),
        boot,
        extra: devices(options, &data),
    };
    println!(
        "xtask: booting ({}, smp={} mem={}, data disk on {}, {} network card)…",
        if options.pvh {
            "PVH, unverified"
        } else {
            "UEFI, verified"
        },
        options.smp,
        options.memory,
        options.disk.name(),
        options.net.name()
    );
    println!(
        "xtask: the node's API: https://127.0.0.1:{API_PORT} (try: curl --cacert {} https://127.0.0.1:{API_PORT}/health; \
         with a token: -H \"Authorization: Bearer $(cat {})\" …/metrics; \
         or make one at the console with `token new NAME SCOPE…`, e.g. `token new grafana metrics`)",
        peer.pki.join("ca.pem").display(),
        peer.pki.join("api-token").display()
    );
    if std::io::stdin().is_terminal() {
        interactive(&machine)
    } else {
        piped(&machine)
    }
}

/// Where `cargo xtask run` forwards the node's API on this machine.
pub const API_PORT: u16 = 8443;
/// Where `--nodes 2` forwards the second node's API.
pub const SECOND_API_PORT: u16 = 8444;

/// `--nodes 2`: node-a on this terminal (with the data disk), node-b in
/// the background (its serial console in `target/aios/logs/node-b.serial`),
/// each booted by PVH with its own bundle from the development cluster,
/// linked through forwards on 127.0.0.1. node-b stops when node-a does.
fn two_nodes(
    paths: &Paths,
    options: &RunOptions,
    peer: &crate::tls_peer::Peer,
) -> Result<i32, Error> {
    use crate::cluster::{NODES, link_forwards, node_bundle, peers_setting};
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let port =
        || crate::e2e_net::free_port().map_err(|e| Error::io(std::path::Path::new("127.0.0.1"), e));
    let links = [port()?, port()?];
    let data = crate::data_disk::ensure(paths)?;
    let mut machines = Vec::new();
    for (index, name) in NODES.into_iter().enumerate() {
        let api = [API_PORT, SECOND_API_PORT][index];
        let mut forwards = link_forwards(peer, links[index], links[1 - index]);
        forwards.push(format!("hostfwd=tcp:127.0.0.1:{api}-:443"));
        let mut extra = if index == 0 {
            options.disk.qemu_args(&data)
        } else {
            Vec::new()
        };
        extra.extend(options.net.qemu_args_with("net0", &forwards));
        extra.extend(options.qemu_args.iter().cloned());
        machines.push(Machine {
            smp: options.smp,
            memory: options.memory.clone(),
            boot: Boot::Pvh {
                kernel: kernel.clone(),
                bundle: node_bundle(paths, name)?,
                cmdline: format!("{} {}", options.image.cmdline, peers_setting()),
            },
            extra,
        });
    }
    let log = paths.logs().join("node-b.serial");
    crate::paths::Paths::create_dir(&paths.logs())?;
    let file = std::fs::File::create(&log).map_err(|e| Error::io(&log, e))?;
    let mut second = machines[1]
        .command(Serial::Stdio)
        .stdin(std::process::Stdio::null())
        .stdout(file)
        .spawn()
        .map_err(|e| Error::Qemu(format!("could not start {}: {e}", setup::QEMU)))?;
    println!(
        "xtask: two nodes (PVH, unverified): node-a here (API https://127.0.0.1:{API_PORT}), \
         node-b in the background (API https://127.0.0.1:{SECOND_API_PORT}, console in {}); \
         try `spawn echo` on one and `send demo.echo {{\"text\":\"hi\"}}` on the other",
        log.display()
    );
    let outcome = if std::io::stdin().is_terminal() {
        interactive(&machines[0])
    } else {
        piped(&machines[0])
    };
    let _ = second.kill();
    let _ = second.wait();
    outcome
}

/// The run machine's devices: the data disk on the chosen controller, one
/// network card of the chosen kind on `net0` (QEMU's restricted user
/// network: nothing leaves the emulator but one host forward, of
/// 127.0.0.1:[`API_PORT`] to the node's API on port 443), then the user's
/// own QEMU arguments.
fn devices(options: &RunOptions, data: &std::path::Path) -> Vec<String> {
    let mut devices = options.disk.qemu_args(data);
    let api = format!("hostfwd=tcp:127.0.0.1:{API_PORT}-:443");
    devices.extend(options.net.qemu_args_with("net0", &[api]));
    devices.extend(options.qemu_args.iter().cloned());
    devices
}

/// QEMU owns the terminal (raw mode); Ctrl-A X quits.
fn interactive(machine: &Machine) -> Result<i32, Error> {
    println!("xtask: serial console on this terminal; Ctrl-A X quits QEMU");
    let status = machine
        .command(Serial::MonitorStdio)
        .status()
        .map_err(|e| Error::Qemu(format!("could not start {}: {e}", setup::QEMU)))?;
    Ok(process::exit_code(status))
}

/// Relays QEMU's output as it comes; types our stdin once the kernel is
/// ready (the firmware would otherwise eat the input), one line at a time
/// as the console becomes idle ([`pacing`]), and keeps relaying after our
/// stdin ends until QEMU exits.
fn piped(machine: &Machine) -> Result<i32, Error> {
    let mut session = Session::spawn(machine, true)?;
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(ready) => type_lines(&mut session, &ready, stdin_lines()),
        Wait::Exited => {}
        Wait::TimedOut => {
            session.kill();
            return Err(Error::Qemu(format!(
                "no `AIOS … ready` line within {} s; QEMU killed",
                READY_TIMEOUT.as_secs()
            )));
        }
    }
    // Output closes when QEMU exits; the user ends the session with
    // `poweroff` (or Ctrl-C), so there is no deadline on the output itself.
    while session.wait_for(Duration::from_secs(3600), |_| false) == Wait::TimedOut {}
    match session.wait_exit(EXIT_TIMEOUT)? {
        Some(status) => Ok(process::exit_code(status)),
        None => Err(Error::Qemu(
            "QEMU closed its output but did not exit; killed".to_string(),
        )),
    }
}

/// Our stdin, line by line (each with its `\n`; a last line without one
/// as it is), read on a thread; the channel closes at its end.
fn stdin_lines() -> Receiver<Vec<u8>> {
    let (sender, lines) = mpsc::channel();
    thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if sender.send(line).is_err() {
                        return;
                    }
                }
            }
        }
    });
    lines
}

/// Types `lines` on the console, each when [`pacing::may_send`] allows,
/// relaying output meanwhile; closes QEMU's stdin after the last. Returns
/// when the lines end or QEMU exits.
fn type_lines(session: &mut Session, ready: &Line, lines: Receiver<Vec<u8>>) {
    let origin = Instant::now();
    let mut seen = session.transcript().len();
    let mut console = pacing::Console {
        now: Duration::ZERO,
        last_output: Duration::ZERO,
        last_send: Duration::ZERO,
        prompt_since_send: false,
    };
    // The first line waits for a prompt printed after the ready line (which
    // may have come in the same read as the ready line itself).
    let mut sent_at_byte = after(session.transcript(), ready.text.as_bytes()).unwrap_or(seen);
    let mut next = None;
    loop {
        if session.wait_for(POLL, |_| false) == Wait::Exited {
            return;
        }
        console.now = origin.elapsed();
        let output = session.transcript();
        if output.len() != seen {
            seen = output.len();
            console.last_output = console.now;
        }
        console.prompt_since_send = pacing::has_prompt(output.get(sent_at_byte..).unwrap_or(&[]));
        if next.is_none() {
            match lines.try_recv() {
                Ok(line) => next = Some(line),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => break,
            }
        }
        if let Some(line) = next.take_if(|_| pacing::may_send(&console)) {
            if session.send(&String::from_utf8_lossy(&line)).is_err() {
                return;
            }
            sent_at_byte = session.transcript().len();
            console.last_send = console.now;
        }
    }
    // End of our input: QEMU sees the end of its serial input too.
    drop(session.take_stdin());
}

/// The offset just past the last occurrence of `text` in `output`.
fn after(output: &[u8], text: &[u8]) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    let start = output
        .windows(text.len())
        .rposition(|window| window == text)?;
    Some(start + text.len())
}

#[cfg(test)]
mod tests {
    use super::{after, devices};
    use crate::cli::{Command, parse};

    fn run_devices(line: &str) -> Vec<String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let Ok(Command::Run(options)) = parse(&args) else {
            panic!("`{line}` is not a run command");
        };
        devices(&options, std::path::Path::new("/t/data.img"))
    }

    #[test]
    fn the_run_machine_has_one_restricted_network_card_of_the_chosen_kind() {
        let pairs = crate::qemu::tests::pair;
        let virtio = run_devices("run");
        assert_eq!(
            pairs(&virtio, "-netdev"),
            ["user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8443-:443"]
        );
        assert_eq!(
            pairs(&virtio, "-device"),
            [
                "virtio-blk-pci,drive=disk-virtio",
                "virtio-net-pci,netdev=net0,disable-legacy=on"
            ]
        );
        let e1000e = run_devices("run --net e1000e --disk nvme -- -d int");
        assert_eq!(
            pairs(&e1000e, "-netdev"),
            ["user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8443-:443"]
        );
        assert_eq!(
            pairs(&e1000e, "-device"),
            [
                "nvme,drive=disk-nvme,serial=aios-nvme",
                "e1000e,netdev=net0"
            ]
        );
        assert_eq!(e1000e[e1000e.len() - 2..], ["-d", "int"]);
    }

    #[test]
    fn after_finds_the_end_of_the_last_occurrence() {
        let output = b"boot\r\nAIOS 0.1.0 ready\r\naios> ";
        assert_eq!(after(output, b"AIOS 0.1.0 ready"), Some(22));
        assert_eq!(after(b"ab ab", b"ab"), Some(5));
        assert_eq!(after(b"abc", b"x"), None);
        assert_eq!(after(b"abc", b""), None);
    }
}
