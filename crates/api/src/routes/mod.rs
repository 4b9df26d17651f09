//! What the API answers: each route (a method and a path template), the
//! scope its token needs, the operation the node's policy decides, and
//! the handler. A handler answers now ([`Reply::Now`]), later, once the
//! node has the answer (an intent's reply, [`Reply::Later`]), or as a
//! stream of server-sent events (tokens of an answer, kernel events,
//! [`Reply::Stream`]); the server polls the node for the last two.
//!
//! | route | scope | operation |
//! | --- | --- | --- |
//! | `GET /health` | none | none |
//! | `GET /metrics` | `metrics` | `api_metrics` |
//! | `GET /v1/agents` | `agents:read` | `api_agents_list` |
//! | `POST /v1/agents` | `agents:write` | `api_agents_spawn` |
//! | `DELETE /v1/agents/{id}` | `agents:write` | `api_agents_kill` |
//! | `GET /v1/images` | `agents:read` | `api_images_list` |
//! | `POST /v1/images` | `agents:write` | `api_images_deploy` |
//! | `POST /v1/intents/{intent}` | `intents:send` | `api_intents_send` |
//! | `POST /v1/ask` | `ask` | `api_ask` |
//! | `GET /v1/events` | `events:read` | `api_events` |
//! | `GET /v1/store/{namespace}` | `store:read` | `api_store_list` |
//! | `GET /v1/store/{namespace}/{key}` | `store:read` | `api_store_get` |
//! | `PUT /v1/store/{namespace}/{key}` | `store:write` | `api_store_put` |
//! | `GET /v1/audit` | `audit:read` | `api_audit_export` |
//! | `GET /v1/audit/verify` | `audit:read` | `api_audit_verify` |
//! | `POST /v1/memory` | `memory:write` | `api_memory_remember` |
//! | `GET /v1/memory` | `memory:read` | `api_memory_recall` |
//!
//! Path values are percent-decoded before anything sees them (a value
//! that does not decode is 400), so the policy and the node see the
//! names a client meant. A body may be [`MAX_BODY`] bytes long, except
//! on a route that says more ([`max_body`]: an image's deploy).

mod agents;
mod ask;
mod audit;
mod events;
mod images;
mod intents;
mod memory;
mod node;
mod store;

use crate::http::{MAX_BODY, Method, Request, Response};
use crate::percent;
use crate::prometheus::Metrics;
use crate::tokens::{AuthError, Grant};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use agents::Spawned;
pub use ask::Question;
pub use audit::{AuditCheck, AuditPage, AuditRow, MAX_AUDIT_LIMIT, SignedCheckpoint};
pub use events::EventQuery;
pub use images::{Deployed, ImageRow, MAX_IMAGE};
pub(crate) use intents::replied;
pub use intents::{DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, Outgoing};
pub use memory::{MAX_RECALL, Memo, Recalled};
pub use store::{MAX_LIST, MAX_OBJECT, ObjectRow, Put, StoreListing, StoreQuery, StoredObject};

/// The node's health, for `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The kernel's version.
    pub version: &'static str,
    /// Time since boot.
    pub uptime_ns: u64,
    /// Agents alive.
    pub agents: usize,
}

/// One agent, for `GET /v1/agents`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    /// The agent's id.
    pub id: u64,
    /// Its image's name.
    pub name: String,
    /// Its state ("running", "waiting", "exited").
    pub state: String,
}

/// Why the node refused a request the token's scopes allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied;

/// A request the node could not take or finish, with the status it earns
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for the client.
    pub message: String,
}

impl Refused {
    /// A refusal with `status`.
    pub fn new(status: u16, message: impl Into<String>) -> Refused {
        Refused {
            status,
            message: message.into(),
        }
    }

    /// As a JSON error response.
    pub fn response(&self) -> Response {
        Response::error(self.status, &self.message)
    }
}

