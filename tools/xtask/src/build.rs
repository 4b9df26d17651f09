//! Building the artifacts: kernels, the boot bundle (with the signed agents),
//! keys, loader and ESP.

use std::fs;
use std::path::{Path, PathBuf};

use aios_image::BOOT_MANIFEST_ENTRY;

use crate::agents;
use crate::cli::ImageOptions;
use crate::error::Error;
use crate::esp;
use crate::paths::Paths;
use crate::process;

/// The kernel's bare-metal target.
pub const KERNEL_TARGET: &str = "x86_64-unknown-none";
/// The welcome text shipped in the bundle as `motd`.
const MOTD: &str = include_str!("../assets/motd.txt");

/// Which kernel to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The production kernel.
    Production,
    /// The kernel with the in-kernel test suite (`--features ktest`).
    Ktest,
}

/// Builds the kernel (release) and copies it out of cargo's shared output
/// path to `target/aios/kernel.elf` or `kernel-ktest.elf`.
pub fn kernel(paths: &Paths, kernel: Kernel) -> Result<PathBuf, Error> {
    let (label, destination) = match kernel {
        Kernel::Production => ("kernel", paths.kernel_elf()),
        Kernel::Ktest => ("test kernel", paths.ktest_elf()),
    };
    println!("xtask: building {label}…");
    let mut cargo = process::cargo();
    cargo.current_dir(&paths.root).args([
        "build",
        "-p",
        "aios-kernel",
        "--release",
        "--target",
        KERNEL_TARGET,
    ]);
    if kernel == Kernel::Ktest {
        cargo.args(["--features", "ktest"]);
    }
    process::run(&mut cargo, &format!("cargo build ({label})"))?;
    let built = paths
        .target
        .join(KERNEL_TARGET)
        .join("release")
        .join("kernel");
    Paths::create_dir(&paths.aios)?;
    fs::copy(&built, &destination).map_err(|e| Error::io(&built, e))?;
    Ok(destination)
}

/// The boot bundle's bytes with agents signed by the development key, also
/// written to `target/aios/bundle.bin`.
pub fn bundle(paths: &Paths) -> Result<Vec<u8>, Error> {
    bundle_signed_by(paths, &signing_key(paths, None)?)
}

/// The boot bundle, also written to `target/aios/bundle.bin`: `motd`,
/// `policy.aios`, `tls/trust.pem` (see [`trust_store`]), one
/// `agents/<name>.aimg` per agent signed with `key`, and
/// `boot-manifest.cbor` trusting `key` as the agents' publisher.
fn bundle_signed_by(paths: &Paths, key: &Key) -> Result<Vec<u8>, Error> {
    let agents = agents::build(paths, &key.seed)?;
    let policy = boot_policy(paths)?;
    let trust = trust_store(paths)?;
    let node_api = node_api(paths)?;
    let mut builder = aios_bundle::BundleBuilder::new();
    let entries = [
        ("motd", MOTD.as_bytes()),
        (POLICY_ENTRY, policy.as_bytes()),
        (TRUST_ENTRY, trust.as_slice()),
    ]
    .into_iter()
    .chain(
        node_api
            .iter()
            .map(|(entry, bytes)| (*entry, bytes.as_slice())),
    )
    .chain(
        agents
            .images
            .iter()
            .map(|(entry, image)| (entry.as_str(), image.as_slice())),
    )
    .chain([(BOOT_MANIFEST_ENTRY, agents.boot_manifest.as_slice())]);
    for (name, data) in entries {
        builder
            .add(name, data)
            .map_err(|e| Error::Image(format!("adding {name} to the bundle: {e}")))?;
    }
    let bytes = builder.finish();
    Paths::create_dir(&paths.aios)?;
    let path = paths.bundle();
    fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
    Ok(bytes)
}

/// The bundle entry the kernel reads its boot policy from.
const POLICY_ENTRY: &str = "policy.aios";
/// The bundle entry with the roots agents' TLS streams trust (the
/// runtime's `TRUST_STORE`).
const TRUST_ENTRY: &str = "tls/trust.pem";
/// The host's public roots (Debian's `ca-certificates`), where it has them.
const HOST_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The development PKI's directory (`tls-peer pki` writes it).
pub fn pki_dir(paths: &Paths) -> PathBuf {
    paths.aios.join("pki")
}

