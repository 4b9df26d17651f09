//! The syscalls the supervisor needs, as a trait: implemented by the real
//! kernel on wasm32 ([`crate::syscalls`]) and by a fake in host tests.

use crate::error::Error;
use crate::note::Note;
use aios_sdk::{AgentInfo, ImageInfo, Level};
use std::string::ToString;
use std::vec::Vec;

/// What the supervisor asks of the kernel.
pub trait Kernel {
    /// Milliseconds since boot, monotonic.
    fn now_ms(&self) -> u64;
    /// Parks the supervisor for at least `ms` milliseconds.
    fn sleep_ms(&mut self, ms: u64);
    /// The bundle's images.
    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error>;
    /// Every agent the kernel tracks.
    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error>;
    /// Starts image `name`; returns the new agent's id.
    fn spawn(&mut self, name: &str) -> Result<u64, Error>;
    /// Starts image `name` in place of the ended agent `replaces`; returns
    /// the new agent's id.
    fn respawn(&mut self, name: &str, replaces: u64) -> Result<u64, Error>;
    /// Writes one line to the kernel log.
    fn log(&mut self, level: Level, line: &str);

    /// Logs `note` at its level.
    fn note(&mut self, note: &Note) {
        self.log(note.level(), &note.to_string());
    }
}
