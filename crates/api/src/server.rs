//! The server: a TLS listener on the network service and the connections
//! it accepted, each read until its request is whole, answered (now, once
//! the node has the reply, or as a stream of server-sent events), and
//! then either read again for the client's next request (a kept
//! connection) or closed (`close_notify`, then FIN). Polled by the kernel after the
//! network service, so it never blocks and never holds a lock across
//! calls into the node.

use crate::http::{MAX_BODY, MAX_HEAD, Request, Response, parse_head, stream_head};
use crate::routes::{Node, Polled, Reply, admit, handle, max_body, replied};
use aios_net::{EndpointId, Net, NetError};
use aios_tls::ServerConfig;
use alloc::vec;
use alloc::vec::Vec;

/// Most connections served at once; later ones wait in the backlog.
pub const MAX_CONNECTIONS: usize = 16;
/// A request not whole this long after its first byte is answered 408.
pub const REQUEST_TIMEOUT_NS: u64 = 10_000_000_000;
/// A connection with no request started for this long is closed: a new
/// one whose client never sends, or a kept one between requests. Clients
/// are told (`Keep-Alive: timeout=15`), so they close first.
pub const IDLE_TIMEOUT_NS: u64 = 15_000_000_000;
/// Requests one connection serves before it is closed.
pub const MAX_REQUESTS_PER_CONNECTION: u32 = 1000;
/// A request whose body is longer than [`MAX_BODY`] (an image to deploy)
/// has this long instead.
pub const UPLOAD_TIMEOUT_NS: u64 = 60_000_000_000;
/// Connections reading a body longer than [`MAX_BODY`] at once: the
/// kernel heap holds at most one such body (and [`MAX_CONNECTIONS`] − 1
/// others of [`MAX_BODY`]); a second one is answered 503 until the first
/// is read.
pub const MAX_UPLOADS: usize = 1;
/// A connection whose client takes nothing for this long is dropped.
pub const STALL_TIMEOUT_NS: u64 = 30_000_000_000;
/// An event stream quiet this long gets a comment, so a client (and any
/// proxy) knows it is alive, and a client that went is noticed.
pub const KEEPALIVE_NS: u64 = 15_000_000_000;
/// Bytes of a stream waiting for the client before the server stops
/// taking more events from the node (they wait there instead).
const STREAM_BACKLOG: usize = 64 * 1024;

/// Where a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Reading its request.
    Reading,
    /// Waiting for the node's reply to ticket `ticket`.
    Waiting { ticket: u64, deadline_ns: u64 },
    /// Streaming ticket `ticket`'s events.
    Streaming { ticket: u64 },
    /// Sending what `out` holds, then reading the next request.
    Answered,
    /// Sending what `out` holds, then closing.
    Closing,
}

struct Connection {
    id: EndpointId,
    /// When it was accepted or last finished answering: idle since then
    /// while no request has started.
    idle_since_ns: u64,
    /// When the request being read sent its first byte.
    started_ns: Option<u64>,
    /// Whether the connection stays open after this request's answer.
    keep: bool,
    /// Requests it has been answered.
    requests: u32,
    inbox: Vec<u8>,
    /// The request's length (head and body), once its head has arrived:
    /// nothing past it is read.
    wanted: Option<usize>,
    /// Whether its body is longer than [`MAX_BODY`] (its token was
    /// admitted before the body was read).
    uploading: bool,
    stage: Stage,
    /// Bytes for the client, and how many of them went.
    out: Vec<u8>,
    sent: usize,
    /// When the client last took bytes (or the stream last spoke).
    progress_ns: u64,
}

impl Connection {
    /// The ticket it holds, if any.
    fn ticket(&self) -> Option<u64> {
        match self.stage {
            Stage::Waiting { ticket, .. } | Stage::Streaming { ticket } => Some(ticket),
            Stage::Reading | Stage::Answered | Stage::Closing => None,
        }
    }