/// The node's API credentials and tokens from the development PKI, as
/// bundle entries, if `tls-peer pki` made them: without them the node
/// serves no API (and says so at boot).
fn node_api(paths: &Paths) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let pki = pki_dir(paths);
    let mut entries = Vec::new();
    for (entry, file) in [
        ("tls/node.pem", "node.pem"),
        ("tls/node.key", "node.key"),
        ("api/tokens", "api-tokens"),
    ] {
        let path = pki.join(file);
        match fs::read(&path) {
            Ok(bytes) => entries.push((entry, bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(entries)
}

/// The roots the node trusts: the host's public roots, so agents reach
/// the same HTTPS servers the host does, and the development CA if one
/// was made (its servers are the tests' and the local node's).
fn trust_store(paths: &Paths) -> Result<Vec<u8>, Error> {
    let mut pem = Vec::new();
    for path in [PathBuf::from(HOST_ROOTS), pki_dir(paths).join("ca.pem")] {
        match fs::read(&path) {
            Ok(bytes) => {
                pem.extend_from_slice(&bytes);
                pem.push(b'\n');
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(pem)
}

/// `policy/boot.aios`, checked by compiling it here so that a broken
/// policy fails the build rather than falling back at boot.
fn boot_policy(paths: &Paths) -> Result<String, Error> {
    let path = paths.root.join("policy").join("boot.aios");
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    aios_policy::Policy::compile(&text)
        .map_err(|e| Error::Image(format!("{}: {e}", path.display())))?;
    Ok(text)
}

/// A signing key: its seed and the public key file the loader embeds.
#[derive(Debug, Clone)]
pub struct Key {
    /// The 32-byte ML-DSA-65 seed.
    pub seed: PathBuf,
    /// The encoded public key.
    pub public: PathBuf,
}

/// The development key (created on first use), or the key from `--key`.
pub fn signing_key(paths: &Paths, seed: Option<&Path>) -> Result<Key, Error> {
    let (seed, public) = match seed {
        None => {
            let seed = esp::ensure_dev_key(&paths.target).map_err(Error::Image)?;
            let public = seed.with_extension("pub");
            (seed, public)
        }
        Some(seed) => (
            seed.to_path_buf(),
            paths.aios.join("keys").join("custom-signing.pub"),
        ),
    };
    if let Some(dir) = public.parent() {
        Paths::create_dir(dir)?;
    }
    esp::public_key_file(&seed, &public).map_err(Error::Image)?;
    Ok(Key { seed, public })
}

/// What `image` produced.
#[derive(Debug, Clone)]
pub struct Image {
    /// The ESP directory.
    pub esp: PathBuf,
    /// The key the loader trusts and the manifest is signed with.
    pub key: Key,
}

/// Builds the production kernel, bundle, key, loader and the signed ESP
/// at `target/aios/esp/`.
pub fn image(paths: &Paths, options: &ImageOptions) -> Result<Image, Error> {
    let kernel_elf = kernel(paths, Kernel::Production)?;
    let key = signing_key(paths, options.key.as_deref())?;
    let bundle = bundle_signed_by(paths, &key)?;
    println!("xtask: building loader…");
    let loader_efi = esp::build_loader(&key.public).map_err(Error::Image)?;
    println!("xtask: writing signed ESP…");
    let esp_dir = paths.esp();
    let input = esp::EspInput {
        loader_efi: &loader_efi,
        kernel_elf: &kernel_elf,
        bundle: &bundle,
        cmdline: &options.cmdline,
        seed: &key.seed,
    };
    esp::build_esp(&esp_dir, &input).map_err(Error::Image)?;
    Ok(Image { esp: esp_dir, key })
}

/// `cargo xtask build`: both kernels, the bundle and the loader.
pub fn all(paths: &Paths) -> Result<(), Error> {
    kernel(paths, Kernel::Production)?;
    kernel(paths, Kernel::Ktest)?;
    bundle(paths)?;
    let key = signing_key(paths, None)?;
    println!("xtask: building loader…");
    let efi = esp::build_loader(&key.public).map_err(Error::Image)?;
    println!(
        "xtask: built {}, {}, {} and {}",
        paths.kernel_elf().display(),
        paths.ktest_elf().display(),
        paths.bundle().display(),
        efi.display()
    );
    Ok(())
}
