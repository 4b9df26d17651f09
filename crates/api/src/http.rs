//! HTTP/1.1 requests parsed from untrusted bytes, and responses.
//!
//! Connections persist (RFC 9112 §9.3): an HTTP/1.1 request without
//! `Connection: close` (or an HTTP/1.0 one with `Connection: keep-alive`)
//! leaves its connection open for the next request, so a client that
//! keeps it pays for one TLS handshake, not one per call. Event streams
//! and refused requests close. Bodies come by `Content-Length` only; a chunked
//! request is refused with 411, as RFC 9112 allows. How long a body may
//! be is the route's to say (the parser asks `max_body`), so a length
//! past it is refused with 413 as soon as the head has arrived.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::fmt::Write;

/// Most bytes of a request line and headers.
pub const MAX_HEAD: usize = 16 * 1024;
/// Most bytes of a request body, on every route that does not allow
/// more (`routes::max_body`).
pub const MAX_BODY: usize = 1024 * 1024;
/// Most headers in a request.
pub const MAX_HEADERS: usize = 64;

/// A request's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
    /// HEAD.
    Head,
    /// OPTIONS.
    Options,
}

impl Method {
    fn parse(text: &str) -> Option<Method> {
        Some(match text {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "HEAD" => Method::Head,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    /// The method as it is written.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

/// A parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The path, percent-decoding left to the route.
    pub path: String,
    /// The query string after `?`, if any.
    pub query: Option<String>,
    /// Header names lowercased, values trimmed, in order.
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
    /// Whether the client would keep the connection for another request:
    /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with
    /// `Connection: keep-alive`.
    pub keep_alive: bool,
}

impl Request {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request was refused, with the status it earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpError {
    /// 400: not HTTP/1.x, or malformed.
    Malformed(&'static str),
    /// 405 would need a route; an unknown method is 501.
    UnknownMethod,
    /// 411: a body sent without `Content-Length`.
    LengthRequired,
    /// 413: a body longer than its route allows.
    BodyTooLarge,
    /// 431: a head longer than [`MAX_HEAD`] or with too many headers.
    HeadTooLarge,
}

impl HttpError {
    /// The status code to answer with.
    pub fn status(self) -> u16 {
        match self {
            HttpError::Malformed(_) => 400,
            HttpError::UnknownMethod => 501,
            HttpError::LengthRequired => 411,
            HttpError::BodyTooLarge => 413,
            HttpError::HeadTooLarge => 431,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Malformed(why) => write!(f, "malformed request: {why}"),
            HttpError::UnknownMethod => f.write_str("method not implemented"),
            HttpError::LengthRequired => f.write_str("a body needs Content-Length"),
            HttpError::BodyTooLarge => f.write_str("body too large"),
            HttpError::HeadTooLarge => f.write_str("request head too large"),
        }
    }
}

/// The head of a request: the request without its body, where its body
/// starts and how long it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The request, its body empty.
    pub request: Request,
    /// Where the body starts (after the blank line).
    pub body_start: usize,
    /// The body's length (`Content-Length`).
    pub length: usize,
}

impl Head {
    /// Bytes of the whole request: head and body.
    pub fn total(&self) -> usize {
        self.body_start + self.length
    }
}

/// Parses the request at the start of `bytes`: `Ok(None)` while it is
/// incomplete, else the request and how many bytes it took. A body may
/// be `max_body(method, path)` bytes long.
pub fn parse_request(
    bytes: &[u8],
    max_body: impl Fn(Method, &str) -> usize,
) -> Result<Option<(Request, usize)>, HttpError> {
    let Some(head) = parse_head(bytes, max_body)? else {
        return Ok(None);
    };
    let Some(body) = bytes.get(head.body_start..head.total()) else {
        return Ok(None);
    };
    let used = head.total();
    let mut request = head.request;
    request.body = body.to_vec();
    Ok(Some((request, used)))
}

/// Parses the head of the request at the start of `bytes`: `Ok(None)`
/// until the blank line after the headers has arrived. A
/// `Content-Length` past `max_body(method, path)` is refused here, before
/// any of the body need be read.
pub fn parse_head(
    bytes: &[u8],
    max_body: impl Fn(Method, &str) -> usize,
) -> Result<Option<Head>, HttpError> {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else {
        return if bytes.len() > MAX_HEAD {
            Err(HttpError::HeadTooLarge)
        } else {
            Ok(None)
        };
    };
    if head_end > MAX_HEAD {
        return Err(HttpError::HeadTooLarge);
    }
    let head = core::str::from_utf8(&bytes[..head_end])
        .map_err(|_| HttpError::Malformed("the head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HttpError::Malformed(
            "the request line is not METHOD TARGET VERSION",
        ));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(HttpError::Malformed("not HTTP/1.0 or HTTP/1.1"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HttpError::Malformed("bad method"));
    }
    let method = Method::parse(method).ok_or(HttpError::UnknownMethod)?;
    if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7F) {
        return Err(HttpError::Malformed("the target is not an absolute path"));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (target.to_string(), None),
    };
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() == MAX_HEADERS {
            return Err(HttpError::HeadTooLarge);
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(HttpError::Malformed("a header without a colon"))?;
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(HttpError::Malformed("a bad header name"));
        }
        let value = value.trim_matches([' ', '\t']);
        if value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7F) {
            return Err(HttpError::Malformed("control characters in a header value"));
        }
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    if headers.iter().any(|(h, _)| h == "transfer-encoding") {
        return Err(HttpError::LengthRequired);
    }
    let mut lengths = headers
        .iter()
        .filter(|(h, _)| h == "content-length")
        .map(|(_, v)| v.as_str());
    let length = match (lengths.next(), lengths.next()) {
        (None, _) => 0,
        (Some(text), None) => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 10 {
                return Err(HttpError::Malformed("a bad Content-Length"));
            }
            text.parse::<usize>()
                .map_err(|_| HttpError::Malformed("a bad Content-Length"))?
        }
        (Some(_), Some(_)) => return Err(HttpError::Malformed("two Content-Lengths")),
    };
    if length > max_body(method, &path) {
        return Err(HttpError::BodyTooLarge);
    }
    let connection = |token: &str| {
        headers
            .iter()
            .filter(|(h, _)| h == "connection")
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    let keep_alive = if version == "HTTP/1.1" {
        !connection("close")
    } else {
        connection("keep-alive")
    };
    Ok(Some(Head {
        request: Request {
            method,
            path,
            query,
            headers,
            body: Vec::new(),
            keep_alive,
        },
        body_start: head_end + 4,
        length,
    }))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A response, written whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body's media type.
    pub content_type: Cow<'static, str>,
    /// Headers besides Content-Type, Content-Length and Connection.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: Cow::Borrowed("application/json"),
            headers: Vec::new(),
            body: body.into_bytes(),
        }
    }

