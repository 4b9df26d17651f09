//! Tier 3: the in-kernel test suite, one boot per machine shape, judged
//! from the `ktest:` lines on serial and QEMU's exit status.

use std::time::Duration;

use crate::error::Error;
use crate::paths::Paths;
use crate::qemu::{Boot, Machine};
use crate::report::Tally;
use crate::serial::{Session, Wait};

/// The machine shapes the suite must pass on: (CPUs, memory).
pub const SHAPES: [(u32, &str); 3] = [(1, "128M"), (2, "1G"), (4, "2G")];
/// Size of each blank scratch disk the driver tests write (sparse).
const SCRATCH_DISK: u64 = 64 << 20;
/// How long one suite boot may take, start to power-off.
const BOOT_TIMEOUT: Duration = Duration::from_secs(240);

/// What a suite boot printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// `<N>` of `ktest: start <N>`.
    pub declared: Option<u64>,
    /// Tests that printed `ktest: pass`.
    pub passed: Vec<String>,
    /// Tests that printed `ktest: FAIL <name>: <message>`, with the message.
    pub failed: Vec<(String, String)>,
    /// `(P, F)` of `ktest: done <P> passed, <F> failed`.
    pub done: Option<(u64, u64)>,
    /// The first `PANIC` line.
    pub panic: Option<String>,
    /// The test that was running when the kernel panicked.
    pub panicked_in: Option<String>,
    /// The last test that started and printed no result.
    pub running: Option<String>,
}

impl Report {
    /// Reads the `ktest:` and `PANIC` lines of a boot.
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Report {
        let mut report = Report::default();
        for line in lines {
            if line.starts_with("PANIC") {
                if report.panic.is_none() {
                    report.panic = Some(line.to_string());
                    report.panicked_in.clone_from(&report.running);
                }
                continue;
            }
            let Some(rest) = line.strip_prefix("ktest: ") else {
                continue;
            };
            if let Some(count) = rest.strip_prefix("start ") {
                report.declared = count.trim().parse().ok();
            } else if let Some(name) = rest.strip_prefix("run ") {
                report.running = Some(name.trim().to_string());
            } else if let Some(name) = rest.strip_prefix("pass ") {
                report.passed.push(name.trim().to_string());
                report.running = None;
            } else if let Some(failure) = rest.strip_prefix("FAIL ") {
                let (name, message) = failure.split_once(": ").unwrap_or((failure, ""));
                report
                    .failed
                    .push((name.trim().to_string(), message.to_string()));
                report.running = None;
            } else if let Some(counts) = rest.strip_prefix("done ") {
                report.done = parse_done(counts);
            }
        }
        report
    }

    /// Passed and failed tests; a test cut short by a panic or a hang
    /// counts as failed.
    pub fn tally(&self) -> Tally {
        Tally {
            passed: self.passed.len() as u64,
            failed: self.failed.len() as u64 + u64::from(self.running.is_some()),
        }
    }

