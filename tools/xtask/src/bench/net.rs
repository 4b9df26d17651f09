//! The `net` suite: TCP bulk receive of 256 MiB written by the host, on
//! AIOS and on Linux 6.1 booted in the same emulator with the same machine
//! and NIC, in busy guest instructions per byte.
//!
//! Each side boots under `-icount shift=0,sleep=off` with one CPU and a NIC
//! on QEMU's restricted user network, with a host forward on 127.0.0.1 to
//! the guest's port 5201. The guest listens; the host connects, writes
//! 256 MiB and closes; the guest reads with a 64 KiB buffer to the end of
//! the stream. The host sends in real time, so the guest halts while it
//! waits for packets, and with `sleep=off` the virtual clock jumps over
//! those halts: each side therefore reports the guest time from the accept
//! to the end of the stream and the time its CPUs spent halted in it, and
//! busy = elapsed − idle is the instructions executed (Linux's idle time
//! from `/proc/timer_list`, as the storage anchor takes it; AIOS's from the
//! kernel's per-CPU idle counter through `system_info`).
//!
//! AIOS: the production kernel with a static address (`net.ip=`, as Linux
//! has), the `bench-tcp-sink` agent spawned from the console. Linux: the
//! anchor's Debian kernel with `tools/anchors/linux-net` (`net.sh` builds
//! it, `net.c` is its `/init`). The wall rate is the host's, from the
//! connect to the result line, under icount and on a shared machine: a
//! rough guide only.

mod results;

use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::Measure;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::error::Error;
use crate::nics::Nic;
use crate::paths::Paths;
use crate::qemu::{Boot, Machine};
use crate::serial::{Session, Wait};

use results::{LinuxBuild, Receive};

/// Bytes the host sends.
const BYTES: usize = 256 << 20;
/// The host writes in pieces of this size.
const CHUNK: usize = 64 << 10;
/// The guest's port on each side.
const GUEST_PORT: u16 = 5201;
/// Boots per side and NIC. The busy count depends on how the host's
/// writes and the guest's halts happen to batch packets, which depends on
/// the host's timing: Linux on virtio-net varied by up to 90 % between
/// boots, AIOS by up to 24 %; so each side's median run is compared, and
/// the best run and the spread are reported beside it.
const RUNS: usize = 3;
/// The NICs measured, each on both sides.
const NICS: [Nic; 2] = Nic::ALL;
/// The address both guests take (QEMU's user network forwards to it).
const GUEST_ADDRESS: &str = "10.0.2.15/24";

const READY_TIMEOUT: Duration = Duration::from_secs(180);
/// One write call that makes no progress for this long means the guest
/// stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(120);
const RESULT_TIMEOUT: Duration = Duration::from_secs(1800);

/// One side's figures for one NIC: each run's receive and wall seconds,
/// and the idle counter's check (busy guest time of a 100 ms sleep).
#[derive(Default)]
struct Side {
    runs: Vec<(Receive, f64)>,
    sleep_busy: Vec<f64>,
}

impl Side {
    fn push(&mut self, (receive, seconds, sleep_busy): (Receive, f64, f64)) {
        self.runs.push((receive, seconds));
        self.sleep_busy.push(sleep_busy);
    }

    fn mean(&self, value: impl Fn(&(Receive, f64)) -> f64) -> f64 {
        self.runs.iter().map(value).sum::<f64>() / self.runs.len().max(1) as f64
    }

    /// The runs' busy instructions per byte, lowest first.
    fn per_byte_sorted(&self) -> Vec<f64> {
        let mut values: Vec<f64> = self.runs.iter().map(|(r, _)| r.per_byte()).collect();
        values.sort_by(f64::total_cmp);
        values
    }

    /// Busy instructions per byte of the median run (the mean of the two
    /// middle ones for an even count).
    fn per_byte(&self) -> f64 {
        let values = self.per_byte_sorted();
        match values.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => values[n / 2],
            n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        }
    }

    /// Busy instructions per byte of the best run.
    fn best_per_byte(&self) -> f64 {
        self.per_byte_sorted().first().copied().unwrap_or(f64::NAN)
    }

    /// How far apart the runs' busy counts are, in % of the smallest.
    fn spread(&self) -> f64 {
        let busy: Vec<f64> = self.runs.iter().map(|(r, _)| r.busy()).collect();
        let low = busy.iter().copied().fold(f64::INFINITY, f64::min);
        let high = busy.iter().copied().fold(0.0, f64::max);
        100.0 * (high - low) / low.max(1.0)
    }

    /// Host-side MB/s (10^6 bytes), mean of the runs.
    fn wall_mb_per_s(&self) -> f64 {
        self.mean(|(r, seconds)| r.bytes / 1e6 / seconds.max(1e-9))
    }
}