    /// A response without a body (204 No Content).
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            content_type: Cow::Borrowed(""),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON error: `{"error": "..."}`.
    pub fn error(status: u16, message: &str) -> Response {
        let mut body = String::from("{\"error\":");
        aios_json::write_string(&mut body, message);
        body.push('}');
        Response::json(status, body)
    }

    /// The response's bytes, `Connection: close`. A 204 has neither
    /// Content-Type nor Content-Length (RFC 9110 §8.6 forbids the latter).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.write(false)
    }

    /// The response's bytes: the connection kept for another request
    /// (`Connection: keep-alive`, with how long it may stay idle) or
    /// closed after it.
    pub fn write(&self, keep_alive: bool) -> Vec<u8> {
        let mut head = alloc::format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        if self.status != 204 {
            let _ = write!(
                head,
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                self.content_type,
                self.body.len()
            );
        }
        if keep_alive {
            let _ = write!(
                head,
                "Connection: keep-alive\r\nKeep-Alive: timeout={}\r\n",
                crate::server::IDLE_TIMEOUT_NS / 1_000_000_000
            );
        } else {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("Cache-Control: no-store\r\n");
        for (name, value) in &self.headers {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// The head of a response whose body is a stream of `content_type`
/// that ends when the connection closes (`Connection: close`, no length).
pub fn stream_head(content_type: &str) -> Vec<u8> {
    alloc::format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    )
    .into_bytes()
}

/// The reason phrase for the statuses the API uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        507 => "Insufficient Storage",
        _ => "Unknown",
    }
}
