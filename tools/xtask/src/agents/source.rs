//! Where an agent's module comes from: a Rust crate that cargo builds, or
//! WebAssembly text that xtask assembles.

use std::fs;
use std::path::{Path, PathBuf};

use super::{WASM_TARGET, read_text};
use crate::error::Error;
use crate::paths::Paths;

/// The file of an agent written in WebAssembly text.
pub const WAT_FILE: &str = "agent.wat";

/// Where an agent's module comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A crate (`Cargo.toml` beside `agent.toml`) that cargo builds to Wasm:
    /// its package name.
    Crate(String),
    /// WebAssembly text (`agent.wat` beside `agent.toml`, no `Cargo.toml`),
    /// for the few agents that must do what safe Rust cannot, such as
    /// dividing by zero without Rust's check: its path.
    Wat(PathBuf),
}

impl Source {
    /// The source of the agent in `dir`: a crate or an `agent.wat`, not both.
    pub fn of(dir: &Path) -> Result<Source, Error> {
        let cargo_toml = dir.join("Cargo.toml");
        let wat = dir.join(WAT_FILE);
        match (cargo_toml.is_file(), wat.is_file()) {
            (true, false) => package_name(&cargo_toml).map(Source::Crate),
            (false, true) => Ok(Source::Wat(wat)),
            (true, true) => Err(Error::Image(format!(
                "{}: both Cargo.toml and {WAT_FILE}; an agent has one source",
                dir.display()
            ))),
            (false, false) => Err(Error::Image(format!(
                "{}: agent.toml without Cargo.toml or {WAT_FILE}",
                dir.display()
            ))),
        }
    }

    /// The cargo package, if the agent is a crate.
    pub fn package(&self) -> Option<&str> {
        match self {
            Source::Crate(package) => Some(package),
            Source::Wat(_) => None,
        }
    }

    /// The agent's module: cargo's build of the crate (which must have run)
    /// without its DWARF, or the text assembled. Both keep the name section,
    /// so trap reasons name the function.
    pub fn module(&self, paths: &Paths) -> Result<Vec<u8>, String> {
        match self {
            Source::Crate(package) => {
                let built = wasm_path(paths, package);
                let module = fs::read(&built).map_err(|e| format!("{}: {e}", built.display()))?;
                super::wasm::strip_debug_sections(&module)
            }
            Source::Wat(path) => wat::parse_file(path).map_err(|e| e.to_string()),
        }
    }
}

/// Where cargo puts the module of `package`.
fn wasm_path(paths: &Paths, package: &str) -> PathBuf {
    paths
        .target
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", package.replace('-', "_")))
}

/// The `[package] name` of a `Cargo.toml`.
pub(super) fn package_name(cargo_toml: &Path) -> Result<String, Error> {
    let table: toml::Table = toml::from_str(&read_text(cargo_toml)?)
        .map_err(|e| Error::Image(format!("{}: {e}", cargo_toml.display())))?;
    table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(|name| name.as_str())
        .map(str::to_string)
        .ok_or_else(|| Error::Image(format!("{}: no [package] name", cargo_toml.display())))
}
