//! The lines of `help`, `agents`, `images`, `caps` and the `top` header:
//! the kernel console's formats, with messaging columns in the agent table.

use aios_abi::listing;
use aios_abi::payload::{AgentInfo, CapInfo, ImageInfo};

/// The `help` output.
pub const HELP: [&str; 35] = [
    "commands:",
    "  help              this list",
    "  info              CPUs, memory, uptime, boot measurements",
    "  agents            agents: id, name, state, CPU %, memory, restarts, messages, denials",
    "  images            agent images (the bundle's, deployed ones) and whether they loaded",
    "  spawn NAME        start an agent from an image",
    "  kill ID           stop an agent",
    "  caps ID           an agent's capabilities",
    "  top               live view of agents, CPUs and messages (any key exits)",
    "  send INTENT JSON  request to an intent (JSON body); prints the reply",
    "  trace ID          the conversation of message ID, in causal order",
    "  ipc               message totals and the round-trip latency histogram",
    "  audit tail [N]    the last N audit records (default 10)",
    "  audit verify      check the audit hash chain and signed checkpoints",
    "  audit export      the audit log as hex lines, for tools/audit-tool",
    "  policy set TEXT   replace the policy in force",
    "  events [N]        the next N (default 20) events from the event bus",
    "  store ls NS       the objects of a store namespace",
    "  store put NS KEY TEXT  store TEXT under KEY (durable when it answers)",
    "  store get NS KEY  print an object",
    "  store rm NS KEY   delete an object",
    "  snapshot NS NAME  snapshot a namespace (NS * = the whole volume)",
    "  snapshots NS      a namespace's snapshots",
    "  rollback NS NAME  roll a namespace back to a snapshot",
    "  embed TEXT        the kernel model's embedding of TEXT: size, norm, first values",
    "  remember TEXT     keep TEXT in the console's memory region, embedded",
    "  recall QUERY      the remembered texts closest in meaning to QUERY",
    "  ask PROMPT        the kernel language model's answer to PROMPT, as it is written",
    "  net               the network interface: addresses, routes, DNS, counters",
    "  ping HOST [COUNT] ICMP echoes to an address or name (default 3)",
    "  fetch URL         an http:// page through the fetch agent (spawn fetch first)",
    "  token new NAME SCOPE...  mint an API token (scopes: metrics, agents:read, …, AREA:*, *)",
    "  token list        the API tokens: name, origin (bundle or minted), scopes",
    "  token revoke NAME revoke a minted API token at once",
    "  poweroff          switch the machine off (ACPI S5)",
];

/// The agent table: a header line, then one line per agent. The columns
/// are the kernel console's, with messages in and out and denials added
/// before `DETAIL`, each right-aligned under its header.
pub fn agent_table(agents: &[AgentInfo]) -> Vec<String> {
    let header = format!(
        "{:>5} {:<14} {:<8} {:>6} {:>9} {:>8} {:>4} {:>8} {:>8} {:>7}  DETAIL",
        "ID",
        "NAME",
        "STATE",
        "CPU%",
        "MEM KiB",
        "RESTARTS",
        "CPU",
        "MSGS IN",
        "MSGS OUT",
        "DENIED"
    );
    core::iter::once(header)
        .chain(agents.iter().map(agent_row))
        .collect()
}

/// One row of the agent table.
fn agent_row(agent: &AgentInfo) -> String {
    let detail = match (agent.exit_code, &agent.reason) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(reason)) => reason.clone(),
        (None, None) => String::new(),
    };
    format!(
        "{:>5} {:<14} {:<8} {:>4}.{} {:>9} {:>8} {:>4} {:>8} {:>8} {:>7}  {detail}",
        agent.id,
        agent.name,
        agent.state.name(),
        agent.cpu_permille / 10,
        agent.cpu_permille % 10,
        u64::from(agent.memory_pages) * 64,
        agent.restarts,
        agent
            .last_cpu
            .map_or(String::from("-"), |cpu| cpu.to_string()),
        agent.ipc.messages_in,
        agent.ipc.messages_out,
        agent.ipc.denials
    )
}

/// One line per image: `<name> ready` or `<name> refused: <reason>`.
pub fn images(images: &[ImageInfo]) -> Vec<String> {
    images.iter().map(listing::image_line).collect()
}

/// One line per capability of agent `id`, or a line saying it holds none.
pub fn caps(id: u64, caps: &[CapInfo]) -> Vec<String> {
    if caps.is_empty() {
        return vec![format!("agent {id} holds no capabilities")];
    }
    caps.iter().map(listing::cap_line).collect()
}

