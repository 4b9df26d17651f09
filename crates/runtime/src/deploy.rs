//! Agent images deployed at run time through the node's API: verified
//! against the publishers the boot manifest trusts before anything reads
//! them, decided by the policy on their verified name, loaded and linked
//! as the bundle's are, and kept in the store so they come back at the
//! next boot (verified again there).
//!
//! Namespace `aios.images` (kernel-only) holds one object per deployed
//! image, keyed by its name, whose bytes are the signed image as it was
//! sent. A stored image that no longer verifies (a publisher the new
//! bundle does not trust, another engine, a damaged object) is refused
//! with the reason and never trusted; one whose name the bundle now
//! provides is left out.
//!
//! Lock order: `state` and `images` are never held together here; the
//! store is used with neither held.

use crate::api::ApiError;
use crate::images::LoadedImage;
use crate::storage::REQUEST_COST;
use crate::{Inner, Runtime};
use aios_abi::Error;
use aios_abi::log_level;
use aios_audit::Kind;
use aios_store::{Error as StoreError, ListQuery, PutMeta};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The kernel's namespace for deployed images.
const IMAGES_NS: &str = "aios.images";
/// Most images deployed at run time that a node keeps.
pub const MAX_DEPLOYED: usize = 16;
/// The byte quota of `aios.images`: every deployed image at its largest.
const IMAGES_QUOTA: u64 = (MAX_DEPLOYED * aios_api::MAX_IMAGE) as u64;
/// The kernel's id at the I/O scheduler.
const KERNEL: u64 = 0;
/// The policy's operation for a deploy.
const DEPLOY: &str = "api_images_deploy";

/// An image deployed through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedImage {
    /// Its name, from its signed manifest.
    pub name: String,
    /// SHA3-256 of the key that signed it.
    pub publisher: [u8; 32],
    /// Its size in bytes.
    pub size: usize,
    /// Whether it is kept in the store (false with no store mounted: it
    /// lasts until the next boot).
    pub stored: bool,
}

fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("application/vnd.aios.agent-image"),
        tags: alloc::vec![String::from("agent-image")],
        embedding: None,
    }
}

impl Runtime {
    /// Deploys the signed agent image `bytes` for API token `token`
    /// (the request being `what`, for the audit log).
    ///
    /// The signature is checked first, against the publishers the boot
    /// manifest trusts; only then is the name in the manifest read and the
    /// policy asked (operation `api_images_deploy` on that name). Then:
    /// a name the bundle provides is `Exists`, as is one deployed before
    /// while an agent of it runs (one with none running is replaced); the
    /// artifact must be this engine's and the module must link
    /// (`ImageRefused` otherwise, as for a bad signature); the image is
    /// written to the store when one is mounted (a store failure deploys
    /// nothing) and loaded. Every deploy and refusal is audited and
    /// announced (the policy's denial as a denial).
    pub fn api_deploy(
        &self,
        token: &str,
        what: &str,
        bytes: &[u8],
    ) -> Result<DeployedImage, ApiError> {
        let by = format!("token {token}");
        let refuse = |kind: Error, name: Option<&str>, why: String| {
            let image = name.map_or(String::new(), |name| format!(" `{name}`"));
            self.image_refused(format!(
                "agent image{image} deployed by {by} refused: {why}"
            ));
            ApiError::new(kind, why)
        };
        let trusted = self.inner.images.lock().trusted.clone();
        let image = aios_image::verify(bytes, &trusted).map_err(|e| {
            refuse(
                Error::ImageRefused,
                None,
                format!("the image is refused: {e}"),
            )
        })?;
        let name = image.manifest.name.clone();
        self.api_request(token, DEPLOY, &name, what)
            .map_err(|e| ApiError::new(e, "denied by the node's policy"))?;
        self.may_deploy(&name)
            .map_err(|(kind, why)| refuse(kind, Some(&name), why))?;
        let (manifest, module) = self.compile(image).map_err(|e| {
            refuse(
                Error::ImageRefused,
                Some(&name),
                format!("the image is refused: {e}"),
            )
        })?;
        let loaded = self.loaded(manifest, &module, false);
        if let Err(e) = &loaded.linked {
            let why = format!("the image is refused: its module does not link: {e}");
            return Err(refuse(Error::ImageRefused, Some(&name), why));
        }
        let publisher = loaded.publisher;
        let stored = self
            .inner
            .store_image(&name, bytes)
            .map_err(|(kind, why)| {
                refuse(kind, Some(&name), format!("the store refused it: {why}"))
            })?;
        self.install(&name, loaded);
        let kept = if stored {
            "stored"
        } else {
            "not stored: no store is mounted, so it ends at the next boot"
        };
        self.image_deployed(format!(
            "agent image `{name}` deployed by {by}: publisher {}, {} bytes ({kept})",
            aios_api::tokens::hex(&publisher),
            bytes.len()
        ));
        Ok(DeployedImage {
            name,
            publisher,
            size: bytes.len(),
            stored,
        })
    }

