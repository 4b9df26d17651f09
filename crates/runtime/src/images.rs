//! Agent images from the boot bundle (and deployed at run time,
//! `deploy.rs`): verified once, their compiled artifact loaded and linked
//! once, kept by name for every later spawn.

use crate::{AgentCtx, Runtime};
use aios_engine::wasmtime::{ExternType, InstancePre, Module, ValType};
use aios_image::{BootManifest, Manifest, VerifiedImage};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Bundle entry holding the boot manifest.
pub const BOOT_MANIFEST: &str = "boot-manifest.cbor";
/// Bundle entry holding the policy put in force at boot.
pub const BOOT_POLICY: &str = "policy.aios";

/// A verified, compiled image.
pub(crate) struct LoadedImage {
    /// Shared with every agent spawned from it (no copy per spawn).
    pub(crate) manifest: alloc::sync::Arc<Manifest>,
    /// SHA3-256 of the publisher key, for policies (computed once here:
    /// hashing the 1,952-byte key on every spawn would double its cost).
    pub(crate) publisher: [u8; 32],
    /// The module linked against the syscalls, ready to instantiate; or
    /// why it cannot be (an import no syscall provides, no `main`), which
    /// each spawn reports.
    pub(crate) linked: Result<InstancePre<AgentCtx>, String>,
    pub(crate) start_at_boot: bool,
}

#[derive(Default)]
pub(crate) struct Images {
    pub(crate) loaded: BTreeMap<String, LoadedImage>,
    pub(crate) refused: BTreeMap<String, String>,
    /// The publishers the boot manifest trusts (SHA3-256 of their keys):
    /// an image deployed at run time must be signed by one of them too.
    pub(crate) trusted: Vec<[u8; 32]>,
    /// The names in `loaded` and `refused` deployed at run time rather
    /// than from the bundle.
    pub(crate) deployed: BTreeSet<String>,
}

impl Images {
    /// Whether the bundle provides image `name` (loaded or refused).
    pub(crate) fn bundle_has(&self, name: &str) -> bool {
        (self.loaded.contains_key(name) || self.refused.contains_key(name))
            && !self.deployed.contains(name)
    }
}

impl Runtime {
    /// Verifies and compiles every agent image the bundle's boot manifest
    /// lists. Images that fail are refused one by one (with the reason
    /// logged and kept); the others load. Errors only if the bundle or its
    /// boot manifest is unreadable.
    pub fn load_bundle(&self, bundle: &[u8]) -> Result<usize, String> {
        let bundle = aios_bundle::Bundle::parse(bundle).map_err(|e| format!("bundle: {e}"))?;
        let manifest_bytes = bundle
            .get(BOOT_MANIFEST)
            .ok_or_else(|| format!("bundle has no {BOOT_MANIFEST}"))?;
        let boot =
            BootManifest::decode(manifest_bytes).map_err(|e| format!("boot manifest: {e}"))?;
        if let Some(policy) = bundle.get(BOOT_POLICY) {
            self.load_boot_policy(policy);
        }
        if let Some(tokens) = bundle.get(crate::API_TOKENS) {
            self.inner.load_bundle_tokens(tokens);
        }
        self.inner.images.lock().trusted = boot.trusted_publishers.clone();
        let mut loaded = 0;
        for agent in &boot.agents {
            let outcome = match bundle.get(&agent.image) {
                None => Err(format!("bundle entry `{}` missing", agent.image)),
                Some(bytes) => self.load_image(&agent.name, bytes, &boot.trusted_publishers),
            };
            let mut images = self.inner.images.lock();
            match outcome {
                Ok((manifest, module)) => {
                    images.refused.remove(&agent.name);
                    let image = self.loaded(manifest, &module, agent.start_at_boot);
                    images.loaded.insert(agent.name.clone(), image);
                    loaded += 1;
                }
                Err(reason) => {
                    drop(images);
                    let detail = format!("agent image `{}` refused: {reason}", agent.name);
                    self.image_refused(detail);
                    self.inner
                        .images
                        .lock()
                        .refused
                        .insert(agent.name.clone(), reason);
                }
            }
        }
        Ok(loaded)
    }

    /// Puts the bundle's policy in force; a policy that does not compile
    /// is refused (logged and audited) and the baseline stays.
    fn load_boot_policy(&self, bytes: &[u8]) {
        let outcome = core::str::from_utf8(bytes)
            .map_err(|_| String::from("not UTF-8"))
            .and_then(|text| self.inner.set_policy(0, text).map_err(|e| e.to_string()));
        match outcome {
            Ok(rules) => self.kernel_log(
                aios_abi::log_level::INFO,
                &format!("policy: {BOOT_POLICY} in force, {rules} rules"),
            ),
            Err(error) => self.kernel_log(
                aios_abi::log_level::ERROR,
                &format!("policy: {BOOT_POLICY} refused ({error}); the baseline policy stays"),
            ),
        }
    }

