//! Payloads of the API-token syscalls: `token_new`'s request and reply,
//! and `token_list`'s listing. Secrets travel only in [`TokenMinted`],
//! once; hashes never leave the kernel.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// `token_new`'s request: the new token's name and scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TokenRequest {
    /// 1 to 32 of `a-z`, `0-9` and `-`.
    #[n(0)]
    pub name: String,
    /// Scopes (`metrics`, `agents:read`, `agents:*`, `*`; see
    /// `docs/api.md`).
    #[n(1)]
    pub scopes: Vec<String>,
}

/// `token_new`'s reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TokenMinted {
    /// The bearer secret (`aios_` and 64 hex digits): the node keeps only
    /// its SHA-256 and never shows it again.
    #[n(0)]
    pub secret: String,
    /// Whether the token was written to the object store and so survives
    /// a reboot; false when no store is mounted.
    #[n(1)]
    pub stored: bool,
}

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum TokenOrigin {
    /// The signed bundle's `api/tokens`: fixed until the bundle changes.
    #[n(0)]
    Bundle,
    /// Minted at run time (`token_new`); revocable.
    #[n(1)]
    Minted,
}

/// One token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TokenInfo {
    /// Its name.
    #[n(0)]
    pub name: String,
    /// What it may do.
    #[n(1)]
    pub scopes: Vec<String>,
    /// Where it came from.
    #[n(2)]
    pub origin: TokenOrigin,
}

/// `token_list`'s reply: the bundle's tokens, then the minted ones, each
/// oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TokenList {
    /// The tokens.
    #[n(0)]
    pub tokens: Vec<TokenInfo>,
}