/// Measures both sides on each NIC.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let linux = build_linux(paths)?;
    println!(
        "xtask: Linux {} (Debian {}) from {}",
        linux.release,
        linux.version,
        linux.kernel.display()
    );
    let mut measures = Vec::new();
    for nic in NICS {
        let name = nic.name();
        let mut aios = Side::default();
        let mut reference = Side::default();
        for run in 1..=RUNS {
            println!("xtask: bench net on {name}: AIOS, run {run} of {RUNS} …");
            aios.push(measure_aios(paths, &kernel, nic, run)?);
            println!("xtask: bench net on {name}: Linux, run {run} of {RUNS} …");
            reference.push(measure_linux(paths, &linux, nic, run)?);
        }
        measures.extend(to_measures(name, &aios, &reference));
    }
    Ok(measures)
}

fn to_measures(nic: &str, aios: &Side, linux: &Side) -> Vec<Measure> {
    let measure = |name: String, value: f64, unit: &str, target: Option<String>| Measure {
        name,
        value,
        unit: unit.to_string(),
        target,
    };
    let prefix = format!("tcp_rx_256MiB_{nic}");
    vec![
        measure(
            format!("{prefix}_aios_busy_per_byte_median"),
            aios.per_byte(),
            "instructions/byte",
            Some(format!("<= {:.3}", linux.per_byte())),
        ),
        measure(
            format!("{prefix}_linux_busy_per_byte_median"),
            linux.per_byte(),
            "instructions/byte",
            None,
        ),
        measure(
            format!("{prefix}_aios_busy_per_byte_best"),
            aios.best_per_byte(),
            "instructions/byte",
            None,
        ),
        measure(
            format!("{prefix}_linux_busy_per_byte_best"),
            linux.best_per_byte(),
            "instructions/byte",
            None,
        ),
        measure(
            format!("{prefix}_aios_vs_linux"),
            aios.per_byte() / linux.per_byte().max(f64::MIN_POSITIVE),
            "x Linux",
            Some("<= 1".to_string()),
        ),
        measure(
            format!("{prefix}_aios_busy_spread"),
            aios.spread(),
            "% between runs",
            None,
        ),
        measure(
            format!("{prefix}_linux_busy_spread"),
            linux.spread(),
            "% between runs",
            None,
        ),
        measure(
            format!("{prefix}_aios_bytes_per_read"),
            aios.mean(|(r, _)| r.bytes / r.reads.max(1.0)),
            "bytes",
            None,
        ),
        measure(
            format!("{prefix}_linux_bytes_per_read"),
            linux.mean(|(r, _)| r.bytes / r.reads.max(1.0)),
            "bytes",
            None,
        ),
        measure(
            format!("{prefix}_aios_idle_check_sleep_100ms_busy"),
            aios.sleep_busy.iter().copied().fold(0.0, f64::max),
            "instructions",
            None,
        ),
        measure(
            format!("{prefix}_linux_idle_check_sleep_100ms_busy"),
            linux.sleep_busy.iter().copied().fold(0.0, f64::max),
            "instructions",
            None,
        ),
        measure(
            format!("{prefix}_aios_wall_rough"),
            aios.wall_mb_per_s(),
            "MB/s host wall, icount",
            None,
        ),
        measure(
            format!("{prefix}_linux_wall_rough"),
            linux.wall_mb_per_s(),
            "MB/s host wall, icount",
            None,
        ),
    ]
}

/// Runs `tools/anchors/linux-net/net.sh`, which builds (or finds cached)
/// the kernel and the initramfs.
fn build_linux(paths: &Paths) -> Result<LinuxBuild, Error> {
    let script = paths.root.join("tools/anchors/linux-net/net.sh");
    println!("xtask: building the Linux side ({}) …", script.display());
    let output = crate::process::output(Command::new("bash").arg(&script), "net.sh")?;
    results::linux_build(&output).map_err(Error::Check)
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, Error> {
    let io = |e| Error::io(Path::new("127.0.0.1"), e);
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io)
}

