//! Tests of agent discovery and `agent.toml` translation.

use std::fs;
use std::path::PathBuf;

use aios_abi::payload::{CapKind, rights};
use aios_image::RestartMode;

use super::source::{Source, WAT_FILE, package_name};
use super::{AgentConfig, find_agent_dirs};

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
    assert_eq!(
        Source::of(&wanted[0]).expect("a crate"),
        Source::Crate("agent-x".into())
    );
    let mut none: Vec<PathBuf> = Vec::new();
    find_agent_dirs(&root.join("missing"), &mut none).expect("no directory is no agents");
    assert!(none.is_empty());
    fs::remove_dir_all(&root).expect("cleans up");
}

#[test]
fn an_agent_is_a_crate_or_webassembly_text_never_both_or_neither() {
    let dir = std::env::temp_dir().join(format!("xtask-agent-source-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("creates");
    fs::write(dir.join("agent.toml"), EXAMPLE).expect("writes");
    let neither = Source::of(&dir).expect_err("no source").to_string();
    assert!(
        neither.contains("without Cargo.toml or agent.wat"),
        "{neither}"
    );

    let wat = dir.join(WAT_FILE);
    fs::write(
        &wat,
        "(module (func (export \"aios_main\") (result i32) (i32.const 0)))",
    )
    .expect("writes");
    let source = Source::of(&dir).expect("text");
    assert_eq!(source, Source::Wat(wat.clone()));
    assert_eq!(source.package(), None);
    let paths = crate::paths::Paths {
        root: dir.clone(),
        target: dir.join("target"),
        aios: dir.join("target/aios"),
    };
    let module = source.module(&paths).expect("assembles");
    assert!(module.starts_with(&aios_image::WASM_HEADER));

    fs::write(&wat, "(module (func (i32.const)))").expect("writes");
    let wrong = source
        .module(&paths)
        .expect_err("a constant without its value");
    assert!(wrong.contains(WAT_FILE), "names the file: {wrong}");

    fs::write(dir.join("Cargo.toml"), "[package]\nname = \"agent-x\"\n").expect("writes");
    let both = Source::of(&dir).expect_err("two sources").to_string();
    assert!(both.contains("both Cargo.toml and agent.wat"), "{both}");
    fs::remove_dir_all(&dir).expect("cleans up");
}
