//! The command line of `cargo xtask`, parsed by hand into a [`Command`].

use std::path::PathBuf;

use crate::disks::Controller;
use crate::error::Error;
use crate::nics::Nic;

/// The kernel command line used when none is given.
pub const DEFAULT_CMDLINE: &str = "loglevel=info";
/// CPUs of `cargo xtask run` when `--smp` is not given.
pub const DEFAULT_SMP: u32 = 2;
/// Memory of `cargo xtask run` when `--memory` is not given.
pub const DEFAULT_MEMORY: &str = "512M";
/// The most CPUs QEMU's q35 machine accepts.
const MAX_SMP: u32 = 288;

/// The usage text printed by `help` and after a usage error.
pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                       add rustup targets; install qemu-system-x86 and ovmf if missing
  build                       build the kernel, the test kernel, the bundle and the loader
  image [--key SEED_FILE] [--cmdline TEXT]
                              build the signed ESP in target/aios/esp/
  run [--pvh] [--smp N] [--memory SIZE] [--disk virtio|nvme|ahci] [--net virtio|e1000e]
      [--nodes 1|2] [--cmdline TEXT] [--key SEED_FILE] [-- QEMU_ARGS...]
                              build and boot in QEMU (verified UEFI boot unless --pvh), with
                              the data disk target/aios/data.img (made once, kept) attached
                              through the --disk controller (default virtio) and one network
                              card of the --net kind (default virtio) on QEMU's restricted
                              user network; --nodes 2 boots node-a here and node-b in the
                              background (PVH both, linked as a cluster through 127.0.0.1)
  test                        every test tier: lints, host, ktest, e2e PVH, e2e UEFI
  bench <suite>               run a benchmark suite (suites: boot, agents, ipc, storage, ai,
                              net, tls, api, cluster)
  help                        this text";

/// One `cargo xtask` invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Print the usage text.
    Help,
    /// Install what the other commands need.
    Setup,
    /// Build every artifact without booting.
    Build,
    /// Build the signed ESP.
    Image(ImageOptions),
    /// Build and boot.
    Run(RunOptions),
    /// Run every test tier.
    Test,
    /// Run a benchmark suite.
    Bench(Suite),
}

/// Options of `image` (and of `run` on the UEFI path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOptions {
    /// The signing seed; `None` uses (and creates) the development key.
    pub key: Option<PathBuf>,
    /// The kernel command line, signed with the kernel.
    pub cmdline: String,
}

/// Options of `run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// Boot through QEMU's PVH direct boot instead of the verified UEFI path.
    pub pvh: bool,
    /// Number of CPUs.
    pub smp: u32,
    /// Guest memory in QEMU's syntax (`512M`, `2G`).
    pub memory: String,
    /// The image options: command line and signing key.
    pub image: ImageOptions,
    /// The controller the data disk is attached through.
    pub disk: Controller,
    /// The kind of the network card.
    pub net: Nic,
    /// Extra arguments appended to QEMU's command line.
    pub qemu_args: Vec<String>,
    /// Nodes to boot: 1, or 2 linked as a cluster (PVH both).
    pub nodes: u32,
}

/// A benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// Boot time: guest instructions and wall time to the ready line.
    Boot,
    /// Agents: null syscall, spawn until exit and switch, in guest
    /// instructions and wall time.
    Agents,
    /// Messaging: request/reply round trip, message rate, policy cost.
    Ipc,
    /// Storage: raw and store throughput per controller, commits, snapshots.
    Storage,
    /// AI: host figures beside the reference implementations, and the
    /// kernel's own models in the guest.
    Ai,
    /// Networking: TCP bulk receive from the host in busy guest
    /// instructions per byte, beside Linux in the same emulator.
    Net,
    /// TLS: the kernel's full handshakes, hybrid and X25519 alone, client
    /// and server, in guest instructions.
    Tls,
    /// The node's API: an intent's round trip from the host's request to
    /// the reply, and `/health`, in busy guest instructions per request.
    Api,
    /// Two nodes: an intent's round trip through one node's API to an
    /// agent on the other, in busy guest instructions on each node.
    Cluster,
}

/// Every suite, for the error message on an unknown one.
pub const SUITES: &[&str] = &[
    "boot", "agents", "ipc", "storage", "ai", "net", "tls", "api", "cluster",
];

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Command, Error> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    match command.as_str() {
        "help" | "--help" | "-h" => no_more(rest, Command::Help),
        "setup" => no_more(rest, Command::Setup),
        "build" => no_more(rest, Command::Build),
        "test" => no_more(rest, Command::Test),
        "image" => parse_image(rest).map(Command::Image),
        "run" => parse_run(rest).map(Command::Run),
        "bench" => parse_bench(rest).map(Command::Bench),
        other => Err(Error::Usage(format!("unknown command `{other}`"))),
    }
}

