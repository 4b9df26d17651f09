//! `POST /v1/agents` starts an agent from one of the node's images, and
//! `DELETE /v1/agents/{id}` stops one: the same runtime calls as the
//! `agent_spawn` and `agent_kill` syscalls, decided by the policy on the
//! image's name or the agent's id.

use super::{Call, Reply};
use crate::http::{Request, Response};
use aios_json::Value;
use alloc::format;
use alloc::string::String;

/// An agent the API started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spawned {
    /// Its id.
    pub id: u64,
    /// Its image's name.
    pub name: String,
}

/// The image `{"image": NAME}` names: the spawn's policy resource.
pub(super) fn image_named(request: &Request) -> Result<String, String> {
    let members = super::json_members(&request.body)?;
    let mut image = None;
    for (key, member) in &members {
        match (key.as_str(), member) {
            ("image", Value::Text(name)) if !name.is_empty() => image = Some(name.clone()),
            ("image", _) => return Err(String::from("image must be a non-empty string")),
            _ => return Err(format!("unknown member {key:?}")),
        }
    }
    image.ok_or_else(|| String::from("the body must be {\"image\": NAME}"))
}

pub(super) fn spawn(call: &Call<'_>) -> Reply {
    let image = match image_named(call.request) {
        Ok(image) => image,
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    match call.node.spawn(call.token, &image) {
        Ok(spawned) => {
            let mut body = format!("{{\"id\":{},\"name\":", spawned.id);
            aios_json::write_string(&mut body, &spawned.name);
            body.push('}');
            Reply::Now(Response::json(201, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

pub(super) fn kill(call: &Call<'_>) -> Reply {
    let text = call.param("id").unwrap_or_default();
    let Some(id) = text.parse::<u64>().ok().filter(|_| !text.starts_with('+')) else {
        return Reply::Now(Response::error(
            400,
            &format!("{text:?} is not an agent id (a number)"),
        ));
    };
    match call.node.kill(call.token, id) {
        Ok(()) => Reply::Now(Response::empty(204)),
        Err(refused) => Reply::Now(refused.response()),
    }
}
