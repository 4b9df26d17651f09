//! The node's API tokens as the runtime keeps them: the bundle's, fixed;
//! tokens minted at run time, verified at once, revoked at once, audited
//! without their secrets, and kept in the store across a reboot; the
//! `token_new` syscall gated by the System capability's control right,
//! the reply buffer and the policy.

mod support;

use std::sync::Arc;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, TokenOrigin, TokenRequest, rights};
use aios_api::Tokens;
use aios_api::tokens::AuthError;
use aios_runtime::{API_TOKENS, Runtime};
use support::{FakePlatform, TestAgent, bundle_with, disk, new_runtime, run, runtime};

/// A runtime whose bundle grants token `admin` (scope `*`); returns it and
/// admin's secret.
fn node() -> (Runtime, String) {
    let mut tokens = Tokens::default();
    let admin = tokens.mint("admin", vec!["*".into()], [1; 32]).unwrap();
    let rt = new_runtime(Arc::new(FakePlatform::default()), 1);
    rt.load_bundle(&bundle_with(
        &[],
        &[(API_TOKENS, tokens.to_file().as_bytes())],
    ))
    .unwrap();
    (rt, admin)
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

fn scopes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn audit(rt: &Runtime) -> Vec<String> {
    rt.audit_tail(64)
        .into_iter()
        .filter(|(_, kind, _, _)| *kind == "api")
        .map(|(_, _, _, detail)| detail)
        .collect()
}

#[test]
fn minted_tokens_work_at_once_and_stop_at_once() {
    let (rt, admin) = node();
    assert_eq!(
        rt.authenticate(Some(&bearer(&admin))).unwrap().name,
        "admin"
    );

    let minted = rt
        .mint_api_token(5, "grafana", &scopes(&["metrics", "agents:read"]))
        .unwrap();
    assert!(!minted.stored, "no store is mounted");
    assert!(minted.secret.starts_with("aios_") && minted.secret.len() == 69);
    let grant = rt.authenticate(Some(&bearer(&minted.secret))).unwrap();
    assert_eq!(grant.name, "grafana");
    assert!(grant.allows("metrics") && !grant.allows("agents:write"));

    let other = rt.mint_api_token(5, "ci", &scopes(&["store:*"])).unwrap();
    assert_ne!(other.secret, minted.secret, "each secret is fresh");

    let listed: Vec<(String, Vec<String>, TokenOrigin)> = rt
        .api_tokens()
        .into_iter()
        .map(|t| (t.name, t.scopes, t.origin))
        .collect();
    assert_eq!(
        listed,
        [
            ("admin".into(), scopes(&["*"]), TokenOrigin::Bundle),
            (
                "grafana".into(),
                scopes(&["metrics", "agents:read"]),
                TokenOrigin::Minted
            ),
            ("ci".into(), scopes(&["store:*"]), TokenOrigin::Minted),
        ]
    );

    rt.revoke_api_token(5, "grafana").unwrap();
    assert_eq!(
        rt.authenticate(Some(&bearer(&minted.secret))),
        Err(AuthError::Unknown)
    );
    assert_eq!(
        rt.authenticate(Some(&bearer(&other.secret))).unwrap().name,
        "ci"
    );

    let records = audit(&rt);
    assert!(
        records.contains(&"token grafana minted with scopes metrics agents:read (not stored: no store is mounted, so it ends at the next boot)".to_string()),
        "{records:?}"
    );
    assert!(
        records.contains(&"token grafana revoked".to_string()),
        "{records:?}"
    );
    let hex = &minted.secret[5..];
    assert!(
        records.iter().all(|r| !r.contains(hex)),
        "a secret was audited"
    );
    assert!(rt.audit_verifies());
}

#[test]
fn refusals_say_why() {
    let (rt, admin) = node();
    let refusal = rt.revoke_api_token(5, "admin").unwrap_err();
    assert_eq!(refusal.error, Error::PermissionDenied);
    assert!(
        refusal
            .why
            .starts_with("token admin comes from the signed bundle"),
        "{}",
        refusal.why
    );
    assert_eq!(
        rt.authenticate(Some(&bearer(&admin))).unwrap().name,
        "admin"
    );

    let refusal = rt
        .mint_api_token(5, "admin", &scopes(&["metrics"]))
        .unwrap_err();
    assert_eq!(
        (refusal.error, refusal.why.as_str()),
        (Error::Exists, "a token named admin exists")
    );
    let refusal = rt
        .mint_api_token(5, "ops", &scopes(&["disks:read"]))
        .unwrap_err();
    assert_eq!(refusal.error, Error::InvalidArgument);
    assert!(
        refusal.why.starts_with("unknown scope `disks:read`"),
        "{}",
        refusal.why
    );
    let refusal = rt
        .mint_api_token(5, "Ops!", &scopes(&["metrics"]))
        .unwrap_err();
    assert_eq!(refusal.error, Error::InvalidArgument);
    let refusal = rt.revoke_api_token(5, "nobody").unwrap_err();
    assert_eq!(
        (refusal.error, refusal.why.as_str()),
        (Error::NotFound, "no token named nobody")
    );
    assert_eq!(rt.api_tokens().len(), 1);
}

#[test]
fn a_bad_bundle_token_file_is_refused_whole_and_said_so() {
    let platform = Arc::new(FakePlatform::default());
    let rt = new_runtime(platform.clone(), 1);
    rt.load_bundle(&bundle_with(&[], &[(API_TOKENS, b"admin zz *\n")]))
        .unwrap();
    assert!(rt.api_tokens().is_empty());
    assert!(
        platform
            .logs()
            .iter()
            .any(|l| l.contains("api/tokens refused (line 1: the hash is not 64 hex digits)")),
        "{:?}",
        platform.logs()
    );
}

#[test]
fn minted_tokens_survive_a_reboot_and_so_does_their_revocation() {
    let disk = disk();
    let (rt, _) = node();
    rt.attach_store(Box::new(disk.clone())).unwrap();
    let minted = rt.mint_api_token(5, "ci", &scopes(&["metrics"])).unwrap();
    assert!(minted.stored);
    let kept = rt.mint_api_token(5, "kept", &scopes(&["ask"])).unwrap();
    rt.sync_store().unwrap();

    // The next boot: the same bundle, the same disk.
    let (rt2, admin) = node();
    rt2.attach_store(Box::new(disk.clone())).unwrap();
    assert_eq!(
        rt2.authenticate(Some(&bearer(&admin))).unwrap().name,
        "admin"
    );
    let grant = rt2.authenticate(Some(&bearer(&minted.secret))).unwrap();
    assert_eq!(
        (grant.name.as_str(), grant.scopes.as_slice()),
        ("ci", &scopes(&["metrics"])[..])
    );
    assert_eq!(rt2.api_tokens().len(), 3);
    rt2.revoke_api_token(5, "ci").unwrap();
    rt2.sync_store().unwrap();

    let (rt3, _) = node();
    rt3.attach_store(Box::new(disk)).unwrap();
    assert_eq!(
        rt3.authenticate(Some(&bearer(&minted.secret))),
        Err(AuthError::Unknown)
    );
    assert_eq!(
        rt3.authenticate(Some(&bearer(&kept.secret))).unwrap().name,
        "kept"
    );
}

/// An agent that asks `token_new` (System handle 0x10000) for `request`
/// with an `out_cap`-byte reply buffer and exits with what it returned.
fn minter(name: &'static str, request: &TokenRequest, out_cap: u32, rights: u32) -> TestAgent {
    let bytes = aios_abi::encode(request);
    let escaped: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
    let wat = format!(
        r#"(module
  (import "aios" "token_new" (func $token_new (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{escaped}")
  (func (export "aios_main") (result i32)
    (call $token_new (i32.const 65536) (i32.const 0) (i32.const {}) (i32.const 4096) (i32.const {out_cap}))))"#,
        bytes.len()
    );
    TestAgent::new(name, &wat).cap(CapKind::System, rights, None)
}

/// Spawns `name` on `rt` and returns its exit code.
fn exit_code(rt: &Runtime, name: &str) -> i32 {
    let id = rt.spawn(name, None).unwrap();
    run(rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

#[test]
fn the_syscall_needs_control_a_big_enough_buffer_and_the_policy_s_consent() {
    let request = |name: &str| TokenRequest {
        name: name.to_string(),
        scopes: scopes(&["metrics"]),
    };
    let agents = [
        minter("good", &request("bot"), 1024, rights::CONTROL),
        minter("viewer", &request("peek"), 1024, rights::INSPECT),
        minter("small", &request("tiny"), 64, rights::CONTROL),
        minter("sneaky", &request("admin-2"), 1024, rights::CONTROL),
        minter("clumsy", &request("Bad Name"), 1024, rights::CONTROL),
    ];
    let (rt, _) = runtime(&agents, 1);
    rt.install_policy("deny agent * op \"token_new\" resource \"admin-*\";\ndefault allow;")
        .unwrap();
    let written = exit_code(&rt, "good");
    assert!(written > 69, "TokenMinted written: {written}");
    assert_eq!(exit_code(&rt, "viewer"), Error::PermissionDenied.code());
    assert_eq!(exit_code(&rt, "small"), Error::BufferTooSmall.code());
    assert_eq!(exit_code(&rt, "sneaky"), Error::PolicyDenied.code());
    assert_eq!(exit_code(&rt, "clumsy"), Error::InvalidArgument.code());
    let names: Vec<String> = rt.api_tokens().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["bot"], "only the permitted mint made a token");
}