    /// Sends `response`, giving up the ticket it held; then the next
    /// request, or the close.
    fn answer(&mut self, response: &Response, node: &dyn Node) {
        if let Some(ticket) = self.ticket() {
            node.release(ticket);
        }
        self.out.extend_from_slice(&response.write(self.keep));
        self.stage = if self.keep {
            Stage::Answered
        } else {
            Stage::Closing
        };
    }

    /// Between requests on a kept connection: nothing read, nothing to
    /// send, nothing awaited.
    fn idle(&self) -> bool {
        self.stage == Stage::Reading && self.inbox.is_empty() && self.out.is_empty()
    }
}

/// The API server.
pub struct Server {
    listener: EndpointId,
    connections: Vec<Connection>,
    served: u64,
}

/// What the server did in one poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Connections accepted.
    pub accepted: usize,
    /// Requests answered (a stream counts once it starts).
    pub answered: usize,
}

impl Server {
    /// Listens with TLS on `port`; the node checks each request's token.
    pub fn start(net: &Net, port: u16, config: &ServerConfig) -> Result<Server, NetError> {
        Ok(Server {
            listener: net.listen_tls(port, config)?,
            connections: Vec::new(),
            served: 0,
        })
    }

    /// Requests answered since the start.
    pub fn served(&self) -> u64 {
        self.served
    }

    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.connections.len()
    }

    /// Connections open now that are not idle between requests: reading
    /// one, waiting for the node, streaming or sending. (The kernel looks
    /// at the server often while there are any; an idle one needs a look
    /// only for its timeout, and a new request comes from the wire.)
    pub fn active_connections(&self) -> usize {
        self.connections.iter().filter(|c| !c.idle()).count()
    }

    /// Accepts, reads, answers and closes what it can now.
    pub fn poll(&mut self, net: &Net, node: &dyn Node, now_ns: u64) -> Progress {
        let mut progress = Progress::default();
        // Full: the longest-idle kept connection makes room for one that
        // may be waiting (its client reconnects if it wants more).
        if self.connections.len() >= MAX_CONNECTIONS
            && let Some(index) = self
                .connections
                .iter()
                .enumerate()
                .filter(|(_, c)| c.idle() && c.requests > 0)
                .min_by_key(|(_, c)| c.idle_since_ns)
                .map(|(index, _)| index)
        {
            let idle = self.connections.swap_remove(index);
            net.close(idle.id, now_ns);
        }
        while self.connections.len() < MAX_CONNECTIONS {
            match net.accept(self.listener, now_ns) {
                Ok((id, _)) => {
                    self.connections.push(Connection {
                        id,
                        idle_since_ns: now_ns,
                        started_ns: None,
                        keep: false,
                        requests: 0,
                        inbox: Vec::new(),
                        wanted: None,
                        uploading: false,
                        stage: Stage::Reading,
                        out: Vec::new(),
                        sent: 0,
                        progress_ns: now_ns,
                    });
                    progress.accepted += 1;
                }
                // A TLS session that could not start is closed already.
                Err(NetError::Tls(_)) => continue,
                Err(_) => break,
            }
        }
        let mut answered = 0;
        let mut uploads = self
            .connections
            .iter()
            .filter(|c| c.uploading && c.stage == Stage::Reading)
            .count();
        self.connections.retain_mut(|connection| {
            let keep = serve(connection, net, node, now_ns, &mut answered, &mut uploads);
            if !keep {
                if let Some(ticket) = connection.ticket() {
                    node.release(ticket);
                }
                net.close(connection.id, now_ns);
            }
            keep
        });
        self.served += answered as u64;
        progress.answered = answered;
        progress
    }
}

