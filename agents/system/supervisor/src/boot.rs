//! Starting the boot agents: in dependency order, each only once its
//! dependencies are alive.

use crate::boot_order::plan;
use crate::error::Error;
use crate::kernel::Kernel;
use crate::note::Note;
use aios_sdk::{AgentInfo, AgentState, ImageInfo};
use std::string::String;
use std::vec::Vec;

/// The supervisor's own image name: never started by itself.
pub const SUPERVISOR: &str = "supervisor";
/// Step between two looks at a dependency that is not alive yet.
pub const DEPENDENCY_POLL_MS: u64 = 10;
/// Longest wait for a dependency to become alive.
pub const DEPENDENCY_WAIT_MS: u64 = 5000;

/// Starts the boot images of `images` in dependency order, logging each
/// start and each image skipped. Returns the started images with their
/// agent ids, in start order.
pub fn boot<K: Kernel>(kernel: &mut K, images: &[ImageInfo]) -> Vec<(String, u64)> {
    let plan = plan(images, SUPERVISOR);
    for (name, error) in plan.skipped {
        kernel.note(&Note::NotStarted { name, error });
    }
    let mut started: Vec<(String, u64)> = Vec::new();
    for name in plan.order {
        let depends_on = images
            .iter()
            .find(|image| image.name == name)
            .map(|image| image.depends_on.as_slice())
            .unwrap_or_default();
        match start(kernel, &name, depends_on, &started) {
            Ok(id) => {
                kernel.note(&Note::Started {
                    name: name.clone(),
                    id,
                });
                started.push((name, id));
            }
            Err(error) => kernel.note(&Note::NotStarted { name, error }),
        }
    }
    started
}

/// Spawns `name` once every dependency (started earlier in this boot) is
/// alive.
fn start<K: Kernel>(
    kernel: &mut K,
    name: &str,
    depends_on: &[String],
    started: &[(String, u64)],
) -> Result<u64, Error> {
    let depends_on: Vec<&str> = depends_on
        .iter()
        .map(String::as_str)
        .filter(|dependency| *dependency != SUPERVISOR)
        .collect();
    if let Some(dependency) = depends_on
        .iter()
        .find(|dependency| !started.iter().any(|(done, _)| done == *dependency))
    {
        return Err(Error::DependencySkipped {
            dependency: String::from(*dependency),
        });
    }
    if !depends_on.is_empty() {
        wait_alive(kernel, &depends_on)?;
    }
    kernel.spawn(name)
}

/// Waits, in steps of [`DEPENDENCY_POLL_MS`] and at most
/// [`DEPENDENCY_WAIT_MS`], until an agent of each of `images` is alive.
fn wait_alive<K: Kernel>(kernel: &mut K, images: &[&str]) -> Result<(), Error> {
    let since = kernel.now_ms();
    loop {
        let missing = kernel
            .agent_list()
            .map(|agents| images.iter().find(|name| !alive(&agents, name)).copied());
        let waited_ms = kernel.now_ms().saturating_sub(since);
        match missing {
            Ok(None) => return Ok(()),
            Ok(Some(name)) if waited_ms >= DEPENDENCY_WAIT_MS => {
                return Err(Error::DependencyNotAlive {
                    dependency: String::from(name),
                    waited_ms,
                });
            }
            Err(error) if waited_ms >= DEPENDENCY_WAIT_MS => return Err(error),
            Ok(Some(_)) | Err(_) => kernel.sleep_ms(DEPENDENCY_POLL_MS),
        }
    }
}

/// True if an agent of image `name` is runnable, running or blocked.
fn alive(agents: &[AgentInfo], name: &str) -> bool {
    agents.iter().any(|agent| {
        agent.name == name
            && matches!(
                agent.state,
                AgentState::Runnable | AgentState::Running | AgentState::Blocked
            )
    })
}

#[cfg(test)]
#[path = "boot_tests.rs"]
mod tests;
