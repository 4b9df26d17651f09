//! Where things are: the workspace, cargo's target directory and our
//! artifacts under `target/aios/`.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The directories every command works in.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The workspace root (holds the root `Cargo.toml`).
    pub root: PathBuf,
    /// Cargo's target directory (`CARGO_TARGET_DIR` or `<root>/target`).
    pub target: PathBuf,
    /// Our artifacts: `<target>/aios`.
    pub aios: PathBuf,
}

impl Paths {
    /// The paths of this checkout; xtask lives in `<root>/tools/xtask`.
    pub fn discover() -> Result<Paths, Error> {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .parent()
            .and_then(Path::parent)
            .ok_or_else(|| {
                Error::Setup(format!("{} has no workspace root", manifest_dir.display()))
            })?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        let aios = target.join("aios");
        Ok(Paths { root, target, aios })
    }

    /// The production kernel copied after its build.
    pub fn kernel_elf(&self) -> PathBuf {
        self.aios.join("kernel.elf")
    }

    /// The test kernel (`--features ktest`) copied after its build.
    pub fn ktest_elf(&self) -> PathBuf {
        self.aios.join("kernel-ktest.elf")
    }

    /// The boot bundle (the PVH path passes it as `-initrd`).
    pub fn bundle(&self) -> PathBuf {
        self.aios.join("bundle.bin")
    }

    /// The signed ESP directory.
    pub fn esp(&self) -> PathBuf {
        self.aios.join("esp")
    }

    /// Serial transcripts of test and benchmark boots.
    pub fn logs(&self) -> PathBuf {
        self.aios.join("logs")
    }

    /// Creates `dir` and its parents.
    pub fn create_dir(dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
    }
}