/// Moves one connection on; false once it is done with.
fn serve(
    connection: &mut Connection,
    net: &Net,
    node: &dyn Node,
    now_ns: u64,
    answered: &mut usize,
    uploads: &mut usize,
) -> bool {
    match connection.stage {
        Stage::Reading => {
            if !read(connection, net, now_ns) {
                return false;
            }
            let timeout = if connection.uploading {
                UPLOAD_TIMEOUT_NS
            } else {
                REQUEST_TIMEOUT_NS
            };
            connection.keep = false;
            let reply = match take_request(connection, node, uploads) {
                Ok(Some(request)) => {
                    connection.keep =
                        request.keep_alive && connection.requests + 1 < MAX_REQUESTS_PER_CONNECTION;
                    handle(&request, node, now_ns)
                }
                Ok(None) => match connection.started_ns {
                    None if now_ns.saturating_sub(connection.idle_since_ns) > IDLE_TIMEOUT_NS => {
                        return false;
                    }
                    Some(started) if now_ns.saturating_sub(started) > timeout => {
                        Reply::Now(Response::error(408, "the request did not arrive in time"))
                    }
                    _ => return true,
                },
                Err(response) => Reply::Now(response),
            };
            if connection.uploading {
                connection.uploading = false;
                *uploads = uploads.saturating_sub(1);
            }
            connection.wanted = None;
            connection.started_ns = None;
            connection.requests = connection.requests.saturating_add(1);
            connection.progress_ns = now_ns;
            *answered += 1;
            match reply {
                Reply::Now(response) => connection.answer(&response, node),
                Reply::Later {
                    ticket,
                    deadline_ns,
                } => {
                    connection.stage = Stage::Waiting {
                        ticket,
                        deadline_ns,
                    }
                }
                Reply::Stream { ticket } => {
                    // A stream ends with its connection.
                    connection.keep = false;
                    connection.out = stream_head("text/event-stream");
                    connection.stage = Stage::Streaming { ticket };
                }
            }
        }
        Stage::Waiting {
            ticket,
            deadline_ns,
        } => {
            // What a kept connection's client sends meanwhile is its next
            // request: kept (up to a request's worth), not dropped.
            if !read(connection, net, now_ns) {
                return false;
            }
            let response = match node.poll(ticket, now_ns) {
                Polled::Waiting if now_ns > deadline_ns => Response::error(
                    504,
                    "no reply in time (the message expires unread, or its reply is dropped)",
                ),
                Polled::Waiting => return true,
                Polled::Reply { from, intent, body } => replied(&intent, from, &body),
                Polled::Failed(refused) => refused.response(),
                Polled::Event { .. } | Polled::Ended => {
                    Response::error(500, "the node streamed where it should reply")
                }
            };
            connection.answer(&response, node);
        }
        Stage::Streaming { ticket } => {
            if client_gone(connection, net, now_ns) {
                return false;
            }
            while connection.out.len() - connection.sent < STREAM_BACKLOG {
                match node.poll(ticket, now_ns) {
                    Polled::Waiting => break,
                    Polled::Event { name, data } => {
                        frame(&mut connection.out, &name, &data);
                        connection.progress_ns = now_ns;
                    }
                    Polled::Ended => {
                        node.release(ticket);
                        connection.stage = Stage::Closing;
                        break;
                    }
                    Polled::Failed(refused) => {
                        let mut data = alloc::string::String::from("{\"error\":");
                        aios_json::write_string(&mut data, &refused.message);
                        data.push('}');
                        frame(&mut connection.out, "error", &data);
                        node.release(ticket);
                        connection.stage = Stage::Closing;
                        break;
                    }
                    Polled::Reply { .. } => {
                        frame(
                            &mut connection.out,
                            "error",
                            "{\"error\":\"the node replied where it should stream\"}",
                        );
                        node.release(ticket);
                        connection.stage = Stage::Closing;
                        break;
                    }
                }
            }
            if connection.stage != Stage::Closing
                && connection.out.len() == connection.sent
                && now_ns.saturating_sub(connection.progress_ns) > KEEPALIVE_NS
            {
                connection.out.extend_from_slice(b": keep-alive\n\n");
                connection.progress_ns = now_ns;
            }
        }
        Stage::Answered | Stage::Closing => {}
    }
    if !write(connection, net, now_ns) {
        return false;
    }
    if connection.stage == Stage::Answered && connection.out.is_empty() {
        // Answered whole: the next request, which may be here already.
        connection.stage = Stage::Reading;
        connection.idle_since_ns = now_ns;
        connection.started_ns = (!connection.inbox.is_empty()).then_some(now_ns);
    }
    // Done once a closing connection's last byte went.
    connection.stage != Stage::Closing || connection.sent < connection.out.len()
}

