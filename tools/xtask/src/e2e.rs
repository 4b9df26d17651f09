//! Tiers 4 and 5: boot the production kernel (PVH, then verified UEFI) and
//! drive it through its serial console; tampered ESPs must be refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::build::Image;
use crate::cli::DEFAULT_CMDLINE;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol::{self, without_prompt};
use crate::qemu::{self, Boot, Machine};
use crate::report::Checks;
use crate::serial::{Session, Wait};

/// How long a PVH boot may take to print the ready line.
const PVH_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an OVMF boot may take to print the ready line or a refusal.
const UEFI_READY_TIMEOUT: Duration = Duration::from_secs(180);
/// How long the console may take to run the commands and power off.
const COMMANDS_TIMEOUT: Duration = Duration::from_secs(60);

/// The PVH scenario: `help`, `info`, an unknown command, `poweroff`.
pub fn pvh(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e PVH boot, smp=2 mem=512M …");
    let mut session = Session::spawn(&production_pvh(paths), false)?;
    let status = drive(
        &mut session,
        PVH_READY_TIMEOUT,
        "help\ninfo\nfrobnicate\npoweroff\n",
        checks,
    )?;
    let log = session.save_log(&paths.logs(), "e2e-pvh")?;
    let lines: Vec<&str> = session
        .lines()
        .iter()
        .map(|line| without_prompt(&line.text))
        .collect();
    for command in ["help", "info", "poweroff"] {
        checks.expect(
            &format!("help lists `{command}`"),
            lines.iter().any(|line| lists_command(line, command)),
            || format!("no help line for it (serial log: {})", log.display()),
        );
    }
    let cpus: Vec<u32> = lines
        .iter()
        .filter_map(|l| protocol::cpus_online(l))
        .collect();
    checks.expect("info shows `cpus online: 2`", cpus == [2], || {
        format!("cpus online lines: {cpus:?}")
    });
    checks.record("info shows total and free memory", memory_line(&lines, 512));
    checks.expect(
        "info shows the uptime",
        lines.iter().any(|line| is_uptime(line)),
        || "no `uptime: <s> s` line".to_string(),
    );
    checks.expect(
        "info shows `boot: pvh unverified`",
        lines.contains(&"boot: pvh unverified"),
        || "no such line".to_string(),
    );
    checks.expect(
        "unknown command is reported",
        lines.contains(&"unknown command: frobnicate"),
        || "no `unknown command: frobnicate` line".to_string(),
    );
    check_exit(checks, status);
    Ok(())
}

/// The fault path: the ktest kernel booted with `ktest-fault` reads
/// address 0 after boot; the page fault must be reported (vector, error
/// code, faulting address, registers) and stop the kernel with status 3.
pub fn fault_report(paths: &Paths, kernel: &Path, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e fault report (ktest-fault), smp=2 mem=256M …");
    let machine = Machine {
        smp: 2,
        memory: "256M".to_string(),
        boot: Boot::Pvh {
            kernel: kernel.to_path_buf(),
            bundle: paths.bundle(),
            cmdline: "ktest-fault".to_string(),
        },
        extra: Vec::new(),
    };
    let mut session = Session::spawn(&machine, false)?;
    let status = session
        .wait_exit(PVH_READY_TIMEOUT)?
        .map(crate::process::exit_code);
    let log = session.save_log(&paths.logs(), "e2e-fault")?;
    let lines: Vec<&str> = session.lines().iter().map(|l| l.text.trim()).collect();
    let expected = [
        (
            "the exception is named",
            "EXCEPTION: vector 14 (page fault) error code 0x0",
        ),
        (
            "the faulting address is shown",
            "faulting address 0x0000000000000000 (not present read data)",
        ),
        ("the registers are shown", "rax "),
        (
            "the kernel panics cleanly",
            "PANIC on cpu 0: CPU exception 14 (page fault)",
        ),
    ];
    for (what, prefix) in expected {
        checks.expect(what, lines.iter().any(|l| l.starts_with(prefix)), || {
            format!(
                "no line starting `{prefix}` (serial log: {})",
                log.display()
            )
        });
    }
    checks.expect(
        "a fault exits QEMU with status 3",
        status == Some(3),
        || format!("exit status {status:?}"),
    );
    Ok(())
}

/// The production kernel and bundle booted by PVH with 2 CPUs and 512 MiB:
/// the machine of the console and agent scenarios.
pub fn production_pvh(paths: &Paths) -> Machine {
    Machine {
        smp: 2,
        memory: "512M".to_string(),
        boot: Boot::Pvh {
            kernel: paths.kernel_elf(),
            bundle: paths.bundle(),
            cmdline: DEFAULT_CMDLINE.to_string(),
        },
        extra: Vec::new(),
    }
}

