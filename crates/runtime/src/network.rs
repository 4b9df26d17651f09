//! What the runtime keeps about agents' network endpoints: which agent
//! owns which endpoint of the network service (closed when the agent
//! ends), and how a `net-endpoint` capability's pattern covers a request.
//!
//! A manifest grants network access with `net-endpoint` capabilities whose
//! resource is a pattern:
//! - `connect:HOST:PORT`: TCP streams to, and UDP datagrams for, HOST
//!   (an address or a DNS name as the agent gives it; `*` alone matches
//!   any host, `*.example.org` any name under example.org) on PORT (a
//!   number, `LOW-HIGH`, or `*`);
//! - `listen:PORT`: TCP listeners on PORT;
//! - `udp:PORT`: UDP endpoints bound to PORT.
//!
//! An open endpoint is a capability too (`Resource::Socket`), so it is a
//! handle in the agent's table, listed and revoked like any other. A TLS
//! stream (`net_connect_tls`) is granted by the same `connect:` pattern;
//! the servers it trusts are the roots of the bundle's [`TRUST_STORE`].

use crate::Inner;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// The bundle entry holding the PEM certificates agents' TLS streams
/// trust as roots.
pub const TRUST_STORE: &str = "tls/trust.pem";

/// Endpoints an agent may have open at once unless its manifest says.
pub(crate) const DEFAULT_NET_ENDPOINTS: u32 = 16;

/// Which agent owns each open endpoint.
#[derive(Default)]
pub(crate) struct Owners {
    by_endpoint: BTreeMap<u64, u64>,
}

impl Owners {
    pub(crate) fn add(&mut self, endpoint: u64, agent: u64) {
        self.by_endpoint.insert(endpoint, agent);
    }

    pub(crate) fn remove(&mut self, endpoint: u64) -> Option<u64> {
        self.by_endpoint.remove(&endpoint)
    }

    pub(crate) fn count_of(&self, agent: u64) -> usize {
        self.by_endpoint.values().filter(|a| **a == agent).count()
    }

    fn take_all_of(&mut self, agent: u64) -> Vec<u64> {
        let mine: Vec<u64> = self
            .by_endpoint
            .iter()
            .filter(|(_, a)| **a == agent)
            .map(|(e, _)| *e)
            .collect();
        for endpoint in &mine {
            self.by_endpoint.remove(endpoint);
        }
        mine
    }
}

impl Inner {
    /// Closes every endpoint agent `agent` left open (it ended).
    pub(crate) fn close_endpoints_of(&self, agent: u64) {
        let Some(net) = self.net.get() else {
            return;
        };
        let endpoints = self.net_owners.lock().take_all_of(agent);
        let now = self.platform.now_ns();
        for endpoint in endpoints {
            net.close(aios_net::EndpointId(endpoint), now);
        }
    }
}

/// What an agent asks to open, for matching against its capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request<'a> {
    /// A stream to, or a datagram for, `host` port `port`.
    Connect { host: &'a str, port: u16 },
    /// A TCP listener on `port`.
    Listen { port: u16 },
    /// A UDP endpoint on `port`.
    Udp { port: u16 },
}

/// Whether the capability pattern `pattern` covers `request`.
pub(crate) fn covers(pattern: &str, request: Request<'_>) -> bool {
    let Some((verb, rest)) = pattern.split_once(':') else {
        return false;
    };
    match (verb, request) {
        ("connect", Request::Connect { host, port }) => match rest.rsplit_once(':') {
            Some((hosts, ports)) => host_matches(hosts, host) && port_matches(ports, port),
            None => false,
        },
        ("listen", Request::Listen { port }) | ("udp", Request::Udp { port }) => {
            port_matches(rest, port)
        }
        _ => false,
    }
}

fn host_matches(pattern: &str, host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("*.") {
        Some(domain) => {
            host.len() > domain.len() + 1
                && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain)
                && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
        }
        None => pattern.eq_ignore_ascii_case(host),
    }
}

fn port_matches(pattern: &str, port: u16) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.split_once('-') {
        Some((low, high)) => match (low.parse::<u16>(), high.parse::<u16>()) {
            (Ok(low), Ok(high)) => (low..=high).contains(&port),
            _ => false,
        },
        None => pattern.parse::<u16>() == Ok(port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_cover_what_they_name_and_nothing_else() {
        let connect = |host, port| Request::Connect { host, port };
        let cases = [
            ("connect:*:*", connect("10.0.2.2", 80), true),
            ("connect:10.0.2.2:80", connect("10.0.2.2", 80), true),
            ("connect:10.0.2.2:80", connect("10.0.2.2", 81), false),
            ("connect:10.0.2.2:80", connect("10.0.2.20", 80), false),
            (
                "connect:*.example.org:443",
                connect("api.example.org", 443),
                true,
            ),
            (
                "connect:*.example.org:443",
                connect("API.Example.ORG", 443),
                true,
            ),
            (
                "connect:*.example.org:443",
                connect("example.org", 443),
                false,
            ),
            (
                "connect:*.example.org:443",
                connect("badexample.org", 443),
                false,
            ),
            (
                "connect:*.example.org:443",
                connect("x.example.org.evil", 443),
                false,
            ),
            ("connect:fe80::1:22", connect("fe80::1", 22), true),
            ("connect:host:8000-8999", connect("host", 8080), true),
            ("connect:host:8000-8999", connect("host", 9000), false),
            ("connect:host:bad", connect("host", 1), false),
            ("connect:host", connect("host", 1), false),
            ("listen:7", Request::Listen { port: 7 }, true),
            ("listen:7", Request::Listen { port: 8 }, false),
            ("listen:*", Request::Udp { port: 7 }, false),
            ("udp:*", Request::Udp { port: 5353 }, true),
            ("listen:7", connect("h", 7), false),
            ("", Request::Listen { port: 7 }, false),
        ];
        for (pattern, request, expected) in cases {
            assert_eq!(covers(pattern, request), expected, "{pattern} {request:?}");
        }
    }
}
