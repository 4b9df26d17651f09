//! The agents under `agents/`: found by their `agent.toml`, built to Wasm in
//! one cargo run, signed into images, and listed in the boot manifest.

mod config;
#[cfg(test)]
mod tests;
mod wasm;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use aios_image::{BootManifest, BundleAgent};

pub use config::AgentConfig;

use crate::error::Error;
use crate::paths::Paths;
use crate::process;

/// The agents' target.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// An agent crate: a directory under `agents/` with `Cargo.toml` and `agent.toml`.
#[derive(Debug, Clone)]
pub struct AgentCrate {
    /// Its directory.
    pub dir: PathBuf,
    /// Its cargo package name.
    pub package: String,
    /// Its `agent.toml`.
    pub config: AgentConfig,
}

/// What the boot bundle holds for the agents.
#[derive(Debug, Clone)]
pub struct BundleAgents {
    /// `(bundle entry name, signed image)` per agent, in discovery order.
    pub images: Vec<(String, Vec<u8>)>,
    /// The encoded [`BootManifest`].
    pub boot_manifest: Vec<u8>,
}

/// Every agent crate under `<root>/agents`, sorted by directory.
pub fn discover(paths: &Paths) -> Result<Vec<AgentCrate>, Error> {
    let mut dirs = Vec::new();
    find_agent_dirs(&paths.root.join("agents"), &mut dirs)?;
    dirs.sort();
    let mut agents: Vec<AgentCrate> = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let package = package_name(&dir.join("Cargo.toml"))?;
        let config_path = dir.join("agent.toml");
        let config = AgentConfig::parse(&read_text(&config_path)?)
            .map_err(|e| Error::Image(format!("{}: {e}", config_path.display())))?;
        if let Some(other) = agents.iter().find(|a| a.config.name == config.name) {
            return Err(Error::Image(format!(
                "agent {} is defined twice: {} and {}",
                config.name,
                other.dir.display(),
                dir.display()
            )));
        }
        agents.push(AgentCrate {
            dir,
            package,
            config,
        });
    }
    Ok(agents)
}

/// Builds every agent (release, Wasm), compiles each module ahead of time
/// for the kernel's engine, signs each image (module, engine identity and
/// artifact) with the key whose seed is at `seed`, and writes the boot
/// manifest trusting that key.
pub fn build(paths: &Paths, seed: &Path) -> Result<BundleAgents, Error> {
    let agents = discover(paths)?;
    if !agents.is_empty() {
        println!("xtask: building {} agents…", agents.len());
        compile(paths, &agents)?;
    }
    let seed = read_seed(seed)?;
    let publisher = aios_image::public_key(&seed);
    let compiler = aios_engine::Compiler::new(aios_engine::Target::Kernel)
        .map_err(|e| Error::Image(format!("the agent compiler: {e}")))?;
    let engine = compiler.identity().to_string();
    let mut images = Vec::with_capacity(agents.len());
    let mut boot = BootManifest {
        agents: Vec::with_capacity(agents.len()),
        trusted_publishers: vec![aios_bootsig::fingerprint(&publisher)],
    };
    for agent in &agents {
        let name = &agent.config.name;
        let fail = |what: String| Error::Image(format!("agent {name}: {what}"));
        let built = wasm_path(paths, &agent.package);
        let module = fs::read(&built).map_err(|e| fail(format!("{}: {e}", built.display())))?;
        let module = wasm::strip_debug_sections(&module).map_err(fail)?;
        let manifest = agent.config.manifest(publisher.clone());
        let artifact = compiler.compile(&module).map_err(|e| fail(e.to_string()))?;
        let contents = aios_image::Contents {
            wasm: &module,
            engine: &engine,
            artifact: &artifact,
        };
        let image =
            aios_image::sign(&seed, &manifest, contents).map_err(|e| fail(e.to_string()))?;
        let entry = format!("agents/{name}.aimg");
        boot.agents.push(BundleAgent {
            name: name.clone(),
            image: entry.clone(),
            start_at_boot: agent.config.start_at_boot,
        });
        images.push((entry, image));
    }
    boot.validate()
        .map_err(|e| Error::Image(format!("boot manifest: {e}")))?;
    check_boot_order(&agents)?;
    Ok(BundleAgents {
        images,
        boot_manifest: boot.encode(),
    })
}

/// The cargo packages of every agent, for building and linting.
pub fn packages(paths: &Paths) -> Result<Vec<String>, Error> {
    Ok(discover(paths)?.into_iter().map(|a| a.package).collect())
}

/// Fails unless the agents started at boot can be ordered by dependency.
fn check_boot_order(agents: &[AgentCrate]) -> Result<(), Error> {
    let at_boot: Vec<(String, Vec<String>)> = agents
        .iter()
        .filter(|a| a.config.start_at_boot)
        .map(|a| (a.config.name.clone(), a.config.depends_on.clone()))
        .collect();
    aios_image::boot_order(&at_boot)
        .map(drop)
        .map_err(|e| Error::Image(format!("agents started at boot: {e}")))
}

/// One `cargo build` for all agents; on failure, finds which agents fail.
fn compile(paths: &Paths, agents: &[AgentCrate]) -> Result<(), Error> {
    let build = |packages: &mut dyn Iterator<Item = &str>| {
        let mut cargo = process::cargo();
        cargo
            .current_dir(&paths.root)
            .args(["build", "--release", "--target", WASM_TARGET]);
        for package in packages {
            cargo.args(["-p", package]);
        }
        cargo
    };
    let all = process::run(
        &mut build(&mut agents.iter().map(|a| a.package.as_str())),
        "cargo build (agents)",
    );
    if all.is_ok() {
        return Ok(());
    }
    let failing: Vec<&str> = agents
        .iter()
        .filter(|agent| {
            let mut cargo = build(&mut std::iter::once(agent.package.as_str()));
            let quiet = cargo
                .arg("--quiet")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            !quiet.status().is_ok_and(|status| status.success())
        })
        .map(|agent| agent.config.name.as_str())
        .collect();
    Err(Error::Image(format!(
        "building agent {} failed (cargo's errors are above)",
        failing.join(", agent ")
    )))
}

/// Where cargo puts the module of `package`.
fn wasm_path(paths: &Paths, package: &str) -> PathBuf {
    paths
        .target
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", package.replace('-', "_")))
}

/// Collects the directories under `dir` that hold an `agent.toml`,
/// skipping `target` and hidden directories.
fn find_agent_dirs(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    if !dir.is_dir() {
        return Ok(());
    }
    if dir.join("agent.toml").is_file() {
        found.push(dir.to_path_buf());
    }
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let skip = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_none_or(|name| name == "target" || name.starts_with('.'));
        if path.is_dir() && !skip {
            find_agent_dirs(&path, found)?;
        }
    }
    Ok(())
}

/// The `[package] name` of a `Cargo.toml`.
fn package_name(cargo_toml: &Path) -> Result<String, Error> {
    let table: toml::Table = toml::from_str(&read_text(cargo_toml)?)
        .map_err(|e| Error::Image(format!("{}: {e}", cargo_toml.display())))?;
    table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(|name| name.as_str())
        .map(str::to_string)
        .ok_or_else(|| Error::Image(format!("{}: no [package] name", cargo_toml.display())))
}

fn read_text(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The 32-byte signing seed at `path`.
fn read_seed(path: &Path) -> Result<[u8; 32], Error> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        Error::Image(format!(
            "{} is {} bytes, a signing seed is 32",
            path.display(),
            bytes.len()
        ))
    })
}
