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
//! | `POST /v1/intents/{intent}` | `intents:send` | `api_intents_send` |
//! | `POST /v1/ask` | `ask` | `api_ask` |
//! | `GET /v1/events` | `events:read` | `api_events` |

mod ask;
mod events;
mod intents;
mod node;

use crate::http::{Method, Request, Response};
use crate::prometheus::Metrics;
use crate::tokens::Tokens;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use ask::Question;
pub use events::EventQuery;
pub(crate) use intents::replied;
pub use intents::{DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, Outgoing};

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
    /// `(name, value)` of each `{name}` segment of the route's path.
    pub params: Vec<(&'static str, &'a str)>,
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
            .map(|(_, v)| *v)
    }

    /// The value of query parameter `name` (not percent-decoded: the
    /// API's query values are numbers and names).
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
    handler: Handler,
}

const fn guarded(scope: &'static str, op: &'static str) -> Option<Guarded> {
    Some(Guarded { scope, op })
}

/// Every route, as `docs/api/openapi.json` describes them.
pub const ROUTES: &[Route] = &[
    Route {
        method: Method::Get,
        path: "/health",
        guard: None,
        handler: node::health,
    },
    Route {
        method: Method::Get,
        path: "/metrics",
        guard: guarded("metrics", "api_metrics"),
        handler: node::metrics,
    },
    Route {
        method: Method::Get,
        path: "/v1/agents",
        guard: guarded("agents:read", "api_agents_list"),
        handler: node::agents,
    },
    Route {
        method: Method::Post,
        path: "/v1/intents/{intent}",
        guard: guarded("intents:send", "api_intents_send"),
        handler: intents::send,
    },
    Route {
        method: Method::Post,
        path: "/v1/ask",
        guard: guarded("ask", "api_ask"),
        handler: ask::ask,
    },
    Route {
        method: Method::Get,
        path: "/v1/events",
        guard: guarded("events:read", "api_events"),
        handler: events::watch,
    },
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

/// Answers `request` at `now_ns`.
pub fn handle(request: &Request, tokens: &Tokens, node: &dyn Node, now_ns: u64) -> Reply {
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
    let mut token = String::new();
    if let Some(guard) = route.guard {
        let grant = match tokens.verify(request.header("authorization")) {
            Ok(grant) => grant,
            Err(why) => {
                node.refused(&what, &format!("{why}"));
                let mut response = Response::error(401, &format!("{why}"));
                response
                    .headers
                    .push(("WWW-Authenticate", String::from("Bearer realm=\"aios\"")));
                return Reply::Now(response);
            }
        };
        if !grant.allows(guard.scope) {
            let why = format!("token {} lacks scope {}", grant.name, guard.scope);
            node.refused(&what, &why);
            return Reply::Now(Response::error(403, &why));
        }
        // The policy decides on what the request names: the path's
        // first `{…}` value (an intent), or else the path.
        let resource = params.first().map_or(request.path.as_str(), |(_, v)| v);
        if node.permit(&grant.name, guard.op, resource, &what).is_err() {
            return Reply::Now(Response::error(403, "denied by the node's policy"));
        }
        token = grant.name.clone();
    }
    (route.handler)(&Call {
        request,
        params,
        token: &token,
        node,
        now_ns,
    })
}
