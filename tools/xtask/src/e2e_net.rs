//! Tier 10: networking end to end. The production kernel boots with a
//! NIC on QEMU's user network, restricted (`restrict=on`: nothing leaves
//! the emulator but the explicit forwards, both on this machine):
//! - DHCP gives the node 10.0.2.15 and SLAAC an fec0::/64 address; `net`
//!   shows them with the IPv6 default route (QEMU's DHCP names no router
//!   or DNS server under `restrict=on`); `ping` gets echo replies from
//!   the gateway and a clear timeout from an address nobody has;
//! - the `fetch` agent GETs a page over its own TCP stream from a server
//!   on the host (a guest forward of 10.0.2.100:80 to a shell script
//!   that reads the request's header, keeps it for the check, and only
//!   then writes a canned HTTP response), and an unreachable server gives
//!   a clear error;
//! - the same agent GETs the page over HTTPS from `tls-peer` (rustls on
//!   aws-lc-rs, not our TLS) behind 10.0.2.101:443: the hybrid group
//!   X25519MLKEM768 is negotiated, as both ends report; a server whose
//!   certificate comes from a CA the bundle does not trust
//!   (10.0.2.102:443) is refused as untrusted; the audit log names both;
//! - the node's API over HTTPS through a host forward on 127.0.0.1, as
//!   curl sees it with the development CA: `/health` without a token,
//!   `/metrics` refused without one and given with one (and accepted by
//!   `promtool check metrics`), `/v1/agents`, a message for `demo.echo`
//!   answered by the echo agent (and clear errors for an intent nobody
//!   serves, a body off its schema, bad JSON), `/v1/events` streaming the
//!   `ipc` event of a message sent meanwhile, and the audit records;
//!   then the agent, store, audit and memory routes ([`crate::e2e_api`]:
//!   the virtio run has a data disk, and no model), and a signed image
//!   deployed, run, and still there after a reboot on the same disk;
//! - the `tcp-echo` agent listens on port 7, reached from the host through
//!   a host forward on 127.0.0.1: 64 KiB come back intact;
//! - the audit log names who connected where, and who accepted whom.
//!
//! The whole scenario runs on virtio-net, then the addressing, `net` and
//! `ping` again on the e1000e.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use crate::disks::Controller;
use crate::e2e_agents::{found, send};
use crate::error::Error;
use crate::nics::Nic;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::{Session, Wait};
use crate::tls_peer::Peer;

const READY: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(60);
/// The page the host serves, behind the HTTP header.
const PAGE: &str = "hello from the host\nsecond line of the page\n";
/// Where the guest finds the host's page server.
const PAGE_URL: &str = "http://10.0.2.100/hello.txt";
/// The same page over HTTPS from a server the bundle trusts.
const SECURE_URL: &str = "https://10.0.2.101/hello.txt";
/// A server whose certificate comes from a CA nobody trusts.
const STRANGER_URL: &str = "https://10.0.2.102/hello.txt";
/// Bytes sent through the echo server.
const ECHO_BYTES: usize = 64 * 1024;
/// Size of the virtio run's data disk.
const DISK_BYTES: u64 = 64 << 20;

