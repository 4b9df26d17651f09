//! Tier 11: the SDKs against a live node. One production node boots with
//! the models on its data disk and its API forwarded to 127.0.0.1; then
//! each SDK's own test commands run with `AIOS_URL`, `AIOS_CA` and
//! `AIOS_TOKEN` naming that node, so their live tests call it:
//! - Python (`sdk/python`): a virtual environment in `target/sdk/venv`
//!   with the package and its `test` extra from PyPI, `mypy --strict`,
//!   then `pytest`;
//! - TypeScript (`sdk/typescript`): `npm ci`, `npm run build` (tsc), then
//!   `npm test` (`node --test`).
//!
//! Each command has a time box ([`STEP_LIMIT`]); the tier prints each
//! runner's last lines, and a check fails with the output's tail.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::disks::Controller;
use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::Session;
use crate::tls_peer::Peer;

/// Size of the node's data disk (the models take about 180 MB).
const DISK_BYTES: u64 = 512 << 20;
/// The longest any one command may take.
const STEP_LIMIT: Duration = Duration::from_secs(600);

/// Runs the scenario and records its checks.
pub fn run(paths: &Paths, peer: &Peer, checks: &mut Checks) -> Result<(), Error> {
    let image = paths.aios.join("e2e-sdk").join("data.img");
    crate::data_disk::format(&image, DISK_BYTES)?;
    crate::models::provide(paths, &image)?;
    let port = crate::e2e_net::free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e))?;
    let mut machine = crate::e2e_store::machine(paths, &image, Controller::Virtio);
    machine.extra.extend(
        crate::nics::Nic::Virtio
            .qemu_args_with("net0", &[format!("hostfwd=tcp:127.0.0.1:{port}-:443")]),
    );
    println!("xtask: e2e SDKs against a live node …");
    let mut session = Session::spawn(&machine, false)?;
    // The API starts before the console agent does.
    let ready = crate::e2e_store::console_ready(&mut session).and_then(|()| {
        if session
            .lines()
            .iter()
            .any(|l| l.text.contains("api: https on port"))
        {
            Ok(())
        } else {
            Err("the node serves no API (no `api: https on port` line)".to_string())
        }
    });
    let outcome = ready
        .and_then(|()| crate::e2e_net::admin_token(peer))
        .map(|token| {
            let env = [
                ("AIOS_URL", format!("https://127.0.0.1:{port}")),
                ("AIOS_CA", peer.pki.join("ca.pem").display().to_string()),
                ("AIOS_TOKEN", token),
            ];
            python(paths, &env, checks);
            typescript(paths, &env, checks);
        });
    let outcome = outcome.and_then(|()| crate::e2e_store::power_off(&mut session));
    if outcome.is_err() {
        session.kill();
    }
    let log = session.save_log(&paths.logs(), "e2e-sdk")?;
    if let Err(why) = outcome {
        checks.record("SDK scenario", Err(session.failure(&why, &log)));
    }
    Ok(())
}

/// The Python SDK: venv, install, `mypy --strict`, `pytest`.
fn python(paths: &Paths, env: &[(&str, String)], checks: &mut Checks) {
    let sdk = paths.root.join("sdk/python");
    let venv = paths.target.join("sdk").join("venv");
    let bin = |name: &str| venv.join("bin").join(name);
    let steps: [(&str, Command); 4] = [
        ("creates its virtual environment", {
            let mut c = Command::new("python3");
            c.args(["-m", "venv"]).arg(&venv);
            c
        }),
        ("installs with its test extra from PyPI", {
            let mut c = Command::new(bin("pip"));
            c.args(["install", "--quiet", "--disable-pip-version-check", "-e"])
                .arg(format!("{}[test]", sdk.display()));
            c
        }),
        ("is clean under `mypy --strict`", {
            let mut c = Command::new(bin("mypy"));
            c.current_dir(&sdk).args(["--strict", "src", "tests"]);
            c
        }),
        ("passes its tests against the node (pytest)", {
            let mut c = Command::new(bin("pytest"));
            c.current_dir(&sdk).args(["-q", "tests"]);
            c
        }),
    ];
    run_steps("Python SDK", steps, env, checks);
}

/// The TypeScript SDK: `npm ci`, `npm run build`, `npm test`.
fn typescript(paths: &Paths, env: &[(&str, String)], checks: &mut Checks) {
    let sdk = paths.root.join("sdk/typescript");
    let npm = |args: &[&str]| {
        let mut c = Command::new("npm");
        c.current_dir(&sdk).args(args);
        c
    };
    let steps: [(&str, Command); 3] = [
        (
            "installs its pinned dependencies (npm ci)",
            npm(&["ci", "--no-audit", "--no-fund"]),
        ),
        ("builds with tsc (npm run build)", npm(&["run", "build"])),
        (
            "passes its tests against the node (node --test)",
            npm(&["test"]),
        ),
    ];
    run_steps("TypeScript SDK", steps, env, checks);
}

/// Runs `steps` in order with `env`, each a check; stops at the first
/// that fails.
fn run_steps<const N: usize>(
    sdk: &str,
    steps: [(&str, Command); N],
    env: &[(&str, String)],
    checks: &mut Checks,
) {
    for (what, mut command) in steps {
        command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let outcome = timed(&mut command);
        let ok = outcome.is_ok();
        checks.record(&format!("{sdk} {what}"), outcome);
        if !ok {
            return;
        }
    }
}

/// Runs `command` with its output captured, within [`STEP_LIMIT`]; prints
/// the last lines of what it said. `Err` holds why, with that tail.
fn timed(command: &mut Command) -> Result<(), String> {
    let log = std::env::temp_dir().join(format!("xtask-sdk-{}.log", std::process::id()));
    let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file.try_clone().map_err(|e| e.to_string())?;
    let program = format!("{:?}", command.get_program());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break Some(status),
            None if started.elapsed() > STEP_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    let tail: Vec<&str> = text.lines().rev().take(15).collect::<Vec<_>>();
    let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n    ");
    if !tail.is_empty() {
        println!("    {tail}");
    }
    match status {
        Some(status) if status.success() => Ok(()),
        Some(status) => Err(format!("{program} failed ({status}):\n    {tail}")),
        None => Err(format!(
            "{program} took more than {} s:\n    {tail}",
            STEP_LIMIT.as_secs()
        )),
    }
}
