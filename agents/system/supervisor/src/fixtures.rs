//! Test fixtures: images and agents as the kernel would report them.

use aios_sdk::{AgentInfo, AgentState, ImageInfo, restart_mode};
use std::string::String;

/// A boot image with restart `mode`, depending on `depends_on`, allowing
/// 3 restarts in 60 s with backoff 100..1000 ms.
pub fn image(name: &str, mode: u8, depends_on: &[&str]) -> ImageInfo {
    ImageInfo {
        name: name.into(),
        refused: None,
        start_at_boot: true,
        depends_on: depends_on.iter().map(|d| String::from(*d)).collect(),
        restart_mode: mode,
        max_restarts: 3,
        backoff_initial_ms: 100,
        backoff_max_ms: 1000,
        window_ms: 60_000,
        deployed: false,
    }
}

/// The supervisor's own image.
pub fn supervisor_image() -> ImageInfo {
    image("supervisor", restart_mode::NEVER, &[])
}

/// An agent `id` of image `name` in `state`.
pub fn agent(id: u64, name: &str, state: AgentState) -> AgentInfo {
    AgentInfo {
        id,
        name: name.into(),
        state,
        exit_code: None,
        reason: None,
        memory_pages: 1,
        fuel_used: 0,
        cpu_permille: 0,
        parent: Some(1),
        last_cpu: None,
        restarts: 0,
        ipc: Default::default(),
    }
}

/// An agent that exited with `code`.
pub fn exited(id: u64, name: &str, code: i32) -> AgentInfo {
    AgentInfo {
        exit_code: Some(code),
        ..agent(id, name, AgentState::Exited)
    }
}

/// An agent that trapped for `reason`.
pub fn trapped(id: u64, name: &str, reason: &str) -> AgentInfo {
    AgentInfo {
        reason: Some(reason.into()),
        ..agent(id, name, AgentState::Trapped)
    }
}
