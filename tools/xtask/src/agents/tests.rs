//! Tests of agent discovery and `agent.toml` translation.

use std::fs;
use std::path::PathBuf;

use aios_abi::payload::{CapKind, rights};
use aios_image::RestartMode;

use super::{AgentConfig, find_agent_dirs, package_name};

const EXAMPLE: &str = r#"
name = "hello"
version = "0.1.0"
start_at_boot = true
depends_on = ["logger"]
[quotas]
memory_pages = 32
fuel_per_second = 50000000
messages_per_second = 100
storage_bytes = 0
[restart]
mode = "on-failure"
max_restarts = 5
backoff_initial_ms = 100
backoff_max_ms = 5000
window_ms = 60000
[[capabilities]]
kind = "spawn-budget"
resource = ""
rights = ["spawn", "grant"]
quota = 100
[[capabilities]]
kind = "console"
rights = ["read", "write"]
[[intents]]
name = "demo.echo"
description = "Echoes its body back."
input = "{ text: text }"
output = "{ text: text }"
"#;

#[test]
fn the_documented_example_becomes_a_valid_manifest() {
    let config = AgentConfig::parse(EXAMPLE).expect("parses");
    assert!(config.start_at_boot);
    let manifest = config.manifest(aios_image::public_key(&[1; 32]));
    assert_eq!(manifest.validate(), Ok(()));
    assert_eq!(manifest.name, "hello");
    assert_eq!(manifest.depends_on, ["logger"]);
    assert_eq!(manifest.quotas.fuel_per_second, 50_000_000);
    assert_eq!(manifest.restart.mode, RestartMode::OnFailure);
    assert_eq!(manifest.restart.backoff_max_ms, 5_000);
    assert_eq!(manifest.capabilities.len(), 2);
    assert_eq!(manifest.capabilities[0].kind, CapKind::SpawnBudget);
    assert_eq!(
        manifest.capabilities[0].rights,
        rights::SPAWN | rights::GRANT
    );
    assert_eq!(manifest.capabilities[0].quota, Some(100));
    assert_eq!(manifest.capabilities[1].kind, CapKind::Console);
    assert_eq!(
        manifest.capabilities[1].rights,
        rights::READ | rights::WRITE
    );
    assert_eq!(manifest.capabilities[1].quota, None);
    assert_eq!(manifest.intents[0].name, "demo.echo");
}

#[test]
fn mistakes_in_agent_toml_are_reported() {
    for (wrong, right, field) in [
        ("kind = \"spawn-budget\"", "kind = \"spawn\"", "spawn"),
        (
            "rights = [\"spawn\", \"grant\"]",
            "rights = [\"fly\"]",
            "fly",
        ),
        ("mode = \"on-failure\"", "mode = \"sometimes\"", "sometimes"),
        (
            "storage_bytes = 0",
            "storage_bytes = 0\nstorage = 1",
            "storage",
        ),
        ("version = \"0.1.0\"\n", "", "version"),
    ] {
        let text = EXAMPLE.replacen(wrong, right, 1);
        let error = AgentConfig::parse(&text).expect_err(right);
        assert!(error.contains(field), "{error}");
    }
}

#[test]
fn discovery_finds_agent_crates_and_skips_build_output() {
    let root = std::env::temp_dir().join(format!("xtask-agents-{}", std::process::id()));
    let make = |dir: &str| {
        let path = root.join(dir);
        fs::create_dir_all(&path).expect("creates");
        fs::write(path.join("agent.toml"), EXAMPLE).expect("writes");
        fs::write(path.join("Cargo.toml"), "[package]\nname = \"agent-x\"\n").expect("writes");
        path
    };
    let wanted = [make("examples/a"), make("system/b")];
    make("examples/a/target/c");
    make(".hidden/d");
    let mut found = Vec::new();
    find_agent_dirs(&root, &mut found).expect("walks");
    found.sort();
    assert_eq!(found, wanted.to_vec());
    assert_eq!(
        package_name(&wanted[0].join("Cargo.toml")).expect("reads"),
        "agent-x"
    );
    fs::write(wanted[1].join("Cargo.toml"), "[lib]\n").expect("writes");
    assert!(package_name(&wanted[1].join("Cargo.toml")).is_err());
    let mut none: Vec<PathBuf> = Vec::new();
    find_agent_dirs(&root.join("missing"), &mut none).expect("no directory is no agents");
    assert!(none.is_empty());
    fs::remove_dir_all(&root).expect("cleans up");
}
