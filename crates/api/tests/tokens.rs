//! The token set as the runtime keeps it: tokens minted from random
//! bytes, listed without their secrets, revoked by name, written back to
//! the token file format and read again; names and scopes outside the
//! known set refused with a reason that says what is allowed.

use aios_api::Tokens;
use aios_api::tokens::{AuthError, MAX_TOKENS, SCOPES, valid_name, valid_scope};

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

#[test]
fn a_minted_token_is_verified_listed_and_revoked() {
    let mut tokens = Tokens::default();
    let secret = tokens
        .mint(
            "grafana",
            vec!["metrics".into(), "agents:*".into()],
            [9; 32],
        )
        .unwrap();
    assert_eq!(secret, format!("aios_{}", "09".repeat(32)));
    let grant = tokens.verify(Some(&bearer(&secret))).unwrap();
    assert_eq!(grant.name, "grafana");
    assert!(grant.allows("metrics") && grant.allows("agents:write"));
    assert!(!grant.allows("store:read"));
    let listed: Vec<(&str, &[String])> = tokens
        .grants()
        .map(|g| (g.name.as_str(), g.scopes.as_slice()))
        .collect();
    assert_eq!(
        listed,
        [(
            "grafana",
            &["metrics".to_string(), "agents:*".to_string()][..]
        )]
    );
    assert!(tokens.contains("grafana"));
    assert_eq!(
        tokens.remove("grafana").map(|g| g.name),
        Some("grafana".into())
    );
    assert_eq!(
        tokens.verify(Some(&bearer(&secret))),
        Err(AuthError::Unknown)
    );
    assert_eq!(tokens.remove("grafana"), None);
    assert!(tokens.is_empty());
}

#[test]
fn the_file_round_trips_and_keeps_no_secret() {
    let mut tokens = Tokens::default();
    let one = tokens.mint("one", vec!["*".into()], [1; 32]).unwrap();
    let two = tokens
        .mint(
            "ci-2",
            vec!["store:read".into(), "audit:read".into()],
            [2; 32],
        )
        .unwrap();
    let file = tokens.to_file();
    assert!(!file.contains(&one[5..]) && !file.contains(&two[5..]));
    let again = Tokens::parse(&file).unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(again.verify(Some(&bearer(&one))).unwrap().name, "one");
    let ci = again.verify(Some(&bearer(&two))).unwrap();
    assert_eq!(ci.scopes, ["store:read", "audit:read"]);
    assert_eq!(again.to_file(), file);
    assert_eq!(Tokens::default().to_file().lines().count(), 1);
}

#[test]
fn names_and_scopes_outside_the_known_set_are_refused() {
    for name in ["", "Admin", "a_b", "a.b", "é", &"x".repeat(33)] {
        assert!(!valid_name(name), "{name:?}");
    }
    for name in ["a", "ops-2", &"x".repeat(32)] {
        assert!(valid_name(name), "{name:?}");
    }
    for scope in SCOPES
        .iter()
        .copied()
        .chain(["*", "agents:*", "metrics:*", "ask:*"])
    {
        assert!(valid_scope(scope), "{scope}");
    }
    for scope in [
        "",
        "agents",
        "agents:delete",
        "disks:read",
        "nope:*",
        "*:*",
        "metrics:read",
    ] {
        assert!(!valid_scope(scope), "{scope}");
    }
    let mut tokens = Tokens::default();
    let error = tokens
        .mint("ops", vec!["metrics".into(), "disks:read".into()], [3; 32])
        .unwrap_err();
    assert_eq!(error.line, 0);
    assert!(
        error
            .why
            .starts_with("unknown scope `disks:read`: use metrics, agents:read")
    );
    let error = tokens
        .mint("Ops", vec!["metrics".into()], [3; 32])
        .unwrap_err();
    assert_eq!(
        error.why,
        "`Ops` is no token name: use 1 to 32 of a-z, 0-9 and '-'"
    );
    let error = tokens.mint("ops", Vec::new(), [3; 32]).unwrap_err();
    assert_eq!(error.why, "a token needs at least one scope");
    tokens.mint("ops", vec!["metrics".into()], [3; 32]).unwrap();
    let error = tokens.mint("ops", vec!["ask".into()], [4; 32]).unwrap_err();
    assert_eq!(error.why, "a token named ops exists");
    let line = Tokens::parse(
        "ok 0000000000000000000000000000000000000000000000000000000000000000 metrics\nbad 0000000000000000000000000000000000000000000000000000000000000000 frob\n",
    );
    assert_eq!(line.err().map(|e| e.line), Some(2));
}

#[test]
fn a_node_keeps_at_most_max_tokens() {
    let mut tokens = Tokens::default();
    for i in 0..MAX_TOKENS {
        let mut secret = [0u8; 32];
        secret[..8].copy_from_slice(&(i as u64).to_le_bytes());
        tokens
            .mint(&format!("t{i}"), vec!["metrics".into()], secret)
            .unwrap();
    }
    let error = tokens
        .mint("one-more", vec!["metrics".into()], [0xff; 32])
        .unwrap_err();
    assert_eq!(error.why, "a node keeps at most 256 tokens");
    assert_eq!(tokens.len(), MAX_TOKENS);
}
