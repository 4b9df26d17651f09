//! Console commands about agents: `agents`, `images`, `spawn`, `kill`,
//! `caps`.

use crate::println;
use aios_abi::listing;

fn runtime() -> Option<&'static aios_runtime::Runtime> {
    let runtime = crate::agents::runtime();
    if runtime.is_none() {
        println!("error: the agent runtime is not running");
    }
    runtime
}

fn parse_id(text: &str) -> Option<u64> {
    let id = text.parse().ok();
    if id.is_none() {
        println!("error: `{}` is not an agent id", text);
    }
    id
}

/// Prints the agent table.
pub fn list() {
    let Some(runtime) = runtime() else {
        return;
    };
    print_table(&runtime.list());
}

/// The agent table, shared with `top`.
pub fn print_table(agents: &[aios_abi::payload::AgentInfo]) {
    println!("{}", listing::agent_table_header());
    for agent in agents {
        println!("{}", listing::agent_table_row(agent));
    }
}

/// Prints the images and their status.
pub fn images() {
    let Some(runtime) = runtime() else {
        return;
    };
    for image in runtime.image_infos() {
        println!("{}", listing::image_line(&image));
    }
}

/// Spawns an agent from the bundle.
pub fn spawn(name: &str) {
    let Some(runtime) = runtime() else {
        return;
    };
    match runtime.spawn(name, None) {
        Ok(id) => println!("spawned {} as agent {}", name, id),
        Err(e) => println!("error: {}", e),
    }
}

/// Kills an agent.
pub fn kill(id: &str) {
    let (Some(runtime), Some(id)) = (runtime(), parse_id(id)) else {
        return;
    };
    if runtime.kill(id) {
        println!("killed agent {}", id);
    } else {
        println!("error: no live agent {}", id);
    }
}

/// Lists an agent's capabilities.
pub fn caps(id: &str) {
    let (Some(runtime), Some(id)) = (runtime(), parse_id(id)) else {
        return;
    };
    if runtime.info(id).is_none() {
        println!("error: no agent {}", id);
        return;
    }
    let caps = runtime.caps_of(id);
    if caps.is_empty() {
        println!("agent {} holds no capabilities", id);
    }
    for cap in &caps {
        println!("{}", listing::cap_line(cap));
    }
}
