//! The API server over TLS between two stacks on an in-memory wire: what
//! each route answers with and without the right token, refusals of
//! malformed requests, and what the node is told to audit.

#[path = "../../tls/tests/common/mod.rs"]
mod fixtures;

use aios_api::prometheus::{Kind, Metrics};
use aios_api::tokens::AuthError;
use aios_api::{
    AgentRow, AuditCheck, AuditPage, AuditRow, Denied, Deployed, EventQuery, Grant, Health,
    IDLE_TIMEOUT_NS, ImageRow, MAX_IMAGE, Memo, Node, ObjectRow, Outgoing, Polled, Put, Question,
    Recalled, Refused, Server, SignedCheckpoint, Spawned, StoreListing, StoreQuery, StoredObject,
    Tokens,
};
use aios_net::memory::wire;
use aios_net::{Config, EndpointId, Net, NetError};
use aios_tls::Policy;
use fixtures::Setup;
use std::cell::RefCell;
use std::collections::BTreeMap;

const MS: u64 = 1_000_000;
const SERVER_NAME: &str = "node.aios.test";

/// What a ticket of the fake node gives, poll after poll.
struct Script {
    polls: Vec<Polled>,
    /// What it gives once the script is done.
    then: Polled,
}

/// A node with two agents whose policy denies token `blocked`; it
/// answers `demo.echo` with the body it was sent, never answers
/// `demo.silent`, knows no other intent, and streams a fixed answer and
/// two events. It has images `hello` and `broken` (refused at load);
/// agent 5 has ended. Its store is a map (`aios.*` refused, namespace
/// `offline` as if no disk were mounted); its audit log holds records 0
/// to 9, record 4 signed; memories match by a shared word. An image
/// "verifies" if it is `IMAGE NAME` and any padding; `hello` is the
/// bundle's.
#[derive(Default)]
struct FakeNode {
    audit: RefCell<Vec<String>>,
    tokens: RefCell<Tokens>,
    tickets: RefCell<BTreeMap<u64, Script>>,
    released: RefCell<Vec<u64>>,
    killed: RefCell<Vec<u64>>,
    /// `(operation, resource)` of each request the policy allowed.
    decided: RefCell<Vec<(String, String)>>,
    objects: RefCell<BTreeMap<(String, String), StoredObject>>,
    memories: RefCell<Vec<(String, Memo)>>,
    /// Images deployed: name and size.
    deployed: RefCell<Vec<(String, usize)>>,
}

impl FakeNode {
    fn namespace(&self, namespace: &str) -> Result<(), Refused> {
        if namespace.starts_with("aios.") {
            return Err(Refused::new(403, "namespace is the kernel's"));
        }
        if namespace == "offline" {
            return Err(Refused::new(503, "no data disk is mounted"));
        }
        Ok(())
    }
}

impl FakeNode {
    fn issue(&self, polls: Vec<Polled>, then: Polled) -> u64 {
        let mut tickets = self.tickets.borrow_mut();
        let ticket = tickets.len() as u64 + 1;
        tickets.insert(ticket, Script { polls, then });
        ticket
    }
}

