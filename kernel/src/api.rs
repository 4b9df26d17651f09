//! The node's HTTPS API (`aios-api`) in the kernel: started on the
//! network service once agents have TLS, with the node's certificate and
//! key from the bundle, polled after every poll of the network service,
//! and answering from the runtime, which holds the API tokens (the
//! bundle's and those minted at the console), whose policy decides and
//! whose audit log records every request.

mod calls;
mod tickets;

use aios_api::prometheus::{Kind, Metrics};
use aios_api::tokens::AuthError;
use aios_api::{
    AgentRow, AuditCheck, AuditPage, Denied, Deployed, EventQuery, Grant, Health, ImageRow, Memo,
    Node, Outgoing, Polled, Put, Question, Recalled, Refused, Server, Spawned, StoreListing,
    StoreQuery, StoredObject,
};
use aios_net::Net;
use aios_runtime::Runtime;
use aios_tls::{CertificateChain, PrivateKey, ServerConfig};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use spin::Mutex;

/// The port the API listens on inside the node.
pub const PORT: u16 = 443;
/// Bundle entries: the node's certificate chain and key (PEM).
const CERTIFICATE: &str = "tls/node.pem";
const KEY: &str = "tls/node.key";

static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Starts the API if the bundle carries the node's credentials; logs
/// where it listens or why it does not.
pub fn start(net: &Net, bundle: &[u8], runtime: &Runtime) {
    match server(net, bundle) {
        Ok(server) => {
            crate::info!(
                "api: https on port {} ({} tokens; /health needs none)",
                PORT,
                runtime.api_tokens().len()
            );
            *SERVER.lock() = Some(server);
        }
        Err(why) => crate::warn!("api: not started: {}", why),
    }
}

fn server(net: &Net, bundle: &[u8]) -> Result<Server, String> {
    let bundle = aios_bundle::Bundle::parse(bundle).map_err(|e| e.to_string())?;
    let entry = |name: &str| {
        bundle
            .get(name)
            .ok_or_else(|| alloc::format!("the bundle has no {name}"))
    };
    let chain = CertificateChain::from_pem(entry(CERTIFICATE)?)
        .map_err(|e| alloc::format!("{CERTIFICATE}: {e}"))?;
    let key = PrivateKey::from_pem(entry(KEY)?).map_err(|e| alloc::format!("{KEY}: {e}"))?;
    let config = ServerConfig::new(
        crate::net::tls_crypto(),
        crate::net::wall_clock(),
        chain,
        key,
        &aios_tls::Policy::default(),
    )
    .map_err(|e| alloc::format!("TLS: {e}"))?;
    Server::start(net, PORT, &config).map_err(|e| alloc::format!("listen: {e}"))
}

/// What the server's connections need from the network service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// None open (or the server is busy on another CPU right now).
    None,
    /// Only connections kept idle between requests: a look now and then
    /// for their timeout.
    Kept,
    /// Connections at work (reading a request, waiting for the node,
    /// streaming): looks often enough for replies and streams.
    Busy,
}

/// What the server's connections need now (one `try_lock`).
pub fn activity() -> Activity {
    let Some(server) = SERVER.try_lock() else {
        return Activity::None;
    };
    match server.as_ref() {
        Some(s) if s.active_connections() > 0 => Activity::Busy,
        Some(s) if s.open_connections() > 0 => Activity::Kept,
        _ => Activity::None,
    }
}

/// Serves what the network brought; called after each network poll.
pub fn step(net: &Net, now_ns: u64) {
    let Some(runtime) = crate::agents::runtime() else {
        return;
    };
    // One CPU serves at a time; the others go on with their agents.
    let Some(mut server) = SERVER.try_lock() else {
        return;
    };
    if let Some(server) = server.as_mut() {
        let node = KernelNode { runtime, net };
        server.poll(net, &node, now_ns);
    }
}

/// The API's view of the node.
struct KernelNode<'a> {
    runtime: &'a Runtime,
    net: &'a Net,
}