/// Runs the scenario on each NIC and records its checks.
pub fn run(paths: &Paths, peer: &Peer, checks: &mut Checks) -> Result<(), Error> {
    let dir = paths.aios.join("e2e-net");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let response = dir.join("hello.http");
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
        PAGE.len()
    );
    std::fs::write(&response, http).map_err(|e| Error::io(&response, e))?;
    let server = dir.join("serve.sh");
    std::fs::write(&server, PAGE_SERVER).map_err(|e| Error::io(&server, e))?;
    let request = dir.join("request.txt");
    let tls_log = dir.join("tls-peer.log");
    crate::e2e_api::sign_images(paths, &dir)?;
    let serve = |cert: &str, key: &str| {
        format!(
            "cmd:{} serve {} {} {} {}",
            peer.binary.display(),
            peer.pki.join(cert).display(),
            peer.pki.join(key).display(),
            response.display(),
            tls_log.display()
        )
    };
    for (index, card) in Nic::ALL.into_iter().enumerate() {
        let nic = card.name();
        println!("xtask: [{}/2] e2e networking on {nic} …", index + 1);
        let echo_port = free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e))?;
        let api_port = free_port().map_err(|e| Error::io(Path::new("127.0.0.1"), e))?;
        let mut machine = crate::e2e::production_pvh(paths);
        let forwards = [
            format!("hostfwd=tcp:127.0.0.1:{echo_port}-:7"),
            format!("hostfwd=tcp:127.0.0.1:{api_port}-:443"),
            format!(
                "guestfwd=tcp:10.0.2.100:80-cmd:/bin/sh {} {} {}",
                server.display(),
                request.display(),
                response.display()
            ),
            format!(
                "guestfwd=tcp:10.0.2.101:443-{}",
                serve("server.pem", "server.key")
            ),
            format!(
                "guestfwd=tcp:10.0.2.102:443-{}",
                serve("stranger.pem", "stranger.key")
            ),
        ];
        machine.extra.extend(card.qemu_args_with("net0", &forwards));
        if nic == "virtio" {
            // The API's store routes need a data disk.
            let disk = dir.join("data.img");
            crate::data_disk::format(&disk, DISK_BYTES)?;
            machine.extra.extend(Controller::Virtio.qemu_args(&disk));
        }
        let mut session = Session::spawn(&machine, false)?;
        let _ = std::fs::remove_file(&request);
        let _ = std::fs::remove_file(&tls_log);
        let outcome = scenario(&mut session, checks, nic, echo_port, &request)
            .and_then(|()| match nic {
                "virtio" => secure(&mut session, checks, &tls_log)
                    .and_then(|()| api(&mut session, checks, peer, api_port, &dir)),
                _ => Ok(()),
            })
            .and_then(|()| power_off(&mut session, checks, nic));
        let log = session.save_log(&paths.logs(), &format!("e2e-net-{nic}"))?;
        let rebooted = outcome.is_ok() && nic == "virtio";
        if let Err(why) = outcome {
            checks.record(
                &format!("networking scenario on {nic}"),
                Err(session.failure(&why, &log)),
            );
            session.kill();
        }
        if rebooted {
            reboot(paths, &machine, peer, api_port, checks)?;
        }
    }
    Ok(())
}

/// Boots `machine` again on the disk the first boot used and checks
/// that what was deployed through the API is still there.
fn reboot(
    paths: &Paths,
    machine: &crate::qemu::Machine,
    peer: &Peer,
    port: u16,
    checks: &mut Checks,
) -> Result<(), Error> {
    println!("xtask: [1/2] e2e networking on virtio, rebooted on the same disk …");
    let mut session = Session::spawn(machine, false)?;
    let outcome = found(
        session.wait_for(READY, crate::protocol::is_ready),
        "ready line",
    )
    .and_then(|_| {
        found(
            session.wait_for(READY, |l| {
                l.contains("supervisor: started console as agent")
            }),
            "console agent",
        )
    })
    .and_then(|_| {
        let token = admin_token(peer)?;
        crate::e2e_api::after_reboot(&mut session, checks, peer, port, &token)
    })
    .and_then(|()| power_off(&mut session, checks, "virtio (rebooted)"));
    let log = session.save_log(&paths.logs(), "e2e-net-virtio-reboot")?;
    if let Err(why) = outcome {
        checks.record(
            "the node rebooted on the same disk",
            Err(session.failure(&why, &log)),
        );
        session.kill();
    }
    Ok(())
}

