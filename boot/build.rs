//! Builds the trusted ML-DSA-65 public key into the loader: the file named
//! by `AIOS_BOOT_PUBKEY` is copied to `OUT_DIR/public_key.bin`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Length of an encoded ML-DSA-65 public key (`aios_bootsig::PUBLIC_KEY_LEN`).
const PUBLIC_KEY_LEN: usize = 1952;

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed=AIOS_BOOT_PUBKEY");
    match embed_public_key() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn embed_public_key() -> Result<(), String> {
    let path = std::env::var_os("AIOS_BOOT_PUBKEY")
        .map(PathBuf::from)
        .ok_or(
            "AIOS_BOOT_PUBKEY is not set: it must name the 1952-byte ML-DSA-65 public key \
         the loader trusts (`cargo xtask` sets it; see docs/boot.md)",
        )?;
    println!("cargo:rerun-if-changed={}", path.display());
    let key =
        std::fs::read(&path).map_err(|e| format!("AIOS_BOOT_PUBKEY={}: {e}", path.display()))?;
    if key.len() != PUBLIC_KEY_LEN {
        return Err(format!(
            "AIOS_BOOT_PUBKEY={} is {} bytes; an ML-DSA-65 public key is {PUBLIC_KEY_LEN}",
            path.display(),
            key.len()
        ));
    }
    let out_dir = std::env::var_os("OUT_DIR").ok_or("cargo did not set OUT_DIR")?;
    let out = PathBuf::from(out_dir).join("public_key.bin");
    std::fs::write(&out, key).map_err(|e| format!("writing {}: {e}", out.display()))
}