    /// Why this boot failed, given QEMU's exit code (`None`: timed out),
    /// or `Ok` if every test passed.
    pub fn verdict(&self, exit_code: Option<i32>) -> Result<(), String> {
        let mut problems = Vec::new();
        for (name, message) in &self.failed {
            problems.push(format!("{name} failed: {message}"));
        }
        if let Some(panic) = &self.panic {
            let during = self.panicked_in.as_deref().unwrap_or("no test");
            problems.push(format!("kernel panicked during {during}: {panic}"));
        } else if let Some(running) = &self.running {
            problems.push(format!("{running} never finished"));
        }
        match self.done {
            None => problems.push("no `ktest: done` line".to_string()),
            Some((passed, failed)) => {
                if failed != 0 && self.failed.is_empty() {
                    problems.push(format!("the kernel reports {failed} failed"));
                }
                if passed != self.passed.len() as u64 {
                    problems.push(format!(
                        "done line says {passed} passed, {} pass lines seen",
                        self.passed.len()
                    ));
                }
            }
        }
        if let (Some(declared), Some((passed, failed))) = (self.declared, self.done)
            && passed.saturating_add(failed) != declared
        {
            problems.push(format!(
                "{declared} tests declared, {} reported",
                passed + failed
            ));
        }
        match exit_code {
            Some(0) => {}
            None => problems.push(format!("timed out after {} s", BOOT_TIMEOUT.as_secs())),
            Some(code) => problems.push(format!("QEMU exit status {code}")),
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

fn parse_done(counts: &str) -> Option<(u64, u64)> {
    let (passed, failed) = counts.split_once(" passed, ")?;
    let failed = failed.strip_suffix(" failed")?;
    Some((passed.trim().parse().ok()?, failed.trim().parse().ok()?))
}

/// The devices every suite boot carries: a scratch disk on each
/// controller and a card of each network kind.
fn machine_devices(paths: &Paths) -> Result<Vec<String>, Error> {
    let mut devices =
        crate::disks::scratch_disks(&paths.aios.join("ktest-disks"), SCRATCH_DISK, "writeback")?;
    devices.extend(crate::nics::test_nics());
    Ok(devices)
}

/// Runs the suite once per shape; returns the tally and the failures.
pub fn run(paths: &Paths, kernel: &std::path::Path) -> Result<(Tally, Vec<String>), Error> {
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for (index, (smp, memory)) in SHAPES.into_iter().enumerate() {
        println!(
            "xtask: [{}/{}] ktest smp={smp} mem={memory} …",
            index + 1,
            SHAPES.len()
        );
        let machine = Machine {
            smp,
            memory: memory.to_string(),
            boot: Boot::Pvh {
                kernel: kernel.to_path_buf(),
                bundle: paths.bundle(),
                cmdline: "ktest".to_string(),
            },
            extra: machine_devices(paths)?,
        };
        let mut session = Session::spawn(&machine, false)?;
        let finished = session.wait_for(BOOT_TIMEOUT, |line| line.starts_with("ktest: done "));
        let status = match finished {
            Wait::TimedOut => {
                session.kill();
                None
            }
            Wait::Found(_) | Wait::Exited => session.wait_exit(Duration::from_secs(30))?,
        };
        let report = Report::parse(session.lines().iter().map(|line| line.text.as_str()));
        let tally = report.tally();
        total.add(tally);
        let log_name = format!("ktest-smp{smp}-{memory}");
        let log = session.save_log(&paths.logs(), &log_name)?;
        match report.verdict(status.map(crate::process::exit_code)) {
            Ok(()) => println!("  ok    {} tests passed", tally.passed),
            Err(why) => {
                println!(
                    "  FAIL  smp={smp} mem={memory}: {why} (serial log: {})",
                    log.display()
                );
                failures.push(format!("ktest smp={smp} mem={memory}: {why}"));
            }
        }
    }
    Ok((total, failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSING: &str = "\
ktest: start 2
ktest: run memory::frames
ktest: pass memory::frames
ktest: run smp::all_online
ktest: pass smp::all_online
ktest: done 2 passed, 0 failed";

    #[test]
    fn a_clean_run_passes_only_with_exit_status_zero() {
        let report = Report::parse(PASSING.lines());
        assert_eq!(report.declared, Some(2));
        assert_eq!(report.passed, ["memory::frames", "smp::all_online"]);
        assert_eq!(report.done, Some((2, 0)));
        assert_eq!(
            report.tally(),
            Tally {
                passed: 2,
                failed: 0
            }
        );
        assert_eq!(report.verdict(Some(0)), Ok(()));
        assert!(
            report
                .verdict(Some(3))
                .unwrap_err()
                .contains("exit status 3")
        );
        assert!(report.verdict(None).unwrap_err().contains("timed out"));
    }

    #[test]
    fn failures_are_reported_by_name_with_message() {
        let report = Report::parse(
            "ktest: start 2\nktest: run a::b\nktest: FAIL a::b: expected 4, got 5\n\
             ktest: run c::d\nktest: pass c::d\nktest: done 1 passed, 1 failed"
                .lines(),
        );
        assert_eq!(
            report.failed,
            [("a::b".to_string(), "expected 4, got 5".to_string())]
        );
        let why = report.verdict(Some(5)).unwrap_err();
        assert!(why.contains("a::b failed: expected 4, got 5"), "{why}");
        assert_eq!(
            report.tally(),
            Tally {
                passed: 1,
                failed: 1
            }
        );
    }

    #[test]
    fn a_panic_names_the_running_test() {
        let report = Report::parse(
            "ktest: start 3\nktest: run a::ok\nktest: pass a::ok\nktest: run a::boom\n\
             PANIC: page fault at 0x0"
                .lines(),
        );
        assert_eq!(report.running.as_deref(), Some("a::boom"));
        let why = report.verdict(Some(3)).unwrap_err();
        assert!(
            why.contains("panicked during a::boom: PANIC: page fault"),
            "{why}"
        );
        assert!(why.contains("no `ktest: done` line"), "{why}");
        assert_eq!(
            report.tally(),
            Tally {
                passed: 1,
                failed: 1
            }
        );
    }

    #[test]
    fn a_panic_followed_by_the_kernels_fail_line_is_one_failure() {
        let report = Report::parse(
            "ktest: start 1\nktest: run a::boom\nPANIC on cpu 0: oops\nktest: FAIL a::boom: panicked"
                .lines(),
        );
        assert_eq!(
            report.tally(),
            Tally {
                passed: 0,
                failed: 1
            }
        );
        let why = report.verdict(Some(3)).unwrap_err();
        assert!(
            why.contains("panicked during a::boom: PANIC on cpu 0: oops"),
            "{why}"
        );
    }

    #[test]
    fn a_triple_fault_exiting_zero_without_done_line_fails() {
        let report = Report::parse("ktest: start 5\nktest: run x::y".lines());
        let why = report.verdict(Some(0)).unwrap_err();
        assert!(why.contains("x::y never finished"), "{why}");
    }

    #[test]
    fn counts_must_agree_with_the_lines() {
        let report = Report::parse(
            "ktest: start 3\nktest: run a\nktest: pass a\nktest: done 3 passed, 0 failed".lines(),
        );
        let why = report.verdict(Some(0)).unwrap_err();
        assert!(
            why.contains("done line says 3 passed, 1 pass lines seen"),
            "{why}"
        );
    }
}
