//! What the API answers: each route, the scope its token needs, the
//! operation the node's policy decides, and the handler.
//!
//! | route | scope | operation |
//! | --- | --- | --- |
//! | `GET /health` | none | none |
//! | `GET /metrics` | `metrics` | `api_metrics` |
//! | `GET /v1/agents` | `agents:read` | `api_agents_list` |

use crate::http::{Method, Request, Response};
use crate::prometheus::Metrics;
use crate::tokens::{AuthError, Grant};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

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
}

/// A route's need: its scope and policy operation (none for `/health`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guarded {
    /// The scope a token must have.
    pub scope: &'static str,
    /// The operation the node's policy decides.
    pub op: &'static str,
}

/// One route: its path, the methods it answers, and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// The path, exactly.
    pub path: &'static str,
    /// The methods it answers (others get 405).
    pub methods: &'static [Method],
    /// What a request needs; `None` for an open route.
    pub guard: Option<Guarded>,
}

/// Every route, as `docs/api/openapi.json` describes them.
pub const ROUTES: &[Route] = &[
    Route {
        path: "/health",
        methods: &[Method::Get],
        guard: None,
    },
    Route {
        path: "/metrics",
        methods: &[Method::Get],
        guard: Some(Guarded {
            scope: "metrics",
            op: "api_metrics",
        }),
    },
    Route {
        path: "/v1/agents",
        methods: &[Method::Get],
        guard: Some(Guarded {
            scope: "agents:read",
            op: "api_agents_list",
        }),
    },
];

/// The route at `path`: the methods it allows and what it needs.
fn route(path: &str) -> Option<(&'static [Method], Option<Guarded>)> {
    ROUTES
        .iter()
        .find(|r| r.path == path)
        .map(|r| (r.methods, r.guard))
}

/// Answers `request`.
pub fn handle(request: &Request, node: &dyn Node) -> Response {
    let what = format!("{} {}", request.method.as_str(), request.path);
    let Some((methods, guard)) = route(&request.path) else {
        return Response::error(404, "no such route");
    };
    if !methods.contains(&request.method) {
        let mut response = Response::error(405, "method not allowed here");
        let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
        response.headers.push(("Allow", allow.join(", ")));
        return response;
    }
    if let Some(guard) = guard {
        let grant = match node.authenticate(request.header("authorization")) {
            Ok(grant) => grant,
            Err(why) => {
                node.refused(&what, &format!("{why}"));
                let mut response = Response::error(401, &format!("{why}"));
                response
                    .headers
                    .push(("WWW-Authenticate", String::from("Bearer realm=\"aios\"")));
                return response;
            }
        };
        if !grant.allows(guard.scope) {
            let why = format!("token {} lacks scope {}", grant.name, guard.scope);
            node.refused(&what, &why);
            return Response::error(403, &why);
        }
        if node
            .permit(&grant.name, guard.op, &request.path, &what)
            .is_err()
        {
            return Response::error(403, "denied by the node's policy");
        }
    }
    match request.path.as_str() {
        "/health" => health(node),
        "/metrics" => {
            let mut metrics = Metrics::default();
            node.metrics(&mut metrics);
            Response {
                status: 200,
                content_type: "text/plain; version=0.0.4; charset=utf-8",
                headers: Vec::new(),
                body: metrics.finish().into_bytes(),
            }
        }
        _ => agents(node),
    }
}

fn health(node: &dyn Node) -> Response {
    let health = node.health();
    let mut body = String::from("{\"status\":\"ok\",\"version\":");
    aios_json::write_string(&mut body, health.version);
    let _ = write!(
        body,
        ",\"uptime_seconds\":{},\"agents\":{}}}",
        health.uptime_ns / 1_000_000_000,
        health.agents
    );
    Response::json(200, body)
}

fn agents(node: &dyn Node) -> Response {
    let mut body = String::from("[");
    for (i, agent) in node.agents().iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(body, "{{\"id\":{},\"name\":", agent.id);
        aios_json::write_string(&mut body, &agent.name);
        body.push_str(",\"state\":");
        aios_json::write_string(&mut body, &agent.state);
        body.push('}');
    }
    body.push(']');
    Response::json(200, body)
}