fn no_more(rest: &[String], command: Command) -> Result<Command, Error> {
    match rest.first() {
        None => Ok(command),
        Some(extra) => Err(Error::Usage(format!("unexpected argument `{extra}`"))),
    }
}

fn parse_image(args: &[String]) -> Result<ImageOptions, Error> {
    let mut image = default_image();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if !image_option(&mut image, arg, &mut args)? {
            return Err(Error::Usage(format!("unknown option `{arg}` for image")));
        }
    }
    Ok(image)
}

fn parse_run(args: &[String]) -> Result<RunOptions, Error> {
    let mut options = RunOptions {
        pvh: false,
        smp: DEFAULT_SMP,
        memory: DEFAULT_MEMORY.to_string(),
        image: default_image(),
        disk: Controller::Virtio,
        net: Nic::Virtio,
        qemu_args: Vec::new(),
        nodes: 1,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pvh" => options.pvh = true,
            "--smp" => options.smp = parse_smp(value(arg, &mut args)?)?,
            "--memory" => options.memory = parse_memory(value(arg, &mut args)?)?,
            "--disk" => {
                let name = value(arg, &mut args)?;
                options.disk = Controller::parse(name).ok_or_else(|| {
                    Error::Usage(format!("--disk takes virtio, nvme or ahci, not `{name}`"))
                })?;
            }
            "--net" => {
                let name = value(arg, &mut args)?;
                options.net = Nic::parse(name).ok_or_else(|| {
                    Error::Usage(format!("--net takes virtio or e1000e, not `{name}`"))
                })?;
            }
            "--nodes" => {
                options.nodes = match value(arg, &mut args)? {
                    "1" => 1,
                    "2" => 2,
                    other => {
                        return Err(Error::Usage(format!("--nodes takes 1 or 2, not `{other}`")));
                    }
                };
            }
            "--" => {
                options.qemu_args = args.by_ref().cloned().collect();
            }
            _ if image_option(&mut options.image, arg, &mut args)? => {}
            _ => return Err(Error::Usage(format!("unknown option `{arg}` for run"))),
        }
    }
    Ok(options)
}

fn parse_bench(args: &[String]) -> Result<Suite, Error> {
    let unknown = |name: &str| {
        Error::Usage(format!(
            "unknown benchmark suite `{name}` (suites: {})",
            SUITES.join(", ")
        ))
    };
    match args {
        [] => Err(Error::Usage(format!(
            "bench needs a suite (suites: {})",
            SUITES.join(", ")
        ))),
        [suite] if suite == "boot" => Ok(Suite::Boot),
        [suite] if suite == "agents" => Ok(Suite::Agents),
        [suite] if suite == "ipc" => Ok(Suite::Ipc),
        [suite] if suite == "storage" => Ok(Suite::Storage),
        [suite] if suite == "ai" => Ok(Suite::Ai),
        [suite] if suite == "net" => Ok(Suite::Net),
        [suite] if suite == "tls" => Ok(Suite::Tls),
        [suite] if suite == "api" => Ok(Suite::Api),
        [suite] if suite == "cluster" => Ok(Suite::Cluster),
        [suite] => Err(unknown(suite)),
        [_, extra, ..] => Err(Error::Usage(format!("unexpected argument `{extra}`"))),
    }
}

fn default_image() -> ImageOptions {
    ImageOptions {
        key: None,
        cmdline: DEFAULT_CMDLINE.to_string(),
    }
}

/// Applies `--key` or `--cmdline`; false if `arg` is neither.
fn image_option<'a>(
    image: &mut ImageOptions,
    arg: &str,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Result<bool, Error> {
    match arg {
        "--key" => image.key = Some(PathBuf::from(value(arg, rest)?)),
        "--cmdline" => image.cmdline = value(arg, rest)?.to_string(),
        _ => return Ok(false),
    }
    Ok(true)
}

fn value<'a>(option: &str, rest: &mut impl Iterator<Item = &'a String>) -> Result<&'a str, Error> {
    rest.next()
        .map(String::as_str)
        .ok_or_else(|| Error::Usage(format!("{option} needs a value")))
}

fn parse_smp(text: &str) -> Result<u32, Error> {
    match text.parse::<u32>() {
        Ok(n) if (1..=MAX_SMP).contains(&n) => Ok(n),
        _ => Err(Error::Usage(format!(
            "--smp takes a CPU count from 1 to {MAX_SMP}, not `{text}`"
        ))),
    }
}