/// The UEFI scenario on the signed `image`, then on three tampered copies.
pub fn uefi(paths: &Paths, image: &Image, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: [1/4] e2e UEFI verified boot …");
    let mut session = Session::spawn(&uefi_machine(paths, &image.esp, "e2e")?, false)?;
    let status = drive(&mut session, UEFI_READY_TIMEOUT, "info\npoweroff\n", checks)?;
    let log = session.save_log(&paths.logs(), "e2e-uefi")?;
    let lines: Vec<&str> = session
        .lines()
        .iter()
        .map(|line| without_prompt(&line.text))
        .collect();
    let public_key = fs::read(&image.key.public).map_err(|e| Error::io(&image.key.public, e))?;
    let expected = format!(
        "boot: uefi verified key {}",
        protocol::hex(&aios_bootsig::fingerprint(&public_key)[..8])
    );
    checks.expect(
        "info shows `boot: uefi verified` with our key",
        lines.contains(&expected.as_str()),
        || format!("no `{expected}` line (serial log: {})", log.display()),
    );
    for name in ["kernel.elf", "bundle.bin", "cmdline.txt"] {
        let outcome = measured_matches(&lines, &image.esp.join("aios").join(name), name);
        checks.record(&format!("info shows the measurement of {name}"), outcome);
    }
    check_exit(checks, status);

    let tampered = [
        ("kernel", "kernel.elf with one byte flipped"),
        ("signature", "kernel.sig with one byte flipped"),
        ("unsigned", "kernel.sig missing"),
    ];
    for (index, (kind, what)) in tampered.into_iter().enumerate() {
        println!("xtask: [{}/4] e2e UEFI, {what} …", index + 2);
        let esp = tampered_copy(paths, &image.esp, kind)?;
        let mut session = Session::spawn(&uefi_machine(paths, &esp, kind)?, false)?;
        let outcome = session.wait_for(UEFI_READY_TIMEOUT, |line| {
            protocol::is_refusal(line) || protocol::is_ready(line)
        });
        session.kill();
        let log = session.save_log(&paths.logs(), &format!("e2e-uefi-{kind}"))?;
        let verdict = match outcome {
            Wait::Found(line) if protocol::is_refusal(&line.text) => Ok(()),
            Wait::Found(_) => Err("the kernel booted to ready".to_string()),
            Wait::Exited => Err("QEMU exited without a refusal".to_string()),
            Wait::TimedOut => Err(format!(
                "no refusal within {} s",
                UEFI_READY_TIMEOUT.as_secs()
            )),
        };
        let verdict = verdict.map_err(|why| format!("{why} (serial log: {})", log.display()));
        checks.record(&format!("loader refuses {what}"), verdict);
    }
    Ok(())
}

/// Waits for the ready line, types `input` and waits for QEMU to exit;
/// records the ready check and returns the exit code (`None`: no exit).
fn drive(
    session: &mut Session,
    ready_timeout: Duration,
    input: &str,
    checks: &mut Checks,
) -> Result<Option<i32>, Error> {
    let ready = session.wait_for(ready_timeout, protocol::is_ready);
    let ready_at = match &ready {
        Wait::Found(line) => Ok(line.at),
        Wait::Exited => Err("QEMU exited before the ready line".to_string()),
        Wait::TimedOut => Err(format!("no ready line in {} s", ready_timeout.as_secs())),
    };
    let booted = ready_at.is_ok();
    checks.record(
        "boots to `AIOS <version> ready`",
        ready_at.map(|at| println!("        (ready after {:.1} s)", at.as_secs_f64())),
    );
    if !booted {
        session.kill();
        return Ok(None);
    }
    session.send(input)?;
    let status = session.wait_exit(COMMANDS_TIMEOUT)?;
    Ok(status.map(crate::process::exit_code))
}

fn check_exit(checks: &mut Checks, code: Option<i32>) {
    checks.expect(
        "`poweroff` exits QEMU with status 0",
        code == Some(0),
        || match code {
            Some(code) => format!("exit status {code}"),
            None => "QEMU did not exit".to_string(),
        },
    );
}

fn uefi_machine(paths: &Paths, esp: &Path, name: &str) -> Result<Machine, Error> {
    Ok(Machine {
        smp: 2,
        memory: "512M".to_string(),
        boot: Boot::Uefi {
            esp: esp.to_path_buf(),
            vars: qemu::fresh_vars(&paths.aios, name)?,
        },
        extra: Vec::new(),
    })
}