/// The page server QEMU starts for each connection to 10.0.2.100:80, its
/// standard input and output being the connection: it keeps the request's
/// header (to the blank line) in `$1`, then writes the response in `$2`.
/// Answering only after the whole request has arrived matters: a server
/// that exits before the request reaches it makes QEMU reset the
/// connection, and a reset throws away the response the guest has not yet
/// read.
const PAGE_SERVER: &str = r#"cr=$(printf '\r')
: > "$1"
while IFS= read -r line; do
    printf '%s\n' "$line" >> "$1"
    if [ "$line" = "$cr" ] || [ -z "$line" ]; then break; fi
done
cat "$2"
"#;

/// A port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Types `command` and returns the first line `wanted` accepts.
fn expect(
    s: &mut Session,
    command: &str,
    what: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<String, String> {
    send(s, command)?;
    found(s.wait_for(STEP, wanted), what)
}

fn scenario(
    s: &mut Session,
    checks: &mut Checks,
    nic: &str,
    echo_port: u16,
    request: &Path,
) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line")?;
    let lease = s.wait_for(READY, |l| l.contains("net: dhcp lease "));
    checks.expect(
        &format!("{nic}: DHCP leases the node 10.0.2.15/24 from 10.0.2.2"),
        matches!(&lease, Wait::Found(l) if l.text.contains("lease 10.0.2.15/24 from 10.0.2.2")),
        || format!("{:?}", found(lease.clone(), "lease line")),
    );
    found(
        s.wait_for(READY, |l| {
            l.contains("supervisor: started console as agent")
        }),
        "console agent",
    )?;

    send(s, "net")?;
    let mut net_lines = Vec::new();
    // Under `restrict=on` QEMU's DHCP server names no router and no DNS
    // server; its router advertisements still give IPv6 a prefix and a
    // default route.
    for wanted in [
        "address: 10.0.2.15/24",
        "address: fec0::",
        "route: default via fe80::2",
        "counters: tx ",
    ] {
        net_lines.push(found(s.wait_for(STEP, |l| l.contains(wanted)), wanted));
    }
    checks.record(
        &format!(
            "{nic}: `net` shows the DHCP and SLAAC addresses, the IPv6 default route and the counters"
        ),
        net_lines
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map(drop),
    );

    let summary = expect(s, "ping 10.0.2.2 3", "ping summary", |l| {
        l.starts_with("ping 10.0.2.2: ")
    })?;
    checks.expect(
        &format!("{nic}: `ping 10.0.2.2 3` gets three echo replies"),
        summary.starts_with("ping 10.0.2.2: 3 sent, 3 received"),
        || summary.clone(),
    );
    let lost = expect(s, "ping 10.0.2.99 1", "ping summary", |l| {
        l.starts_with("ping 10.0.2.99: ")
    })?;
    checks.expect(
        &format!("{nic}: an address nobody has times out"),
        lost.starts_with("ping 10.0.2.99: 1 sent, 0 received"),
        || lost.clone(),
    );
    if nic != "virtio" {
        return Ok(());
    }

    expect(s, "spawn fetch", "fetch spawned", |l| {
        l.contains("spawned fetch as agent")
    })?;
    let status = expect(s, &format!("fetch {PAGE_URL}"), "fetch status", |l| {
        l.starts_with("HTTP ") || l.starts_with("fetch: ")
    })?;
    let first = found(
        s.wait_for(STEP, |l| l.starts_with("hello from")),
        "page text",
    );
    checks.expect(
        "the fetch agent GETs a page from the host over its own TCP stream",
        status == format!("HTTP 200, {} bytes", PAGE.len())
            && first.as_deref() == Ok("hello from the host"),
        || format!("{status} / {first:?}"),
    );
    let asked = std::fs::read_to_string(request).unwrap_or_default();
    checks.expect(
        "the server got a well-formed GET naming the path and the host",
        asked.starts_with("GET /hello.txt HTTP/1.1\r\n")
            && asked.contains("\nHost: 10.0.2.100\r\n"),
        || format!("{asked:?}"),
    );
    let refused = expect(s, "fetch http://10.0.2.2:9/", "fetch error", |l| {
        l.starts_with("fetch: ")
    })?;
    checks.expect(
        "a server nobody runs gives the fetch a clear error",
        refused.starts_with("fetch: connect 10.0.2.2:9: "),
        || refused.clone(),
    );

    expect(s, "spawn tcp-echo", "tcp-echo listening", |l| {
        l.contains("tcp-echo: listening on port 7")
    })?;
    let echoed = echo_through(echo_port);
    checks.record(
        "64 KiB sent to the tcp-echo agent from the host come back intact",
        echoed,
    );
    let closed = found(
        s.wait_for(STEP, |l| {
            l.contains("tcp-echo: ") && l.contains(" closed after ")
        }),
        "echo close",
    );
    checks.expect(
        "tcp-echo logs the connection's end and its byte count",
        closed
            .as_deref()
            .is_ok_and(|l| l.ends_with(&format!("closed after {ECHO_BYTES} bytes"))),
        || format!("{closed:?}"),
    );

    send(s, "audit tail 12")?;
    let connect = found(
        s.wait_for(STEP, |l| l.contains("connect 10.0.2.100:80 as endpoint")),
        "connect record",
    );
    let accept = found(
        s.wait_for(STEP, |l| l.contains("accept 10.0.2.2:")),
        "accept record",
    );
    checks.record(
        "the audit log names who connected where and who accepted whom",
        connect.and(accept).map(drop),
    );
    Ok(())
}

