//! `cargo xtask run`: build what the boot needs and boot it, with the
//! serial console on this terminal or relayed through pipes.

use std::io::{IsTerminal, Read, Write};
use std::process::ChildStdin;
use std::thread;
use std::time::Duration;

use crate::build::{self, Kernel};
use crate::cli::RunOptions;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::{self, Boot, Machine, Serial};
use crate::serial::{Session, Wait};
use crate::{process, setup};

/// How long a piped run waits for the ready line before giving up.
const READY_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a piped run waits for QEMU after its output closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Boots and returns QEMU's exit code (ours, too).
pub fn run(paths: &Paths, options: &RunOptions) -> Result<i32, Error> {
    setup::run(paths)?;
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
    let machine = Machine {
        smp: options.smp,
        memory: options.memory.clone(),
        boot,
        extra: options.qemu_args.clone(),
    };
    println!(
        "xtask: booting ({}, smp={} mem={})…",
        if options.pvh {
            "PVH, unverified"
        } else {
            "UEFI, verified"
        },
        options.smp,
        options.memory
    );
    if std::io::stdin().is_terminal() {
        interactive(&machine)
    } else {
        piped(&machine)
    }
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

/// Relays QEMU's output as it comes; forwards our stdin only once the
/// kernel is ready (the firmware would otherwise eat the input), and keeps
/// relaying after our stdin ends until QEMU exits.
fn piped(machine: &Machine) -> Result<i32, Error> {
    let mut session = Session::spawn(machine, true)?;
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(_) => {
            if let Some(stdin) = session.take_stdin() {
                thread::spawn(move || forward_stdin(stdin));
            }
        }
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

fn forward_stdin(mut qemu: ChildStdin) {
    let mut stdin = std::io::stdin().lock();
    let mut buffer = [0u8; 1024];
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if qemu
                    .write_all(&buffer[..n])
                    .and_then(|()| qemu.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}