    /// Logs, audits and announces an image refused, as `detail` says.
    pub(crate) fn image_refused(&self, detail: String) {
        self.kernel_log(aios_abi::log_level::ERROR, &detail);
        self.inner.audit(aios_audit::Kind::ImageRefused, 0, &detail);
        self.inner.publish(aios_events::EventKind::Security {
            agent: None,
            alert: aios_events::SecurityAlert::ImageRefused,
            detail,
        });
    }

    /// Verifies the image `bytes` (which the boot manifest names `name`)
    /// and loads its compiled module.
    fn load_image(
        &self,
        name: &str,
        bytes: &[u8],
        trusted: &[[u8; 32]],
    ) -> Result<(Manifest, Module), String> {
        let image = aios_image::verify(bytes, trusted).map_err(|e| e.to_string())?;
        if image.manifest.name != name {
            return Err(format!(
                "the signed manifest names `{}`, the boot manifest `{name}`",
                image.manifest.name
            ));
        }
        self.compile(image)
    }

    /// Loads the compiled module of a verified image: only an artifact
    /// compiled for this engine, whose identity the signature covers, is
    /// deserialized.
    pub(crate) fn compile(&self, image: VerifiedImage<'_>) -> Result<(Manifest, Module), String> {
        let module = aios_engine::load(&self.inner.engine, &image).map_err(|e| e.to_string())?;
        Ok((image.manifest, module))
    }

    /// A loaded image of `manifest` and `module`, linked once here.
    pub(crate) fn loaded(
        &self,
        manifest: Manifest,
        module: &Module,
        start_at_boot: bool,
    ) -> LoadedImage {
        LoadedImage {
            publisher: aios_audit::fingerprint(&manifest.publisher),
            manifest: alloc::sync::Arc::new(manifest),
            linked: self.link(module),
            start_at_boot,
        }
    }

    /// Resolves `module`'s imports against the syscalls and checks its
    /// entry point, once per image.
    fn link(&self, module: &Module) -> Result<InstancePre<AgentCtx>, String> {
        let entry = aios_abi::ENTRY_POINT;
        let returns_i32 = match module.get_export(entry) {
            Some(ExternType::Func(func)) => {
                func.params().len() == 0
                    && matches!(
                        func.results().collect::<Vec<_>>().as_slice(),
                        [ValType::I32]
                    )
            }
            _ => false,
        };
        if !returns_i32 {
            return Err(format!("no exported `{entry}: fn() -> i32`"));
        }
        self.inner
            .linker
            .instantiate_pre(module)
            .map_err(|e| format!("{e:#}"))
    }

    /// Every image (the bundle's and those deployed) with its boot flag,
    /// dependencies and restart policy.
    pub fn image_infos(&self) -> Vec<aios_abi::payload::ImageInfo> {
        use aios_abi::payload::{ImageInfo, restart_mode};
        use aios_image::RestartMode;
        let images = self.inner.images.lock();
        let mut infos: Vec<ImageInfo> = images
            .loaded
            .iter()
            .map(|(name, image)| {
                let restart = image.manifest.restart;
                ImageInfo {
                    name: name.clone(),
                    refused: None,
                    start_at_boot: image.start_at_boot,
                    depends_on: image.manifest.depends_on.clone(),
                    restart_mode: match restart.mode {
                        RestartMode::Never => restart_mode::NEVER,
                        RestartMode::OnFailure => restart_mode::ON_FAILURE,
                        RestartMode::Always => restart_mode::ALWAYS,
                    },
                    max_restarts: restart.max_restarts,
                    backoff_initial_ms: restart.backoff_initial_ms,
                    backoff_max_ms: restart.backoff_max_ms,
                    window_ms: restart.window_ms,
                    deployed: images.deployed.contains(name),
                }
            })
            .collect();
        infos.extend(images.refused.iter().map(|(name, reason)| ImageInfo {
            name: name.clone(),
            refused: Some(reason.clone()),
            start_at_boot: false,
            depends_on: Vec::new(),
            restart_mode: restart_mode::NEVER,
            max_restarts: 0,
            backoff_initial_ms: 0,
            backoff_max_ms: 0,
            window_ms: 0,
            deployed: images.deployed.contains(name),
        }));
        infos.sort_by(|a, b| a.name.cmp(&b.name));
        infos
    }

    /// The agents to start at boot, dependencies first.
    pub fn boot_order(&self) -> Result<Vec<String>, String> {
        let images = self.inner.images.lock();
        let graph: Vec<(String, Vec<String>)> = images
            .loaded
            .iter()
            .filter(|(_, image)| image.start_at_boot)
            .map(|(name, image)| (name.clone(), image.manifest.depends_on.clone()))
            .collect();
        aios_image::boot_order(&graph).map_err(|e| e.to_string())
    }

    pub(crate) fn kernel_log(&self, level: i32, text: &str) {
        self.inner.platform.log(0, "kernel", level, text);
    }
}
