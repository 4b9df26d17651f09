//! The lines of `token new` and `token list`: a new token's secret, shown
//! this once with how to use it, and the token table.

use aios_abi::payload::{TokenInfo, TokenMinted, TokenOrigin};

/// How a development node is reached from its host: `cargo xtask run`
/// forwards 127.0.0.1:8443 to the API and keeps the CA in this file.
const CA: &str = "target/aios/pki/ca.pem";
const URL: &str = "https://127.0.0.1:8443/metrics";

/// What `token new` prints: the secret, that it will not be shown again,
/// and a request that uses it.
pub fn minted(name: &str, scopes: &[String], minted: &TokenMinted) -> Vec<String> {
    let kept = if minted.stored {
        "kept in the store"
    } else {
        "not stored (no store is mounted): it ends at the next boot"
    };
    vec![
        format!("token {name} made with scopes {}; {kept}", scopes.join(" ")),
        format!("secret: {}", minted.secret),
        "the secret will not be shown again: the node keeps only its hash".to_string(),
        format!(
            "use it as: curl --cacert {CA} -H \"Authorization: Bearer {}\" {URL}",
            minted.secret
        ),
    ]
}

/// The `token list` table: name, origin and scopes; never a secret.
pub fn table(tokens: &[TokenInfo]) -> Vec<String> {
    if tokens.is_empty() {
        return vec!["no API tokens (make one: token new NAME SCOPE...)".to_string()];
    }
    let header = format!("{:<32} {:<7} SCOPES", "NAME", "ORIGIN");
    core::iter::once(header)
        .chain(tokens.iter().map(|token| {
            let origin = match token.origin {
                TokenOrigin::Bundle => "bundle",
                TokenOrigin::Minted => "minted",
            };
            format!("{:<32} {origin:<7} {}", token.name, token.scopes.join(" "))
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_printed_with_how_to_use_it() {
        let lines = minted(
            "ci",
            &["metrics".to_string(), "agents:*".to_string()],
            &TokenMinted {
                secret: "aios_00ff".to_string(),
                stored: true,
            },
        );
        assert_eq!(
            lines,
            [
                "token ci made with scopes metrics agents:*; kept in the store",
                "secret: aios_00ff",
                "the secret will not be shown again: the node keeps only its hash",
                "use it as: curl --cacert target/aios/pki/ca.pem -H \"Authorization: Bearer aios_00ff\" https://127.0.0.1:8443/metrics",
            ]
        );
    }

    #[test]
    fn the_table_names_each_token_s_origin() {
        let token = |name: &str, origin| TokenInfo {
            name: name.to_string(),
            scopes: vec!["*".to_string()],
            origin,
        };
        let lines = table(&[
            token("admin", TokenOrigin::Bundle),
            token("ci", TokenOrigin::Minted),
        ]);
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("NAME") && lines[0].ends_with("ORIGIN  SCOPES"));
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["admin", "bundle", "*"]
        );
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["ci", "minted", "*"]
        );
        assert_eq!(
            table(&[]),
            ["no API tokens (make one: token new NAME SCOPE...)"]
        );
    }
}
