//! What the two receivers report, as the host reads it: the AIOS agent's
//! result line (`bench-tcp-sink: bench: bytes=… elapsed_ns=… idle_ns=…`),
//! the Linux `/init`'s `ANCHOR_net_rx` line, and the line `net.sh` ends
//! with, naming the kernel and initramfs it built.

use std::path::PathBuf;

use crate::bench::agents::results::{Outcome, outcome};

/// The bench agent's name, as `spawn` takes it and its log lines show it.
pub const AGENT: &str = "bench-tcp-sink";

/// One receive of the whole stream, in guest clock units (under `-icount
/// shift=0` a ns, a TSC tick and an instruction are the same).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Receive {
    /// Bytes read.
    pub bytes: f64,
    /// Calls that returned data.
    pub reads: f64,
    /// Guest time from the accept to the end of the stream.
    pub elapsed: f64,
    /// The part of it every CPU spent halted.
    pub idle: f64,
}

impl Receive {
    /// Guest instructions executed: the elapsed guest time less the idle
    /// time, over which the virtual clock warps without executing anything.
    pub fn busy(&self) -> f64 {
        self.elapsed - self.idle
    }

    /// Busy instructions per byte received.
    pub fn per_byte(&self) -> f64 {
        self.busy() / self.bytes.max(1.0)
    }
}

/// The agent's result in `line`: `Some(Ok(_))` for its result line,
/// `Some(Err(_))` when it failed or the line is incomplete, `None` when the
/// line is not about it.
pub fn agent_result(line: &str) -> Option<Result<Receive, String>> {
    match outcome(line, AGENT)? {
        Outcome::Failed => Some(Err(line.to_string())),
        Outcome::Result(pairs) => {
            let get = |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| format!("no `{key}` in `{line}`"))
            };
            let receive = || -> Result<Receive, String> {
                Ok(Receive {
                    bytes: get("bytes")?,
                    reads: get("reads")?,
                    elapsed: get("elapsed_ns")?,
                    idle: get("idle_ns")?,
                })
            };
            Some(receive())
        }
    }
}

/// The Linux `/init`'s result: `ANCHOR_net_rx <tsc> <bytes> idle_ns=N
/// busy=N reads=N` (`busy` is recomputed from the other two).
pub fn linux_result(line: &str) -> Option<Result<Receive, String>> {
    let rest = line.trim().strip_prefix("ANCHOR_net_rx ")?;
    let mut words = rest.split_whitespace();
    let mut number = |what: &str| -> Result<f64, String> {
        words
            .next()
            .and_then(|w| w.parse::<u64>().ok())
            .map(|v| v as f64)
            .ok_or_else(|| format!("no {what} in `{line}`"))
    };
    let parsed = (|| {
        let elapsed = number("TSC delta")?;
        let bytes = number("byte count")?;
        let pairs: Vec<(&str, &str)> = rest
            .split_whitespace()
            .filter_map(|w| w.split_once('='))
            .collect();
        let get = |key: &str| -> Result<f64, String> {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .map(|v| v as f64)
                .ok_or_else(|| format!("no `{key}` in `{line}`"))
        };
        Ok(Receive {
            bytes,
            reads: get("reads")?,
            elapsed,
            idle: get("idle_ns")?,
        })
    })();
    Some(parsed)
}

/// The idle counter's check in the agent's result line: the busy guest
/// time of its 100 ms sleep (`sleep_elapsed_ns - sleep_idle_ns`).
pub fn agent_sleep_busy(line: &str) -> Option<f64> {
    let Outcome::Result(pairs) = outcome(line, AGENT)? else {
        return None;
    };
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    Some(get("sleep_elapsed_ns")? - get("sleep_idle_ns")?)
}

/// The idle counter's check on Linux: the busy instructions of
/// `ANCHOR_sleep_100ms <tsc> 1 idle_ns=N busy=N`.
pub fn linux_sleep_busy(line: &str) -> Option<f64> {
    let rest = line.trim().strip_prefix("ANCHOR_sleep_100ms ")?;
    let tsc: f64 = rest.split_whitespace().next()?.parse().ok()?;
    let idle: f64 = rest
        .split_whitespace()
        .find_map(|w| w.strip_prefix("idle_ns="))?
        .parse()
        .ok()?;
    Some(tsc - idle)
}

/// What `net.sh` built: its last line of output,
/// `kernel=PATH initrd=PATH release=R package=P version=V`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinuxBuild {
    /// The Debian kernel (bzImage).
    pub kernel: PathBuf,
    /// The initramfs with `net.c` as `/init` and the NIC modules.
    pub initrd: PathBuf,
    /// `uname -r`, like `6.1.0-57-amd64`.
    pub release: String,
    /// The Debian package's version, like `6.1.192-3`.
    pub version: String,
}

