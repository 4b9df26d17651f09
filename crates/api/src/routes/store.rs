//! `/v1/store/{namespace}[/{key}]`: objects of the node's store read,
//! written and listed whole, through the same store calls as the
//! `store_*` syscalls. The `aios.*` namespaces (the audit log, models,
//! memory) are the kernel's and refused by the node.

use super::{Call, Reply};
use crate::http::{MAX_BODY, Response};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// The largest object the API reads whole: a request body's limit, so
/// what can be written can be read back.
pub const MAX_OBJECT: usize = MAX_BODY;
/// Most objects one listing returns (as `store_list`).
pub const MAX_LIST: u64 = 256;
/// The media type of an object written without one, or stored with one
/// that cannot be a header value.
const OCTETS: &str = "application/octet-stream";

/// An object read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Its content type as stored (maybe empty).
    pub content_type: String,
    /// Its version (1 on creation, +1 per write).
    pub version: u64,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// An object to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Put<'a> {
    /// Its content type (the request's `Content-Type`, or octets).
    pub content_type: &'a str,
    /// Its bytes.
    pub body: &'a [u8],
}

/// Which objects a listing wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreQuery {
    /// Keys starting with this.
    pub prefix: String,
    /// Keys after this one (the last of the previous page).
    pub after: Option<String>,
    /// Most objects (1 to [`MAX_LIST`]).
    pub limit: u32,
}

/// One object of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRow {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its content type.
    pub content_type: String,
    /// Its version.
    pub version: u64,
    /// When it was last written (nanoseconds since the node's boot then).
    pub modified_ns: u64,
}

/// A page of a namespace's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreListing {
    /// The objects, in key order.
    pub objects: Vec<ObjectRow>,
    /// Whether more follow the last.
    pub more: bool,
}

/// `namespace` and `key` of the call (its path values, decoded).
fn names<'c>(call: &'c Call<'_>) -> (&'c str, &'c str) {
    (
        call.param("namespace").unwrap_or_default(),
        call.param("key").unwrap_or_default(),
    )
}

pub(super) fn get(call: &Call<'_>) -> Reply {
    let (namespace, key) = names(call);
    match call.node.store_get(call.token, namespace, key) {
        Ok(object) => {
            let mut response = Response {
                status: 200,
                content_type: Cow::Owned(String::from(header_safe(&object.content_type))),
                headers: Vec::new(),
                body: object.body,
            };
            response
                .headers
                .push(("ETag", format!("\"{}\"", object.version)));
            Reply::Now(response)
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

/// `content_type` if it can be sent as a header value (an agent may have
/// stored anything), else octets.
fn header_safe(content_type: &str) -> &str {
    let printable = content_type
        .bytes()
        .all(|b| b == b' ' || b.is_ascii_graphic());
    if content_type.trim().is_empty() || !printable {
        OCTETS
    } else {
        content_type
    }
}

pub(super) fn put(call: &Call<'_>) -> Reply {
    let (namespace, key) = names(call);
    let put = Put {
        content_type: call.request.header("content-type").unwrap_or(OCTETS),
        body: &call.request.body,
    };
    match call.node.store_put(call.token, namespace, key, put) {
        Ok(created) => {
            let mut body = String::from("{\"namespace\":");
            aios_json::write_string(&mut body, namespace);
            body.push_str(",\"key\":");
            aios_json::write_string(&mut body, key);
            let _ = write!(body, ",\"size\":{}}}", put.body.len());
            Reply::Now(Response::json(if created { 201 } else { 200 }, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

pub(super) fn list(call: &Call<'_>) -> Reply {
    let query = match store_query(call) {
        Ok(query) => query,
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    let (namespace, _) = names(call);
    match call.node.store_list(call.token, namespace, query) {
        Ok(listing) => {
            let mut body = String::from("{\"objects\":[");
            for (i, object) in listing.objects.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str("{\"key\":");
                aios_json::write_string(&mut body, &object.key);
                let _ = write!(body, ",\"size\":{},\"content_type\":", object.size);
                aios_json::write_string(&mut body, &object.content_type);
                let _ = write!(
                    body,
                    ",\"version\":{},\"modified_ns\":{}}}",
                    object.version, object.modified_ns
                );
            }
            let _ = write!(body, "],\"more\":{}}}", listing.more);
            Reply::Now(Response::json(200, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

/// `?prefix=&after=&limit=`.
fn store_query(call: &Call<'_>) -> Result<StoreQuery, String> {
    Ok(StoreQuery {
        prefix: call.query_text("prefix")?.unwrap_or_default(),
        after: call.query_text("after")?,
        limit: call.query_number("limit", 1..=MAX_LIST, MAX_LIST)? as u32,
    })
}
