//! `net` and `ping`: the node's network state, and echo probes with a
//! summary line, in the style of the classic tools.

use crate::{Error, Host, shell};
use aios_abi::payload::{NetInfo, PingReply};

/// How long one echo may take.
pub const PING_TIMEOUT_NS: u64 = 2_000_000_000;
/// Time between the starts of two echoes.
pub const PING_INTERVAL_NS: u64 = 500_000_000;
/// Echoes when no count is given.
pub const DEFAULT_COUNT: u32 = 3;
/// Most echoes one `ping` sends.
pub const MAX_COUNT: u32 = 100;

/// How long `fetch` waits for the fetch agent's answer.
pub const FETCH_TIMEOUT_NS: u64 = 20_000_000_000;
/// The intent the fetch agent serves.
pub const FETCH_INTENT: &str = "net.fetch";

/// `fetch URL`: asks the fetch agent (`net.fetch`) for the page; the
/// status line, then the text it returned, one line per line.
pub fn fetch(host: &mut impl Host, url: &str) -> Result<Vec<String>, Error> {
    let mut encoder = aios_sdk::minicbor::Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = encoder
        .map(1)
        .and_then(|e| e.str("url"))
        .and_then(|e| e.str(url));
    let body = encoder.into_writer();
    let reply = match host.request(FETCH_INTENT, body, FETCH_TIMEOUT_NS) {
        Err(Error::Syscall(aios_abi::Error::NoAgent | aios_abi::Error::NoSuchIntent)) => {
            return Ok(vec![
                "fetch: no agent serves net.fetch (spawn fetch first)".to_string(),
            ]);
        }
        other => other?,
    };
    let page = fetched(&reply.body).ok_or(Error::Syscall(aios_abi::Error::MalformedPayload))?;
    if page.status == 0 {
        return Ok(vec![format!("fetch: {}", page.text)]);
    }
    let mut out = vec![format!("HTTP {}, {} bytes", page.status, page.bytes)];
    out.extend(page.tls.map(|tls| format!("tls: {tls}")));
    out.extend(page.text.lines().map(str::to_string));
    Ok(out)
}

/// The fetch agent's answer `{ status, bytes, body, tls? }`.
struct Fetched {
    status: u64,
    bytes: u64,
    text: String,
    tls: Option<String>,
}

fn fetched(body: &[u8]) -> Option<Fetched> {
    let mut decoder = aios_sdk::minicbor::Decoder::new(body);
    let entries = decoder.map().ok()??;
    let (mut status, mut bytes, mut text, mut tls) = (None, None, None, None);
    for _ in 0..entries {
        match decoder.str().ok()? {
            "status" => status = decoder.u64().ok(),
            "bytes" => bytes = decoder.u64().ok(),
            "body" => text = decoder.str().ok().map(str::to_string),
            "tls" => tls = decoder.str().ok().map(str::to_string),
            _ => decoder.skip().ok()?,
        }
    }
    Some(Fetched {
        status: status?,
        bytes: bytes?,
        text: text?,
        tls,
    })
}

/// The `net` output, one string per line.
pub fn lines(info: &NetInfo) -> Vec<String> {
    let mut out = vec![format!(
        "interface: {}, mac {}, link {}",
        info.interface,
        info.mac,
        if info.link_up { "up" } else { "down" }
    )];
    out.push(match (&info.dhcp_server, info.addressing.as_str()) {
        (Some(server), _) => format!("addressing: dhcp, lease from {server}"),
        (None, "dhcp") => "addressing: dhcp, no lease yet".to_string(),
        (None, other) => format!("addressing: {other}"),
    });
    out.extend(info.addresses.iter().map(|a| format!("address: {a}")));
    if let Some(gateway) = &info.gateway_v4 {
        out.push(format!("route: default via {gateway}"));
    }
    if let Some(gateway) = &info.gateway_v6 {
        out.push(format!("route: default via {gateway}"));
    }
    if !info.dns.is_empty() {
        out.push(format!("dns: {}", info.dns.join(", ")));
    }
    out.push(format!(
        "counters: tx {} frames {} bytes, rx {} frames {} bytes, dropped {}, interrupts {}",
        info.tx_frames, info.tx_bytes, info.rx_frames, info.rx_bytes, info.dropped, info.interrupts
    ));
    out
}

