//! The node's API tokens: the signed bundle's (`api/tokens`, fixed until
//! the bundle changes) and those minted at run time (`token_new`), which
//! are kept in the object store so they survive a reboot and can be
//! revoked. The API checks every request's bearer token here.
//!
//! Namespace `aios.api` (kernel-only) holds `tokens`: the minted tokens
//! in the token file format (`NAME SHA256 SCOPE...`, see
//! `aios_api::tokens`), rewritten whole on each mint and revocation. It
//! holds hashes only; a secret exists once, in `token_new`'s reply.
//!
//! Lock order: `tokens`, then the store. Audit records are written after
//! `tokens` is released (the audit log takes the store itself).

use crate::{Inner, Runtime};
use aios_abi::Error;
use aios_abi::log_level;
use aios_abi::payload::{TokenInfo, TokenMinted, TokenOrigin};
use aios_api::tokens::{AuthError, Grant, MAX_TOKENS, Tokens};
use aios_audit::Kind;
use aios_store::{Error as StoreError, PutMeta};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The bundle entry holding the API tokens the bundle grants.
pub const API_TOKENS: &str = "api/tokens";
/// The kernel's namespace for minted tokens.
const TOKENS_NS: &str = "aios.api";
const TOKENS_KEY: &str = "tokens";
/// The kernel's id at the I/O scheduler.
const KERNEL: u64 = 0;

/// The tokens the API accepts, by origin. Names are unique across both.
#[derive(Default)]
pub(crate) struct ApiTokens {
    bundle: Tokens,
    minted: Tokens,
}

impl ApiTokens {
    fn contains(&self, name: &str) -> bool {
        self.bundle.contains(name) || self.minted.contains(name)
    }
}

/// Why a token was not minted or not revoked: the error the agent gets,
/// and a sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRefused {
    /// The syscall error.
    pub error: Error,
    /// What was wrong, for a person.
    pub why: String,
}

fn refused(error: Error, why: impl Into<String>) -> TokenRefused {
    TokenRefused {
        error,
        why: why.into(),
    }
}

fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("text/plain"),
        tags: alloc::vec![String::from("api-tokens")],
        embedding: None,
    }
}

impl Runtime {
    /// The grant of the bearer token in an `Authorization` header, from
    /// the bundle's tokens and the minted ones. Every token is compared in
    /// full, whichever matched.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Grant, AuthError> {
        let tokens = self.inner.tokens.lock();
        let bundle = tokens.bundle.verify(authorization);
        let minted = tokens.minted.verify(authorization);
        bundle.or(minted).cloned()
    }

    /// Every token's name, scopes and origin (never a secret or a hash):
    /// the bundle's, then the minted ones.
    pub fn api_tokens(&self) -> Vec<TokenInfo> {
        let tokens = self.inner.tokens.lock();
        let info = |origin| {
            move |grant: &Grant| TokenInfo {
                name: grant.name.clone(),
                scopes: grant.scopes.clone(),
                origin,
            }
        };
        tokens
            .bundle
            .grants()
            .map(info(TokenOrigin::Bundle))
            .chain(tokens.minted.grants().map(info(TokenOrigin::Minted)))
            .collect()
    }

    /// Mints token `name` with `scopes` for agent `agent` from fresh
    /// random bytes, stores it if a store is mounted, and audits it (never
    /// the secret). The secret is in the reply and nowhere else.
    pub fn mint_api_token(
        &self,
        agent: u64,
        name: &str,
        scopes: &[String],
    ) -> Result<TokenMinted, TokenRefused> {
        let mut random = [0u8; 32];
        self.inner
            .platform
            .random(&mut random)
            .map_err(|error| refused(error, "the kernel has no random numbers for the secret"))?;
        let minted = {
            let mut tokens = self.inner.tokens.lock();
            if tokens.contains(name) {
                return Err(refused(
                    Error::Exists,
                    format!("a token named {name} exists"),
                ));
            }
            if tokens.bundle.len() + tokens.minted.len() >= MAX_TOKENS {
                return Err(refused(
                    Error::QuotaExceeded,
                    format!("a node keeps at most {MAX_TOKENS} tokens"),
                ));
            }
            let secret = tokens
                .minted
                .mint(name, scopes.to_vec(), random)
                .map_err(|e| refused(Error::InvalidArgument, e.why))?;
            match self.inner.store_tokens(&tokens.minted) {
                Ok(stored) => TokenMinted { secret, stored },
                Err(why) => {
                    tokens.minted.remove(name);
                    return Err(refused(
                        Error::DeviceError,
                        format!("the store refused the token ({why}); none was made"),
                    ));
                }
            }
        };
        let kept = if minted.stored {
            "stored"
        } else {
            "not stored: no store is mounted, so it ends at the next boot"
        };
        self.inner.audit(
            Kind::Api,
            agent,
            &format!(
                "token {name} minted with scopes {} ({kept})",
                scopes.join(" ")
            ),
        );
        Ok(minted)
    }

    /// Revokes the minted token `name` for agent `agent`: its secret fails
    /// from now on, and the store forgets it. The bundle's tokens cannot
    /// be revoked at run time: the bundle is signed, and would grant them
    /// again at the next boot.
    pub fn revoke_api_token(&self, agent: u64, name: &str) -> Result<(), TokenRefused> {
        let stored = {
            let mut tokens = self.inner.tokens.lock();
            if tokens.bundle.contains(name) {
                return Err(refused(
                    Error::PermissionDenied,
                    format!(
                        "token {name} comes from the signed bundle and cannot be revoked at run \
                         time; build a bundle without it"
                    ),
                ));
            }
            if tokens.minted.remove(name).is_none() {
                return Err(refused(Error::NotFound, format!("no token named {name}")));
            }
            self.inner.store_tokens(&tokens.minted)
        };
        self.inner
            .audit(Kind::Api, agent, &format!("token {name} revoked"));
        match stored {
            Ok(_) => Ok(()),
            Err(why) => Err(refused(
                Error::DeviceError,
                format!(
                    "token {name} is revoked until the next boot, but the store refused the \
                     change ({why}); revoke it again once the store is well"
                ),
            )),
        }
    }
}

