//! Console commands about agents: `agents`, `images`, `spawn`, `kill`,
//! `caps`.

use crate::println;
use aios_abi::payload::rights;

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
    println!(
        "{:>5} {:<14} {:<8} {:>6} {:>9} {:>8} {:>4}  {}",
        "ID", "NAME", "STATE", "CPU%", "MEM KiB", "RESTARTS", "CPU", "DETAIL"
    );
    for a in agents {
        let detail = match (a.exit_code, &a.reason) {
            (Some(code), _) => alloc::format!("exit {code}"),
            (None, Some(reason)) => reason.clone(),
            (None, None) => alloc::string::String::new(),
        };
        println!(
            "{:>5} {:<14} {:<8} {:>3}.{} {:>9} {:>8} {:>4}  {}",
            a.id,
            a.name,
            a.state.name(),
            a.cpu_permille / 10,
            a.cpu_permille % 10,
            u64::from(a.memory_pages) * 64,
            a.restarts,
            a.last_cpu
                .map_or(alloc::string::String::from("-"), |c| alloc::format!("{c}")),
            detail
        );
    }
}

/// Prints the images and their status.
pub fn images() {
    let Some(runtime) = runtime() else {
        return;
    };
    for (name, status) in runtime.images() {
        println!("{:<14} {}", name, status);
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
    for cap in caps {
        let names: alloc::vec::Vec<&str> = rights::names(cap.rights).collect();
        println!(
            "{:#010x} {:<14} {:<12} rights {}{}",
            cap.handle,
            alloc::format!("{:?}", cap.kind),
            cap.resource,
            names.join(","),
            cap.quota
                .map_or(alloc::string::String::new(), |q| alloc::format!(
                    " quota {q}"
                ))
        );
    }
}