fn event(name: &str, data: &str) -> Polled {
    Polled::Event {
        name: name.into(),
        data: data.into(),
    }
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
    fn permit(
        &self,
        token: &str,
        op: &'static str,
        resource: &str,
        what: &str,
    ) -> Result<(), Denied> {
        if token == "blocked" {
            self.audit.borrow_mut().push(format!("denied {token} {op}"));
            return Err(Denied);
        }
        self.decided
            .borrow_mut()
            .push((op.to_string(), resource.to_string()));
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
    fn send(&self, token: &str, message: Outgoing) -> Result<u64, Refused> {
        self.audit.borrow_mut().push(format!(
            "{token} sent {} ({} ms)",
            message.intent,
            message.timeout_ns / MS
        ));
        match message.intent.as_str() {
            "demo.echo" => {
                let reply = Polled::Reply {
                    from: 7,
                    intent: message.intent,
                    body: message.body,
                };
                Ok(self.issue(vec![Polled::Waiting, Polled::Waiting], reply))
            }
            "demo.silent" => Ok(self.issue(Vec::new(), Polled::Waiting)),
            _ => Err(Refused::new(404, "no agent serves it")),
        }
    }
    fn ask(&self, token: &str, question: Question) -> Result<u64, Refused> {
        self.audit.borrow_mut().push(format!(
            "{token} asked {:?} (max {}, t {})",
            question.prompt, question.max_tokens, question.temperature_milli
        ));
        let polls = vec![
            event("token", r#"{"text":"Hel"}"#),
            Polled::Waiting,
            event("token", "{\"text\":\"lo\\nthere\"}"),
            event("done", r#"{"finish":"end_of_turn"}"#),
        ];
        Ok(self.issue(polls, Polled::Ended))
    }
    fn watch(&self, _: &str, query: EventQuery) -> Result<u64, Refused> {
        const KNOWN: [&str; 6] = ["agent", "ipc", "capability", "policy", "device", "security"];
        if let Some(unknown) = query
            .categories
            .iter()
            .find(|c| !KNOWN.contains(&c.as_str()))
        {
            return Err(Refused::new(400, format!("unknown category {unknown}")));
        }
        let polls = vec![
            event("agent", r#"{"seq":1,"agent":3,"state":"running"}"#),
            event("ipc", r#"{"seq":2,"from":3,"to":4}"#),
        ];
        Ok(self.issue(polls, Polled::Waiting))
    }
    fn poll(&self, ticket: u64, _: u64) -> Polled {
        let mut tickets = self.tickets.borrow_mut();
        let script = tickets.get_mut(&ticket).expect("a ticket the node issued");
        assert!(
            !self.released.borrow().contains(&ticket),
            "polled after release"
        );
        if script.polls.is_empty() {
            script.then.clone()
        } else {
            script.polls.remove(0)
        }
    }
    fn release(&self, ticket: u64) {
        let mut released = self.released.borrow_mut();
        assert!(!released.contains(&ticket), "released twice");
        released.push(ticket);
    }
    fn spawn(&self, token: &str, image: &str) -> Result<Spawned, Refused> {
        self.audit
            .borrow_mut()
            .push(format!("{token} spawned {image}"));
        match image {
            "hello" => Ok(Spawned {
                id: 3,
                name: image.into(),
            }),
            "broken" => Err(Refused::new(409, "image `broken` refused: bad signature")),
            _ => Err(Refused::new(404, format!("no agent image named `{image}`"))),
        }
    }
    fn kill(&self, _: &str, id: u64) -> Result<(), Refused> {
        match id {
            1 | 2 => {
                self.killed.borrow_mut().push(id);
                Ok(())
            }
            5 => Err(Refused::new(409, "agent 5 has already ended")),
            _ => Err(Refused::new(404, format!("no agent {id}"))),
        }
    }
    fn images(&self) -> Vec<ImageRow> {
        let bundle = [("broken", Some("bad signature")), ("hello", None)];
        let bundle = bundle.into_iter().map(|(name, refused)| ImageRow {
            name: name.into(),
            deployed: false,
            start_at_boot: name == "hello",
            refused: refused.map(String::from),
        });
        let deployed = self.deployed.borrow();
        let deployed = deployed.iter().map(|(name, _)| ImageRow {
            name: name.clone(),
            deployed: true,
            start_at_boot: false,
            refused: None,
        });
        bundle.chain(deployed).collect()
    }
    fn deploy(&self, token: &str, what: &str, image: &[u8]) -> Result<Deployed, Refused> {
        // Verified first; only then does the policy see the name.
        let name = image
            .strip_prefix(b"IMAGE ")
            .and_then(|rest| rest.split(|b| *b == b' ').next())
            .and_then(|name| std::str::from_utf8(name).ok())
            .ok_or_else(|| Refused::new(422, "the image is refused: bad magic"))?;
        self.permit(token, "api_images_deploy", name, what)
            .map_err(|_| Refused::new(403, "denied by the node's policy"))?;
        if name == "hello" {
            return Err(Refused::new(409, "the bundle provides hello"));
        }
        self.deployed
            .borrow_mut()
            .push((name.to_string(), image.len()));
        Ok(Deployed {
            name: name.into(),
            publisher: "ab".repeat(32),
            size: image.len(),
            stored: true,
        })
    }
    fn store_get(&self, _: &str, namespace: &str, key: &str) -> Result<StoredObject, Refused> {
        self.namespace(namespace)?;
        self.objects
            .borrow()
            .get(&(namespace.into(), key.into()))
            .cloned()
            .ok_or_else(|| Refused::new(404, "not found"))
    }
    fn store_put(
        &self,
        _: &str,
        namespace: &str,
        key: &str,
        put: Put<'_>,
    ) -> Result<bool, Refused> {
        self.namespace(namespace)?;
        let mut objects = self.objects.borrow_mut();
        let id = (namespace.to_string(), key.to_string());
        let version = objects.get(&id).map_or(1, |o| o.version + 1);
        objects.insert(
            id,
            StoredObject {
                content_type: put.content_type.into(),
                version,
                body: put.body.to_vec(),
            },
        );
        Ok(version == 1)
    }
    fn store_list(
        &self,
        _: &str,
        namespace: &str,
        query: StoreQuery,
    ) -> Result<StoreListing, Refused> {
        self.namespace(namespace)?;
        let objects = self.objects.borrow();
        let mut rows: Vec<ObjectRow> = objects
            .iter()
            .filter(|((ns, key), _)| {
                ns == namespace
                    && key.starts_with(&query.prefix)
                    && query.after.as_ref().is_none_or(|after| key > after)
            })
            .map(|((_, key), object)| ObjectRow {
                key: key.clone(),
                size: object.body.len() as u64,
                content_type: object.content_type.clone(),
                version: object.version,
                modified_ns: 7,
            })
            .collect();
        let more = rows.len() > query.limit as usize;
        rows.truncate(query.limit as usize);
        Ok(StoreListing {
            objects: rows,
            more,
        })
    }
    fn audit_export(&self, from: u64, limit: usize) -> AuditPage {
        let records: Vec<AuditRow> = (from..10)
            .take(limit)
            .map(|seq| AuditRow {
                seq,
                time_ns: seq * 1000,
                kind: "api".into(),
                agent: 0,
                detail: format!("record \"{seq}\""),
                prev_hash: [seq as u8; 32],
                hash: [seq as u8 + 1; 32],
            })
            .collect();
        let checkpoints = records
            .iter()
            .filter(|r| r.seq == 4)
            .map(|r| SignedCheckpoint {
                seq: r.seq,
                hash: r.hash,
                signature: vec![0xab, 0xcd],
            })
            .collect();
        AuditPage {
            first_seq: 0,
            next_seq: 10,
            public_key: vec![1, 2, 0xff],
            records,
            checkpoints,
        }
    }
    fn audit_verify(&self) -> AuditCheck {
        AuditCheck {
            ok: false,
            records: 10,
            checked_from: 0,
            signed_through: Some(4),
            problem: Some("record 6's hash does not match its contents".into()),
        }
    }
    fn remember(&self, token: &str, memo: Memo) -> Result<String, Refused> {
        let mut memories = self.memories.borrow_mut();
        memories.push((token.into(), memo));
        Ok(format!("m{}", memories.len()))
    }
    fn recall(&self, token: &str, query: &str, k: usize) -> Result<Vec<Recalled>, Refused> {
        if query == "no model" {
            return Err(Refused::new(503, "no embedding model is loaded"));
        }
        let memories = self.memories.borrow();
        let mut found: Vec<Recalled> = memories
            .iter()
            .enumerate()
            .filter(|(_, (owner, _))| owner == token)
            .map(|(i, (_, memo))| {
                let shared = query
                    .split(' ')
                    .any(|w| memo.text.split(' ').any(|t| t == w));
                Recalled {
                    key: format!("m{}", i + 1),
                    score_permille: if shared { 875 } else { -50 },
                    text: memo.text.clone(),
                    tags: memo.tags.clone(),
                }
            })
            .collect();
        found.sort_by_key(|r| -r.score_permille);
        found.truncate(k);
        Ok(found)
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
    /// to the server's close_notify, or (on a connection the server keeps)
    /// to its end; then closes.
    fn exchange(&mut self, request: &[u8]) -> String {
        let stream = self.connect();
        let (got, _) = self.converse(stream, request, 1);
        self.client.close(stream, self.clock);
        // Long enough for the server to see a kept connection's close.
        for _ in 0..50 {
            self.step();
        }
        got
    }

    /// A fresh TLS connection to the server.
    fn connect(&mut self) -> EndpointId {
        let config = self.setup.client_config(&Policy::default());
        self.client
            .connect_tls("10.0.0.1", 443, SERVER_NAME, &config, self.clock, 5000 * MS)
            .unwrap()
    }

    /// Sends `bytes` on `stream` and reads until `responses` whole
    /// responses have come or the server closed: what came, and whether
    /// it closed.
    fn converse(&mut self, stream: EndpointId, bytes: &[u8], responses: usize) -> (String, bool) {
        let mut sent = 0;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        for _ in 0..20_000 {
            self.step();
            if sent < bytes.len() {
                match self.client.send(stream, &bytes[sent..], self.clock) {
                    Ok(n) => sent += n,
                    Err(NetError::WouldBlock) => {}
                    Err(e) => panic!("send: {e}"),
                }
            }
            match self.client.recv(stream, &mut buf, self.clock) {
                Ok(0) => return (String::from_utf8(got).unwrap(), true),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(NetError::WouldBlock) => {}
                Err(e) => panic!("recv: {e} after {:?}", String::from_utf8_lossy(&got)),
            }
            if whole_responses(&got) >= responses {
                return (String::from_utf8(got).unwrap(), false);
            }
        }
        panic!("no response after {:?}", String::from_utf8_lossy(&got));
    }

    fn post(&mut self, path: &str, token: &str, content_type: &str, body: &[u8]) -> String {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: node\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        self.exchange(&request)
    }

    /// Opens a stream with `request`, reads until `until` has come, then
    /// closes its side and lets the server notice: what came.
    fn watch_until(&mut self, request: &[u8], until: &str) -> String {
        let stream = self.connect();
        let mut sent = 0;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        for _ in 0..20_000 {
            self.step();
            if sent < request.len() {
                sent += self
                    .client
                    .send(stream, &request[sent..], self.clock)
                    .unwrap_or(0);
            }
            if let Ok(n) = self.client.recv(stream, &mut buf, self.clock) {
                got.extend_from_slice(&buf[..n]);
            }
            if String::from_utf8_lossy(&got).contains(until) {
                self.client.close(stream, self.clock);
                for _ in 0..200 {
                    self.step();
                }
                return String::from_utf8(got).unwrap();
            }
        }
        panic!("{until:?} never came: {:?}", String::from_utf8_lossy(&got));
    }

    /// A request with `method`, extra `headers` (each ending in CRLF)
    /// and `body`, with the token if any.
    fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &str,
        body: &[u8],
    ) -> String {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: node\r\n{auth}{headers}Content-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        self.exchange(&request)
    }

    /// Opens a connection and sends `request` on it, leaving it open.
    fn open(&mut self, request: &[u8]) -> EndpointId {
        let stream = self.connect();
        let mut sent = 0;
        for _ in 0..20_000 {
            self.step();
            if sent == request.len() {
                for _ in 0..50 {
                    self.step();
                }
                return stream;
            }
            sent += self
                .client
                .send(stream, &request[sent..], self.clock)
                .unwrap_or(0);
        }
        panic!("the request did not go");
    }

    fn get(&mut self, path: &str, token: Option<&str>) -> String {
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        self.exchange(format!("GET {path} HTTP/1.1\r\nHost: node\r\n{auth}\r\n").as_bytes())
    }
}

/// How many whole responses of a kept connection `got` holds (a response
/// that closes its connection is whole only at the close).
fn whole_responses(got: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = got;
    while let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&rest[..end]).to_ascii_lowercase();
        if !head.contains("connection: keep-alive") {
            return count;
        }
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|l| l.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if rest.len() < end + 4 + length {
            return count;
        }
        count += 1;
        rest = &rest[end + 4 + length..];
    }
    count
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

#[test]
fn an_intent_sent_through_the_api_gets_its_reply_as_json() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let response = rig.post(
        "/v1/intents/demo.echo",
        &admin,
        "application/json",
        br#"{"text": "hi", "n": [1, -2]}"#,
    );
    assert_eq!(status(&response), "200", "{response}");
    assert_eq!(
        body(&response),
        r#"{"intent":"demo.echo","from":7,"reply":{"text":"hi","n":[1,-2]}}"#
    );
    // CBOR goes as it is: {"a": h'01'}.
    let cbor = [0xa1, 0x61, b'a', 0x41, 0x01];
    let response = rig.post("/v1/intents/demo.echo", &admin, "application/cbor", &cbor);
    assert_eq!(
        body(&response),
        r#"{"intent":"demo.echo","from":7,"reply":{"a":"h'01'"}}"#
    );
    assert_eq!(
        *rig.node.released.borrow(),
        [1, 2],
        "each ticket released once"
    );
    let audit = rig.node.audit.borrow();
    assert_eq!(audit[0], "token admin: POST /v1/intents/demo.echo");
    assert_eq!(audit[1], "admin sent demo.echo (10000 ms)");
}

#[test]
fn a_reply_that_does_not_come_in_time_is_504_and_the_wait_is_given_up() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let response = rig.post(
        "/v1/intents/demo.silent?timeout_ms=50",
        &admin,
        "application/json",
        b"{}",
    );
    assert_eq!(status(&response), "504", "{response}");
    assert_eq!(*rig.node.released.borrow(), [1]);
    assert!(
        rig.node
            .audit
            .borrow()
            .contains(&"admin sent demo.silent (50 ms)".to_string())
    );
}

#[test]
fn bad_messages_are_refused_before_anything_is_sent() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let scraper = rig.scraper.clone();
    for (path, content_type, payload, expected, says) in [
        (
            "/v1/intents/demo.echo",
            "application/json",
            &b"{\"a\":"[..],
            "400",
            "not JSON",
        ),
        (
            "/v1/intents/demo.echo",
            "application/json",
            b"",
            "400",
            "as JSON",
        ),
        (
            "/v1/intents/demo.echo",
            "application/cbor",
            b"\xa1",
            "400",
            "not one CBOR item",
        ),
        (
            "/v1/intents/demo.echo?timeout_ms=0",
            "application/json",
            b"1",
            "400",
            "timeout_ms",
        ),
        (
            "/v1/intents/demo.echo?timeout_ms=60001",
            "application/json",
            b"1",
            "400",
            "timeout_ms",
        ),
        (
            "/v1/intents/nobody",
            "application/json",
            b"1",
            "404",
            "no agent serves it",
        ),
        (
            "/v1/intents/",
            "application/json",
            b"1",
            "404",
            "no such route",
        ),
    ] {
        let response = rig.post(path, &admin, content_type, payload);
        assert_eq!(status(&response), expected, "{path}: {response}");
        assert!(body(&response).contains(says), "{path}: {response}");
    }
    let lacking = rig.post("/v1/intents/demo.echo", &scraper, "application/json", b"1");
    assert_eq!(status(&lacking), "403");
    assert!(body(&lacking).contains("lacks scope intents:send"));
    assert!(
        !rig.node
            .audit
            .borrow()
            .iter()
            .any(|line| line.starts_with("admin sent demo.echo"))
    );
}

#[test]
fn an_answer_streams_as_server_sent_events_and_then_the_stream_closes() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let response = rig.post(
        "/v1/ask",
        &admin,
        "application/json",
        br#"{"prompt": "hello?", "max_tokens": 16, "temperature": 0.5}"#,
    );
    assert_eq!(status(&response), "200", "{response}");
    assert!(
        response.contains("Content-Type: text/event-stream\r\n"),
        "{response}"
    );
    assert!(!response.contains("Content-Length"), "{response}");
    assert_eq!(
        body(&response),
        "event: token\ndata: {\"text\":\"Hel\"}\n\n\
         event: token\ndata: {\"text\":\"lo\\nthere\"}\n\n\
         event: done\ndata: {\"finish\":\"end_of_turn\"}\n\n"
    );
    assert_eq!(*rig.node.released.borrow(), [1]);
    assert!(
        rig.node
            .audit
            .borrow()
            .contains(&"admin asked \"hello?\" (max 16, t 500)".to_string())
    );
}

