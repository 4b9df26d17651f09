//! The node's HTTPS API: requests parsed from untrusted bytes
//! ([`http`]) with their path and query values percent-decoded
//! ([`percent`]), bearer tokens bound to scopes ([`tokens`]), the routes and
//! what they need ([`routes`]), metrics in the Prometheus text format
//! ([`prometheus`]), and the [`Server`] over the network service's TLS
//! endpoints. The node itself is behind the [`Node`] trait: the kernel
//! implements it over the runtime, which decides every request with its
//! policy and audits it. See `docs/api.md`.
#![no_std]

extern crate alloc;

pub mod http;
pub mod percent;
pub mod prometheus;
pub mod routes;
mod server;
pub mod tokens;

pub use routes::{
    AgentRow, AuditCheck, AuditPage, AuditRow, Call, Denied, Deployed, EventQuery, Guarded, Health,
    ImageRow, MAX_AUDIT_LIMIT, MAX_IMAGE, MAX_LIST, MAX_OBJECT, MAX_RECALL, Memo, Node, ObjectRow,
    Outgoing, Polled, Put, Question, ROUTES, Recalled, Refused, Reply, Route, SignedCheckpoint,
    Spawned, StoreListing, StoreQuery, StoredObject,
};
pub use server::{
    IDLE_TIMEOUT_NS, KEEPALIVE_NS, MAX_CONNECTIONS, MAX_REQUESTS_PER_CONNECTION, MAX_UPLOADS,
    Progress, REQUEST_TIMEOUT_NS, STALL_TIMEOUT_NS, Server, UPLOAD_TIMEOUT_NS,
};
pub use tokens::{Grant, Tokens};
