//! `tls-peer`: what the networking tests need on the host side of TLS.
//!
//! - `tls-peer pki DIR NAME...` writes a development certificate
//!   authority (`ca.pem`), a server certificate for the NAMEs (DNS names
//!   or IP addresses) signed by it (`server.pem`, key `server.key`), and a
//!   second, unrelated authority's server certificate for the same names
//!   (`stranger.pem`, `stranger.key`): a server nobody should trust. It
//!   also makes the node's own certificate from the CA (`node.pem`,
//!   `node.key`, for the API as the host reaches it: 127.0.0.1,
//!   localhost, and 10.0.2.15 inside; and `node.aios`, the name cluster
//!   links check), the list of those names (`node-names`), and an API
//!   token with every scope: its secret in `api-token`, its line for the
//!   bundle's token file in `api-tokens`.
//! - `tls-peer serve CERT KEY RESPONSE LOG` is an HTTPS server for one
//!   connection on standard input and output (QEMU's `guestfwd=…-cmd:`
//!   starts one per connection): the TLS 1.3 handshake with rustls on
//!   aws-lc-rs (X25519MLKEM768 preferred), the request read to its blank
//!   line, the bytes of RESPONSE written back, then `close_notify`. It
//!   appends what was negotiated and the request line to LOG, or why the
//!   handshake failed.
//! - `tls-peer request CA HOST:PORT TOKEN GROUP CONNECTIONS COUNT METHOD
//!   PATH [BODY]` makes COUNT HTTPS requests one after the other, each on
//!   a new connection (CONNECTIONS `fresh`, with `Connection: close`) or
//!   all on one kept connection (`kept`), trusting only the
//!   certificate authority in CA, offering only GROUP (`hybrid`:
//!   X25519MLKEM768, or `x25519`), with `Authorization: Bearer` and the
//!   contents of the file TOKEN, and BODY as JSON if given. It prints one
//!   line per response: `status=… group=… body=…` (the body with its line
//!   breaks escaped). The `api` and `cluster` benchmarks drive the node
//!   with it, as an SDK on rustls would.
//! - `tls-peer relay HOST:PORT` joins standard input and output to a TCP
//!   connection to HOST:PORT, both ways, until either side ends (QEMU's
//!   `guestfwd=…-cmd:` runs one per connection: two nodes' links go
//!   through the host this way).

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("pki") if args.len() >= 3 => pki(Path::new(&args[1]), &args[2..]),
        Some("serve") if args.len() == 5 => serve(&args[1], &args[2], &args[3], &args[4]),
        Some("relay") if args.len() == 2 => relay(&args[1]),
        Some("request") if (9..=10).contains(&args.len()) => request(&args[1..]),
        _ => Err(
            "usage: tls-peer pki DIR NAME... | tls-peer serve CERT KEY RESPONSE LOG | \
             tls-peer relay HOST:PORT | \
             tls-peer request CA HOST:PORT TOKEN GROUP fresh|kept COUNT METHOD PATH [BODY]"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("tls-peer: {why}");
            ExitCode::FAILURE
        }
    }
}

/// An authority: its certificate in PEM and what signs with its key.
fn authority(name: &str) -> Result<(String, Issuer<'static, KeyPair>), String> {
    let key = KeyPair::generate().map_err(|e| format!("CA key: {e}"))?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let certificate = params
        .self_signed(&key)
        .map_err(|e| format!("CA certificate: {e}"))?;
    Ok((certificate.pem(), Issuer::new(params, key)))
}

/// A server certificate for `names` signed by `issuer`: (certificate PEM,
/// key PEM).
fn leaf(names: &[String], issuer: &Issuer<'_, KeyPair>) -> Result<(String, String), String> {
    let key = KeyPair::generate().map_err(|e| format!("server key: {e}"))?;
    let params = CertificateParams::new(names.to_vec()).map_err(|e| format!("names: {e}"))?;
    let certificate = params
        .signed_by(&key, issuer)
        .map_err(|e| format!("server certificate: {e}"))?;
    Ok((certificate.pem(), key.serialize_pem()))
}

