//! Makes a fresh machine ready: rustup targets, QEMU and the OVMF firmware.

use std::path::Path;
use std::process::Command;

use crate::error::Error;
use crate::paths::Paths;
use crate::process;

/// The targets the workspace builds for (also in `rust-toolchain.toml`).
pub const TARGETS: [&str; 3] = [
    "x86_64-unknown-none",
    "x86_64-unknown-uefi",
    "wasm32-unknown-unknown",
];
/// The QEMU binary every boot uses.
pub const QEMU: &str = "qemu-system-x86_64";
/// OVMF's code (read-only flash).
pub const OVMF_CODE: &str = "/usr/share/OVMF/OVMF_CODE_4M.fd";
/// OVMF's variable store template; each boot gets a fresh copy.
pub const OVMF_VARS: &str = "/usr/share/OVMF/OVMF_VARS_4M.fd";

const APT_PACKAGES: [&str; 2] = ["qemu-system-x86", "ovmf"];

/// Adds missing rustup targets and installs QEMU and OVMF if missing.
pub fn run(paths: &Paths) -> Result<(), Error> {
    add_rust_targets(paths)?;
    install_emulator()
}

fn add_rust_targets(paths: &Paths) -> Result<(), Error> {
    let installed = process::output(
        Command::new("rustup")
            .current_dir(&paths.root)
            .args(["target", "list", "--installed"]),
        "rustup target list",
    )?;
    let missing: Vec<&str> = TARGETS
        .into_iter()
        .filter(|target| !installed.lines().any(|line| line.trim() == *target))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: adding rustup targets {}…", missing.join(" "));
    process::run(
        Command::new("rustup")
            .current_dir(&paths.root)
            .args(["target", "add"])
            .args(&missing),
        "rustup target add",
    )
}

fn install_emulator() -> Result<(), Error> {
    let mut missing = Vec::new();
    if find_in_path(QEMU).is_none() {
        missing.push(QEMU);
    }
    for file in [OVMF_CODE, OVMF_VARS] {
        if !Path::new(file).is_file() {
            missing.push(file);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&APT_PACKAGES, &missing)?;
    if find_in_path(QEMU).is_none() || !Path::new(OVMF_CODE).is_file() {
        return Err(Error::Setup(format!(
            "apt-get installed {} but {QEMU} or {OVMF_CODE} is still missing",
            APT_PACKAGES.join(" ")
        )));
    }
    Ok(())
}

/// Installs Debian `packages` for what is `missing`, as root, or says
/// how to.
fn apt_install(packages: &[&str], missing: &[&str]) -> Result<(), Error> {
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    if !is_root()? {
        return Err(Error::Setup(format!(
            "missing {}; install them as root with:\n    sudo sh -c '{install}'",
            missing.join(", ")
        )));
    }
    println!(
        "xtask: missing {}; installing with apt-get…",
        missing.join(", ")
    );
    process::run(Command::new("apt-get").arg("update"), "apt-get update")?;
    process::run(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages),
        "apt-get install",
    )
}

/// Prometheus' `promtool`, which checks the node's metrics (tier 10),
/// installed from Debian's `prometheus` package where missing.
pub fn promtool() -> Result<std::path::PathBuf, Error> {
    if let Some(path) = find_in_path("promtool") {
        return Ok(path);
    }
    apt_install(&["prometheus"], &["promtool"])?;
    find_in_path("promtool").ok_or_else(|| {
        Error::Setup("apt-get installed prometheus but promtool is still missing".to_string())
    })
}

/// curl, the API's client in tier 10, installed where missing.
pub fn curl() -> Result<std::path::PathBuf, Error> {
    if let Some(path) = find_in_path("curl") {
        return Ok(path);
    }
    apt_install(&["curl"], &["curl"])?;
    find_in_path("curl")
        .ok_or_else(|| Error::Setup("apt-get installed curl but it is still missing".to_string()))
}

fn is_root() -> Result<bool, Error> {
    let uid = process::output(Command::new("id").arg("-u"), "id -u")?;
    Ok(uid.trim() == "0")
}

/// The first executable file called `name` in `$PATH`.
fn find_in_path(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