/// The first line of each `top` frame.
pub fn top_header(uptime_ns: u64) -> String {
    format!(
        "AIOS top — uptime {} s — any key exits",
        uptime_ns / 1_000_000_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aios_abi::payload::{AgentState, CapKind, IpcCounters, rights};

    fn agent(id: u64, name: &str, state: AgentState) -> AgentInfo {
        AgentInfo {
            id,
            name: name.into(),
            state,
            exit_code: None,
            reason: None,
            memory_pages: 2,
            fuel_used: 0,
            cpu_permille: 0,
            parent: None,
            last_cpu: None,
            restarts: 0,
            ipc: aios_abi::payload::IpcCounters::default(),
        }
    }

    #[test]
    fn agent_table_columns() {
        let mut console = agent(2, "console", AgentState::Blocked);
        console.cpu_permille = 125;
        console.last_cpu = Some(1);
        let mut crasher = agent(7, "crasher", AgentState::Trapped);
        crasher.reason = Some("unreachable".into());
        crasher.restarts = 3;
        let mut hello = agent(12, "hello", AgentState::Exited);
        hello.exit_code = Some(0);
        hello.reason = Some("ignored once exited".into());
        console.ipc = IpcCounters {
            messages_in: 12,
            messages_out: 34_567_890,
            bytes_in: 99,
            bytes_out: 99,
            denials: 5,
        };
        let table = agent_table(&[console, crasher, hello]);
        assert_eq!(
            table,
            [
                "   ID NAME           STATE      CPU%   MEM KiB RESTARTS  CPU  MSGS IN MSGS OUT  DENIED  DETAIL",
                "    2 console        blocked    12.5       128        0    1       12 34567890       5  ",
                "    7 crasher        trapped     0.0       128        3    -        0        0       0  unreachable",
                "   12 hello          exited      0.0       128        0    -        0        0       0  exit 0",
            ]
        );
        // The right-aligned columns end where their headers do.
        for name in [
            "ID", "CPU%", "MEM KiB", "RESTARTS", "CPU ", "MSGS IN", "MSGS OUT", "DENIED",
        ] {
            let end = table[0].find(name).unwrap() + name.trim_end().len();
            for row in &table[1..] {
                assert_ne!(row.as_bytes()[end - 1], b' ', "{name} in {row}");
                assert_eq!(row.as_bytes()[end], b' ', "{name} in {row}");
            }
        }
        assert_eq!(agent_table(&[]).len(), 1);
    }

    #[test]
    fn image_lines() {
        let ready = ImageInfo {
            name: "hello".into(),
            refused: None,
            start_at_boot: false,
            depends_on: Vec::new(),
            restart_mode: 0,
            max_restarts: 0,
            backoff_initial_ms: 0,
            backoff_max_ms: 0,
            window_ms: 0,
            deployed: false,
        };
        let refused = ImageInfo {
            name: "forged".into(),
            refused: Some("bad signature".into()),
            ..ready.clone()
        };
        let deployed = ImageInfo {
            name: "greeter".into(),
            deployed: true,
            ..ready.clone()
        };
        let stale = ImageInfo {
            name: "stale".into(),
            refused: Some("untrusted publisher".into()),
            deployed: true,
            ..ready.clone()
        };
        assert_eq!(
            images(&[ready, refused, deployed, stale]),
            [
                "hello          ready",
                "forged         refused: bad signature",
                "greeter        ready (deployed)",
                "stale          refused (deployed): untrusted publisher"
            ]
        );
    }

    #[test]
    fn capability_lines() {
        let budget = CapInfo {
            handle: 0x0001_0002,
            kind: CapKind::SpawnBudget,
            rights: rights::SPAWN,
            resource: String::new(),
            quota: Some(999),
            expires_ns: None,
        };
        let system = CapInfo {
            handle: 3,
            kind: CapKind::System,
            rights: rights::INSPECT | rights::KILL | rights::CONTROL,
            resource: "all".into(),
            quota: None,
            expires_ns: None,
        };
        assert_eq!(
            caps(4, &[budget, system]),
            [
                "0x00010002 SpawnBudget                 rights spawn quota 999",
                "0x00000003 System         all          rights inspect,kill,control",
            ]
        );
        assert_eq!(caps(9, &[]), ["agent 9 holds no capabilities"]);
    }

    #[test]
    fn help_lists_every_command_and_top_header() {
        for command in [
            "help", "info", "agents", "images", "spawn", "kill", "caps", "top", "send", "trace",
            "ipc", "audit", "policy", "token", "poweroff",
        ] {
            assert!(
                HELP.iter()
                    .any(|line| line.split_whitespace().next() == Some(command)),
                "{command}"
            );
        }
        assert_eq!(
            top_header(61_500_000_000),
            "AIOS top — uptime 61 s — any key exits"
        );
    }
}