/// One CPU under icount, 512 MiB, the NIC with the host forward.
fn machine(boot: Boot, nic: Nic, host_port: u16) -> Machine {
    let mut extra: Vec<String> = super::ICOUNT.iter().map(|a| a.to_string()).collect();
    extra.extend(nic.qemu_args_with(
        "net0",
        &[format!("hostfwd=tcp:127.0.0.1:{host_port}-:{GUEST_PORT}")],
    ));
    Machine {
        smp: 1,
        memory: "512M".to_string(),
        boot,
        extra,
    }
}

fn measure_aios(
    paths: &Paths,
    kernel: &Path,
    nic: Nic,
    run: usize,
) -> Result<(Receive, f64, f64), Error> {
    let port = free_port()?;
    let boot = Boot::Pvh {
        kernel: kernel.to_path_buf(),
        bundle: paths.bundle(),
        cmdline: format!("{DEFAULT_CMDLINE} net.ip={GUEST_ADDRESS}"),
    };
    let name = format!("bench-net-aios-{}-{run}", nic.name());
    super::measure_boot(paths, &machine(boot, nic, port), &name, |session| {
        wait(
            session,
            READY_TIMEOUT,
            "ready line",
            crate::protocol::is_ready,
        )?;
        wait(session, READY_TIMEOUT, "console agent", |l| {
            l.contains("supervisor: started console as agent")
        })?;
        session
            .send(&format!("spawn {}\n", results::AGENT))
            .map_err(|e| e.to_string())?;
        wait(session, READY_TIMEOUT, "the agent listening", |l| {
            l.contains(&format!("{}: listening on port", results::AGENT))
                || results::agent_result(l).is_some()
                || crate::protocol::without_prompt(l).starts_with("error: ")
        })
        .and_then(|line| match results::agent_result(&line) {
            Some(Err(why)) => Err(why),
            _ if line.contains("error: ") => Err(line),
            _ => Ok(()),
        })?;
        let (receive, seconds) = transfer(session, port, results::agent_result)?;
        let sleep_busy = find(session, results::agent_sleep_busy)?;
        Ok((receive, seconds, sleep_busy))
    })
}

fn measure_linux(
    paths: &Paths,
    linux: &LinuxBuild,
    nic: Nic,
    run: usize,
) -> Result<(Receive, f64, f64), Error> {
    let port = free_port()?;
    let boot = Boot::Pvh {
        kernel: linux.kernel.clone(),
        bundle: linux.initrd.clone(),
        cmdline: format!("console=ttyS0 quiet anchor.port={GUEST_PORT}"),
    };
    let name = format!("bench-net-linux-{}-{run}", nic.name());
    let mut session = Session::spawn(&machine(boot, nic, port), false)?;
    let outcome = (|| {
        wait(&mut session, READY_TIMEOUT, "ANCHOR_LISTENING", |l| {
            l.starts_with("ANCHOR_LISTENING") || l.starts_with("ANCHOR_ERROR")
        })
        .and_then(|l| {
            if l.starts_with("ANCHOR_ERROR") {
                Err(l)
            } else {
                Ok(())
            }
        })?;
        let (receive, seconds) = transfer(&mut session, port, results::linux_result)?;
        let sleep_busy = find(&mut session, results::linux_sleep_busy)?;
        wait(&mut session, READY_TIMEOUT, "ANCHOR_DONE", |l| {
            l.starts_with("ANCHOR_DONE")
        })?;
        let exited = session
            .wait_exit(READY_TIMEOUT)
            .map_err(|e| e.to_string())?;
        if exited.is_none() {
            return Err("Linux did not power off".to_string());
        }
        Ok((receive, seconds, sleep_busy))
    })();
    if outcome.is_err() {
        session.kill();
    }
    let log = session.save_log(&paths.logs(), &name)?;
    outcome.map_err(|why| Error::Check(format!("{name}: {why}; serial log: {}", log.display())))
}

