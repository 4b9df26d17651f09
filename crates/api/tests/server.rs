//! The API server over TLS between two stacks on an in-memory wire: what
//! each route answers with and without the right token, refusals of
//! malformed requests, and what the node is told to audit.

#[path = "../../tls/tests/common/mod.rs"]
mod fixtures;

use aios_api::prometheus::{Kind, Metrics};
use aios_api::tokens::AuthError;
use aios_api::{AgentRow, Denied, Grant, Health, Node, Server, Tokens};
use aios_net::memory::wire;
use aios_net::{Config, EndpointId, Net, NetError};
use aios_tls::Policy;
use fixtures::Setup;
use std::cell::RefCell;

const MS: u64 = 1_000_000;
const SERVER_NAME: &str = "node.aios.test";

/// A node with two agents whose policy denies token `blocked`.
#[derive(Default)]
struct FakeNode {
    audit: RefCell<Vec<String>>,
    tokens: RefCell<Tokens>,
}

impl Node for FakeNode {
    fn health(&self) -> Health {
        Health {
            version: "0.1.0",
            uptime_ns: 42_000_000_000,
            agents: 2,
        }
    }
    fn metrics(&self, out: &mut Metrics) {
        out.single("aios_agents", "Agents alive.", Kind::Gauge, 2);
        out.family("aios_net_rx_bytes_total", "Bytes received.", Kind::Counter);
        out.sample(&[("interface", "virtio-net \"0\"")], 1234);
    }
    fn agents(&self) -> Vec<AgentRow> {
        vec![
            AgentRow {
                id: 1,
                name: "supervisor".into(),
                state: "waiting".into(),
            },
            AgentRow {
                id: 2,
                name: "con\"sole".into(),
                state: "running".into(),
            },
        ]
    }
    fn authenticate(&self, authorization: Option<&str>) -> Result<Grant, AuthError> {
        self.tokens.borrow().verify(authorization).cloned()
    }
    fn permit(&self, token: &str, op: &'static str, _: &str, what: &str) -> Result<(), Denied> {
        if token == "blocked" {
            self.audit.borrow_mut().push(format!("denied {token} {op}"));
            return Err(Denied);
        }
        self.audit
            .borrow_mut()
            .push(format!("token {token}: {what}"));
        Ok(())
    }
    fn refused(&self, what: &str, why: &str) {
        self.audit
            .borrow_mut()
            .push(format!("refused {what}: {why}"));
    }
}

struct Rig {
    node_net: Net,
    client: Net,
    server: Server,
    node: FakeNode,
    setup: Setup,
    clock: u64,
    /// Secrets: all scopes, metrics only, and the one the policy denies.
    admin: String,
    scraper: String,
    blocked: String,
}