/// A GET from the node's API through curl: the status and the body.
fn curl(peer: &Peer, port: u16, path: &str, token: Option<&str>) -> Result<(u16, String), String> {
    curl_request(peer, port, path, token, None)
}

/// A request to the node's API through curl (a POST of `body`, JSON, if
/// given; what streams is read to the end): the status and the body.
pub(crate) fn curl_request(
    peer: &Peer,
    port: u16,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let method = if body.is_some() { "POST" } else { "GET" };
    let body = body.map(|body| ("application/json", body));
    curl_call(peer, port, method, path, token, body).map(|(status, _, body)| (status, body))
}

/// A `method` request to the node's API through curl, with `body` of its
/// content type if given: the status, the response's content type and
/// its body.
pub(crate) fn curl_call(
    peer: &Peer,
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &str)>,
) -> Result<(u16, String, String), String> {
    let curl = crate::setup::curl().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(curl);
    command
        .args([
            "--silent",
            "--show-error",
            "--no-buffer",
            "--max-time",
            "600",
            "--request",
            method,
        ])
        .arg("--cacert")
        .arg(peer.pki.join("ca.pem"))
        .args(["--write-out", "\n%{content_type}\n%{http_code}"])
        .arg(format!("https://127.0.0.1:{port}{path}"));
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    if let Some((content_type, body)) = body {
        command.args([
            "--header",
            &format!("Content-Type: {content_type}"),
            "--data-binary",
            body,
        ]);
    }
    let output = command.output().map_err(|e| format!("curl: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let (rest, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    let (body, content_type) = rest.rsplit_once('\n').unwrap_or(("", rest));
    let status = status
        .trim()
        .parse()
        .map_err(|_| format!("curl: {}", String::from_utf8_lossy(&output.stderr)))?;
    Ok((status, content_type.to_string(), body.to_string()))
}

/// The development PKI's admin token (every scope).
pub(crate) fn admin_token(peer: &Peer) -> Result<String, String> {
    let token = std::fs::read_to_string(peer.pki.join("api-token"))
        .map_err(|e| format!("api-token: {e}"))?;
    Ok(token.trim().to_string())
}

/// The node's API over HTTPS from the host, as curl and promtool see it.
fn api(
    s: &mut Session,
    checks: &mut Checks,
    peer: &Peer,
    port: u16,
    dir: &Path,
) -> Result<(), String> {
    let token = admin_token(peer)?;
    let token = token.as_str();
    let health = curl(peer, port, "/health", None)?;
    checks.expect(
        "curl --cacert gets the node's /health over HTTPS without a token",
        health.0 == 200 && health.1.starts_with("{\"status\":\"ok\""),
        || format!("{health:?}"),
    );
    let without = curl(peer, port, "/metrics", None)?;
    let forged = curl(
        peer,
        port,
        "/metrics",
        Some(&format!("aios_{}", "0".repeat(64))),
    )?;
    checks.expect(
        "/metrics without a token, or with one the node never made, is 401",
        without.0 == 401 && forged.0 == 401,
        || format!("{without:?} / {forged:?}"),
    );
    let metrics = curl(peer, port, "/metrics", Some(token))?;
    let file = dir.join("metrics.txt");
    std::fs::write(&file, &metrics.1).map_err(|e| e.to_string())?;
    let promtool = crate::setup::promtool().map_err(|e| e.to_string())?;
    let checked = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&file).map_err(|e| e.to_string())?)
        .output()
        .map_err(|e| format!("promtool: {e}"))?;
    checks.expect(
        "/metrics with the token passes `promtool check metrics`",
        metrics.0 == 200
            && metrics.1.contains("\naios_agents{state=\"")
            && checked.status.success(),
        || {
            format!(
                "{}; promtool: {}{}",
                metrics.0,
                String::from_utf8_lossy(&checked.stdout),
                String::from_utf8_lossy(&checked.stderr)
            )
        },
    );
    let agents = curl(peer, port, "/v1/agents", Some(token))?;
    checks.expect(
        "/v1/agents lists the console as running",
        agents.0 == 200 && agents.1.contains("\"name\":\"console\""),
        || format!("{agents:?}"),
    );
    expect(s, "spawn echo", "the echo agent", |l| {
        l.contains("spawned echo as agent")
    })?;
    intents(checks, peer, port, token)?;
    events(checks, peer, port, token)?;
    send(s, "audit tail 24")?;
    // In the log's order: the refusal came first.
    let refused = found(
        s.wait_for(STEP, |l| l.contains("refused GET /metrics: unknown token")),
        "refusal record",
    );
    let served = found(
        s.wait_for(STEP, |l| l.contains("token admin: GET /metrics")),
        "api record",
    );
    let sent = found(
        s.wait_for(STEP, |l| {
            l.contains("token admin: POST /v1/intents/demo.echo")
        }),
        "intent record",
    );
    checks.record(
        "the audit log records the API's answers and refusals",
        served.and(refused).and(sent).map(drop),
    );
    // After the tail above, which these requests' records would push out.
    crate::e2e_api::routes(checks, peer, port, token)?;
    crate::e2e_api::images(s, checks, peer, port, token, dir)?;
    minted_token(s, checks, peer, port)
}

