//! `POST /v1/images` deploys a signed agent image and `GET /v1/images`
//! lists the node's images. The body of a deploy is the image's bytes
//! (a `.aimg` file, up to [`MAX_IMAGE`]); the node verifies its signature
//! before anything reads the name in it, and only then asks its policy
//! about that name, so an unverified name never reaches a decision.

use super::{Call, Reply};
use crate::http::Response;
use alloc::format;
use alloc::string::String;
use core::fmt::Write;

/// The largest image a deploy takes: the request body's limit on this
/// route alone (every other route keeps [`crate::http::MAX_BODY`]). The
/// largest agent built today, the console, is about 2.7 MiB.
pub const MAX_IMAGE: usize = 8 << 20;

/// An image the node deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    /// Its name, from its signed manifest.
    pub name: String,
    /// SHA3-256 of its publisher's key, in hex: which trusted key signed it.
    pub publisher: String,
    /// Its size in bytes.
    pub size: usize,
    /// Whether the node keeps it in its store across reboots (false when
    /// no store is mounted: it lasts until the next boot).
    pub stored: bool,
}

/// One of the node's images, for `GET /v1/images`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRow {
    /// Its name.
    pub name: String,
    /// Deployed at run time (through the API) rather than from the
    /// signed boot bundle.
    pub deployed: bool,
    /// Started at boot (by the supervisor).
    pub start_at_boot: bool,
    /// Why it was refused (its signature, module, or a conflict); none
    /// if agents can be started from it.
    pub refused: Option<String>,
}

pub(super) fn deploy(call: &Call<'_>) -> Reply {
    if call.request.body.is_empty() {
        return Reply::Now(Response::error(
            400,
            "the body must be a signed agent image (the bytes of a .aimg file)",
        ));
    }
    let what = format!("{} {}", call.request.method.as_str(), call.request.path);
    match call.node.deploy(call.token, &what, &call.request.body) {
        Ok(deployed) => {
            let mut body = String::from("{\"name\":");
            aios_json::write_string(&mut body, &deployed.name);
            body.push_str(",\"publisher\":");
            aios_json::write_string(&mut body, &deployed.publisher);
            let _ = write!(
                body,
                ",\"size\":{},\"stored\":{}}}",
                deployed.size, deployed.stored
            );
            Reply::Now(Response::json(201, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

pub(super) fn list(call: &Call<'_>) -> Reply {
    let mut body = String::from("[");
    for (i, image) in call.node.images().iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{\"name\":");
        aios_json::write_string(&mut body, &image.name);
        let source = if image.deployed { "deployed" } else { "bundle" };
        let _ = write!(
            body,
            ",\"source\":\"{source}\",\"start_at_boot\":{}",
            image.start_at_boot
        );
        if let Some(reason) = &image.refused {
            body.push_str(",\"refused\":");
            aios_json::write_string(&mut body, reason);
        }
        body.push('}');
    }
    body.push(']');
    Reply::Now(Response::json(200, body))
}
