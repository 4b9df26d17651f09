//! API tokens: bearer secrets bound to scopes. The node keeps only each
//! token's SHA-256, so what it stores cannot be replayed; a secret is
//! shown once, when it is made.
//!
//! A token file (the bundle's `api/tokens`, and the tokens minted at the
//! console as the runtime stores them) has one token per line:
//! `NAME SHA256-HEX SCOPE...`, `#` starting a comment. A name is 1 to
//! [`MAX_NAME`] of `a-z`, `0-9` and `-`. A scope is one of [`SCOPES`],
//! `AREA:*` for an area of one of them (`agents:*`), or `*`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use sha2::{Digest, Sha256};

/// What every token starts with, so a leaked one is easy to search for.
pub const PREFIX: &str = "aios_";
/// Most tokens a node keeps.
pub const MAX_TOKENS: usize = 256;
/// Longest token name.
pub const MAX_NAME: usize = 32;

/// Every scope a token can be given: an area, and an access where the
/// area has more than one. Routes name one each (see `ROUTES`); the ones
/// no route uses yet are those the rest of the API will need, so that a
/// token can be made for them now. `AREA:*` grants every access to an
/// area, `*` everything.
pub const SCOPES: &[&str] = &[
    "metrics",
    "agents:read",
    "agents:write",
    "intents:send",
    "memory:read",
    "memory:write",
    "ask",
    "store:read",
    "store:write",
    "events:read",
    "audit:read",
];

/// A token the node knows: its name and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The token's name (not its secret).
    pub name: String,
    /// What it may do.
    pub scopes: Vec<String>,
}

impl Grant {
    /// Whether one of the token's scopes covers `scope`.
    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| {
            granted == "*"
                || granted == scope
                || granted
                    .strip_suffix(":*")
                    .is_some_and(|area| scope.split(':').next() == Some(area))
        })
    }
}

/// Why a request's token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization` header.
    Missing,
    /// Not `Bearer aios_…`.
    Malformed,
    /// No token with that secret.
    Unknown,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthError::Missing => "no token (send Authorization: Bearer TOKEN)",
            AuthError::Malformed => "the Authorization header is not Bearer aios_…",
            AuthError::Unknown => "unknown token",
        })
    }
}

/// Why a token file or a new token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    /// The line (1-based) of the file, 0 for a token being made.
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.why)
        } else {
            write!(f, "line {}: {}", self.line, self.why)
        }
    }
}

struct Entry {
    grant: Grant,
    hash: [u8; 32],
}

/// The tokens a node accepts.
#[derive(Default)]
pub struct Tokens {
    entries: Vec<Entry>,
}

/// The SHA-256 of a token's text, as stored.
pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `name` can name a token: 1 to [`MAX_NAME`] of `a-z`, `0-9`
/// and `-`.
pub fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `scope` is one a token can have: `*`, one of [`SCOPES`], or
/// `AREA:*` for an area of one of them.
pub fn valid_scope(scope: &str) -> bool {
    scope == "*"
        || SCOPES.contains(&scope)
        || scope.strip_suffix(":*").is_some_and(|area| {
            SCOPES
                .iter()
                .any(|known| known.split(':').next() == Some(area))
        })
}

/// Why `name` and `scopes` cannot make a token, whoever holds it.
fn check(name: &str, scopes: &[String]) -> Result<(), String> {
    if !valid_name(name) {
        return Err(format!(
            "`{name}` is no token name: use 1 to {MAX_NAME} of a-z, 0-9 and '-'"
        ));
    }
    if scopes.is_empty() {
        return Err(String::from("a token needs at least one scope"));
    }
    if let Some(unknown) = scopes.iter().find(|s| !valid_scope(s)) {
        return Err(format!(
            "unknown scope `{unknown}`: use {}, AREA:* or *",
            SCOPES.join(", ")
        ));
    }
    Ok(())
}