fn pki(dir: &Path, names: &[String]) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (ca, issuer) = authority("AIOS development CA")?;
    let (server, server_key) = leaf(names, &issuer)?;
    let (_, stranger_issuer) = authority("A CA nobody trusts")?;
    let (stranger, stranger_key) = leaf(names, &stranger_issuer)?;
    let node_names = ["127.0.0.1", "localhost", "10.0.2.15", "node.aios"].map(String::from);
    let (node, node_key) = leaf(&node_names, &issuer)?;
    let mut secret = [0u8; 32];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut secret)
        .map_err(|_| "no random bytes for the API token".to_string())?;
    let mut tokens = aios_api::Tokens::default();
    let token = tokens
        .mint("admin", vec!["*".to_string()], secret)
        .map_err(|e| format!("API token: {e}"))?;
    let token_line = tokens.to_file();
    for (file, text) in [
        ("ca.pem", &ca),
        ("server.pem", &server),
        ("server.key", &server_key),
        ("stranger.pem", &stranger),
        ("stranger.key", &stranger_key),
        ("node.pem", &node),
        ("node.key", &node_key),
        ("api-token", &token),
        ("api-tokens", &token_line),
        ("node-names", &(node_names.join("\n") + "\n")),
    ] {
        let path = dir.join(file);
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Standard input and output as one byte stream.
struct Stdio;

impl Read for Stdio {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        io::stdin().read(buf)
    }
}

impl Write for Stdio {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stdout().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

fn serve(cert: &str, key: &str, response: &str, log: &str) -> Result<(), String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect())
        .map_err(|e| format!("{cert}: {e}"))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{key}: {e}"))?;
    let response = fs::read(response).map_err(|e| format!("{response}: {e}"))?;
    let config = rustls::ServerConfig::builder_with_protocol_versions(&[&rustls::version::TLS13])
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("server config: {e}"))?;
    let mut connection =
        rustls::ServerConnection::new(Arc::new(config)).map_err(|e| e.to_string())?;
    let mut stdio = Stdio;
    let outcome = answer(
        &mut rustls::Stream::new(&mut connection, &mut stdio),
        &response,
    );
    let line = match &outcome {
        Ok(request) => format!(
            "group={} suite={} request={request:?}\n",
            connection
                .negotiated_key_exchange_group()
                .map_or("none".to_string(), |g| format!("{:?}", g.name())),
            connection
                .negotiated_cipher_suite()
                .map_or("none".to_string(), |s| format!("{:?}", s.suite())),
        ),
        Err(why) => format!("failed: {why}\n"),
    };
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .map_err(|e| format!("{log}: {e}"))?;
    outcome.map(drop)
}

/// Reads the request to its blank line, writes `response` and closes with
/// `close_notify`; returns the request line.
fn answer(
    stream: &mut rustls::Stream<'_, rustls::ServerConnection, Stdio>,
    response: &[u8],
) -> Result<String, String> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        if read == 0 {
            return Err("the client left before its request ended".into());
        }
        request.extend_from_slice(&buf[..read]);
        if request.len() > 64 * 1024 {
            return Err("request headers too long".into());
        }
    }
    stream
        .write_all(response)
        .map_err(|e| format!("write: {e}"))?;
    stream.conn.send_close_notify();
    stream.flush().map_err(|e| format!("flush: {e}"))?;
    while stream.conn.wants_write() {
        stream
            .conn
            .write_tls(stream.sock)
            .map_err(|e| format!("close: {e}"))?;
    }
    stream.sock.flush().map_err(|e| format!("close: {e}"))?;
    let text = String::from_utf8_lossy(&request);
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Copies standard input to a connection to `address` and the
/// connection to standard output until either ends.
fn relay(address: &str) -> Result<(), String> {
    let stream =
        std::net::TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    let mut upstream = stream.try_clone().map_err(|e| e.to_string())?;
    let forward = std::thread::spawn(move || {
        let _ = io::copy(&mut io::stdin().lock(), &mut upstream);
        let _ = upstream.shutdown(std::net::Shutdown::Write);
    });
    let mut downstream = stream;
    let mut out = io::stdout().lock();
    let mut buf = vec![0u8; 64 * 1024];
    // Standard output is line-buffered: each piece is flushed as it comes.
    let copied = loop {
        match downstream.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = out.write_all(&buf[..n]).and_then(|()| out.flush()) {
                    break Err(e);
                }
            }
            Err(e) => break Err(e),
        }
    };
    // The connection ended: so does the relay (QEMU then closes the
    // guest's side), whatever standard input still holds.
    drop(forward);
    copied.map_err(|e| format!("relay {address}: {e}"))
}

