//! The API tokens of the fake host: a bundle token that cannot be
//! revoked, minted ones with predictable secrets, and the kernel's
//! refusals for a name in use, an unknown name and a scope it does not
//! know.

use crate::Error;
use aios_abi::payload::{TokenInfo, TokenMinted, TokenOrigin};

/// The tokens.
#[derive(Debug)]
pub struct FakeTokens {
    /// Every token, the bundle's first.
    pub tokens: Vec<TokenInfo>,
    /// Whether a store is mounted (minted tokens are then stored).
    pub stored: bool,
}

impl Default for FakeTokens {
    fn default() -> FakeTokens {
        FakeTokens {
            tokens: vec![TokenInfo {
                name: "admin".to_string(),
                scopes: vec!["*".to_string()],
                origin: TokenOrigin::Bundle,
            }],
            stored: true,
        }
    }
}

impl FakeTokens {
    pub fn new_token(&mut self, name: &str, scopes: &[String]) -> Result<TokenMinted, Error> {
        if self.tokens.iter().any(|t| t.name == name) {
            return Err(Error::TokenRefused(format!("a token named {name} exists")));
        }
        if let Some(unknown) = scopes
            .iter()
            .find(|s| !["metrics", "agents:read", "*"].contains(&s.as_str()))
        {
            return Err(Error::TokenRefused(format!("unknown scope `{unknown}`")));
        }
        self.tokens.push(TokenInfo {
            name: name.to_string(),
            scopes: scopes.to_vec(),
            origin: TokenOrigin::Minted,
        });
        Ok(TokenMinted {
            secret: format!("aios_{}", "5e".repeat(32)),
            stored: self.stored,
        })
    }

    pub fn revoke(&mut self, name: &str) -> Result<(), Error> {
        match self.tokens.iter().position(|t| t.name == name) {
            None => Err(Error::TokenRefused(format!("no token named {name}"))),
            Some(i) if self.tokens[i].origin == TokenOrigin::Bundle => {
                Err(Error::TokenRefused(format!(
                    "token {name} comes from the signed bundle and cannot be revoked at run time"
                )))
            }
            Some(i) => {
                self.tokens.remove(i);
                Ok(())
            }
        }
    }
}
