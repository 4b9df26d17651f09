//! `GET /v1/events`: the node's events (agents starting and ending,
//! messages, capabilities, policy decisions, devices, security) as
//! server-sent events, as they happen.

use super::{Call, Reply};
use crate::http::Response;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Which events a stream carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// Categories (`agent`, `ipc`, `capability`, `policy`, `device`,
    /// `security`); empty for all.
    pub categories: Vec<String>,
    /// Only events involving this agent.
    pub agent: Option<u64>,
}

pub(super) fn watch(call: &Call<'_>) -> Reply {
    // Decoded first, as the other text values are: `agent%2Cipc` (what
    // a client that encodes every query value sends) is two categories.
    let categories = match call.query_text("categories") {
        Ok(list) => list
            .map(|list| list.split(',').map(ToString::to_string).collect())
            .unwrap_or_default(),
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    let agent = match call.query("agent").map(str::parse::<u64>) {
        None => None,
        Some(Ok(agent)) => Some(agent),
        Some(Err(_)) => return Reply::Now(Response::error(400, "agent must be an agent's id")),
    };
    match call
        .node
        .watch(call.token, EventQuery { categories, agent })
    {
        Ok(ticket) => Reply::Stream { ticket },
        Err(refused) => Reply::Now(refused.response()),
    }
}