/// What the node has for a ticket (a reply awaited or a stream) now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Polled {
    /// Nothing yet.
    Waiting,
    /// The reply to a sent message: who answered, and its CBOR body.
    Reply {
        /// The agent that answered.
        from: u64,
        /// The intent it answered.
        intent: String,
        /// The reply's body (CBOR).
        body: Vec<u8>,
    },
    /// The next event of a stream: its name and its data (JSON).
    Event {
        /// The event's name (`token`, `done`, `ipc`, …).
        name: String,
        /// Its data, one JSON value.
        data: String,
    },
    /// The stream ended after its last event.
    Ended,
    /// The reply or the stream failed.
    Failed(Refused),
}

/// What the API serves from: the node. The kernel implements it over the
/// runtime; tests implement it over fixed data.
pub trait Node {
    /// The node's health.
    fn health(&self) -> Health;
    /// Writes every metric family.
    fn metrics(&self, out: &mut Metrics);
    /// Every agent, alive or ended and not yet forgotten.
    fn agents(&self) -> Vec<AgentRow>;
    /// The grant of the bearer token in a request's `Authorization`
    /// header, from the node's tokens (the bundle's and those minted at
    /// the console).
    fn authenticate(&self, authorization: Option<&str>) -> Result<Grant, AuthError>;
    /// Asks the node's policy whether token `token` may do `op` on
    /// `resource`, and audits the request (`what`).
    fn permit(
        &self,
        token: &str,
        op: &'static str,
        resource: &str,
        what: &str,
    ) -> Result<(), Denied>;
    /// Audits a request refused before the policy (no or a bad token, a
    /// missing scope).
    fn refused(&self, what: &str, why: &str);
    /// Sends `message` for token `token`: a ticket whose [`Polled::Reply`]
    /// (or [`Polled::Failed`]) [`Node::poll`] gives once it comes.
    fn send(&self, token: &str, message: Outgoing) -> Result<u64, Refused>;
    /// Asks the node's model `question` for token `token`: a ticket
    /// whose events are the answer's tokens, then `done`.
    fn ask(&self, token: &str, question: Question) -> Result<u64, Refused>;
    /// Watches the node's events that `query` selects: a ticket whose
    /// events are the node's, as they happen.
    fn watch(&self, token: &str, query: EventQuery) -> Result<u64, Refused>;
    /// What ticket `ticket` has now.
    fn poll(&self, ticket: u64, now_ns: u64) -> Polled;
    /// Gives up ticket `ticket` (its client went, or its time ran out):
    /// what it waited for is cancelled.
    fn release(&self, ticket: u64);
    /// Starts an agent from image `image` for token `token`.
    fn spawn(&self, token: &str, image: &str) -> Result<Spawned, Refused>;
    /// Stops agent `id` for token `token`.
    fn kill(&self, token: &str, id: u64) -> Result<(), Refused>;
    /// Every image the node has: the bundle's and those deployed.
    fn images(&self) -> Vec<ImageRow>;
    /// Deploys the signed agent image `image` for token `token`: the node
    /// verifies it first, then asks its policy whether the token may
    /// deploy the image's (now verified) name, auditing the request as
    /// `what`, then loads and keeps it.
    fn deploy(&self, token: &str, what: &str, image: &[u8]) -> Result<Deployed, Refused>;
    /// The object `key` of store namespace `namespace`, whole.
    fn store_get(&self, token: &str, namespace: &str, key: &str) -> Result<StoredObject, Refused>;
    /// Writes `put` as object `key` of `namespace`.
    fn store_put(
        &self,
        token: &str,
        namespace: &str,
        key: &str,
        put: Put<'_>,
    ) -> Result<bool, Refused>;
    /// The objects of `namespace` that `query` selects, in key order.
    fn store_list(
        &self,
        token: &str,
        namespace: &str,
        query: StoreQuery,
    ) -> Result<StoreListing, Refused>;
    /// At most `limit` audit records from sequence number `from` on, the
    /// checkpoints among them, and the node's key.
    fn audit_export(&self, from: u64, limit: usize) -> AuditPage;
    /// Verifies the audit chain the node keeps.
    fn audit_verify(&self) -> AuditCheck;
    /// Remembers `memo` in token `token`'s memory; returns its key.
    fn remember(&self, token: &str, memo: Memo) -> Result<String, Refused>;
    /// The `k` memories of token `token` closest in meaning to `query`,
    /// best first.
    fn recall(&self, token: &str, query: &str, k: usize) -> Result<Vec<Recalled>, Refused>;
}

