//! The agents under `agents/`: found by their `agent.toml`, built to Wasm in
//! one cargo run (or assembled from WebAssembly text), signed into images,
//! and listed in the boot manifest.

mod config;
mod source;
#[cfg(test)]
mod tests;
mod wasm;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use aios_image::{BootManifest, BundleAgent};

pub use config::AgentConfig;
pub use source::Source;

use crate::error::Error;
use crate::paths::Paths;
use crate::process;

/// The agents' target.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// An agent: a directory under `agents/` with an `agent.toml` and either a
/// `Cargo.toml` or an `agent.wat`.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Its directory.
    pub dir: PathBuf,
    /// Where its module comes from.
    pub source: Source,
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

/// Every agent under `<root>/agents`, sorted by directory.
pub fn discover(paths: &Paths) -> Result<Vec<Agent>, Error> {
    let mut dirs = Vec::new();
    find_agent_dirs(&paths.root.join("agents"), &mut dirs)?;
    dirs.sort();
    let mut agents: Vec<Agent> = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let source = Source::of(&dir)?;
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
        agents.push(Agent {
            dir,
            source,
            config,
        });
    }
    Ok(agents)
}

/// Builds every agent crate (release, Wasm) and assembles every agent
/// written in WebAssembly text, compiles each module ahead of time
/// for the kernel's engine, signs each image (module, engine identity and
/// artifact) with the key whose seed is at `seed`, and writes the boot
/// manifest trusting that key.
pub fn build(paths: &Paths, seed: &Path) -> Result<BundleAgents, Error> {
    let agents = discover(paths)?;
    let crates: Vec<&Agent> = agents
        .iter()
        .filter(|a| a.source.package().is_some())
        .collect();
    if !crates.is_empty() {
        println!("xtask: building {} agent crates…", crates.len());
        compile(paths, &crates)?;
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
        let module = agent.source.module(paths).map_err(fail)?;
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

/// Agent `name`'s module (built by [`build`]) compiled and signed as an
/// image named `as_name` by the key whose seed is `seed`: an image the
/// boot bundle does not hold, for deploying to a running node.
pub fn sign_as(
    paths: &Paths,
    name: &str,
    as_name: &str,
    seed: &[u8; 32],
) -> Result<Vec<u8>, Error> {
    let agents = discover(paths)?;
    let agent = agents
        .iter()
        .find(|a| a.config.name == name)
        .ok_or_else(|| Error::Image(format!("no agent named {name}")))?;
    let fail = |what: String| Error::Image(format!("agent {name} as {as_name}: {what}"));
    let module = agent.source.module(paths).map_err(fail)?;
    let compiler = aios_engine::Compiler::new(aios_engine::Target::Kernel)
        .map_err(|e| fail(format!("the agent compiler: {e}")))?;
    let artifact = compiler.compile(&module).map_err(|e| fail(e.to_string()))?;
    let engine = compiler.identity().to_string();
    let mut manifest = agent.config.manifest(aios_image::public_key(seed));
    manifest.name = as_name.to_string();
    let contents = aios_image::Contents {
        wasm: &module,
        engine: &engine,
        artifact: &artifact,
    };
    aios_image::sign(seed, &manifest, contents).map_err(|e| fail(e.to_string()))
}

/// The cargo packages of every agent crate, for building and linting.
pub fn packages(paths: &Paths) -> Result<Vec<String>, Error> {
    Ok(discover(paths)?
        .into_iter()
        .filter_map(|a| a.source.package().map(str::to_string))
        .collect())
}

/// Fails unless the agents started at boot can be ordered by dependency.
fn check_boot_order(agents: &[Agent]) -> Result<(), Error> {
    let at_boot: Vec<(String, Vec<String>)> = agents
        .iter()
        .filter(|a| a.config.start_at_boot)
        .map(|a| (a.config.name.clone(), a.config.depends_on.clone()))
        .collect();
    aios_image::boot_order(&at_boot)
        .map(drop)
        .map_err(|e| Error::Image(format!("agents started at boot: {e}")))
}

/// One `cargo build` for all agent crates; on failure, finds which fail.
fn compile(paths: &Paths, agents: &[&Agent]) -> Result<(), Error> {
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
        &mut build(&mut agents.iter().filter_map(|a| a.source.package())),
        "cargo build (agents)",
    );
    if all.is_ok() {
        return Ok(());
    }
    let failing: Vec<&str> = agents
        .iter()
        .filter(|agent| {
            let mut cargo = build(&mut agent.source.package().into_iter());
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

fn read_text(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The 32-byte signing seed at `path`.
pub(crate) fn read_seed(path: &Path) -> Result<[u8; 32], Error> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        Error::Image(format!(
            "{} is {} bytes, a signing seed is 32",
            path.display(),
            bytes.len()
        ))
    })
}
