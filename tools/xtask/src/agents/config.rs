//! `agent.toml`: an agent's manifest as its author writes it, and its
//! translation into the signed [`Manifest`].

use aios_abi::payload::{CapKind, rights};
use aios_image::{CapRequest, Intent, Manifest, Quotas, RestartMode, RestartPolicy};
use serde::Deserialize;

/// The contents of an `agent.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Image name.
    pub name: String,
    /// Version string.
    pub version: String,
    /// Whether the supervisor starts it at boot.
    #[serde(default)]
    pub start_at_boot: bool,
    /// Agents that must start before it.
    #[serde(default)]
    pub depends_on: Vec<String>,
    quotas: QuotasConfig,
    restart: RestartConfig,
    #[serde(default)]
    capabilities: Vec<CapabilityConfig>,
    #[serde(default)]
    intents: Vec<IntentConfig>,
    /// Labels policies select the agent by.
    #[serde(default)]
    labels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotasConfig {
    memory_pages: u32,
    fuel_per_second: u64,
    messages_per_second: u32,
    storage_bytes: u64,
    #[serde(default)]
    io_bytes_per_second: Option<u64>,
    #[serde(default)]
    net_endpoints: Option<u32>,
    #[serde(default)]
    net_bytes_per_second: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RestartConfig {
    mode: ModeConfig,
    max_restarts: u32,
    backoff_initial_ms: u64,
    backoff_max_ms: u64,
    window_ms: u64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ModeConfig {
    Never,
    OnFailure,
    Always,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CapabilityConfig {
    kind: KindConfig,
    #[serde(default)]
    resource: String,
    #[serde(default)]
    rights: Vec<RightConfig>,
    quota: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum KindConfig {
    Agent,
    SpawnBudget,
    Intent,
    MemoryRegion,
    StoreNamespace,
    NetEndpoint,
    Model,
    EventTopic,
    Console,
    System,
    Policy,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RightConfig {
    Read,
    Write,
    Grant,
    Inspect,
    Kill,
    Spawn,
    Control,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentConfig {
    name: String,
    description: String,
    /// Schema of request bodies (`docs/ipc.md`).
    input: String,
    /// Schema of reply bodies.
    output: String,
}

impl AgentConfig {
    /// Parses the text of an `agent.toml`.
    pub fn parse(text: &str) -> Result<AgentConfig, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The manifest this configuration describes, published by `publisher`
    /// (an encoded ML-DSA-65 public key); not yet validated.
    pub fn manifest(&self, publisher: Vec<u8>) -> Manifest {
        let restart = &self.restart;
        Manifest {
            name: self.name.clone(),
            version: self.version.clone(),
            publisher,
            capabilities: self
                .capabilities
                .iter()
                .map(CapabilityConfig::request)
                .collect(),
            quotas: Quotas {
                memory_pages: self.quotas.memory_pages,
                fuel_per_second: self.quotas.fuel_per_second,
                messages_per_second: self.quotas.messages_per_second,
                storage_bytes: self.quotas.storage_bytes,
                io_bytes_per_second: self.quotas.io_bytes_per_second,
                net_endpoints: self.quotas.net_endpoints,
                net_bytes_per_second: self.quotas.net_bytes_per_second,
            },
            intents: self
                .intents
                .iter()
                .map(|intent| Intent {
                    name: intent.name.clone(),
                    description: intent.description.clone(),
                    input: intent.input.clone(),
                    output: intent.output.clone(),
                })
                .collect(),
            restart: RestartPolicy {
                mode: match restart.mode {
                    ModeConfig::Never => RestartMode::Never,
                    ModeConfig::OnFailure => RestartMode::OnFailure,
                    ModeConfig::Always => RestartMode::Always,
                },
                max_restarts: restart.max_restarts,
                backoff_initial_ms: restart.backoff_initial_ms,
                backoff_max_ms: restart.backoff_max_ms,
                window_ms: restart.window_ms,
            },
            depends_on: self.depends_on.clone(),
            labels: self.labels.clone(),
        }
    }
}

impl CapabilityConfig {
    fn request(&self) -> CapRequest {
        CapRequest {
            kind: match self.kind {
                KindConfig::Agent => CapKind::Agent,
                KindConfig::SpawnBudget => CapKind::SpawnBudget,
                KindConfig::Intent => CapKind::Intent,
                KindConfig::MemoryRegion => CapKind::MemoryRegion,
                KindConfig::StoreNamespace => CapKind::StoreNamespace,
                KindConfig::NetEndpoint => CapKind::NetEndpoint,
                KindConfig::Model => CapKind::Model,
                KindConfig::EventTopic => CapKind::EventTopic,
                KindConfig::Console => CapKind::Console,
                KindConfig::System => CapKind::System,
                KindConfig::Policy => CapKind::Policy,
            },
            resource: self.resource.clone(),
            rights: self.rights.iter().fold(0, |bits, right| bits | right.bit()),
            quota: self.quota,
        }
    }
}

impl RightConfig {
    fn bit(self) -> u32 {
        match self {
            RightConfig::Read => rights::READ,
            RightConfig::Write => rights::WRITE,
            RightConfig::Grant => rights::GRANT,
            RightConfig::Inspect => rights::INSPECT,
            RightConfig::Kill => rights::KILL,
            RightConfig::Spawn => rights::SPAWN,
            RightConfig::Control => rights::CONTROL,
        }
    }
}