/// `tls-peer request`: see the module's documentation.
fn request(args: &[String]) -> Result<(), String> {
    let [
        ca,
        address,
        token,
        group,
        connections,
        count,
        method,
        path,
        rest @ ..,
    ] = args
    else {
        return Err("request: wrong number of arguments".into());
    };
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(ca).map_err(|e| format!("{ca}: {e}"))? {
        roots
            .add(certificate.map_err(|e| format!("{ca}: {e}"))?)
            .map_err(|e| format!("{ca}: {e}"))?;
    }
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider.kx_groups = match group.as_str() {
        "hybrid" => vec![rustls::crypto::aws_lc_rs::kx_group::X25519MLKEM768],
        "x25519" => vec![rustls::crypto::aws_lc_rs::kx_group::X25519],
        other => return Err(format!("group {other:?}: expected hybrid or x25519")),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| format!("client config: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let config = Arc::new(config);
    let token = fs::read_to_string(token).map_err(|e| format!("{token}: {e}"))?;
    let count: usize = count
        .parse()
        .map_err(|_| format!("count {count:?} is not a number"))?;
    let (host, _) = address
        .rsplit_once(':')
        .ok_or_else(|| format!("{address:?}: expected HOST:PORT"))?;
    let server = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| format!("{host:?}: {e}"))?;
    let kept = match connections.as_str() {
        "fresh" => false,
        "kept" => true,
        other => return Err(format!("connections {other:?}: expected fresh or kept")),
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n",
        token.trim()
    );
    if !kept {
        head.push_str("Connection: close\r\n");
    }
    let body = rest.first().map(String::as_str).unwrap_or("");
    if !rest.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let message = [head.as_bytes(), body.as_bytes()].concat();
    let mut out = io::stdout().lock();
    if kept {
        return request_kept(&config, server, address, &message, count, &mut out);
    }
    for _ in 0..count {
        let mut socket = connect(address)?;
        let mut connection = rustls::ClientConnection::new(config.clone(), server.clone())
            .map_err(|e| format!("client: {e}"))?;
        let mut stream = rustls::Stream::new(&mut connection, &mut socket);
        stream
            .write_all(&message)
            .map_err(|e| format!("{address}: write: {e}"))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .map_err(|e| format!("{address}: read: {e}"))?;
        print_response(&mut out, &connection, &response)?;
    }
    Ok(())
}

/// `tls-peer request … kept`: every request on one connection, each
/// response read to its `Content-Length`.
fn request_kept(
    config: &Arc<rustls::ClientConfig>,
    server: rustls::pki_types::ServerName<'static>,
    address: &str,
    message: &[u8],
    count: usize,
    out: &mut impl Write,
) -> Result<(), String> {
    let mut socket = connect(address)?;
    let mut connection = rustls::ClientConnection::new(config.clone(), server)
        .map_err(|e| format!("client: {e}"))?;
    let mut pending = Vec::new();
    for _ in 0..count {
        let mut stream = rustls::Stream::new(&mut connection, &mut socket);
        stream
            .write_all(message)
            .map_err(|e| format!("{address}: write: {e}"))?;
        let response = read_response(&mut stream, &mut pending)
            .map_err(|e| format!("{address}: read: {e}"))?;
        print_response(out, &connection, &response)?;
    }
    connection.send_close_notify();
    let _ = rustls::Stream::new(&mut connection, &mut socket).flush();
    Ok(())
}

/// A TCP connection to `address` whose reads give up after two minutes:
/// a node that stops answering fails the run instead of hanging it.
fn connect(address: &str) -> Result<std::net::TcpStream, String> {
    let socket =
        std::net::TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .map_err(|e| format!("{address}: {e}"))?;
    Ok(socket)
}

/// One response: its head, then as many body bytes as its
/// `Content-Length` says; bytes past it stay in `pending`.
fn read_response(stream: &mut impl Read, pending: &mut Vec<u8>) -> Result<Vec<u8>, String> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(Ok(0), |l| l.trim().parse::<usize>())
                .map_err(|e| format!("Content-Length: {e}"))?;
            let total = end + 4 + length;
            if pending.len() >= total {
                let rest = pending.split_off(total);
                return Ok(std::mem::replace(pending, rest));
            }
        }
        match stream.read(&mut buf).map_err(|e| e.to_string())? {
            0 => return Err("the server closed the connection".into()),
            n => pending.extend_from_slice(&buf[..n]),
        }
    }
}

/// Prints `status=… group=… body=…` for one response.
fn print_response(
    out: &mut impl Write,
    connection: &rustls::ClientConnection,
    response: &[u8],
) -> Result<(), String> {
    let group = connection
        .negotiated_key_exchange_group()
        .map_or("none".to_string(), |g| format!("{:?}", g.name()));
    let text = String::from_utf8_lossy(response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("none");
    writeln!(
        out,
        "status={status} group={group} body={}",
        body.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
    )
    .and_then(|()| out.flush())
    .map_err(|e| format!("stdout: {e}"))
}