/// Waits for a line `wanted` accepts and returns its text.
fn wait(
    session: &mut Session,
    timeout: Duration,
    what: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<String, String> {
    match session.wait_for(timeout, wanted) {
        Wait::Found(line) => Ok(line.text),
        other => Err(format!("no {what} ({other:?})")),
    }
}

/// The first value `value` finds in the lines read so far.
fn find(session: &mut Session, value: impl Fn(&str) -> Option<f64>) -> Result<f64, String> {
    session
        .lines()
        .iter()
        .find_map(|line| value(&line.text))
        .ok_or_else(|| "no idle counter check (a 100 ms sleep) in the output".to_string())
}

/// Connects to the guest, sends [`BYTES`] and closes, then waits for the
/// result line `result` recognises. Returns it with the host's seconds
/// from the connect to the result.
fn transfer(
    session: &mut Session,
    port: u16,
    result: impl Fn(&str) -> Option<Result<Receive, String>>,
) -> Result<(Receive, f64), String> {
    let started = Instant::now();
    let stream = send(port).map_err(|e| format!("sending to 127.0.0.1:{port}: {e}"))?;
    let line = wait(session, RESULT_TIMEOUT, "result line", |l| {
        result(l).is_some()
    })?;
    let seconds = started.elapsed().as_secs_f64();
    drop(stream);
    let receive = result(&line).unwrap_or_else(|| Err(line.clone()))?;
    if receive.bytes != BYTES as f64 {
        return Err(format!("the guest read {} of {BYTES} bytes", receive.bytes));
    }
    Ok((receive, seconds))
}

/// Writes [`BYTES`] to the guest and closes the sending half; the stream
/// is kept open until the guest has reported, so nothing resets it.
fn send(port: u16) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let chunk: Vec<u8> = (0..CHUNK).map(|i| (i * 7 + i / 251) as u8).collect();
    for _ in 0..BYTES / CHUNK {
        stream.write_all(&chunk)?;
    }
    stream.shutdown(Shutdown::Write)?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receive(busy: f64) -> (Receive, f64) {
        (
            Receive {
                bytes: BYTES as f64,
                reads: 4096.0,
                elapsed: busy + 1e9,
                idle: 1e9,
            },
            2.0,
        )
    }

    #[test]
    fn aios_is_judged_against_linux_per_byte() {
        let byte = BYTES as f64;
        let aios = Side {
            runs: vec![
                receive(2.2 * byte),
                receive(2.0 * byte),
                receive(2.4 * byte),
            ],
            sleep_busy: vec![5000.0, 7000.0, 6000.0],
        };
        let linux = Side {
            runs: vec![receive(1.0 * byte), receive(1.5 * byte)],
            sleep_busy: vec![200_000.0, 210_000.0],
        };
        let measures = to_measures("virtio", &aios, &linux);
        let find = |name: &str| {
            measures
                .iter()
                .find(|m| m.name == format!("tcp_rx_256MiB_virtio_{name}"))
                .unwrap()
        };
        let close = |name: &str, value: f64| {
            let got = find(name).value;
            assert!((got - value).abs() < 1e-9, "{name}: {got} is not {value}");
        };
        close("aios_busy_per_byte_median", 2.2);
        close("linux_busy_per_byte_median", 1.25);
        assert_eq!(
            find("aios_busy_per_byte_median").target.as_deref(),
            Some("<= 1.250")
        );
        close("aios_vs_linux", 2.2 / 1.25);
        close("aios_busy_per_byte_best", 2.0);
        close("linux_busy_per_byte_best", 1.0);
        close("aios_busy_spread", 20.0);
        close("linux_busy_spread", 50.0);
        close("aios_bytes_per_read", 65536.0);
        close("aios_idle_check_sleep_100ms_busy", 7000.0);
        close("linux_wall_rough", byte / 2e6);
    }

    #[test]
    fn both_guests_get_the_same_machine_and_nic() {
        let boot = |kernel: &str| Boot::Pvh {
            kernel: kernel.into(),
            bundle: "/b".into(),
            cmdline: String::new(),
        };
        let aios = machine(boot("/aios"), Nic::Virtio, 4000);
        let linux = machine(boot("/linux"), Nic::Virtio, 4000);
        assert_eq!(aios.extra, linux.extra);
        assert_eq!((aios.smp, &aios.memory), (1, &"512M".to_string()));
        assert!(aios.extra.iter().any(|a| a == "shift=0,sleep=off"));
        assert!(
            aios.extra
                .iter()
                .any(|a| a == "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:4000-:5201")
        );
    }
}
