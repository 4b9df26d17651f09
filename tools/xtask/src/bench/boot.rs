//! The `boot` suite: guest instructions and wall time from spawn to the
//! ready line.

use std::time::Duration;

use super::Measure;
use crate::build::{self, Kernel};
use crate::cli::{DEFAULT_CMDLINE, ImageOptions};
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::{self, Boot, Machine};
use crate::serial::{Line, Session, Wait};

const PVH_WALL_RUNS: usize = 5;
const UEFI_WALL_RUNS: usize = 3;
const READY_TIMEOUT: Duration = Duration::from_secs(180);
const POWEROFF_TIMEOUT: Duration = Duration::from_secs(30);

/// Measures boot: instructions under icount, then PVH and UEFI wall times.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let pvh = |extra: Vec<String>| Machine {
        smp: 1,
        memory: "512M".to_string(),
        boot: Boot::Pvh {
            kernel: kernel.clone(),
            bundle: paths.bundle(),
            cmdline: DEFAULT_CMDLINE.to_string(),
        },
        extra,
    };
    let mut measures = Vec::new();

    println!("xtask: [1/3] PVH boot under -icount shift=0 …");
    let icount = [
        "-icount",
        "shift=0,sleep=off",
        "-rtc",
        "base=2024-01-01T00:00:00,clock=vm",
    ];
    let (_, lines) = boot_once(
        paths,
        &pvh(icount.map(String::from).to_vec()),
        "bench-icount",
    )?;
    let ticks = lines
        .iter()
        .find_map(|line| protocol::bootstat_ticks(&line.text))
        .ok_or_else(|| Error::Check("no `bootstat: entry_to_ready_tsc=` line".to_string()))?;
    measures.push(Measure {
        name: "pvh_entry_to_ready_instructions".to_string(),
        value: ticks as f64,
        unit: "instructions".to_string(),
        target: Some("<= 20000000".to_string()),
    });

    let mut walls = Vec::new();
    for run in 1..=PVH_WALL_RUNS {
        println!("xtask: [2/3] PVH wall time, run {run}/{PVH_WALL_RUNS} …");
        walls.push(boot_once(paths, &pvh(Vec::new()), "bench-pvh")?.0);
    }
    measures.push(Measure {
        name: "pvh_spawn_to_ready_wall_median".to_string(),
        value: median(&mut walls),
        unit: "s".to_string(),
        target: Some("<= 1.5".to_string()),
    });

    let image = build::image(
        paths,
        &ImageOptions {
            key: None,
            cmdline: DEFAULT_CMDLINE.to_string(),
        },
    )?;
    let mut walls = Vec::new();
    for run in 1..=UEFI_WALL_RUNS {
        println!("xtask: [3/3] UEFI wall time, run {run}/{UEFI_WALL_RUNS} …");
        let machine = Machine {
            smp: 1,
            memory: "512M".to_string(),
            boot: Boot::Uefi {
                esp: image.esp.clone(),
                vars: qemu::fresh_vars(&paths.aios, "bench")?,
            },
            extra: Vec::new(),
        };
        walls.push(boot_once(paths, &machine, "bench-uefi")?.0);
    }
    measures.push(Measure {
        name: "uefi_spawn_to_ready_wall_median".to_string(),
        value: median(&mut walls),
        unit: "s".to_string(),
        target: None,
    });
    Ok(measures)
}

/// Boots to the ready line, powers off; returns seconds from spawn to ready
/// and the serial lines.
fn boot_once(paths: &Paths, machine: &Machine, name: &str) -> Result<(f64, Vec<Line>), Error> {
    let mut session = Session::spawn(machine, false)?;
    let ready = session.wait_for(READY_TIMEOUT, protocol::is_ready);
    let Wait::Found(ready) = ready else {
        session.kill();
        let log = session.save_log(&paths.logs(), name)?;
        return Err(Error::Check(format!(
            "{name}: no ready line ({ready:?}); serial log: {}",
            log.display()
        )));
    };
    session.send("poweroff\n")?;
    let status = session.wait_exit(POWEROFF_TIMEOUT)?;
    if status.map(crate::process::exit_code) != Some(0) {
        let log = session.save_log(&paths.logs(), name)?;
        return Err(Error::Check(format!(
            "{name}: `poweroff` did not exit QEMU with 0 ({status:?}); serial log: {}",
            log.display()
        )));
    }
    Ok((ready.at.as_secs_f64(), session.lines().to_vec()))
}

/// The median of `values` (the mean of the middle two for an even count).
pub(super) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 9.0, 0.5]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }
}