/// A message for `demo.echo` sent through the API gets the echo agent's
/// reply; one for an intent nobody serves, or that breaks the intent's
/// schema, gets a clear error.
fn intents(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let post = |path: &str, body: &str| curl_request(peer, port, path, Some(token), Some(body));
    let echoed = post("/v1/intents/demo.echo", r#"{"text":"through the API"}"#)?;
    checks.expect(
        "an intent sent through the API gets its reply: demo.echo answers with the text",
        echoed.0 == 200
            && echoed.1.starts_with(r#"{"intent":"demo.echo","from":"#)
            && echoed
                .1
                .ends_with(r#","reply":{"text":"through the API"}}"#),
        || format!("{echoed:?}"),
    );
    let nobody = post("/v1/intents/demo.nothing", "{}")?;
    let mismatch = post("/v1/intents/demo.echo", r#"{"text":5}"#)?;
    let broken = post("/v1/intents/demo.echo", r#"{"text":"#)?;
    checks.expect(
        "an intent nobody serves is 404, a body off the schema 422, bad JSON 400",
        nobody.0 == 404 && mismatch.0 == 422 && broken.0 == 400,
        || format!("{nobody:?} / {mismatch:?} / {broken:?}"),
    );
    Ok(())
}

/// `/v1/events` streams the node's events as they happen: watched with
/// a time limit, the stream carries the `ipc` event of a message sent
/// through the API meanwhile.
fn events(checks: &mut Checks, peer: &Peer, port: u16, token: &str) -> Result<(), String> {
    let curl = crate::setup::curl().map_err(|e| e.to_string())?;
    let watcher = std::process::Command::new(curl)
        .args(["--silent", "--no-buffer", "--max-time", "20", "--cacert"])
        .arg(peer.pki.join("ca.pem"))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .arg(format!("https://127.0.0.1:{port}/v1/events?categories=ipc"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("curl: {e}"))?;
    // Give the watch time to start before the message it should see.
    std::thread::sleep(Duration::from_secs(5));
    let sent = curl_request(
        peer,
        port,
        "/v1/intents/demo.echo",
        Some(token),
        Some(r#"{"text":"watched"}"#),
    )?;
    let output = watcher
        .wait_with_output()
        .map_err(|e| format!("curl: {e}"))?;
    let stream = String::from_utf8_lossy(&output.stdout).to_string();
    checks.expect(
        "/v1/events streams the ipc event of a message sent meanwhile",
        sent.0 == 200
            && stream.contains("event: ipc\ndata: {\"seq\":")
            && stream.contains(r#""intent":"demo.echo","outcome":"delivered"}"#),
        || format!("{sent:?}; stream: {stream:?}"),
    );
    Ok(())
}

/// A token minted at the console works for its scope only, and stops
/// working the moment it is revoked there.
fn minted_token(
    s: &mut Session,
    checks: &mut Checks,
    peer: &Peer,
    port: u16,
) -> Result<(), String> {
    let minted = expect(s, "token new e2e metrics", "the new token's secret", |l| {
        l.starts_with("secret: ") || l.starts_with("error: ")
    })?;
    let secret = minted.strip_prefix("secret: ").unwrap_or("").trim();
    let metrics = curl(peer, port, "/metrics", Some(secret))?;
    let agents = curl(peer, port, "/v1/agents", Some(secret))?;
    checks.expect(
        "a token minted at the console (`token new e2e metrics`) gets /metrics, and 403 on /v1/agents",
        secret.starts_with("aios_") && metrics.0 == 200 && agents.0 == 403,
        || format!("{minted} / {} / {agents:?}", metrics.0),
    );
    let listed = expect(s, "token list", "the token table", |l| {
        l.starts_with("e2e ") || l.starts_with("error: ")
    })?;
    let revoked = expect(s, "token revoke e2e", "the revocation", |l| {
        l.starts_with("revoked token ") || l.starts_with("error: ")
    })?;
    let after = curl(peer, port, "/metrics", Some(secret))?;
    checks.expect(
        "`token list` shows it as minted; after `token revoke e2e` it gets 401 at once",
        listed.split_whitespace().collect::<Vec<_>>() == ["e2e", "minted", "metrics"]
            && revoked == "revoked token e2e"
            && after.0 == 401,
        || format!("{listed} / {revoked} / {after:?}"),
    );
    send(s, "audit tail 12")?;
    let made = found(
        s.wait_for(STEP, |l| l.contains("token e2e minted with scopes metrics")),
        "mint record",
    );
    let gone = found(
        s.wait_for(STEP, |l| l.contains("token e2e revoked")),
        "revocation record",
    );
    let secret_free = made
        .and_then(|made| gone.map(|gone| [made, gone]))
        .and_then(|lines| {
            match lines
                .iter()
                .find(|l| !secret.is_empty() && l.contains(secret))
            {
                Some(line) => Err(format!("the secret is in the audit log: {line}")),
                None => Ok(()),
            }
        });
    checks.record(
        "the audit log records the token's minting and revocation, without its secret",
        secret_free,
    );
    Ok(())
}

/// HTTPS: the page from the trusted server with the hybrid group, both
/// ends agreeing; the stranger refused as untrusted; the audit records.
fn secure(s: &mut Session, checks: &mut Checks, tls_log: &Path) -> Result<(), String> {
    let status = expect(s, &format!("fetch {SECURE_URL}"), "https status", |l| {
        l.starts_with("HTTP ") || l.starts_with("fetch: ")
    })?;
    let tls = found(s.wait_for(STEP, |l| l.starts_with("tls: ")), "tls line");
    let first = found(
        s.wait_for(STEP, |l| l.starts_with("hello from")),
        "page text",
    );
    checks.expect(
        "the fetch agent GETs the page over HTTPS from a server on the host",
        status == format!("HTTP 200, {} bytes", PAGE.len())
            && first.as_deref() == Ok("hello from the host"),
        || format!("{status} / {first:?}"),
    );
    let peer_says = std::fs::read_to_string(tls_log).unwrap_or_default();
    checks.expect(
        "both ends report X25519MLKEM768: the node, and rustls on aws-lc-rs serving it",
        tls.as_deref()
            .is_ok_and(|l| l.starts_with("tls: TLS 1.3, X25519MLKEM768, "))
            && peer_says.contains("group=X25519MLKEM768 ")
            && peer_says.contains("request=\"GET /hello.txt HTTP/1.1\""),
        || format!("node: {tls:?}; tls-peer: {peer_says:?}"),
    );
    let refused = expect(s, &format!("fetch {STRANGER_URL}"), "fetch error", |l| {
        l.starts_with("fetch: ") || l.starts_with("HTTP ")
    })?;
    checks.expect(
        "a server whose certificate no trusted CA issued is refused as untrusted",
        refused.starts_with("fetch: connect 10.0.2.102:443: TLS peer not trusted"),
        || refused.clone(),
    );
    send(s, "audit tail 8")?;
    let settled = found(
        s.wait_for(STEP, |l| l.contains("TLS 1.3, X25519MLKEM768, ")),
        "handshake record",
    );
    let untrusted = found(
        s.wait_for(STEP, |l| {
            l.contains("TLS: the peer's certificate is not trusted")
        }),
        "refusal record",
    );
    checks.record(
        "the audit log names the group a TLS stream settled and why one was refused",
        settled.and(untrusted).map(drop),
    );
    Ok(())
}

fn power_off(s: &mut Session, checks: &mut Checks, nic: &str) -> Result<(), String> {
    send(s, "poweroff")?;
    let status = s.wait_exit(STEP).map_err(|e| e.to_string())?;
    checks.expect(
        &format!("{nic}: the node powers off"),
        status.is_some(),
        || "QEMU still running".to_string(),
    );
    Ok(())
}

/// Sends [`ECHO_BYTES`] to the echo agent through the host forward and
/// reads them back.
fn echo_through(port: u16) -> Result<(), String> {
    let data: Vec<u8> = (0..ECHO_BYTES).map(|i| (i * 7 + i / 251) as u8).collect();
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(STEP))
        .map_err(|e| e.to_string())?;
    let writer = {
        let mut stream = stream.try_clone().map_err(|e| e.to_string())?;
        let data = data.clone();
        std::thread::spawn(move || {
            let sent = stream.write_all(&data);
            let _ = stream.shutdown(Shutdown::Write);
            sent
        })
    };
    let mut back = Vec::new();
    stream
        .read_to_end(&mut back)
        .map_err(|e| format!("read: {e} after {} bytes", back.len()))?;
    writer
        .join()
        .map_err(|_| "writer panicked".to_string())?
        .map_err(|e| format!("write: {e}"))?;
    if back == data {
        Ok(())
    } else {
        Err(format!(
            "{} bytes came back, {} sent, or they differ",
            back.len(),
            data.len()
        ))
    }
}