/// The connection's request once it is whole; `Err` is the answer to a
/// request refused before then (malformed, a body too long for its
/// route, a large body without a token that may send it, or while
/// another large body is read).
fn take_request(
    connection: &mut Connection,
    node: &dyn Node,
    uploads: &mut usize,
) -> Result<Option<Request>, Response> {
    let head = match parse_head(&connection.inbox, max_body) {
        Ok(Some(head)) => head,
        Ok(None) => return Ok(None),
        Err(error) => {
            return Err(Response::error(error.status(), &alloc::format!("{error}")));
        }
    };
    if connection.wanted.is_none() {
        if head.length > MAX_BODY {
            if *uploads >= MAX_UPLOADS {
                let mut busy = Response::error(
                    503,
                    "another large body is being received; send this one when it is done",
                );
                busy.headers
                    .push(("Retry-After", alloc::string::String::from("5")));
                return Err(busy);
            }
            admit(&head.request, node)?;
            connection.uploading = true;
            *uploads += 1;
        }
        connection.wanted = Some(head.total());
        // Room for exactly the request, not twice as much by doubling.
        let missing = head.total().saturating_sub(connection.inbox.len());
        connection.inbox.reserve_exact(missing);
    }
    if connection.inbox.len() < head.total() {
        return Ok(None);
    }
    // The body is taken from the buffer it arrived in, not copied.
    let mut body = core::mem::take(&mut connection.inbox);
    // Bytes past it are the client's next request.
    connection.inbox = body.split_off(head.total());
    body.drain(..head.body_start);
    let mut request = head.request;
    request.body = body;
    Ok(Some(request))
}

/// Reads what the request has sent, up to its length once its head has
/// arrived (until then, up to a head and [`MAX_BODY`], which every route
/// takes); false if the client went.
fn read(connection: &mut Connection, net: &Net, now_ns: u64) -> bool {
    let limit = connection.wanted.unwrap_or(MAX_HEAD + MAX_BODY);
    let mut buf = vec![0u8; 4096];
    while connection.inbox.len() < limit {
        let room = buf.len().min(limit - connection.inbox.len());
        match net.recv(connection.id, &mut buf[..room], now_ns) {
            Ok(0) => return false,
            Ok(n) => {
                if connection.stage == Stage::Reading && connection.started_ns.is_none() {
                    connection.started_ns = Some(now_ns);
                }
                connection.inbox.extend_from_slice(&buf[..n]);
            }
            Err(NetError::WouldBlock) => return true,
            Err(_) => return false,
        }
    }
    true
}

/// Whether the client of a streaming connection closed its side; what it
/// sends meanwhile is dropped (a stream ends its connection).
fn client_gone(connection: &Connection, net: &Net, now_ns: u64) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match net.recv(connection.id, &mut buf, now_ns) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(NetError::WouldBlock) => return false,
            Err(_) => return true,
        }
    }
}

/// Sends what it can of `out`; false if the client went or took nothing
/// for [`STALL_TIMEOUT_NS`].
fn write(connection: &mut Connection, net: &Net, now_ns: u64) -> bool {
    while connection.sent < connection.out.len() {
        match net.send(connection.id, &connection.out[connection.sent..], now_ns) {
            Ok(n) => {
                connection.sent += n;
                connection.progress_ns = now_ns;
            }
            Err(NetError::WouldBlock) => {
                return now_ns.saturating_sub(connection.progress_ns) <= STALL_TIMEOUT_NS;
            }
            Err(_) => return false,
        }
    }
    // All sent: forget it, so a long stream does not keep what it said.
    connection.out.clear();
    connection.sent = 0;
    true
}

/// Appends one server-sent event: its name, then each line of its data.
fn frame(out: &mut Vec<u8>, name: &str, data: &str) {
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
}
