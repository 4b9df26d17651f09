//! The order in which to start agents so that each starts after the agents
//! it depends on.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::Error;

/// Orders `agents` (name, names it depends on) so that every agent comes
/// after its dependencies: a topological sort that otherwise keeps the
/// given order, so the result is deterministic.
///
/// Every dependency must itself be in `agents` (else
/// [`Error::UnknownDependency`]); a cycle is [`Error::DependencyCycle`]
/// naming an agent on it; a name listed twice is [`Error::DuplicateAgent`].
pub fn boot_order(agents: &[(String, Vec<String>)]) -> Result<Vec<String>, Error> {
    let index = |name: &str| agents.iter().position(|(other, _)| other == name);
    // For each agent, the positions of its dependencies.
    let mut dependencies = Vec::with_capacity(agents.len());
    for (i, (name, depends_on)) in agents.iter().enumerate() {
        if agents[..i].iter().any(|(other, _)| other == name) {
            return Err(Error::DuplicateAgent(name.clone()));
        }
        let resolved = depends_on
            .iter()
            .map(|dependency| {
                index(dependency).ok_or_else(|| Error::UnknownDependency {
                    agent: name.clone(),
                    missing: dependency.clone(),
                })
            })
            .collect::<Result<Vec<usize>, Error>>()?;
        dependencies.push(resolved);
    }

    let mut placed = vec![false; agents.len()];
    let mut order = Vec::with_capacity(agents.len());
    while order.len() < agents.len() {
        let ready =
            (0..agents.len()).find(|&i| !placed[i] && dependencies[i].iter().all(|&d| placed[d]));
        match ready {
            Some(i) => {
                placed[i] = true;
                order.push(agents[i].0.clone());
            }
            None => {
                let on_cycle = agent_on_cycle(&dependencies, &placed);
                return Err(Error::DependencyCycle(agents[on_cycle].0.clone()));
            }
        }
    }
    Ok(order)
}

/// An unplaced agent that lies on a dependency cycle. Called when no
/// unplaced agent has all its dependencies placed, so following unplaced
/// dependencies from any unplaced agent never ends and must repeat an agent
/// within `placed.len()` steps; the repeated agent is on a cycle.
fn agent_on_cycle(dependencies: &[Vec<usize>], placed: &[bool]) -> usize {
    let mut visited = vec![false; placed.len()];
    let mut current = placed.iter().position(|&p| !p).unwrap_or(0);
    while !visited[current] {
        visited[current] = true;
        match dependencies[current].iter().find(|&&d| !placed[d]) {
            Some(&next) => current = next,
            None => break,
        }
    }
    current
}