/// Accepts QEMU's memory sizes: a positive integer with an optional
/// `K`, `M`, `G` or `T` suffix (no suffix means MiB).
fn parse_memory(text: &str) -> Result<String, Error> {
    let digits = text
        .strip_suffix(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't'])
        .unwrap_or(text);
    match digits.parse::<u64>() {
        Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(text.to_string()),
        _ => Err(Error::Usage(format!(
            "--memory takes a size such as 512M or 2G, not `{text}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn run_defaults_to_verified_boot_with_two_cpus_and_512m() {
        let Command::Run(run) = parse(&args("run")).unwrap() else {
            panic!("not a run command");
        };
        assert!(!run.pvh);
        assert_eq!(run.smp, 2);
        assert_eq!(run.memory, "512M");
        assert_eq!(run.image.cmdline, "loglevel=info");
        assert_eq!(run.image.key, None);
        assert!(run.qemu_args.is_empty());
        assert_eq!(run.disk, Controller::Virtio);
        assert_eq!(run.net, Nic::Virtio);
    }

    #[test]
    fn run_takes_the_network_card_kind() {
        for (text, nic) in [
            ("run --net e1000e", Nic::E1000e),
            ("run --net virtio", Nic::Virtio),
        ] {
            let Command::Run(run) = parse(&args(text)).unwrap() else {
                panic!("not a run command");
            };
            assert_eq!(run.net, nic, "{text}");
        }
    }

    #[test]
    fn run_options_and_qemu_args_after_double_dash() {
        let mut list = args("run --pvh --smp 4 --memory 2G --disk nvme --key my.seed --cmdline");
        list.push("loglevel=debug ktest".to_string());
        list.extend(args("-- -d int --smp 9"));
        let Command::Run(run) = parse(&list).unwrap() else {
            panic!("not a run command");
        };
        assert!(run.pvh);
        assert_eq!(run.smp, 4);
        assert_eq!(run.memory, "2G");
        assert_eq!(run.disk, Controller::Nvme);
        assert_eq!(run.image.key, Some(PathBuf::from("my.seed")));
        assert_eq!(run.image.cmdline, "loglevel=debug ktest");
        assert_eq!(run.qemu_args, args("-d int --smp 9"));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for bad in [
            "run --smp 0",
            "run --smp two",
            "run --smp 100000",
            "run --memory 0",
            "run --memory 12X",
            "run --memory -5M",
            "run --memory M",
            "run --smp",
            "run --disk",
            "run --disk floppy",
            "run --net",
            "run --net rtl8139",
            "run --fast",
            "image --pvh",
            "test now",
            "frobnicate",
        ] {
            assert!(
                matches!(parse(&args(bad)), Err(Error::Usage(_))),
                "`{bad}` was accepted"
            );
        }
    }

    #[test]
    fn memory_sizes_in_qemu_syntax_are_accepted() {
        for good in ["128", "128M", "1G", "65536K", "1t"] {
            assert_eq!(parse_memory(good).unwrap(), good);
        }
    }

    #[test]
    fn image_takes_key_and_cmdline() {
        let parsed = parse(&args("image --key k.seed --cmdline quiet")).unwrap();
        assert_eq!(
            parsed,
            Command::Image(ImageOptions {
                key: Some(PathBuf::from("k.seed")),
                cmdline: "quiet".to_string(),
            })
        );
    }

    #[test]
    fn bench_knows_its_suites_and_lists_them_for_unknown_ones() {
        assert_eq!(
            parse(&args("bench boot")).unwrap(),
            Command::Bench(Suite::Boot)
        );
        assert_eq!(
            parse(&args("bench agents")).unwrap(),
            Command::Bench(Suite::Agents)
        );
        assert_eq!(
            parse(&args("bench net")).unwrap(),
            Command::Bench(Suite::Net)
        );
        assert_eq!(
            parse(&args("bench cluster")).unwrap(),
            Command::Bench(Suite::Cluster)
        );
        let Err(Error::Usage(message)) = parse(&args("bench disk")) else {
            panic!("unknown suite accepted");
        };
        assert!(message.contains("`disk`") && message.contains("boot, agents"));
        assert!(matches!(parse(&args("bench")), Err(Error::Usage(_))));
    }

    #[test]
    fn no_arguments_is_help() {
        assert_eq!(parse(&[]).unwrap(), Command::Help);
        assert_eq!(parse(&args("--help")).unwrap(), Command::Help);
    }
}