/// `ping HOST [COUNT]`: sends COUNT echoes half a second apart, one line
/// per echo, then the summary. An error other than a lost echo (a bad
/// host, no network) ends it at once.
pub fn ping(host: &mut impl Host, target: &str, count: Option<&str>) -> Result<(), Error> {
    let count = match count {
        None => DEFAULT_COUNT,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_COUNT).contains(n))
            .ok_or_else(|| Error::BadCount(text.to_string()))?,
    };
    let mut times = Vec::new();
    for n in 0..count {
        let started = host.clock_ns();
        match host.ping(target, PING_TIMEOUT_NS) {
            Ok(reply) => {
                shell::say(host, [reply_line(&reply)]);
                times.push(reply.rtt_ns);
            }
            Err(Error::Syscall(aios_abi::Error::TimedOut)) => {
                shell::say(host, [format!("no reply from {target}: timed out")]);
            }
            Err(error) => return Err(error),
        }
        if n + 1 < count {
            let spent = host.clock_ns().saturating_sub(started);
            host.sleep_ns(PING_INTERVAL_NS.saturating_sub(spent));
        }
    }
    shell::say(host, [summary(target, count, &times)]);
    Ok(())
}

fn reply_line(reply: &PingReply) -> String {
    format!(
        "reply from {}: seq={} bytes={} time={}",
        reply.address,
        reply.seq,
        reply.bytes,
        Ms(reply.rtt_ns)
    )
}

fn summary(target: &str, sent: u32, times: &[u64]) -> String {
    let head = format!("ping {target}: {sent} sent, {} received", times.len());
    match (times.iter().min(), times.iter().max()) {
        (Some(min), Some(max)) => {
            let avg = times.iter().sum::<u64>() / times.len() as u64;
            format!("{head}, min/avg/max {}/{}/{}", Ms(*min), Ms(avg), Ms(*max))
        }
        _ => head,
    }
}

/// Nanoseconds shown as milliseconds with three decimals.
struct Ms(u64);

impl core::fmt::Display for Ms {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}.{:03} ms",
            self.0 / 1_000_000,
            (self.0 / 1_000) % 1000
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> NetInfo {
        NetInfo {
            interface: "virtio-net 00:03.0".to_string(),
            mac: "52:54:00:12:34:56".to_string(),
            link_up: true,
            addressing: "dhcp".to_string(),
            addresses: vec![
                "10.0.2.15/24".to_string(),
                "fe80::5054:ff:fe12:3456/64".to_string(),
            ],
            gateway_v4: Some("10.0.2.2".to_string()),
            gateway_v6: None,
            dns: vec!["10.0.2.3".to_string()],
            dhcp_server: Some("10.0.2.2".to_string()),
            tx_frames: 5,
            tx_bytes: 600,
            rx_frames: 4,
            rx_bytes: 700,
            dropped: 0,
            interrupts: 3,
        }
    }

    #[test]
    fn net_lines() {
        assert_eq!(
            lines(&info()),
            [
                "interface: virtio-net 00:03.0, mac 52:54:00:12:34:56, link up",
                "addressing: dhcp, lease from 10.0.2.2",
                "address: 10.0.2.15/24",
                "address: fe80::5054:ff:fe12:3456/64",
                "route: default via 10.0.2.2",
                "dns: 10.0.2.3",
                "counters: tx 5 frames 600 bytes, rx 4 frames 700 bytes, dropped 0, interrupts 3",
            ]
        );
        let waiting = NetInfo {
            dhcp_server: None,
            addresses: vec![],
            gateway_v4: None,
            dns: vec![],
            ..info()
        };
        assert_eq!(lines(&waiting)[1], "addressing: dhcp, no lease yet");
    }

    #[test]
    fn summaries() {
        assert_eq!(summary("h", 2, &[]), "ping h: 2 sent, 0 received");
        assert_eq!(
            summary("h", 3, &[1_000_000, 2_500_000]),
            "ping h: 3 sent, 2 received, min/avg/max 1.000 ms/1.750 ms/2.500 ms"
        );
    }
}
