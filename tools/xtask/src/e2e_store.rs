//! Tier 8: storage end to end. Objects put from the console survive
//! `poweroff` and a new boot; a snapshot and rollback round-trip; the same
//! data disk written through virtio-blk is read through NVMe and AHCI; the
//! host tool checks the disk clean afterwards; then the crash-consistency
//! runs of [`crate::crash`].

use std::path::Path;
use std::time::Duration;

use crate::disks::Controller;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::paths::Paths;
use crate::qemu::Machine;
use crate::report::Checks;
use crate::serial::Session;

const READY: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(60);
/// Size of the scenario's data disk.
const DISK_BYTES: u64 = 64 << 20;

/// The production machine with `image` attached through `controller`.
pub fn machine(paths: &Paths, image: &Path, controller: Controller) -> Machine {
    Machine {
        extra: controller.qemu_args(image),
        ..crate::e2e::production_pvh(paths)
    }
}

/// Runs the scenario, then the crash runs, recording their checks.
pub fn run(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    let dir = paths.aios.join("e2e-store");
    let image = dir.join("data.img");
    crate::data_disk::format(&image, DISK_BYTES)?;
    for (index, controller) in Controller::ALL.into_iter().enumerate() {
        println!(
            "xtask: [{}/3] e2e storage through {} …",
            index + 1,
            controller.name()
        );
        let mut session = Session::spawn(&machine(paths, &image, controller), false)?;
        let outcome = console_ready(&mut session).and_then(|()| match controller {
            Controller::Virtio => first_boot(&mut session, checks),
            Controller::Nvme => second_boot(&mut session, checks),
            Controller::Ahci => third_boot(&mut session, checks),
        });
        let outcome = outcome.and_then(|()| power_off(&mut session));
        let log = session.save_log(&paths.logs(), &format!("e2e-store-{}", controller.name()))?;
        if let Err(why) = outcome {
            checks.record(
                &format!("storage scenario through {}", controller.name()),
                Err(session.failure(&why, &log)),
            );
            session.kill();
            return Ok(());
        }
    }
    let clean = crate::data_disk::check(&image);
    checks.record(
        "the host tool checks the disk clean after three boots",
        clean.map(drop),
    );
    crate::crash::runs(paths, checks)
}

/// Waits for the console agent.
pub fn console_ready(s: &mut Session) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line")?;
    found(
        s.wait_for(READY, |l| {
            l.contains("supervisor: started console as agent")
        }),
        "console start",
    )
    .map(drop)
}

/// Types `command` and returns the first line containing `wanted`.
fn answer(s: &mut Session, command: &str, wanted: &str) -> Result<String, String> {
    send(s, command)?;
    found(
        s.wait_for(STEP, |l| l.contains(wanted) || l.contains("error:")),
        wanted,
    )
}

fn first_boot(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    let line = answer(s, "store put notes todo buy milk", "stored notes/todo")?;
    checks.expect(
        "`store put` stores an object",
        line.contains("stored notes/todo"),
        || line.clone(),
    );
    answer(s, "snapshot notes before", "snapshot before of notes taken")?;
    answer(s, "store put notes todo sell the cow", "stored notes/todo")?;
    let changed = answer(s, "store get notes todo", "sell the cow")?;
    let version = answer(s, "store get notes todo", "version")?;
    checks.expect(
        "an overwrite is read back with a new version",
        changed.contains("sell the cow") && version.contains("version 2"),
        || format!("{changed} / {version}"),
    );
    let rolled = answer(s, "rollback notes before", "rolled back")?;
    let back = answer(s, "store get notes todo", "milk")?;
    checks.expect(
        "a rollback to the snapshot brings the old value back",
        rolled.contains("rolled back") && back.contains("buy milk"),
        || format!("{rolled} / {back}"),
    );
    let missing = answer(s, "store get notes nothing", "error:")?;
    checks.expect(
        "reading an absent object is a clear error",
        missing.contains("not found"),
        || missing.clone(),
    );
    Ok(())
}

fn second_boot(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    let resumed = s
        .lines()
        .iter()
        .find(|l| l.text.contains("store: audit chain"))
        .map(|l| l.text.clone())
        .unwrap_or_default();
    checks.expect(
        "the audit chain stored by the first boot continues in the second",
        resumed.contains("audit chain continued from stored record"),
        || resumed.clone(),
    );
    let kept = answer(s, "store get notes todo", "milk")?;
    checks.expect(
        "the object survives poweroff and is read back through NVMe",
        kept.contains("buy milk"),
        || kept.clone(),
    );
    answer(s, "store put notes second written through nvme", "stored")?;
    Ok(())
}

fn third_boot(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    let kept = answer(s, "store get notes second", "through")?;
    checks.expect(
        "what NVMe wrote is read back through AHCI",
        kept.contains("written through nvme"),
        || kept.clone(),
    );
    let listing = answer(s, "store ls notes", "object(s) in notes")?;
    checks.expect(
        "`store ls` lists both objects",
        listing.starts_with("2 object(s)"),
        || listing.clone(),
    );
    let snapshots = answer(s, "snapshots notes", "before")?;
    checks.expect(
        "the snapshot is still listed after two reboots",
        snapshots.starts_with("before"),
        || snapshots.clone(),
    );
    Ok(())
}

/// Types `poweroff` and waits for QEMU to exit.
pub fn power_off(s: &mut Session) -> Result<(), String> {
    send(s, "poweroff")?;
    match s.wait_exit(STEP) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err("the machine did not power off".to_string()),
        Err(e) => Err(e.to_string()),
    }
}