#[test]
fn a_bad_question_is_400_with_the_reason() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    for (payload, says) in [
        (&br#"{"prompt": ""}"#[..], "prompt is missing"),
        (br#"{"max_tokens": 5}"#, "prompt is missing"),
        (br#"{"prompt": "x", "max_tokens": 0}"#, "max_tokens must be"),
        (
            br#"{"prompt": "x", "max_tokens": 5000}"#,
            "max_tokens must be",
        ),
        (
            br#"{"prompt": "x", "temperature": 3}"#,
            "temperature must be",
        ),
        (br#"{"prompt": "x", "temprature": 1}"#, "unknown member"),
        (br#"{"prompt": 5}"#, "prompt must be a string"),
        (br#"["x"]"#, "must be a JSON object"),
        (b"\xff", "not UTF-8"),
    ] {
        let response = rig.post("/v1/ask", &admin, "application/json", payload);
        assert_eq!(status(&response), "400", "{response}");
        assert!(body(&response).contains(says), "{response}");
    }
    assert!(rig.node.tickets.borrow().is_empty(), "nothing was asked");
}

#[test]
fn events_stream_until_the_client_goes_and_then_the_watch_is_released() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let request = format!(
        "GET /v1/events?categories=agent,ipc HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n"
    );
    let got = rig.watch_until(request.as_bytes(), "event: ipc");
    assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "{got}");
    assert!(got.contains("event: agent\ndata: {\"seq\":1,"), "{got}");
    assert_eq!(
        *rig.node.released.borrow(),
        [1],
        "the watch ends with the client"
    );
    assert_eq!(rig.server.open_connections(), 0);

    // The list percent-encoded whole is the same list.
    let encoded = format!(
        "GET /v1/events?categories=agent%2Cipc HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n"
    );
    let got = rig.watch_until(encoded.as_bytes(), "event: ipc");
    assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "{got}");
    let torn = format!(
        "GET /v1/events?categories=agent%2 HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n"
    );
    assert_eq!(status(&rig.exchange(torn.as_bytes())), "400");

    let bogus = format!(
        "GET /v1/events?categories=bogus HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n"
    );
    let response = rig.exchange(bogus.as_bytes());
    assert_eq!(status(&response), "400", "{response}");
    let bad_agent =
        format!("GET /v1/events?agent=x HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n");
    assert_eq!(status(&rig.exchange(bad_agent.as_bytes())), "400");
}

#[test]
fn a_quiet_stream_gets_keep_alive_comments() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let request = format!("GET /v1/events HTTP/1.1\r\nAuthorization: Bearer {admin}\r\n\r\n");
    // The fake clock moves 1 ms a step: 15 s of quiet is 15,000 steps.
    let got = rig.watch_until(request.as_bytes(), ": keep-alive\n\n");
    assert!(got.contains("event: ipc"), "{got}");
}

fn decided(rig: &Rig) -> Vec<(String, String)> {
    rig.node.decided.borrow().clone()
}

fn pair(op: &str, resource: &str) -> (String, String) {
    (op.to_string(), resource.to_string())
}

#[test]
fn agents_are_started_from_an_image_and_stopped_by_id() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let json = "Content-Type: application/json\r\n";
    let post = |rig: &mut Rig, body: &str| {
        rig.send("POST", "/v1/agents", Some(&admin), json, body.as_bytes())
    };
    let started = post(&mut rig, r#"{"image":"hello"}"#);
    assert_eq!(status(&started), "201", "{started}");
    assert_eq!(body(&started), r#"{"id":3,"name":"hello"}"#);
    assert_eq!(status(&post(&mut rig, r#"{"image":"nothing"}"#)), "404");
    let refused = post(&mut rig, r#"{"image":"broken"}"#);
    assert_eq!(status(&refused), "409");
    assert!(body(&refused).contains("bad signature"), "{refused}");
    for bad in [
        "",
        "{}",
        r#"{"image":""}"#,
        r#"{"image":"hello","x":1}"#,
        "[1]",
    ] {
        let response = post(&mut rig, bad);
        assert_eq!(status(&response), "400", "{bad}: {response}");
    }
    // The policy decided on the image's name, not the path.
    assert_eq!(
        decided(&rig),
        [
            pair("api_agents_spawn", "hello"),
            pair("api_agents_spawn", "nothing"),
            pair("api_agents_spawn", "broken"),
        ]
    );

    let stopped = rig.send("DELETE", "/v1/agents/2", Some(&admin), "", b"");
    assert!(
        stopped.starts_with("HTTP/1.1 204 No Content\r\n"),
        "{stopped}"
    );
    assert!(!stopped.contains("Content-Length"), "a 204 has no length");
    assert_eq!(*rig.node.killed.borrow(), [2]);
    assert_eq!(decided(&rig).last(), Some(&pair("api_agents_kill", "2")));
    let ended = rig.send("DELETE", "/v1/agents/5", Some(&admin), "", b"");
    assert_eq!(status(&ended), "409");
    assert_eq!(
        status(&rig.send("DELETE", "/v1/agents/99", Some(&admin), "", b"")),
        "404"
    );
    for bad in ["x", "-1", "+2", "1%2F2"] {
        let path = format!("/v1/agents/{bad}");
        let response = rig.send("DELETE", &path, Some(&admin), "", b"");
        assert_eq!(status(&response), "400", "{bad}: {response}");
    }
    assert_eq!(*rig.node.killed.borrow(), [2]);

    let scraper = rig.scraper.clone();
    let no_scope = rig.send(
        "POST",
        "/v1/agents",
        Some(&scraper),
        json,
        br#"{"image":"hello"}"#,
    );
    assert_eq!(status(&no_scope), "403");
    assert!(body(&no_scope).contains("lacks scope agents:write"));
}

#[test]
fn store_objects_are_written_read_back_and_listed_with_keys_decoded() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let admin = Some(admin.as_str());
    let text = "Content-Type: text/plain; charset=utf-8\r\n";
    let path = "/v1/store/notes/hello%20w%C3%B6rld%2Fa+b";
    let created = rig.send("PUT", path, admin, text, b"first");
    assert_eq!(status(&created), "201", "{created}");
    assert_eq!(
        body(&created),
        r#"{"namespace":"notes","key":"hello wörld/a+b","size":5}"#
    );
    let replaced = rig.send("PUT", path, admin, text, b"second");
    assert_eq!(status(&replaced), "200", "{replaced}");
    rig.send("PUT", "/v1/store/notes/zz", admin, "", b"\x00\x01");

    let read = rig.get(path, admin);
    assert_eq!(status(&read), "200", "{read}");
    assert!(
        read.contains("Content-Type: text/plain; charset=utf-8\r\n"),
        "{read}"
    );
    assert!(read.contains("ETag: \"2\"\r\n"), "{read}");
    assert_eq!(body(&read), "second");
    let octets = rig.get("/v1/store/notes/zz", admin);
    assert!(octets.contains("Content-Type: application/octet-stream\r\n"));
    assert_eq!(status(&rig.get("/v1/store/notes/none", admin)), "404");

    let listed = rig.get("/v1/store/notes", admin);
    assert_eq!(status(&listed), "200", "{listed}");
    assert_eq!(
        body(&listed),
        "{\"objects\":[{\"key\":\"hello w\u{f6}rld/a+b\",\"size\":6,\
         \"content_type\":\"text/plain; charset=utf-8\",\"version\":2,\"modified_ns\":7},\
         {\"key\":\"zz\",\"size\":2,\"content_type\":\"application/octet-stream\",\
         \"version\":1,\"modified_ns\":7}],\"more\":false}"
    );
    let page = rig.get("/v1/store/notes?limit=1&prefix=hello+w", admin);
    assert!(body(&page).ends_with("],\"more\":false}"), "{page}");
    assert!(body(&page).contains("\"key\":\"hello w"), "{page}");
    let first = rig.get("/v1/store/notes?limit=1", admin);
    assert!(body(&first).ends_with("],\"more\":true}"), "{first}");
    let after = rig.get("/v1/store/notes?after=hello%20w%C3%B6rld%2Fa%2Bb", admin);
    assert!(
        body(&after).starts_with("{\"objects\":[{\"key\":\"zz\""),
        "{after}"
    );

    // What the policy saw: the namespace, decoded.
    assert!(
        decided(&rig)
            .iter()
            .all(|(op, ns)| op.starts_with("api_store_") && ns == "notes")
    );
    for (path, expected) in [
        ("/v1/store/notes/bad%zz", "400"),
        ("/v1/store/notes/bad%C3", "400"),
        ("/v1/store/notes?limit=0", "400"),
        ("/v1/store/notes?prefix=%", "400"),
        ("/v1/store/aios.audit", "403"),
        ("/v1/store/aios.audit/0", "403"),
        ("/v1/store/offline/k", "503"),
    ] {
        let response = rig.get(path, admin);
        assert_eq!(status(&response), expected, "{path}: {response}");
        assert!(body(&response).starts_with("{\"error\":"), "{response}");
    }
    let scraper = rig.scraper.clone();
    let no_scope = rig.send("PUT", "/v1/store/notes/k", Some(&scraper), "", b"x");
    assert!(
        body(&no_scope).contains("lacks scope store:write"),
        "{no_scope}"
    );
}

#[test]
fn a_stored_content_type_that_is_no_header_value_is_served_as_octets() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    rig.node.objects.borrow_mut().insert(
        ("notes".into(), "evil".into()),
        StoredObject {
            content_type: "text/html\r\nSet-Cookie: x=1".into(),
            version: 1,
            body: b"<p>".to_vec(),
        },
    );
    let read = rig.get("/v1/store/notes/evil", Some(&admin));
    assert!(
        read.contains("Content-Type: application/octet-stream\r\n"),
        "{read}"
    );
    assert!(!read.contains("Set-Cookie"), "{read}");
}

#[test]
fn the_audit_log_is_exported_in_pages_and_its_check_reported() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let page = rig.get("/v1/audit?from=3&limit=2", Some(&admin));
    assert_eq!(status(&page), "200", "{page}");
    let hash = |byte: u8| format!("{byte:02x}").repeat(32);
    assert_eq!(
        body(&page),
        format!(
            "{{\"first_seq\":0,\"next_seq\":10,\"public_key\":\"0102ff\",\"records\":[\
             {{\"seq\":3,\"time_ns\":3000,\"kind\":\"api\",\"agent\":0,\"detail\":\"record \\\"3\\\"\",\
             \"prev_hash\":\"{}\",\"hash\":\"{}\"}},\
             {{\"seq\":4,\"time_ns\":4000,\"kind\":\"api\",\"agent\":0,\"detail\":\"record \\\"4\\\"\",\
             \"prev_hash\":\"{}\",\"hash\":\"{}\"}}],\
             \"checkpoints\":[{{\"seq\":4,\"hash\":\"{}\",\"signature\":\"abcd\"}}]}}",
            hash(3),
            hash(4),
            hash(4),
            hash(5),
            hash(5)
        )
    );
    let all = rig.get("/v1/audit", Some(&admin));
    assert_eq!(body(&all).matches("\"seq\":").count(), 10 + 1, "{all}");
    for bad in ["limit=0", "limit=1001", "from=-1", "from=x"] {
        let response = rig.get(&format!("/v1/audit?{bad}"), Some(&admin));
        assert_eq!(status(&response), "400", "{bad}: {response}");
    }
    let check = rig.get("/v1/audit/verify", Some(&admin));
    assert_eq!(status(&check), "200");
    assert_eq!(
        body(&check),
        r#"{"ok":false,"records":10,"checked_from":0,"signed_through":4,"problem":"record 6's hash does not match its contents"}"#
    );
    assert_eq!(
        decided(&rig).last(),
        Some(&pair("api_audit_verify", "/v1/audit/verify"))
    );
    let scraper = rig.scraper.clone();
    assert!(body(&rig.get("/v1/audit", Some(&scraper))).contains("lacks scope audit:read"));
}

#[test]
fn memories_are_remembered_per_token_and_recalled_by_meaning() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let json = "Content-Type: application/json\r\n";
    let kept = rig.send(
        "POST",
        "/v1/memory",
        Some(&admin),
        json,
        br#"{"text":"the launch code is in the blue folder","tags":["ops","secret"]}"#,
    );
    assert_eq!(status(&kept), "201", "{kept}");
    assert_eq!(body(&kept), r#"{"key":"m1"}"#);
    let milk = rig.send(
        "POST",
        "/v1/memory",
        Some(&admin),
        json,
        br#"{"text":"buy milk"}"#,
    );
    assert_eq!(body(&milk), r#"{"key":"m2"}"#);
    let found = rig.get(
        "/v1/memory?q=where+is+the%20launch+code%3F&k=2",
        Some(&admin),
    );
    assert_eq!(status(&found), "200", "{found}");
    assert_eq!(
        body(&found),
        "[{\"key\":\"m1\",\"score\":0.875,\"text\":\"the launch code is in the blue folder\",\
         \"tags\":[\"ops\",\"secret\"]},\
         {\"key\":\"m2\",\"score\":-0.050,\"text\":\"buy milk\",\"tags\":[]}]"
    );
    let best = rig.get("/v1/memory?q=launch", Some(&admin));
    assert_eq!(
        body(&best).matches("\"key\"").count(),
        2,
        "k is 5 unless said"
    );
    let missing = rig.get("/v1/memory?q=no+model", Some(&admin));
    assert_eq!(status(&missing), "503");
    assert!(body(&missing).contains("embedding model"), "{missing}");
    for bad in ["", "?q=", "?q=%2", "?q=x&k=0", "?q=x&k=101"] {
        let response = rig.get(&format!("/v1/memory{bad}"), Some(&admin));
        assert_eq!(status(&response), "400", "{bad}: {response}");
    }
    for bad in [
        "",
        "{}",
        r#"{"text":" "}"#,
        r#"{"text":5}"#,
        r#"{"text":"a","tags":[1]}"#,
        r#"{"text":"a","lease":1}"#,
    ] {
        let response = rig.send("POST", "/v1/memory", Some(&admin), json, bad.as_bytes());
        assert_eq!(status(&response), "400", "{bad}: {response}");
    }
    assert_eq!(rig.node.memories.borrow().len(), 2);
    let scraper = rig.scraper.clone();
    let no_scope = rig.get("/v1/memory?q=x", Some(&scraper));
    assert!(body(&no_scope).contains("lacks scope memory:read"));
}

/// An image of `size` bytes that the fake node verifies as `name`.
fn image(name: &str, size: usize) -> Vec<u8> {
    let mut bytes = format!("IMAGE {name} ").into_bytes();
    bytes.resize(size.max(bytes.len()), b'x');
    bytes
}

/// The head of a request to deploy an image of `length` bytes.
fn deploy_head(token: Option<&str>, path: &str, length: usize) -> Vec<u8> {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let method = if path == "/v1/images" { "POST" } else { "PUT" };
    format!("{method} {path} HTTP/1.1\r\nHost: node\r\n{auth}Content-Length: {length}\r\n\r\n")
        .into_bytes()
}

#[test]
fn images_are_deployed_once_verified_and_listed() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let octets = "Content-Type: application/octet-stream\r\n";
    let deploy =
        |rig: &mut Rig, body: &[u8]| rig.send("POST", "/v1/images", Some(&admin), octets, body);
    let deployed = deploy(&mut rig, &image("greeter", 64));
    assert_eq!(status(&deployed), "201", "{deployed}");
    assert_eq!(
        body(&deployed),
        format!(
            r#"{{"name":"greeter","publisher":"{}","size":64,"stored":true}}"#,
            "ab".repeat(32)
        )
    );
    let tampered = deploy(&mut rig, b"garbage");
    assert_eq!(status(&tampered), "422", "{tampered}");
    assert!(body(&tampered).contains("bad magic"), "{tampered}");
    let bundled = deploy(&mut rig, &image("hello", 64));
    assert_eq!(status(&bundled), "409", "{bundled}");
    let empty = deploy(&mut rig, b"");
    assert_eq!(status(&empty), "400", "{empty}");
    assert!(body(&empty).contains(".aimg"), "{empty}");
    // The policy decided on verified names only: never on the path, nor
    // on bytes that did not verify.
    assert_eq!(
        decided(&rig),
        [
            pair("api_images_deploy", "greeter"),
            pair("api_images_deploy", "hello")
        ]
    );

    let listed = rig.get("/v1/images", Some(&admin));
    assert_eq!(status(&listed), "200", "{listed}");
    assert_eq!(
        body(&listed),
        r#"[{"name":"broken","source":"bundle","start_at_boot":false,"refused":"bad signature"},{"name":"hello","source":"bundle","start_at_boot":true},{"name":"greeter","source":"deployed","start_at_boot":false}]"#
    );
    assert_eq!(
        decided(&rig).last(),
        Some(&pair("api_images_list", "/v1/images"))
    );

    let scraper = rig.scraper.clone();
    let no_scope = rig.send("POST", "/v1/images", Some(&scraper), octets, b"IMAGE x");
    assert_eq!(status(&no_scope), "403");
    assert!(body(&no_scope).contains("lacks scope agents:write"));
    let no_scope = rig.get("/v1/images", Some(&scraper));
    assert!(body(&no_scope).contains("lacks scope agents:read"));
    assert_eq!(rig.node.deployed.borrow().len(), 1);
}

#[test]
fn a_body_past_a_mebibyte_is_read_only_for_an_image_and_a_token_that_may_send_it() {
    let mut rig = rig();
    let admin = rig.admin.clone();
    let large = image("large", 3 << 20);
    let deployed = rig.send("POST", "/v1/images", Some(&admin), "", &large);
    assert_eq!(status(&deployed), "201", "{deployed}");
    assert!(body(&deployed).contains(r#""size":3145728"#), "{deployed}");

    // Every other route keeps 1 MiB, and no route more than it says: 413
    // from the head alone.
    let store = rig.exchange(&deploy_head(Some(&admin), "/v1/store/a/b", 1 << 20 | 1));
    assert_eq!(status(&store), "413", "{store}");
    let huge = rig.exchange(&deploy_head(Some(&admin), "/v1/images", MAX_IMAGE + 1));
    assert_eq!(status(&huge), "413", "{huge}");
    // Without a token, or without the scope, the body is refused from
    // its head, before it is read, and the refusal audited.
    let anonymous = rig.exchange(&deploy_head(None, "/v1/images", 2 << 20));
    assert_eq!(status(&anonymous), "401", "{anonymous}");
    let scraper = rig.scraper.clone();
    let no_scope = rig.exchange(&deploy_head(Some(&scraper), "/v1/images", 2 << 20));
    assert_eq!(status(&no_scope), "403", "{no_scope}");
    assert!(body(&no_scope).contains("lacks scope agents:write"));
    let audit = rig.node.audit.borrow().clone();
    assert!(
        audit
            .iter()
            .any(|line| line.starts_with("refused POST /v1/images: no token")),
        "{audit:?}"
    );

    // One large body at a time: a second waits (503) while the first is
    // read; small requests go on.
    let first = rig.open(&deploy_head(Some(&admin), "/v1/images", 2 << 20));
    let second = rig.exchange(&deploy_head(Some(&admin), "/v1/images", 2 << 20));
    assert_eq!(status(&second), "503", "{second}");
    assert!(second.contains("Retry-After: 5\r\n"), "{second}");
    assert_eq!(status(&rig.get("/health", None)), "200");
    rig.client.close(first, rig.clock);
    for _ in 0..200 {
        rig.step();
    }
    let again = rig.send(
        "POST",
        "/v1/images",
        Some(&admin),
        "",
        &image("again", 2 << 20),
    );
    assert_eq!(status(&again), "201", "{again}");
}

#[test]
fn a_kept_connection_serves_one_request_after_another_until_it_idles_out() {
    let mut rig = rig();
    let scraper = rig.scraper.clone();
    let stream = rig.connect();
    let (first, closed) = rig.converse(stream, b"GET /health HTTP/1.1\r\nHost: n\r\n\r\n", 1);
    assert!(!closed, "{first}");
    assert_eq!(status(&first), "200", "{first}");
    assert!(
        first.contains("Connection: keep-alive\r\nKeep-Alive: timeout=15\r\n"),
        "{first}"
    );
    let metrics = format!("GET /metrics HTTP/1.1\r\nAuthorization: Bearer {scraper}\r\n\r\n");
    let (second, closed) = rig.converse(stream, metrics.as_bytes(), 1);
    assert!(!closed, "{second}");
    assert_eq!(status(&second), "200", "{second}");
    assert_eq!(rig.server.open_connections(), 1);
    assert_eq!(rig.server.active_connections(), 0, "idle between requests");
    assert_eq!(rig.server.served(), 2);
    // Idle past the timeout: the server closes it.
    for _ in 0..(IDLE_TIMEOUT_NS / MS + 100) {
        rig.step();
    }
    assert_eq!(rig.server.open_connections(), 0);
    let mut buf = [0u8; 64];
    assert!(
        matches!(rig.client.recv(stream, &mut buf, rig.clock), Ok(0) | Err(_)),
        "the client sees the close"
    );
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let mut rig = rig();
    let scraper = rig.scraper.clone();
    let stream = rig.connect();
    let both = format!(
        "GET /health HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\nAuthorization: Bearer {scraper}\r\n\r\n\
         GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n"
    );
    let (got, closed) = rig.converse(stream, both.as_bytes(), 3);
    assert!(closed, "the third asked to close: {got}");
    let statuses: Vec<&str> = got
        .split("HTTP/1.1 ")
        .skip(1)
        .map(|r| r.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(statuses, ["200", "200", "404"], "{got}");
    assert!(got.contains("\"status\":\"ok\""), "{got}");
    assert!(got.contains("# TYPE"), "{got}");
    assert!(got.ends_with("}"), "{got}");
    for _ in 0..200 {
        rig.step();
    }
    assert_eq!(rig.server.open_connections(), 0);
}

#[test]
fn connection_close_http_1_0_and_refusals_end_the_connection() {
    let mut rig = rig();
    for (request, wanted) in [
        (
            &b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"[..],
            "200",
        ),
        (b"GET /health HTTP/1.0\r\n\r\n", "200"),
        (b"GET /health HTTP/1.1\r\nContent-Length: x\r\n\r\n", "400"),
    ] {
        let stream = rig.connect();
        let (got, closed) = rig.converse(stream, request, 1);
        assert!(closed, "{got}");
        assert_eq!(status(&got), wanted, "{got}");
        assert!(got.contains("Connection: close\r\n"), "{got}");
        rig.client.close(stream, rig.clock);
    }
    // HTTP/1.0 may ask to keep it.
    let stream = rig.connect();
    let (got, closed) = rig.converse(
        stream,
        b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        1,
    );
    assert!(!closed && got.contains("Connection: keep-alive"), "{got}");
}