/// Reads [`LinuxBuild`] from the last non-empty line of `net.sh`'s output.
pub fn linux_build(output: &str) -> Result<LinuxBuild, String> {
    let line = output
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or("net.sh printed nothing")?;
    let get = |key: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("no `{key}=` in net.sh's last line `{line}`"))
    };
    Ok(LinuxBuild {
        kernel: PathBuf::from(get("kernel")?),
        initrd: PathBuf::from(get("initrd")?),
        release: get("release")?.to_string(),
        version: get("version")?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agents_result_line_gives_bytes_and_busy_time() {
        let line = "aios> [   12.500000] INFO  agent 7 bench-tcp-sink: bench: \
                    bytes=268435456 reads=5000 elapsed_ns=3000000000 idle_ns=1000000000 busy_ns=2000000000 \
                    sleep_elapsed_ns=100050000 sleep_idle_ns=100000000";
        let receive = agent_result(line).unwrap().unwrap();
        assert_eq!(receive.bytes, 268_435_456.0);
        assert_eq!(receive.reads, 5000.0);
        assert_eq!(receive.busy(), 2e9);
        assert!((receive.per_byte() - 2e9 / 268_435_456.0).abs() < 1e-12);
        assert_eq!(agent_sleep_busy(line), Some(50_000.0));
        assert_eq!(
            agent_sleep_busy("[ 3.1] INFO  agent 7 bench-tcp-sink: bench: bytes=1"),
            None
        );
    }

    #[test]
    fn other_lines_and_failures_of_the_agent_are_told_apart() {
        assert_eq!(
            agent_result("[ 3.1] INFO  agent 7 bench-tcp-sink: listening on port 5201"),
            None
        );
        assert_eq!(
            agent_result("[ 3.1] INFO  agent 8 tcp-echo: bench: x=1"),
            None
        );
        assert!(matches!(
            agent_result("[ 3.1] ERROR agent 7 bench-tcp-sink: permission denied"),
            Some(Err(_))
        ));
        let missing = agent_result("[ 3.1] INFO  agent 7 bench-tcp-sink: bench: bytes=1 reads=1");
        assert!(matches!(missing, Some(Err(why)) if why.contains("elapsed_ns")));
    }

    #[test]
    fn the_linux_line_gives_bytes_and_busy_instructions() {
        let line =
            "ANCHOR_net_rx 1912760954 268435456 idle_ns=699863662 busy=1212897292 reads=4184\r";
        let receive = linux_result(line).unwrap().unwrap();
        assert_eq!(receive.bytes, 268_435_456.0);
        assert_eq!(receive.elapsed, 1_912_760_954.0);
        assert_eq!(receive.idle, 699_863_662.0);
        assert_eq!(receive.busy(), 1_212_897_292.0);
        assert_eq!(receive.reads, 4184.0);
        assert_eq!(
            linux_sleep_busy("ANCHOR_sleep_100ms 100234131 1 idle_ns=100020288 busy=213843\r"),
            Some(213_843.0)
        );
        assert_eq!(linux_sleep_busy(line), None);
        assert_eq!(
            linux_result("ANCHOR_sleep_100ms 100234131 1 idle_ns=1 busy=2"),
            None
        );
        assert!(matches!(
            linux_result("ANCHOR_net_rx 12 idle_ns=1"),
            Some(Err(why)) if why.contains("byte count")
        ));
        assert!(matches!(
            linux_result("ANCHOR_net_rx 12 34 busy=5 reads=6"),
            Some(Err(why)) if why.contains("idle_ns")
        ));
    }

    #[test]
    fn net_sh_names_what_it_built_on_its_last_line() {
        let output = "[linux-net] compiling\nkernel=/c/kernel/vmlinuz initrd=/c/net/initrd.gz \
                      release=6.1.0-57-amd64 package=linux-image-6.1.0-57-amd64 version=6.1.192-3\n\n";
        let build = linux_build(output).unwrap();
        assert_eq!(build.kernel, PathBuf::from("/c/kernel/vmlinuz"));
        assert_eq!(build.initrd, PathBuf::from("/c/net/initrd.gz"));
        assert_eq!(build.release, "6.1.0-57-amd64");
        assert_eq!(build.version, "6.1.192-3");
        assert!(linux_build("kernel=/k initrd=/i release=r").is_err());
        assert!(linux_build("").is_err());
    }
}
