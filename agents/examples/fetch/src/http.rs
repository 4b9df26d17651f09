//! HTTP/1.1 for one GET: the URL, the request, and the response parsed
//! from untrusted bytes (status line, headers, a body by Content-Length,
//! chunked, or to the end of the stream).

use core::fmt;

/// Most bytes of headers accepted.
pub const MAX_HEADERS: usize = 16 * 1024;

/// An `http://` or `https://` URL's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url<'a> {
    /// `https://`: the stream is TLS, the certificate must name `host`.
    pub secure: bool,
    /// Host name or address (IPv6 without its brackets).
    pub host: &'a str,
    /// Port (80, or 443 for https, unless given).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: &'a str,
}

/// Why a URL or a response was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// Not `http[s]://HOST[:PORT][/PATH]`.
    BadUrl(&'static str),
    /// The response is not HTTP/1.x or is cut short (what was wrong).
    BadResponse(&'static str),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::BadUrl(why) => write!(f, "bad URL: {why}"),
            HttpError::BadResponse(why) => write!(f, "bad HTTP response: {why}"),
        }
    }
}

/// Parses `http[s]://HOST[:PORT][/PATH]`.
pub fn parse_url(url: &str) -> Result<Url<'_>, HttpError> {
    let (secure, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => {
            return Err(HttpError::BadUrl("it must start with http:// or https://"));
        }
    };
    let default_port = if secure { 443 } else { 80 };
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if path.bytes().any(|b| b <= b' ' || b == 0x7F) {
        return Err(HttpError::BadUrl(
            "spaces or control characters in the path",
        ));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or(HttpError::BadUrl("unclosed ["))?;
        match after {
            "" => (host, default_port),
            _ => (
                host,
                port_of(
                    after
                        .strip_prefix(':')
                        .ok_or(HttpError::BadUrl("junk after ]"))?,
                )?,
            ),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, port_of(port)?),
            None => (authority, default_port),
        }
    };
    if host.is_empty() || host.contains('@') {
        return Err(HttpError::BadUrl(
            "no host (or user info, which is not supported)",
        ));
    }
    Ok(Url {
        secure,
        host,
        port,
        path,
    })
}

fn port_of(text: &str) -> Result<u16, HttpError> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or(HttpError::BadUrl("the port is not 1 to 65535"))
}

/// The request for `url`.
pub fn request(url: &Url<'_>) -> String {
    let host = if url.host.contains(':') {
        format!("[{}]", url.host)
    } else {
        url.host.to_string()
    };
    let host = if url.port == if url.secure { 443 } else { 80 } {
        host
    } else {
        format!("{host}:{}", url.port)
    };
    format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: aios-fetch/0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.path
    )
}

/// A response: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

/// Parses a whole response (the stream read to its end).
pub fn parse_response(bytes: &[u8]) -> Result<Response, HttpError> {
    let bad = HttpError::BadResponse;
    let end = find(bytes, b"\r\n\r\n").ok_or(bad("no end of headers"))?;
    if end > MAX_HEADERS {
        return Err(bad("headers too long"));
    }
    let head = core::str::from_utf8(&bytes[..end]).map_err(|_| bad("headers are not text"))?;
    let rest = &bytes[end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(bad("not HTTP/1.x"));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..=999).contains(s))
        .ok_or(bad("no status code"))?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or(bad("a header without a colon"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| bad("bad Content-Length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(length) = length {
        rest.get(..length)
            .ok_or(bad("body shorter than Content-Length"))?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response { status, body })
}

/// Joins the chunks of a chunked body.
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, HttpError> {
    let bad = HttpError::BadResponse;
    let mut body = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or(bad("chunk size line cut short"))?;
        let line =
            core::str::from_utf8(&rest[..line_end]).map_err(|_| bad("chunk size is not text"))?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad("bad chunk size"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or(bad("chunk cut short"))?;
        body.extend_from_slice(chunk);
        rest = rest
            .get(size..)
            .and_then(|r| r.strip_prefix(b"\r\n"))
            .ok_or(bad("chunk not ended by CRLF"))?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://10.0.2.100/hello.txt").unwrap(),
            Url {
                secure: false,
                host: "10.0.2.100",
                port: 80,
                path: "/hello.txt"
            }
        );
        assert_eq!(
            parse_url("http://example.org:8080").unwrap(),
            Url {
                secure: false,
                host: "example.org",
                port: 8080,
                path: "/"
            }
        );
        assert_eq!(
            parse_url("http://[fe80::1]:81/x?y=1").unwrap(),
            Url {
                secure: false,
                host: "fe80::1",
                port: 81,
                path: "/x?y=1"
            }
        );
        for bad in [
            "ftp://x/",
            "http://",
            "http://:80/",
            "http://h:0/",
            "http://h:99999/",
            "http://u@h/",
            "http://h/a b",
            "http://[::1/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_url("ftp://example.org/").unwrap_err().to_string(),
            "bad URL: it must start with http:// or https://"
        );
        let secure = parse_url("https://node.aios.test/page").unwrap();
        assert_eq!((secure.secure, secure.port), (true, 443));
        assert_eq!(parse_url("https://h:8443/").unwrap().port, 8443);
        assert!(request(&secure).contains("\r\nHost: node.aios.test\r\n"));
    }

    #[test]
    fn requests_name_the_host_and_close() {
        let url = parse_url("http://10.0.2.100:8000/a").unwrap();
        assert_eq!(
            request(&url),
            "GET /a HTTP/1.1\r\nHost: 10.0.2.100:8000\r\nUser-Agent: aios-fetch/0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn responses() {
        let plain = b"HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello, and more";
        assert_eq!(
            parse_response(plain).unwrap(),
            Response {
                status: 200,
                body: b"hello".to_vec()
            }
        );
        let to_end = b"HTTP/1.1 404 Not Found\r\n\r\nmissing";
        assert_eq!(parse_response(to_end).unwrap().status, 404);
        assert_eq!(parse_response(to_end).unwrap().body, b"missing");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap().body, b"hello, world");
        for (bytes, why) in [
            (&b"HTTP/1.1 200 OK\r\n"[..], "no end of headers"),
            (b"SSH-2.0\r\n\r\n", "not HTTP/1.x"),
            (b"HTTP/1.1 OK\r\n\r\n", "no status code"),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort",
                "body shorter than Content-Length",
            ),
            (
                b"HTTP/1.1 200 OK\r\nbroken\r\n\r\n",
                "a header without a colon",
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "bad chunk size",
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc",
                "chunk cut short",
            ),
        ] {
            assert_eq!(
                parse_response(bytes),
                Err(HttpError::BadResponse(why)),
                "{why}"
            );
        }
    }
}