fn rig() -> Rig {
    let (a, b) = wire([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let config = |ip| Config::parse(Some(ip), None, 1).unwrap();
    let node_net = Net::new(Box::new(a), config("10.0.0.1/24"), 0).unwrap();
    let client = Net::new(Box::new(b), config("10.0.0.2/24"), 0).unwrap();
    let setup = Setup::new();
    let mut tokens = Tokens::default();
    let admin = tokens.mint("admin", vec!["*".into()], [1; 32]).unwrap();
    let scraper = tokens
        .mint("scraper", vec!["metrics".into()], [2; 32])
        .unwrap();
    let blocked = tokens
        .mint("blocked", vec!["metrics".into()], [3; 32])
        .unwrap();
    let server = Server::start(&node_net, 443, &setup.server_config(&Policy::default())).unwrap();
    Rig {
        node_net,
        client,
        server,
        node: FakeNode {
            tokens: RefCell::new(tokens),
            ..FakeNode::default()
        },
        setup,
        clock: 0,
        admin,
        scraper,
        blocked,
    }
}

impl Rig {
    fn step(&mut self) {
        self.clock += MS;
        self.node_net.poll(self.clock);
        self.client.poll(self.clock);
        self.server.poll(&self.node_net, &self.node, self.clock);
    }

    /// Sends `request` over a fresh TLS connection and reads the response
    /// to the server's close_notify.
    fn exchange(&mut self, request: &[u8]) -> String {
        let config = self.setup.client_config(&Policy::default());
        let stream = self
            .client
            .connect_tls("10.0.0.1", 443, SERVER_NAME, &config, self.clock, 5000 * MS)
            .unwrap();
        let mut sent = 0;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        for _ in 0..20_000 {
            self.step();
            if sent < request.len() {
                match self.client.send(stream, &request[sent..], self.clock) {
                    Ok(n) => sent += n,
                    Err(NetError::WouldBlock) => {}
                    Err(e) => panic!("send: {e}"),
                }
            }
            match self.client.recv(stream, &mut buf, self.clock) {
                Ok(0) => {
                    self.client.close(stream, self.clock);
                    return String::from_utf8(got).unwrap();
                }
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(NetError::WouldBlock) => {}
                Err(e) => panic!("recv: {e} after {:?}", String::from_utf8_lossy(&got)),
            }
        }
        panic!("no response");
    }

    fn get(&mut self, path: &str, token: Option<&str>) -> String {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        self.exchange(format!("GET {path} HTTP/1.1\r\nHost: node\r\n{auth}\r\n").as_bytes())
    }
}

fn status(response: &str) -> &str {
    response.split(' ').nth(1).unwrap_or("")
}

fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[test]
fn health_needs_no_token() {
    let mut rig = rig();
    let response = rig.get("/health", None);
    assert_eq!(status(&response), "200", "{response}");
    assert!(response.contains("Content-Type: application/json\r\n"));
    assert_eq!(
        body(&response),
        r#"{"status":"ok","version":"0.1.0","uptime_seconds":42,"agents":2}"#
    );
    assert!(rig.node.audit.borrow().is_empty(), "health is not audited");
}

#[test]
fn metrics_need_a_token_with_the_scope_and_the_policy_s_consent() {
    let mut rig = rig();
    let missing = rig.get("/metrics", None);
    assert_eq!(status(&missing), "401");
    assert!(missing.contains("WWW-Authenticate: Bearer realm=\"aios\"\r\n"));
    let forged = format!("aios_{}", "0".repeat(64));
    assert_eq!(status(&rig.get("/metrics", Some(&forged))), "401");
    assert_eq!(status(&rig.get("/metrics", Some("not-a-token"))), "401");
    let blocked = rig.blocked.clone();
    let denied = rig.get("/metrics", Some(&blocked));
    assert_eq!(status(&denied), "403");
    assert!(body(&denied).contains("policy"), "{denied}");

    let scraper = rig.scraper.clone();
    let ok = rig.get("/metrics", Some(&scraper));
    assert_eq!(status(&ok), "200", "{ok}");
    assert!(ok.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    assert_eq!(
        body(&ok),
        "# HELP aios_agents Agents alive.\n# TYPE aios_agents gauge\naios_agents 2\n\
         # HELP aios_net_rx_bytes_total Bytes received.\n# TYPE aios_net_rx_bytes_total counter\n\
         aios_net_rx_bytes_total{interface=\"virtio-net \\\"0\\\"\"} 1234\n"
    );
    let no_scope = rig.get("/v1/agents", Some(&scraper));
    assert_eq!(status(&no_scope), "403");
    assert!(body(&no_scope).contains("lacks scope agents:read"));

    let audit = rig.node.audit.borrow();
    assert_eq!(
        audit.as_slice(),
        [
            "refused GET /metrics: no token (send Authorization: Bearer TOKEN)",
            "refused GET /metrics: unknown token",
            "refused GET /metrics: the Authorization header is not Bearer aios_…",
            "denied blocked api_metrics",
            "token scraper: GET /metrics",
            "refused GET /v1/agents: token scraper lacks scope agents:read",
        ]
    );
}

#[test]
fn a_token_the_node_forgets_fails_at_once() {
    let mut rig = rig();
    let scraper = rig.scraper.clone();
    assert_eq!(status(&rig.get("/metrics", Some(&scraper))), "200");
    assert!(rig.node.tokens.borrow_mut().remove("scraper").is_some());
    let revoked = rig.get("/metrics", Some(&scraper));
    assert_eq!(status(&revoked), "401", "{revoked}");
    assert!(body(&revoked).contains("unknown token"), "{revoked}");
}

#[test]
fn agents_are_listed_as_json() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let response = rig.get("/v1/agents", Some(&admin));
    assert_eq!(status(&response), "200");
    assert_eq!(
        body(&response),
        r#"[{"id":1,"name":"supervisor","state":"waiting"},{"id":2,"name":"con\"sole","state":"running"}]"#
    );
}

#[test]
fn bad_requests_get_clear_errors_and_the_server_goes_on() {
    let mut rig = rig();
    let cases: [(&[u8], &str); 5] = [
        (b"GET /nowhere HTTP/1.1\r\n\r\n", "404"),
        (b"POST /health HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405"),
        (b"GET /health HTTP/2\r\n\r\n", "400"),
        (b"BREW /pot HTTP/1.1\r\n\r\n", "501"),
        (
            b"POST /v1/agents HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "411",
        ),
    ];
    for (request, expected) in cases {
        let response = rig.exchange(request);
        assert_eq!(status(&response), expected, "{response}");
        assert!(body(&response).starts_with("{\"error\":"), "{response}");
    }
    let not_allowed = rig.exchange(b"POST /health HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert!(not_allowed.contains("Allow: GET\r\n"));
    assert_eq!(status(&rig.get("/health", None)), "200");
    assert_eq!(rig.server.open_connections(), 0);
}

#[test]
fn a_request_that_never_ends_is_answered_408() {
    let mut rig = rig();
    let response = rig.exchange(b"GET /health HTTP/1.1\r\nHost: slow\r\n");
    assert_eq!(status(&response), "408", "{response}");
}

#[test]
fn a_client_that_does_not_trust_the_node_never_gets_an_answer() {
    let mut rig = rig();
    let stranger = Setup::new();
    let config = stranger.client_config(&Policy::default());
    let stream: EndpointId = rig
        .client
        .connect_tls("10.0.0.1", 443, SERVER_NAME, &config, rig.clock, 5000 * MS)
        .unwrap();
    for _ in 0..2000 {
        rig.step();
        if rig.client.readiness(stream).unwrap().error.is_some() {
            break;
        }
    }
    assert_eq!(
        rig.client.readiness(stream).unwrap().error,
        Some(NetError::Tls(aios_net::TlsFailure::Untrusted))
    );
    assert_eq!(status(&rig.get("/health", None)), "200");
}
