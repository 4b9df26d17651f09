//! The server: a TLS listener on the network service and the connections
//! it accepted, each read until its request is whole, answered, and
//! closed (`close_notify`, then FIN). Polled by the kernel after the
//! network service, so it never blocks and never holds a lock across
//! calls into the node.

use crate::http::{Response, parse_request};
use crate::routes::{Node, handle};
use aios_net::{EndpointId, Net, NetError};
use aios_tls::ServerConfig;
use alloc::vec;
use alloc::vec::Vec;

/// Most connections served at once; later ones wait in the backlog.
pub const MAX_CONNECTIONS: usize = 16;
/// A request not whole by then is answered 408.
pub const REQUEST_TIMEOUT_NS: u64 = 10_000_000_000;
/// A response not taken by then is dropped.
pub const RESPONSE_TIMEOUT_NS: u64 = 30_000_000_000;

struct Connection {
    id: EndpointId,
    opened_ns: u64,
    inbox: Vec<u8>,
    /// The response, once there is one, and how much of it went.
    outbox: Option<(Vec<u8>, usize)>,
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
    /// Requests answered.
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

    /// Accepts, reads, answers and closes what it can now.
    pub fn poll(&mut self, net: &Net, node: &dyn Node, now_ns: u64) -> Progress {
        let mut progress = Progress::default();
        while self.connections.len() < MAX_CONNECTIONS {
            match net.accept(self.listener, now_ns) {
                Ok((id, _)) => {
                    self.connections.push(Connection {
                        id,
                        opened_ns: now_ns,
                        inbox: Vec::new(),
                        outbox: None,
                    });
                    progress.accepted += 1;
                }
                // A TLS session that could not start is closed already.
                Err(NetError::Tls(_)) => continue,
                Err(_) => break,
            }
        }
        let mut answered = 0;
        self.connections.retain_mut(|connection| {
            let keep = serve(connection, net, node, now_ns, &mut answered);
            if !keep {
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
) -> bool {
    if connection.outbox.is_none() {
        let mut buf = vec![0u8; 4096];
        loop {
            match net.recv(connection.id, &mut buf, now_ns) {
                Ok(0) => return false,
                Ok(n) => connection.inbox.extend_from_slice(&buf[..n]),
                Err(NetError::WouldBlock) => break,
                Err(_) => return false,
            }
            if connection.inbox.len() > crate::http::MAX_HEAD + crate::http::MAX_BODY {
                break;
            }
        }
        let response = match parse_request(&connection.inbox) {
            Ok(Some((request, _))) => Some(handle(&request, node)),
            Ok(None) if now_ns.saturating_sub(connection.opened_ns) > REQUEST_TIMEOUT_NS => {
                Some(Response::error(408, "the request did not arrive in time"))
            }
            Ok(None) => None,
            Err(error) => Some(Response::error(error.status(), &alloc::format!("{error}"))),
        };
        match response {
            Some(response) => {
                connection.inbox = Vec::new();
                connection.outbox = Some((response.to_bytes(), 0));
                *answered += 1;
            }
            None => return true,
        }
    }
    let Some((bytes, sent)) = &mut connection.outbox else {
        return true;
    };
    while *sent < bytes.len() {
        match net.send(connection.id, &bytes[*sent..], now_ns) {
            Ok(n) => *sent += n,
            Err(NetError::WouldBlock) => {
                return now_ns.saturating_sub(connection.opened_ns) <= RESPONSE_TIMEOUT_NS;
            }
            Err(_) => return false,
        }
    }
    false
}
