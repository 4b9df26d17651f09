//! `cargo xtask test`: the five tiers in order, stopping at the first that
//! fails, and the final `summary:` line.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Instant;

use crate::build::{self, KERNEL_TARGET, Kernel};
use crate::cli::ImageOptions;
use crate::error::Error;
use crate::paths::Paths;
use crate::process;
use crate::report::{Checks, Tally};
use crate::{
    agents, e2e, e2e_agents, e2e_ai, e2e_cluster, e2e_ipc, e2e_net, e2e_sdk, e2e_store, ktest,
    setup, tls_peer,
};

const TIERS: usize = 11;

/// Runs every tier; an error names the failing tier.
pub fn run(paths: &Paths) -> Result<(), Error> {
    setup::run(paths)?;
    let started = Instant::now();
    let mut total = Tally::default();
    let outcome = tiers(paths, &mut total);
    println!(
        "xtask: test {} after {:.0} s",
        if outcome.is_ok() { "passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    println!("{}", total.summary_line());
    outcome
}

fn tiers(paths: &Paths, total: &mut Tally) -> Result<(), Error> {
    tier(1, "lints", || lints(paths))?;

    tier(2, "host tests", || {
        let tally = host_tests(paths)?;
        total.add(tally);
        judge(tally.failed == 0, || {
            format!("{} host tests failed", tally.failed)
        })
    })?;

    tier(3, "in-kernel tests", || {
        let kernel = build::kernel(paths, Kernel::Ktest)?;
        build::bundle(paths)?;
        let (tally, mut failures) = ktest::run(paths, &kernel)?;
        total.add(tally);
        let mut checks = Checks::new();
        e2e::fault_report(paths, &kernel, &mut checks)?;
        total.add(checks.tally());
        failures.extend_from_slice(checks.failures());
        judge(failures.is_empty(), || failures.join("\n  "))
    })?;

    tier(4, "end to end, PVH", || {
        build::kernel(paths, Kernel::Production)?;
        build::bundle(paths)?;
        checked(total, |checks| e2e::pvh(paths, checks))
    })?;

    // Tier 5 builds the image (production kernel and bundle included),
    // which tier 6 boots again by PVH.
    tier(5, "end to end, UEFI verified boot", || {
        let image = build::image(
            paths,
            &ImageOptions {
                key: None,
                cmdline: crate::cli::DEFAULT_CMDLINE.to_string(),
            },
        )?;
        checked(total, |checks| e2e::uefi(paths, &image, checks))
    })?;

    tier(6, "end to end, agents", || {
        checked(total, |checks| e2e_agents::run(paths, checks))
    })?;

    tier(7, "end to end, messaging, policy and audit", || {
        build::kernel(paths, Kernel::Production)?;
        build::bundle(paths)?;
        checked(total, |checks| e2e_ipc::run(paths, checks))
    })?;

    tier(8, "end to end, storage and crash consistency", || {
        build::kernel(paths, Kernel::Production)?;
        build::bundle(paths)?;
        checked(total, |checks| e2e_store::run(paths, checks))
    })?;

    tier(
        9,
        "end to end, AI: embeddings, memory, routing by meaning, inference",
        || {
            build::kernel(paths, Kernel::Production)?;
            // The node's API (asked here) needs the development PKI in
            // the bundle.
            let peer = tls_peer::ensure(paths)?;
            build::bundle(paths)?;
            checked(total, |checks| e2e_ai::run(paths, &peer, checks))
        },
    )?;

    tier(10, "end to end, networking", || {
        build::kernel(paths, Kernel::Production)?;
        // The development CA must exist before the bundle that trusts it.
        let peer = tls_peer::ensure(paths)?;
        build::bundle(paths)?;
        checked(total, |checks| {
            e2e_net::run(paths, &peer, checks)?;
            e2e_cluster::run(paths, &peer, checks)
        })
    })?;

    tier(11, "end to end, the Python and TypeScript SDKs", || {
        build::kernel(paths, Kernel::Production)?;
        let peer = tls_peer::ensure(paths)?;
        build::bundle(paths)?;
        checked(total, |checks| e2e_sdk::run(paths, &peer, checks))
    })
}

/// Whether tier `number` runs: all do, unless `XTASK_TIERS` lists some
/// (`XTASK_TIERS=6,7`), for working on one tier. CI sets nothing.
fn selected(number: usize) -> bool {
    match std::env::var("XTASK_TIERS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .any(|t| t.trim().parse::<usize>() == Ok(number)),
        _ => true,
    }
}

/// Runs an end-to-end scenario, adds its checks to `total` and fails if
/// any check failed.
fn checked(
    total: &mut Tally,
    scenario: impl FnOnce(&mut Checks) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut checks = Checks::new();
    scenario(&mut checks)?;
    total.add(checks.tally());
    judge(checks.failures().is_empty(), || {
        checks.failures().join("\n  ")
    })
}

fn tier(number: usize, name: &str, body: impl FnOnce() -> Result<(), Error>) -> Result<(), Error> {
    if !selected(number) {
        println!("xtask: tier {number}/{TIERS}: {name}: skipped (XTASK_TIERS)");
        return Ok(());
    }
    println!("xtask: tier {number}/{TIERS}: {name}");
    let started = Instant::now();
    body().map_err(|e| Error::Check(format!("tier {number}/{TIERS} ({name}) failed:\n  {e}")))?;
    println!(
        "xtask: tier {number}/{TIERS} ({name}) passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn judge(ok: bool, why: impl FnOnce() -> String) -> Result<(), Error> {
    if ok { Ok(()) } else { Err(Error::Check(why())) }
}

/// Tier 1: rustfmt and clippy with `-D warnings` on every target, the
/// guest SDK and agents included.
fn lints(paths: &Paths) -> Result<(), Error> {
    let key = build::signing_key(paths, None)?;
    let agent_packages = agents::packages(paths)?;
    let mut guests = vec!["--target", agents::WASM_TARGET, "-p", "aios-sdk"];
    for package in &agent_packages {
        guests.extend(["-p", package.as_str()]);
    }
    let clippy: [(&str, Vec<&str>); 5] = [
        ("host", vec!["--all-targets"]),
        (
            "kernel",
            vec![
                "-p",
                "aios-kernel",
                "-p",
                "aios-hal",
                "-p",
                "aios-engine",
                "--target",
                KERNEL_TARGET,
            ],
        ),
        (
            "kernel with ktest",
            vec![
                "-p",
                "aios-kernel",
                "-p",
                "aios-hal",
                "--target",
                KERNEL_TARGET,
                "--features",
                "aios-kernel/ktest",
            ],
        ),
        (
            "loader",
            vec!["-p", "aios-boot", "--target", "x86_64-unknown-uefi"],
        ),
        ("sdk and agents", guests),
    ];
    println!("xtask: cargo fmt --all --check …");
    process::run(
        process::cargo()
            .current_dir(&paths.root)
            .args(["fmt", "--all", "--check"]),
        "cargo fmt --check",
    )?;
    for (name, args) in clippy {
        println!("xtask: clippy ({name}) …");
        process::run(
            process::cargo()
                .current_dir(&paths.root)
                .arg("clippy")
                .args(args)
                .args(["--", "-D", "warnings"])
                .env("AIOS_BOOT_PUBKEY", &key.public),
            &format!("cargo clippy ({name})"),
        )?;
    }
    Ok(())
}

/// Tier 2: `cargo test` of the host crates; counts from `test result:`.
fn host_tests(paths: &Paths) -> Result<Tally, Error> {
    // The ML engine's golden tests read the models from target/models;
    // without them they say so and skip, so fetch them first when we can.
    if let Err(why) = crate::models::fetch(paths) {
        println!("xtask: models unavailable, their golden tests will skip: {why}");
    }
    println!("xtask: cargo test (host crates) …");
    let mut child = process::cargo()
        .current_dir(&paths.root)
        .args(["test", "--no-fail-fast"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Command {
            what: "cargo test".to_string(),
            detail: format!("could not start: {e}"),
        })?;
    let mut tally = Tally::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| Error::Command {
                what: "cargo test".to_string(),
                detail: format!("reading its output: {e}"),
            })?;
            println!("{line}");
            if let Some(result) = parse_test_result(&line) {
                tally.add(result);
            }
        }
    }
    let status = child.wait().map_err(|e| Error::Command {
        what: "cargo test".to_string(),
        detail: format!("waiting for it: {e}"),
    })?;
    println!(
        "xtask: host tests: {} passed, {} failed",
        tally.passed, tally.failed
    );
    if !status.success() && tally.failed == 0 {
        // A build failure or a crashed test binary prints no failed count.
        return Err(Error::Command {
            what: "cargo test".to_string(),
            detail: format!("failed ({status}) without a failing test result"),
        });
    }
    Ok(tally)
}

/// The counts of a libtest line `test result: ok. 12 passed; 0 failed; …`.
fn parse_test_result(line: &str) -> Option<Tally> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_, counts) = rest.split_once(". ")?;
    let mut tally = Tally::default();
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(count), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        match kind {
            "passed" => tally.passed = count.parse().ok()?,
            "failed" => tally.failed = count.parse().ok()?,
            _ => {}
        }
    }
    Some(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_result_lines_are_counted() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some(Tally {
                passed: 12,
                failed: 0
            })
        );
        assert_eq!(
            parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some(Tally {
                passed: 3,
                failed: 2
            })
        );
        assert_eq!(parse_test_result("test foo ... ok"), None);
        assert_eq!(
            parse_test_result("test result: ok. many passed; 0 failed"),
            None
        );
    }
}