/// Whether `line` is a help entry for `command` (not the echoed command).
fn lists_command(line: &str, command: &str) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some(command) && words.next().is_some()
}

fn is_uptime(line: &str) -> bool {
    line.strip_prefix("uptime: ")
        .and_then(|rest| rest.strip_suffix(" s"))
        .is_some_and(|seconds| seconds.parse::<f64>().is_ok_and(|s| s >= 0.0))
}

/// Checks `memory: total <X> MiB, free <Y> MiB` with `Y <= X <= guest`.
fn memory_line(lines: &[&str], guest_mib: u64) -> Result<(), String> {
    let line = lines
        .iter()
        .find_map(|line| line.strip_prefix("memory: total "))
        .ok_or("no `memory: total … MiB, free … MiB` line")?;
    let parsed = line.split_once(" MiB, free ").and_then(|(total, free)| {
        let free = free.strip_suffix(" MiB")?;
        Some((total.parse::<u64>().ok()?, free.parse::<u64>().ok()?))
    });
    match parsed {
        Some((total, free)) if free <= total && total <= guest_mib && total >= guest_mib / 2 => {
            Ok(())
        }
        _ => Err(format!(
            "implausible for {guest_mib} MiB: `memory: total {line}`"
        )),
    }
}

/// Whether a `measured:` line for `name` matches the size and SHA3-256 of
/// the file at `path`.
fn measured_matches(lines: &[&str], path: &Path, name: &str) -> Result<(), String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let measurement = lines
        .iter()
        .filter_map(|line| protocol::measurement(line))
        .find(|m| m.name == name)
        .ok_or_else(|| format!("no `measured: {name} …` line"))?;
    let digest = protocol::hex(&aios_bootsig::sha3_256(&bytes));
    if measurement.size != bytes.len() as u64 || measurement.sha3_256 != digest {
        return Err(format!(
            "kernel measured {} bytes {}, the ESP file is {} bytes {digest}",
            measurement.size,
            measurement.sha3_256,
            bytes.len()
        ));
    }
    Ok(())
}

/// A copy of `esp` at `target/aios/esp-tampered-<kind>/`, damaged as
/// `kind` says.
fn tampered_copy(paths: &Paths, esp: &Path, kind: &str) -> Result<PathBuf, Error> {
    let copy = paths.aios.join(format!("esp-tampered-{kind}"));
    if copy.exists() {
        fs::remove_dir_all(&copy).map_err(|e| Error::io(&copy, e))?;
    }
    copy_dir(esp, &copy)?;
    let aios = copy.join("aios");
    match kind {
        "kernel" => flip_middle_byte(&aios.join("kernel.elf"))?,
        "signature" => flip_middle_byte(&aios.join("kernel.sig"))?,
        _ => {
            let signature = aios.join("kernel.sig");
            fs::remove_file(&signature).map_err(|e| Error::io(&signature, e))?;
        }
    }
    Ok(copy)
}

fn flip_middle_byte(path: &Path) -> Result<(), Error> {
    let mut bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let middle = bytes.len() / 2;
    let byte = bytes
        .get_mut(middle)
        .ok_or_else(|| Error::Image(format!("{} is empty", path.display())))?;
    *byte ^= 0x01;
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let source = entry.path();
        let destination = to.join(entry.file_name());
        if source.is_dir() {
            copy_dir(&source, &destination)?;
        } else {
            fs::copy(&source, &destination).map_err(|e| Error::io(&source, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_entries_are_told_from_echoed_commands() {
        assert!(lists_command("  info      CPUs, memory", "info"));
        assert!(!lists_command("info", "info"));
        assert!(!lists_command("  help      this list", "info"));
    }

    #[test]
    fn memory_and_uptime_lines_are_checked_for_plausibility() {
        assert_eq!(
            memory_line(&["memory: total 511 MiB, free 510 MiB"], 512),
            Ok(())
        );
        assert!(memory_line(&["memory: total 511 MiB, free 600 MiB"], 512).is_err());
        assert!(memory_line(&["memory: total 2047 MiB, free 2000 MiB"], 512).is_err());
        assert!(memory_line(&["memory: lots"], 512).is_err());
        assert!(is_uptime("uptime: 2.797 s"));
        assert!(!is_uptime("uptime: soon s"));
    }

    #[test]
    fn tampering_flips_exactly_one_byte() {
        let dir = std::env::temp_dir().join(format!("xtask-flip-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("kernel.elf");
        fs::write(&file, [7u8; 9]).unwrap();
        flip_middle_byte(&file).unwrap();
        let bytes = fs::read(&file).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(bytes, [7, 7, 7, 7, 6, 7, 7, 7, 7]);
    }
}