impl Node for KernelNode<'_> {
    fn health(&self) -> Health {
        Health {
            version: env!("CARGO_PKG_VERSION"),
            uptime_ns: aios_hal::clock::now_ns(),
            agents: self.runtime.live_count(),
        }
    }

    fn metrics(&self, out: &mut Metrics) {
        let system = crate::system::snapshot();
        out.single(
            "aios_uptime_seconds",
            "Seconds since the kernel started.",
            Kind::Gauge,
            system.uptime_ns / 1_000_000_000,
        );
        out.single(
            "aios_cpus_online",
            "CPUs running agents.",
            Kind::Gauge,
            u64::from(system.cpus_online),
        );
        out.single(
            "aios_memory_total_bytes",
            "Physical memory the kernel manages.",
            Kind::Gauge,
            system.memory_total,
        );
        out.single(
            "aios_memory_free_bytes",
            "Physical memory not in use.",
            Kind::Gauge,
            system.memory_free,
        );
        out.single(
            "aios_heap_used_bytes",
            "Kernel heap in use.",
            Kind::Gauge,
            system.heap_used,
        );
        let agents = self.runtime.list();
        out.family("aios_agents", "Agents by state.", Kind::Gauge);
        let mut states: Vec<(&'static str, u64)> = Vec::new();
        for agent in &agents {
            let name = agent.state.name();
            match states.iter_mut().find(|(s, _)| *s == name) {
                Some((_, n)) => *n += 1,
                None => states.push((name, 1)),
            }
        }
        for (state, count) in states {
            out.sample(&[("state", state)], count);
        }
        out.family(
            "aios_agent_memory_bytes",
            "Each live agent's linear memory.",
            Kind::Gauge,
        );
        for agent in agents.iter().filter(|a| !a.state.is_final()) {
            let id = agent.id.to_string();
            out.sample(
                &[("agent", &agent.name), ("id", &id)],
                u64::from(agent.memory_pages) * 65_536,
            );
        }
        out.family(
            "aios_agent_cpu_permille",
            "Each live agent's share of one CPU over the last second, per mille.",
            Kind::Gauge,
        );
        for agent in agents.iter().filter(|a| !a.state.is_final()) {
            let id = agent.id.to_string();
            out.sample(
                &[("agent", &agent.name), ("id", &id)],
                u64::from(agent.cpu_permille),
            );
        }
        out.single(
            "aios_capabilities",
            "Capabilities held by all agents.",
            Kind::Gauge,
            self.runtime.capability_count() as u64,
        );
        out.single(
            "aios_audit_records",
            "Records in the audit log.",
            Kind::Gauge,
            self.runtime.audit_len() as u64,
        );
        let info = self.net.info();
        let interface = [("interface", info.interface.as_str())];
        for (name, help, value) in [
            (
                "aios_net_rx_frames_total",
                "Frames received.",
                info.stats.rx_frames,
            ),
            (
                "aios_net_rx_bytes_total",
                "Bytes received.",
                info.stats.rx_bytes,
            ),
            (
                "aios_net_tx_frames_total",
                "Frames sent.",
                info.stats.tx_frames,
            ),
            (
                "aios_net_tx_bytes_total",
                "Bytes sent.",
                info.stats.tx_bytes,
            ),
            (
                "aios_net_dropped_total",
                "Frames dropped (bad, or no room).",
                info.stats.rx_dropped + info.tx_lost + info.rx_bad_checksum,
            ),
        ] {
            out.family(name, help, Kind::Counter);
            out.sample(&interface, value);
        }
        out.single(
            "aios_net_endpoints",
            "Network endpoints open.",
            Kind::Gauge,
            self.net.endpoint_count() as u64,
        );
        let random = crate::random::status();
        out.single(
            "aios_random_reseeds_total",
            "Times the kernel's DRBG reseeded from the hardware.",
            Kind::Counter,
            random.drbg.reseeds,
        );
    }

    fn agents(&self) -> Vec<AgentRow> {
        self.runtime
            .list()
            .into_iter()
            .map(|agent| AgentRow {
                id: agent.id,
                name: agent.name,
                state: agent.state.name().to_string(),
            })
            .collect()
    }

    fn authenticate(&self, authorization: Option<&str>) -> Result<Grant, AuthError> {
        self.runtime.authenticate(authorization)
    }

    fn permit(
        &self,
        token: &str,
        op: &'static str,
        resource: &str,
        what: &str,
    ) -> Result<(), Denied> {
        self.runtime
            .api_request(token, op, resource, what)
            .map_err(|_| Denied)
    }

    fn refused(&self, what: &str, why: &str) {
        self.runtime.api_refused(what, why);
    }

    fn send(&self, _token: &str, message: Outgoing) -> Result<u64, Refused> {
        tickets::send(self.runtime, message)
    }

    fn ask(&self, token: &str, question: Question) -> Result<u64, Refused> {
        tickets::ask(self.runtime, token, question)
    }

    fn watch(&self, _token: &str, query: EventQuery) -> Result<u64, Refused> {
        tickets::watch(self.runtime, &query)
    }

    fn poll(&self, ticket: u64, _now_ns: u64) -> Polled {
        tickets::poll(self.runtime, ticket)
    }

    fn release(&self, ticket: u64) {
        tickets::release(self.runtime, ticket);
    }

    fn spawn(&self, _token: &str, image: &str) -> Result<Spawned, Refused> {
        calls::spawn(self.runtime, image)
    }

    fn kill(&self, _token: &str, id: u64) -> Result<(), Refused> {
        calls::kill(self.runtime, id)
    }

    fn images(&self) -> Vec<ImageRow> {
        calls::images(self.runtime)
    }

    fn deploy(&self, token: &str, what: &str, image: &[u8]) -> Result<Deployed, Refused> {
        calls::deploy(self.runtime, token, what, image)
    }

    fn store_get(&self, _token: &str, namespace: &str, key: &str) -> Result<StoredObject, Refused> {
        calls::store_get(self.runtime, namespace, key)
    }

    fn store_put(
        &self,
        _token: &str,
        namespace: &str,
        key: &str,
        put: Put<'_>,
    ) -> Result<bool, Refused> {
        calls::store_put(self.runtime, namespace, key, put)
    }

    fn store_list(
        &self,
        _token: &str,
        namespace: &str,
        query: StoreQuery,
    ) -> Result<StoreListing, Refused> {
        calls::store_list(self.runtime, namespace, query)
    }

    fn audit_export(&self, from: u64, limit: usize) -> AuditPage {
        calls::audit_export(self.runtime, from, limit)
    }

    fn audit_verify(&self) -> AuditCheck {
        calls::audit_verify(self.runtime)
    }

    fn remember(&self, token: &str, memo: Memo) -> Result<String, Refused> {
        calls::remember(self.runtime, token, memo)
    }

    fn recall(&self, token: &str, query: &str, k: usize) -> Result<Vec<Recalled>, Refused> {
        calls::recall(self.runtime, token, query, k)
    }
}