impl Tokens {
    /// Parses a token file.
    pub fn parse(text: &str) -> Result<Tokens, TokenError> {
        let mut tokens = Tokens::default();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_ascii_whitespace();
            let (Some(name), Some(hex)) = (words.next(), words.next()) else {
                return Err(TokenError {
                    line: line_no,
                    why: String::from("expected NAME SHA256 SCOPE..."),
                });
            };
            let hash = parse_hex(hex).ok_or_else(|| TokenError {
                line: line_no,
                why: String::from("the hash is not 64 hex digits"),
            })?;
            let scopes: Vec<String> = words.map(str::to_string).collect();
            tokens
                .add(name, hash, scopes)
                .map_err(|e| TokenError { line: line_no, ..e })?;
        }
        Ok(tokens)
    }

    /// Adds a token by its hash.
    pub fn add(
        &mut self,
        name: &str,
        hash: [u8; 32],
        scopes: Vec<String>,
    ) -> Result<(), TokenError> {
        let refuse = |why| Err(TokenError { line: 0, why });
        check(name, &scopes).or_else(refuse)?;
        if self.contains(name) {
            return refuse(format!("a token named {name} exists"));
        }
        if self.entries.len() >= MAX_TOKENS {
            return refuse(format!("a node keeps at most {MAX_TOKENS} tokens"));
        }
        self.entries.push(Entry {
            grant: Grant {
                name: name.to_string(),
                scopes,
            },
            hash,
        });
        Ok(())
    }

    /// Makes a token from 32 random bytes: its secret text, to show once.
    pub fn mint(
        &mut self,
        name: &str,
        scopes: Vec<String>,
        secret: [u8; 32],
    ) -> Result<String, TokenError> {
        let mut token = String::from(PREFIX);
        for byte in secret {
            token.push(char::from(HEX[usize::from(byte >> 4)]));
            token.push(char::from(HEX[usize::from(byte & 15)]));
        }
        self.add(name, hash(&token), scopes)?;
        Ok(token)
    }

    /// The grant of the bearer token in an `Authorization` header.
    pub fn verify(&self, authorization: Option<&str>) -> Result<&Grant, AuthError> {
        let header = authorization.ok_or(AuthError::Missing)?;
        let (scheme, token) = header.split_once(' ').ok_or(AuthError::Malformed)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || !token.starts_with(PREFIX) || token.len() > 128
        {
            return Err(AuthError::Malformed);
        }
        let wanted = hash(token);
        // Every entry is compared in full, so the time taken says nothing
        // about which one (if any) matched or how far.
        let mut found = None;
        for entry in &self.entries {
            let difference = entry
                .hash
                .iter()
                .zip(wanted.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if difference == 0 {
                found = Some(&entry.grant);
            }
        }
        found.ok_or(AuthError::Unknown)
    }

    /// Whether a token is named `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.grant.name == name)
    }

    /// Forgets the token named `name`: its secret fails from now on.
    /// Returns its grant, or `None` if there was no such token.
    pub fn remove(&mut self, name: &str) -> Option<Grant> {
        let index = self.entries.iter().position(|e| e.grant.name == name)?;
        Some(self.entries.remove(index).grant)
    }

    /// Every token's name and scopes (never its hash), oldest first.
    pub fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.entries.iter().map(|e| &e.grant)
    }

    /// Each token's grant and hash, to move them into another set
    /// (with [`Tokens::add`]).
    pub fn into_entries(self) -> impl Iterator<Item = (Grant, [u8; 32])> {
        self.entries.into_iter().map(|e| (e.grant, e.hash))
    }

    /// The tokens as a token file, which [`Tokens::parse`] reads back.
    pub fn to_file(&self) -> String {
        let mut out = String::from("# API tokens: NAME SHA256 SCOPE...\n");
        for entry in &self.entries {
            out.push_str(&entry.grant.name);
            out.push(' ');
            out.push_str(&hex(&entry.hash));
            for scope in &entry.grant.scopes {
                out.push(' ');
                out.push_str(scope);
            }
            out.push('\n');
        }
        out
    }

    /// How many tokens the node accepts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(text.as_bytes().chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *slot = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

/// The hex of a hash, as a token file writes it.
pub fn hex(hash: &[u8; 32]) -> String {
    let mut out = String::with_capacity(64);
    for byte in hash {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    out
}