/// A route's need: its scope and policy operation (none for `/health`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guarded {
    /// The scope a token must have.
    pub scope: &'static str,
    /// The operation the node's policy decides.
    pub op: &'static str,
}

/// What a handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A whole response, now.
    Now(Response),
    /// A reply the node will have: the server polls `ticket` until it
    /// comes or `deadline_ns` passes (504).
    Later {
        /// The node's ticket.
        ticket: u64,
        /// When the client stops waiting.
        deadline_ns: u64,
    },
    /// Server-sent events: the server polls `ticket` for each, until the
    /// stream ends or the client goes.
    Stream {
        /// The node's ticket.
        ticket: u64,
    },
}

/// One request a handler serves: the request, the values of its path's
/// `{…}` segments, the token's name, the node, and the time.
pub struct Call<'a> {
    /// The request.
    pub request: &'a Request,
    /// `(name, value)` of each `{name}` segment of the route's path,
    /// percent-decoded.
    pub params: Vec<(&'static str, String)>,
    /// The token's name (empty on an open route).
    pub token: &'a str,
    /// The node.
    pub node: &'a dyn Node,
    /// Now, in nanoseconds since boot.
    pub now_ns: u64,
}

impl Call<'_> {
    /// The value of path segment `{name}`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name`, percent-decoded (`+` is a
    /// space); `Err` says why it does not decode.
    pub fn query_text(&self, name: &str) -> Result<Option<String>, String> {
        self.query(name)
            .map(|raw| percent::query_value(raw).map_err(|e| format!("query {name}: {e}")))
            .transpose()
    }

    /// A number from query parameter `name` within `range`, `default` if
    /// absent; `Err` says what it must be.
    pub fn query_number(
        &self,
        name: &str,
        range: core::ops::RangeInclusive<u64>,
        default: u64,
    ) -> Result<u64, String> {
        match self.query(name) {
            None => Ok(default),
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| format!("{name} must be {} to {}", range.start(), range.end())),
        }
    }

    /// The raw value of query parameter `name` (not percent-decoded: for
    /// numbers and names).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.request
            .query
            .as_deref()?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

type Handler = fn(&Call<'_>) -> Reply;

/// The members of a JSON object body, or why the body is not one.
fn json_members(body: &[u8]) -> Result<Vec<(String, aios_json::Value)>, String> {
    let text = core::str::from_utf8(body).map_err(|_| String::from("the body is not UTF-8"))?;
    match aios_json::parse(text).map_err(|e| format!("the body is not JSON: {e}"))? {
        aios_json::Value::Object(members) => Ok(members),
        _ => Err(String::from("the body must be a JSON object")),
    }
}

/// What the policy decides on for a route's request.
#[derive(Debug, Clone, Copy)]
enum Names {
    /// The path's first `{…}` value (decoded), or else the path.
    Path,
    /// What the body names (the image to spawn); a body that names
    /// nothing is refused (400) before the policy is asked.
    Body(fn(&Request) -> Result<String, String>),
    /// What the body names once the node has verified it (a signed
    /// image's name): the node asks the policy itself, after the
    /// signature checks, so no unverified name reaches a decision.
    Verified,
}

/// One route: its method, its path template (`{name}` matches one
/// segment), what it needs, and its handler.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path; a `{name}` segment matches any one non-empty segment.
    pub path: &'static str,
    /// What a request needs; `None` for an open route.
    pub guard: Option<Guarded>,
    /// The longest body it takes (longer is 413 before it is read).
    pub max_body: usize,
    names: Names,
    handler: Handler,
}

