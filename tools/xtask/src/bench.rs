//! `cargo xtask bench boot`: guest instructions and wall time from spawn to
//! the ready line; a table on stdout and `target/bench/boot.json`.

use std::time::Duration;

use crate::build::{self, Kernel};
use crate::cli::{DEFAULT_CMDLINE, ImageOptions, Suite};
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::{self, Boot, Machine};
use crate::serial::{Line, Session, Wait};
use crate::setup;

const PVH_WALL_RUNS: usize = 5;
const UEFI_WALL_RUNS: usize = 3;
const READY_TIMEOUT: Duration = Duration::from_secs(180);
const POWEROFF_TIMEOUT: Duration = Duration::from_secs(30);

/// One measured value.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// The goal, like `<= 20000000`, if there is one.
    pub target: Option<String>,
}

/// Runs `suite`, prints its table and writes `target/bench/<suite>.json`.
pub fn run(paths: &Paths, suite: Suite) -> Result<(), Error> {
    setup::run(paths)?;
    let Suite::Boot = suite;
    let measures = boot(paths)?;
    println!("{}", table(&measures));
    let dir = paths.target.join("bench");
    Paths::create_dir(&dir)?;
    let json_path = dir.join("boot.json");
    std::fs::write(&json_path, json(&measures)).map_err(|e| Error::io(&json_path, e))?;
    println!("xtask: wrote {}", json_path.display());
    Ok(())
}

fn boot(paths: &Paths) -> Result<Vec<Measure>, Error> {
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
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// The results as an aligned text table.
fn table(measures: &[Measure]) -> String {
    let mut rows = vec![[
        "benchmark".to_string(),
        "value".to_string(),
        "unit".to_string(),
        "target".to_string(),
        "met".to_string(),
    ]];
    for m in measures {
        let met = match m.target.as_deref().map(|target| meets(m.value, target)) {
            None => "-",
            Some(Some(true)) => "yes",
            Some(Some(false)) => "NO",
            Some(None) => "?",
        };
        rows.push([
            m.name.clone(),
            format_value(m.value),
            m.unit.clone(),
            m.target.clone().unwrap_or_else(|| "-".to_string()),
            met.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|column| rows.iter().map(|row| row[column].len()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `value` meets a target written `<= N` or `>= N` (`None`: the
/// target is not in that form).
fn meets(value: f64, target: &str) -> Option<bool> {
    if let Some(limit) = target.strip_prefix("<=") {
        return Some(value <= limit.trim().parse::<f64>().ok()?);
    }
    let limit = target.strip_prefix(">=")?;
    Some(value >= limit.trim().parse::<f64>().ok()?)
}

/// The results as a JSON array of `{"name","value","unit","target"}`.
fn json(measures: &[Measure]) -> String {
    let objects: Vec<String> = measures
        .iter()
        .map(|m| {
            let target = m.target.as_deref().map_or("null".to_string(), json_string);
            format!(
                "  {{\"name\": {}, \"value\": {}, \"unit\": {}, \"target\": {}}}",
                json_string(&m.name),
                if m.value.is_finite() {
                    format_value(m.value)
                } else {
                    "null".to_string()
                },
                json_string(&m.unit),
                target
            )
        })
        .collect();
    format!("[\n{}\n]\n", objects.join(",\n"))
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(name: &str, value: f64, target: Option<&str>) -> Measure {
        Measure {
            name: name.to_string(),
            value,
            unit: "s".to_string(),
            target: target.map(String::from),
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 9.0, 0.5]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn json_has_the_four_fields_and_null_targets() {
        let text = json(&[
            measure("a", 12_345_678.0, Some("<= 20000000")),
            measure("b\"q", 0.4321, None),
        ]);
        assert_eq!(
            text,
            "[\n  {\"name\": \"a\", \"value\": 12345678, \"unit\": \"s\", \"target\": \"<= 20000000\"},\n  \
             {\"name\": \"b\\\"q\", \"value\": 0.432, \"unit\": \"s\", \"target\": null}\n]\n"
        );
    }

    #[test]
    fn table_aligns_columns() {
        let text = table(&[measure("boot", 1.5, Some("<= 1.5"))]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "benchmark  value  unit  target  met");
        assert_eq!(lines[1], "boot       1.500  s     <= 1.5  yes");
    }

    #[test]
    fn targets_are_judged() {
        assert_eq!(meets(20_000_001.0, "<= 20000000"), Some(false));
        assert_eq!(meets(1.5, "<= 1.5"), Some(true));
        assert_eq!(meets(3.0, ">= 4"), Some(false));
        assert_eq!(meets(3.0, "about 3"), None);
    }
}
