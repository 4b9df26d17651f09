//! `cargo xtask bench <suite>`: runs a suite, prints its table and writes
//! `target/bench/<suite>.json`.

mod agents;
mod ai;
mod api;
mod boot;
mod cluster;
mod ipc;
mod net;
mod storage;
mod tls;

use crate::cli::Suite;
use crate::error::Error;
use crate::paths::Paths;
use crate::setup;

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

/// QEMU arguments that make guest time count guest instructions, so runs
/// repeat bit for bit (QEMU 7.2 supports them with one CPU only).
pub(crate) const ICOUNT: [&str; 4] = [
    "-icount",
    "shift=0,sleep=off",
    "-rtc",
    "base=2024-01-01T00:00:00,clock=vm",
];

/// The production kernel and bundle booted by PVH with `cmdline`: one CPU
/// under [`ICOUNT`] (`counted`) or `smp` CPUs in wall time.
pub(crate) fn pvh_machine(
    paths: &Paths,
    kernel: &std::path::Path,
    cmdline: &str,
    smp: u32,
    counted: bool,
) -> crate::qemu::Machine {
    crate::qemu::Machine {
        smp: if counted { 1 } else { smp },
        memory: "512M".to_string(),
        boot: crate::qemu::Boot::Pvh {
            kernel: kernel.to_path_buf(),
            bundle: paths.bundle(),
            cmdline: cmdline.to_string(),
        },
        extra: if counted {
            ICOUNT.iter().map(|arg| arg.to_string()).collect()
        } else {
            Vec::new()
        },
    }
}

/// Boots `machine`, lets `drive` type commands and read results on its
/// serial console, then types `poweroff`, which must exit QEMU with 0.
/// Any failure names the saved serial log.
pub(crate) fn measure_boot<T>(
    paths: &Paths,
    machine: &crate::qemu::Machine,
    name: &str,
    drive: impl FnOnce(&mut crate::serial::Session) -> Result<T, String>,
) -> Result<T, Error> {
    const POWEROFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
    let mut session = crate::serial::Session::spawn(machine, false)?;
    let figures = match drive(&mut session) {
        Ok(figures) => figures,
        Err(why) => {
            session.kill();
            let log = session.save_log(&paths.logs(), name)?;
            return Err(Error::Check(format!(
                "{name}: {why}; serial log: {}",
                log.display()
            )));
        }
    };
    session.send("poweroff\n")?;
    let status = session.wait_exit(POWEROFF_TIMEOUT)?;
    let log = session.save_log(&paths.logs(), name)?;
    if status.map(crate::process::exit_code) != Some(0) {
        return Err(Error::Check(format!(
            "{name}: `poweroff` did not exit QEMU with 0 ({status:?}); serial log: {}",
            log.display()
        )));
    }
    println!("xtask: serial log: {}", log.display());
    Ok(figures)
}

/// Runs `suite`, prints its table and writes `target/bench/<suite>.json`.
pub fn run(paths: &Paths, suite: Suite) -> Result<(), Error> {
    setup::run(paths)?;
    let (name, measures) = match suite {
        Suite::Boot => ("boot", boot::run(paths)?),
        Suite::Agents => ("agents", agents::run(paths)?),
        Suite::Ipc => ("ipc", ipc::run(paths)?),
        Suite::Storage => ("storage", storage::run(paths)?),
        Suite::Ai => ("ai", ai::run(paths)?),
        Suite::Net => ("net", net::run(paths)?),
        Suite::Tls => ("tls", tls::run(paths)?),
        Suite::Api => ("api", api::run(paths)?),
        Suite::Cluster => ("cluster", cluster::run(paths)?),
    };
    println!("{}", table(&measures));
    let dir = paths.target.join("bench");
    Paths::create_dir(&dir)?;
    let json_path = dir.join(format!("{name}.json"));
    std::fs::write(&json_path, json(&measures)).map_err(|e| Error::io(&json_path, e))?;
    println!("xtask: wrote {}", json_path.display());
    Ok(())
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
    if let Some(limit) = target.strip_prefix('<') {
        return Some(value < limit.trim().parse::<f64>().ok()?);
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
        assert_eq!(meets(999_999.0, "< 1000000"), Some(true));
        assert_eq!(meets(1_000_000.0, "< 1000000"), Some(false));
    }
}
