//! The data disk: `target/aios/data.img`, an object store made on the
//! host with the same `aios-store` crate the kernel mounts. `image` makes
//! it once and keeps it, so what agents store survives `cargo xtask run`
//! after `cargo xtask run`; tests make their own.

use std::path::{Path, PathBuf};

use aios_store::{FormatOptions, Store};
use aios_store_tool::FileDevice;

use crate::error::Error;
use crate::paths::Paths;

/// Size of the data disk `image` makes (a sparse file).
pub const DATA_DISK_BYTES: u64 = 1 << 30;

/// Creates `path` afresh (`bytes` long) and formats it with an empty store.
pub fn format(path: &Path, bytes: u64) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let _ = std::fs::remove_file(path);
    let device = FileDevice::create(path, bytes)
        .map_err(|e| Error::Setup(format!("{}: {e}", path.display())))?;
    let store = Store::format(device, FormatOptions::default())
        .map_err(|e| Error::Setup(format!("formatting {}: {e}", path.display())))?;
    store
        .unmount()
        .map_err(|e| Error::Setup(format!("formatting {}: {e}", path.display())))?;
    Ok(())
}

/// The data disk of `run`, made (formatted, empty) if it does not exist,
/// with the models installed (fetched first if need be).
pub fn ensure(paths: &Paths) -> Result<PathBuf, Error> {
    let path = paths.aios.join("data.img");
    if path.exists() {
        println!("xtask: data disk {} (kept)", path.display());
    } else {
        format(&path, DATA_DISK_BYTES)?;
        println!(
            "xtask: data disk {} (new, {} MiB, empty store)",
            path.display(),
            DATA_DISK_BYTES >> 20
        );
    }
    crate::models::provide(paths, &path)?;
    Ok(path)
}

/// Mounts the store on `path` (replaying its journal, as a boot would).
pub fn mount(path: &Path) -> Result<Store<FileDevice>, String> {
    let device = FileDevice::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Store::mount(device)
        .map(|(store, _)| store)
        .map_err(|e| format!("mounting {}: {e}", path.display()))
}

/// Mounts `path` and runs the store's check; `Err` lists the problems.
pub fn check(path: &Path) -> Result<(), String> {
    let mut store = mount(path)?;
    let report = store.fsck().map_err(|e| format!("fsck: {e}"))?;
    if report.problems.is_empty() {
        Ok(())
    } else {
        Err(format!("fsck found {:?}", report.problems))
    }
}
