//! The node itself: health, metrics, the agents.

use super::{Call, Reply};
use crate::http::Response;
use crate::prometheus::Metrics;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

pub(super) fn health(call: &Call<'_>) -> Reply {
    let health = call.node.health();
    let mut body = String::from("{\"status\":\"ok\",\"version\":");
    aios_json::write_string(&mut body, health.version);
    let _ = write!(
        body,
        ",\"uptime_seconds\":{},\"agents\":{}}}",
        health.uptime_ns / 1_000_000_000,
        health.agents
    );
    Reply::Now(Response::json(200, body))
}

pub(super) fn metrics(call: &Call<'_>) -> Reply {
    let mut metrics = Metrics::default();
    call.node.metrics(&mut metrics);
    Reply::Now(Response {
        status: 200,
        content_type: "text/plain; version=0.0.4; charset=utf-8".into(),
        headers: Vec::new(),
        body: metrics.finish().into_bytes(),
    })
}

pub(super) fn agents(call: &Call<'_>) -> Reply {
    let mut body = String::from("[");
    for (i, agent) in call.node.agents().iter().enumerate() {
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
    Reply::Now(Response::json(200, body))
}
