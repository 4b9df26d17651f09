//! The signed EFI system partition: development signing key, the loader
//! with the public key built in, and the ESP directory QEMU boots from.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Name of the development key seed under `<target>/aios/keys/`.
const DEV_SEED: &str = "dev-signing.seed";
/// Name of its public key, written beside the seed.
const DEV_PUB: &str = "dev-signing.pub";

/// Path of the development signing seed, generating it (and its public key
/// beside it) on first use under `<target_dir>/aios/keys/`.
///
/// The key lives in the build directory, never in git: it only proves that
/// an image came from this checkout's builds.
pub fn ensure_dev_key(target_dir: &Path) -> Result<PathBuf, String> {
    let dir = target_dir.join("aios").join("keys");
    let seed_path = dir.join(DEV_SEED);
    let pub_path = dir.join(DEV_PUB);
    if !seed_path.exists() {
        fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        write_secret(&seed_path, &aios_bootsig::generate_signing_key())?;
    }
    // Always rewrite the public key: it is derived, and a stale one would
    // build a loader that refuses every image.
    public_key_file(&seed_path, &pub_path)?;
    Ok(seed_path)
}

/// Writes the encoded ML-DSA-65 public key of the seed at `seed_path` to `out`.
pub fn public_key_file(seed_path: &Path, out: &Path) -> Result<(), String> {
    let seed = read_seed(seed_path)?;
    let public_key = aios_bootsig::public_key_from_seed(&seed);
    if fs::read(out).ok().as_deref() == Some(&public_key[..]) {
        return Ok(());
    }
    fs::write(out, public_key).map_err(|e| format!("writing {}: {e}", out.display()))
}

/// Builds the UEFI loader with the public key file `pubkey` built in and
/// returns the path of its `.efi` file.
pub fn build_loader(pubkey: &Path) -> Result<PathBuf, String> {
    let pubkey =
        fs::canonicalize(pubkey).map_err(|e| format!("public key {}: {e}", pubkey.display()))?;
    let root = workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args([
            "build",
            "-p",
            "aios-boot",
            "--release",
            "--target",
            "x86_64-unknown-uefi",
        ])
        .env("AIOS_BOOT_PUBKEY", &pubkey)
        .status()
        .map_err(|e| format!("running cargo build for the loader: {e}"))?;
    if !status.success() {
        return Err(format!("building the loader failed ({status})"));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"));
    let efi = target_dir.join("x86_64-unknown-uefi/release/aios-boot.efi");
    if efi.is_file() {
        Ok(efi)
    } else {
        Err(format!(
            "the loader build did not produce {}",
            efi.display()
        ))
    }
}

/// What goes on the ESP.
pub struct EspInput<'a> {
    /// The loader, installed as the removable-media boot file.
    pub loader_efi: &'a Path,
    /// The kernel ELF.
    pub kernel_elf: &'a Path,
    /// The boot bundle's bytes.
    pub bundle: &'a [u8],
    /// The kernel command line.
    pub cmdline: &'a str,
    /// The signing seed (see [`ensure_dev_key`]).
    pub seed: &'a Path,
}

/// Recreates `esp_dir` holding `EFI/BOOT/BOOTX64.EFI`, `aios/kernel.elf`,
/// `aios/bundle.bin`, `aios/cmdline.txt` and `aios/kernel.sig` (the signed
/// manifest over the other three `aios/` files).
pub fn build_esp(esp_dir: &Path, input: &EspInput) -> Result<(), String> {
    let seed = read_seed(input.seed)?;
    let loader = read(input.loader_efi)?;
    let kernel = read(input.kernel_elf)?;
    let manifest = aios_bootsig::sign(
        &seed,
        &[
            ("kernel.elf", &kernel),
            ("bundle.bin", input.bundle),
            ("cmdline.txt", input.cmdline.as_bytes()),
        ],
    )
    .map_err(|e| format!("signing the boot manifest: {e}"))?;

    clear_esp(esp_dir)?;
    let boot_dir = esp_dir.join("EFI").join("BOOT");
    let aios_dir = esp_dir.join("aios");
    for dir in [&boot_dir, &aios_dir] {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    write(&boot_dir.join("BOOTX64.EFI"), &loader)?;
    write(&aios_dir.join("kernel.elf"), &kernel)?;
    write(&aios_dir.join("bundle.bin"), input.bundle)?;
    write(&aios_dir.join("cmdline.txt"), input.cmdline.as_bytes())?;
    write(&aios_dir.join("kernel.sig"), &manifest)
}

/// Removes a previous ESP, refusing to delete a directory that is not one.
fn clear_esp(esp_dir: &Path) -> Result<(), String> {
    if !esp_dir.exists() {
        return Ok(());
    }
    let mut entries =
        fs::read_dir(esp_dir).map_err(|e| format!("reading {}: {e}", esp_dir.display()))?;
    let is_empty = entries.next().is_none();
    if !is_empty && !esp_dir.join("EFI/BOOT/BOOTX64.EFI").is_file() {
        return Err(format!(
            "refusing to replace {}: it is not an ESP built by xtask",
            esp_dir.display()
        ));
    }
    fs::remove_dir_all(esp_dir).map_err(|e| format!("removing {}: {e}", esp_dir.display()))
}

/// The workspace root: xtask lives in `<root>/tools/xtask`.
fn workspace_root() -> Result<PathBuf, String> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("{} has no workspace root", manifest_dir.display()))?;
    Ok(root.to_path_buf())
}

fn read_seed(path: &Path) -> Result<[u8; 32], String> {
    let bytes = read(path)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "{} is {} bytes, a signing seed is 32",
            path.display(),
            bytes.len()
        )
    })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Writes a key seed readable by its owner only.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("creating {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