const fn guarded(scope: &'static str, op: &'static str) -> Option<Guarded> {
    Some(Guarded { scope, op })
}

/// A route whose policy resource is its path's first value (or path).
const fn route(
    method: Method,
    path: &'static str,
    guard: Option<Guarded>,
    handler: Handler,
) -> Route {
    Route {
        method,
        path,
        guard,
        max_body: MAX_BODY,
        names: Names::Path,
        handler,
    }
}

/// Every route, as `docs/api/openapi.json` describes them.
pub const ROUTES: &[Route] = &[
    route(Method::Get, "/health", None, node::health),
    route(
        Method::Get,
        "/metrics",
        guarded("metrics", "api_metrics"),
        node::metrics,
    ),
    route(
        Method::Get,
        "/v1/agents",
        guarded("agents:read", "api_agents_list"),
        node::agents,
    ),
    Route {
        method: Method::Post,
        path: "/v1/agents",
        guard: guarded("agents:write", "api_agents_spawn"),
        max_body: MAX_BODY,
        names: Names::Body(agents::image_named),
        handler: agents::spawn,
    },
    route(
        Method::Delete,
        "/v1/agents/{id}",
        guarded("agents:write", "api_agents_kill"),
        agents::kill,
    ),
    route(
        Method::Get,
        "/v1/images",
        guarded("agents:read", "api_images_list"),
        images::list,
    ),
    Route {
        method: Method::Post,
        path: "/v1/images",
        guard: guarded("agents:write", "api_images_deploy"),
        max_body: MAX_IMAGE,
        names: Names::Verified,
        handler: images::deploy,
    },
    route(
        Method::Post,
        "/v1/intents/{intent}",
        guarded("intents:send", "api_intents_send"),
        intents::send,
    ),
    route(Method::Post, "/v1/ask", guarded("ask", "api_ask"), ask::ask),
    route(
        Method::Get,
        "/v1/events",
        guarded("events:read", "api_events"),
        events::watch,
    ),
    route(
        Method::Get,
        "/v1/store/{namespace}",
        guarded("store:read", "api_store_list"),
        store::list,
    ),
    route(
        Method::Get,
        "/v1/store/{namespace}/{key}",
        guarded("store:read", "api_store_get"),
        store::get,
    ),
    route(
        Method::Put,
        "/v1/store/{namespace}/{key}",
        guarded("store:write", "api_store_put"),
        store::put,
    ),
    route(
        Method::Get,
        "/v1/audit",
        guarded("audit:read", "api_audit_export"),
        audit::export,
    ),
    route(
        Method::Get,
        "/v1/audit/verify",
        guarded("audit:read", "api_audit_verify"),
        audit::verify,
    ),
    route(
        Method::Post,
        "/v1/memory",
        guarded("memory:write", "api_memory_remember"),
        memory::remember,
    ),
    route(
        Method::Get,
        "/v1/memory",
        guarded("memory:read", "api_memory_recall"),
        memory::recall,
    ),
];

/// The values of `template`'s `{name}` segments in `path`, if it matches.
fn matches<'p>(template: &'static str, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
    let mut params = Vec::new();
    let mut want = template.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(h)) => {
                if let Some(name) = w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                    if h.is_empty() {
                        return None;
                    }
                    params.push((name, h));
                } else if w != h {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The route `method` and the raw `path` reach, if any.
fn route_of(method: Method, path: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.method == method && matches(r.path, path).is_some())
}

/// The longest body a request of `method` to `path` may carry: its
/// route's limit, [`MAX_BODY`] where no route answers.
pub fn max_body(method: Method, path: &str) -> usize {
    route_of(method, path).map_or(MAX_BODY, |r| r.max_body)
}

