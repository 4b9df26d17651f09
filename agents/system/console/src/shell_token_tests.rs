//! Host tests of `token new`, `token list` and `token revoke`: whole
//! console sessions against the fake host.

use crate::fake::FakeHost;
use crate::shell_messaging_tests::{has, run};

#[test]
fn a_token_is_made_listed_and_revoked() {
    let out = run(
        FakeHost::new(),
        "token new grafana metrics agents:read\ntoken list\ntoken revoke grafana\ntoken list\n",
    );
    has(
        &out,
        "token grafana made with scopes metrics agents:read; kept in the store",
    );
    has(&out, &format!("secret: aios_{}", "5e".repeat(32)));
    has(
        &out,
        "the secret will not be shown again: the node keeps only its hash",
    );
    has(&out, "revoked token grafana");
    let listed: Vec<&String> = out.iter().filter(|l| l.starts_with("grafana")).collect();
    assert_eq!(
        listed.len(),
        1,
        "listed once, before the revocation: {out:?}"
    );
    assert_eq!(
        listed[0].split_whitespace().collect::<Vec<_>>(),
        ["grafana", "minted", "metrics", "agents:read"]
    );
    assert_eq!(
        out.iter().filter(|l| l.starts_with("admin")).count(),
        2,
        "{out:?}"
    );
}

#[test]
fn refusals_print_the_kernel_s_reason() {
    let mut host = FakeHost::new();
    host.tokens.stored = false;
    let out = run(
        host,
        "token new ops disks:read\ntoken revoke admin\ntoken revoke nobody\ntoken new admin metrics\n\
         token new\ntoken new ops metrics\n",
    );
    has(&out, "error: unknown scope `disks:read`");
    has(
        &out,
        "error: token admin comes from the signed bundle and cannot be revoked at run time",
    );
    has(&out, "error: no token named nobody");
    has(&out, "error: a token named admin exists");
    has(
        &out,
        "usage: token new NAME SCOPE... | token list | token revoke NAME",
    );
    has(
        &out,
        "token ops made with scopes metrics; not stored (no store is mounted): it ends at the next boot",
    );
}
