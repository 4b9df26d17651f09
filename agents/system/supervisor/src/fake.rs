//! A fake kernel for host tests: a clock that sleeping advances, an agent
//! table the test edits, and failures on command.

use crate::error::Error;
use crate::kernel::Kernel;
use aios_sdk::{AgentInfo, AgentState, Error as SysError, ImageInfo, Level};
use std::string::{String, ToString};
use std::vec::Vec;

/// The fake kernel.
#[derive(Debug, Default)]
pub struct FakeKernel {
    pub now_ms: u64,
    pub images: Vec<ImageInfo>,
    pub agents: Vec<AgentInfo>,
    pub next_id: u64,
    /// Every log line, with its level.
    pub lines: Vec<(Level, String)>,
    /// Every spawn: image name and the agent it replaces.
    pub spawns: Vec<(String, Option<u64>)>,
    /// How many of the next `agent_list` calls fail.
    pub failing_lists: u32,
    /// How many of the next spawns fail.
    pub failing_spawns: u32,
    /// Images whose agents stay `Starting` forever.
    pub stuck: Vec<String>,
}

impl FakeKernel {
    pub fn new(images: Vec<ImageInfo>) -> FakeKernel {
        FakeKernel {
            images,
            next_id: 2,
            ..FakeKernel::default()
        }
    }

    /// The log lines alone.
    pub fn text(&self) -> Vec<&str> {
        self.lines.iter().map(|(_, line)| line.as_str()).collect()
    }

    /// Sets the state of agent `id`.
    pub fn set(&mut self, id: u64, state: AgentState) {
        if let Some(agent) = self.agents.iter_mut().find(|a| a.id == id) {
            agent.state = state;
        }
    }

    fn start(&mut self, name: &str, replaces: Option<u64>) -> Result<u64, Error> {
        if self.failing_spawns > 0 {
            self.failing_spawns -= 1;
            return Err(Error::syscall("agent_spawn")(SysError::QuotaExceeded));
        }
        let id = self.next_id;
        self.next_id += 1;
        let stuck = self.stuck.iter().any(|s| s == name);
        let state = if stuck {
            AgentState::Starting
        } else {
            AgentState::Runnable
        };
        self.agents.push(crate::fixtures::agent(id, name, state));
        self.spawns.push((name.to_string(), replaces));
        Ok(id)
    }
}

impl Kernel for FakeKernel {
    fn now_ms(&self) -> u64 {
        self.now_ms
    }
    fn sleep_ms(&mut self, ms: u64) {
        self.now_ms += ms;
    }
    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error> {
        Ok(self.images.clone())
    }
    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error> {
        if self.failing_lists > 0 {
            self.failing_lists -= 1;
            return Err(Error::syscall("agent_list")(SysError::StaleHandle));
        }
        Ok(self.agents.clone())
    }
    fn spawn(&mut self, name: &str) -> Result<u64, Error> {
        self.start(name, None)
    }
    fn respawn(&mut self, name: &str, replaces: u64) -> Result<u64, Error> {
        self.start(name, Some(replaces))
    }
    fn log(&mut self, level: Level, line: &str) {
        self.lines.push((level, line.to_string()));
    }
}