    /// Whether image `name` may be deployed now: not a name the bundle
    /// provides, not one whose agents run, not past [`MAX_DEPLOYED`].
    fn may_deploy(&self, name: &str) -> Result<(), (Error, String)> {
        let running: Vec<u64> = self
            .inner
            .state
            .lock()
            .agents
            .iter()
            .filter(|(_, agent)| agent.name == name && !agent.state.is_final())
            .map(|(id, _)| *id)
            .collect();
        let images = self.inner.images.lock();
        if images.bundle_has(name) {
            return Err((
                Error::Exists,
                format!("the signed bundle provides image `{name}`; deploy it under another name"),
            ));
        }
        if !running.is_empty() {
            return Err((
                Error::Exists,
                format!(
                    "agents of image `{name}` are running ({running:?}); stop them before \
                     replacing it"
                ),
            ));
        }
        if !images.deployed.contains(name) && images.deployed.len() >= MAX_DEPLOYED {
            return Err((
                Error::NoSpace,
                format!("a node keeps at most {MAX_DEPLOYED} deployed images"),
            ));
        }
        Ok(())
    }

    /// Makes `image` the one agents of `name` start from.
    fn install(&self, name: &str, image: LoadedImage) {
        let mut images = self.inner.images.lock();
        images.refused.remove(name);
        images.loaded.insert(String::from(name), image);
        images.deployed.insert(String::from(name));
    }

    /// Logs, audits and announces a deploy, as `detail` says.
    fn image_deployed(&self, detail: String) {
        self.kernel_log(log_level::INFO, &detail);
        self.inner.audit(Kind::ImageDeployed, 0, &detail);
        self.inner.publish(aios_events::EventKind::Security {
            agent: None,
            alert: aios_events::SecurityAlert::ImageDeployed,
            detail,
        });
    }

    /// After the store mounts: loads the deployed images kept there,
    /// each verified again against the bundle's trusted publishers. One
    /// that does not verify, load or link is refused with the reason
    /// (listed as refused, never trusted); one whose name the bundle now
    /// provides is left out. Returns how many loaded.
    pub(crate) fn reload_images(&self) -> usize {
        let names = match self.inner.stored_image_names() {
            Ok(names) => names,
            Err(why) => {
                self.image_refused(format!("deployed images unreadable in the store: {why}"));
                return 0;
            }
        };
        let trusted = self.inner.images.lock().trusted.clone();
        let mut restored = 0;
        for name in names {
            if self.inner.images.lock().bundle_has(&name) {
                self.kernel_log(
                    log_level::WARN,
                    &format!("deployed image `{name}` left out: the bundle provides `{name}` now"),
                );
                continue;
            }
            let outcome = self
                .inner
                .stored_image(&name)
                .and_then(|bytes| self.restore(&name, &bytes, &trusted));
            match outcome {
                Ok(image) => {
                    self.install(&name, image);
                    restored += 1;
                }
                Err(reason) => {
                    self.image_refused(format!(
                        "deployed image `{name}` refused at boot: {reason}"
                    ));
                    let mut images = self.inner.images.lock();
                    images.refused.insert(name.clone(), reason);
                    images.deployed.insert(name);
                }
            }
        }
        if restored > 0 {
            self.kernel_log(
                log_level::INFO,
                &format!("images: {restored} deployed images verified and restored from the store"),
            );
        }
        restored
    }