impl Inner {
    /// Takes the bundle's token file; a file that does not parse is
    /// refused whole (logged and audited) and no bundle token is accepted.
    /// A minted token of the same name as a bundle one is dropped.
    pub(crate) fn load_bundle_tokens(&self, file: &[u8]) {
        let parsed = core::str::from_utf8(file)
            .map_err(|_| String::from("not UTF-8"))
            .and_then(|text| Tokens::parse(text).map_err(|e| e.to_string()));
        match parsed {
            Ok(bundle) => {
                let mut tokens = self.tokens.lock();
                for grant in bundle.grants() {
                    tokens.minted.remove(&grant.name);
                }
                let count = bundle.len();
                tokens.bundle = bundle;
                drop(tokens);
                let line = format!("api: {API_TOKENS}: {count} tokens");
                self.log_tokens(log_level::INFO, &line);
            }
            Err(why) => {
                let line =
                    format!("api: {API_TOKENS} refused ({why}); no bundle token is accepted");
                self.log_tokens(log_level::ERROR, &line);
                self.audit(Kind::Api, 0, &line);
            }
        }
    }

    /// After the store mounts: takes the minted tokens kept there. A
    /// stored file that does not parse is refused whole (logged and
    /// audited); a token whose name is taken (the bundle now has it) is
    /// left out and logged; the rest are accepted from now on.
    pub(crate) fn reload_tokens(&self) {
        let read = self
            .storage
            .turn(KERNEL, 4096, self.platform.now_ns())
            .and_then(|turn| turn.with(|m| m.store.get(TOKENS_NS, TOKENS_KEY, None)));
        let text = match read {
            Ok(Ok(object)) => String::from_utf8(object.value).map_err(|_| "not UTF-8".into()),
            Ok(Err(StoreError::NoNamespace | StoreError::NotFound)) => return,
            Ok(Err(e)) => Err(format!("{e}")),
            Err(e) => Err(format!("{e}")),
        };
        let stored = text.and_then(|text| Tokens::parse(&text).map_err(|e| e.to_string()));
        let stored = match stored {
            Ok(stored) => stored,
            Err(why) => {
                let line = format!("api: stored tokens unreadable ({why}); none restored");
                self.log_tokens(log_level::ERROR, &line);
                self.audit(Kind::Api, 0, &line);
                return;
            }
        };
        let mut restored = 0;
        let mut tokens = self.tokens.lock();
        for (grant, hash) in stored.into_entries() {
            if tokens.contains(&grant.name) {
                let line = format!(
                    "api: stored token {} left out: a token of that name exists",
                    grant.name
                );
                self.log_tokens(log_level::WARN, &line);
            } else if tokens.minted.add(&grant.name, hash, grant.scopes).is_ok() {
                restored += 1;
            }
        }
        drop(tokens);
        self.log_tokens(
            log_level::INFO,
            &format!("api: {restored} minted tokens restored from the store"),
        );
    }

    /// Writes the minted tokens to the store. `Ok(false)` when no store is
    /// mounted (the tokens then last until the next boot).
    fn store_tokens(&self, minted: &Tokens) -> Result<bool, String> {
        if !self.storage.mounted_now() {
            return Ok(false);
        }
        let file = minted.to_file();
        let now = self.platform.now_ns();
        let turn = self
            .storage
            .turn(KERNEL, file.len() as u64, now)
            .map_err(|e| format!("{e}"))?;
        let written = turn.with(|m| {
            match m.store.create_namespace(TOKENS_NS, None, now) {
                Ok(()) | Err(StoreError::Exists) => {}
                Err(e) => return Err(e),
            }
            m.store
                .put(TOKENS_NS, TOKENS_KEY, file.as_bytes(), &meta(), now)
        });
        match written {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) => Err(format!("{e}")),
            Err(e) => Err(format!("{e}")),
        }
    }

    fn log_tokens(&self, level: i32, line: &str) {
        self.platform.log(0, "kernel", level, line);
    }
}