/// Checks the token of a request whose head has arrived and whose body
/// is longer than [`MAX_BODY`] (only a route that allows more gets one),
/// before the server reads that body: a client without a token whose
/// scopes cover the route never makes the node hold more than
/// [`MAX_BODY`] of it. `Err` is the answer (401 or 403), audited as any
/// refusal before the policy.
pub fn admit(request: &Request, node: &dyn Node) -> Result<(), Response> {
    let Some(guard) = route_of(request.method, &request.path).and_then(|r| r.guard) else {
        return Ok(());
    };
    authorize(request, guard, node).map(drop)
}

/// The grant of a request's token if its scopes cover `guard`; else the
/// answer (401 or 403), the refusal audited.
fn authorize(request: &Request, guard: Guarded, node: &dyn Node) -> Result<Grant, Response> {
    let what = format!("{} {}", request.method.as_str(), request.path);
    let grant = match node.authenticate(request.header("authorization")) {
        Ok(grant) => grant,
        Err(why) => {
            node.refused(&what, &format!("{why}"));
            let mut response = Response::error(401, &format!("{why}"));
            response
                .headers
                .push(("WWW-Authenticate", String::from("Bearer realm=\"aios\"")));
            return Err(response);
        }
    };
    if !grant.allows(guard.scope) {
        let why = format!("token {} lacks scope {}", grant.name, guard.scope);
        node.refused(&what, &why);
        return Err(Response::error(403, &why));
    }
    Ok(grant)
}

/// Answers `request` at `now_ns`.
pub fn handle(request: &Request, node: &dyn Node, now_ns: u64) -> Reply {
    let what = format!("{} {}", request.method.as_str(), request.path);
    let found: Vec<(&Route, Vec<(&'static str, &str)>)> = ROUTES
        .iter()
        .filter_map(|r| matches(r.path, &request.path).map(|p| (r, p)))
        .collect();
    if found.is_empty() {
        return Reply::Now(Response::error(404, "no such route"));
    }
    let Some((route, params)) = found
        .iter()
        .find(|(r, _)| r.method == request.method)
        .cloned()
    else {
        let mut response = Response::error(405, "method not allowed here");
        let allow: Vec<&str> = found.iter().map(|(r, _)| r.method.as_str()).collect();
        response.headers.push(("Allow", allow.join(", ")));
        return Reply::Now(response);
    };
    let mut decoded = Vec::with_capacity(params.len());
    for (name, raw) in params {
        match percent::path_segment(raw) {
            Ok(value) => decoded.push((name, value)),
            Err(why) => {
                return Reply::Now(Response::error(400, &format!("path {{{name}}}: {why}")));
            }
        }
    }
    let mut token = String::new();
    if let Some(guard) = route.guard {
        let grant = match authorize(request, guard, node) {
            Ok(grant) => grant,
            Err(response) => return Reply::Now(response),
        };
        // The policy decides on what the request names: the path's
        // first `{…}` value (an intent, an agent, a namespace), what the
        // body names (an image to spawn), or else the path; the node
        // asks it itself about what it verifies (an image to deploy).
        let resource = match route.names {
            Names::Path => Some(
                decoded
                    .first()
                    .map_or_else(|| request.path.clone(), |(_, v)| v.clone()),
            ),
            Names::Body(named) => match named(request) {
                Ok(resource) => Some(resource),
                Err(why) => return Reply::Now(Response::error(400, &why)),
            },
            Names::Verified => None,
        };
        if let Some(resource) = resource
            && node
                .permit(&grant.name, guard.op, &resource, &what)
                .is_err()
        {
            return Reply::Now(Response::error(403, "denied by the node's policy"));
        }
        token = grant.name.clone();
    }
    (route.handler)(&Call {
        request,
        params: decoded,
        token: &token,
        node,
        now_ns,
    })
}