    /// A stored image `name`, verified, compiled and linked again.
    fn restore(
        &self,
        name: &str,
        bytes: &[u8],
        trusted: &[[u8; 32]],
    ) -> Result<LoadedImage, String> {
        let image = aios_image::verify(bytes, trusted).map_err(|e| e.to_string())?;
        if image.manifest.name != name {
            return Err(format!(
                "it is kept as `{name}` but its signed manifest names `{}`",
                image.manifest.name
            ));
        }
        let (manifest, module) = self.compile(image)?;
        let loaded = self.loaded(manifest, &module, false);
        match &loaded.linked {
            Ok(_) => Ok(loaded),
            Err(e) => Err(format!("its module does not link: {e}")),
        }
    }
}

impl Inner {
    /// Writes image `bytes` as `name` in `aios.images`. `Ok(false)` when
    /// no store is mounted (the image then lasts until the next boot).
    fn store_image(&self, name: &str, bytes: &[u8]) -> Result<bool, (Error, String)> {
        if !self.storage.mounted_now() {
            return Ok(false);
        }
        let now = self.platform.now_ns();
        let cost = (bytes.len() as u64).saturating_add(REQUEST_COST);
        let turn = self
            .storage
            .turn(KERNEL, cost, now)
            .map_err(|e| (e, format!("{e}")))?;
        let written = turn.with(|m| {
            match m.store.create_namespace(IMAGES_NS, Some(IMAGES_QUOTA), now) {
                Ok(()) | Err(StoreError::Exists) => {}
                Err(e) => return Err(e),
            }
            m.store.put(IMAGES_NS, name, bytes, &meta(), now)
        });
        match written {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) => Err((crate::storage::to_abi(&e), format!("{e}"))),
            Err(e) => Err((e, format!("{e}"))),
        }
    }

    /// The names of the images kept in `aios.images` (none if it does
    /// not exist).
    fn stored_image_names(&self) -> Result<Vec<String>, String> {
        let listed = self
            .storage
            .turn(KERNEL, REQUEST_COST, self.platform.now_ns())
            .and_then(|turn| turn.with(|m| m.store.list(IMAGES_NS, &ListQuery::default(), None)));
        match listed {
            Ok(Ok(objects)) => Ok(objects.into_iter().map(|o| o.key).collect()),
            Ok(Err(StoreError::NoNamespace)) => Ok(Vec::new()),
            Ok(Err(e)) => Err(format!("{e}")),
            Err(e) => Err(format!("{e}")),
        }
    }

    /// The bytes of stored image `name`, if it is not larger than an
    /// image can be.
    fn stored_image(&self, name: &str) -> Result<Vec<u8>, String> {
        let now = self.platform.now_ns();
        let cost = aios_api::MAX_IMAGE as u64 + REQUEST_COST;
        let read = self.storage.turn(KERNEL, cost, now).and_then(|turn| {
            turn.with(|m| {
                let info = m.store.stat(IMAGES_NS, name, None)?;
                if info.size > aios_api::MAX_IMAGE as u64 {
                    return Err(StoreError::TooLarge);
                }
                m.store.get(IMAGES_NS, name, None).map(|o| o.value)
            })
        });
        match read {
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(StoreError::TooLarge)) => Err(format!(
                "it is larger than an image may be ({} bytes)",
                aios_api::MAX_IMAGE
            )),
            Ok(Err(e)) => Err(format!("the store: {e}")),
            Err(e) => Err(format!("the store: {e}")),
        }
    }
}
