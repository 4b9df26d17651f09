//! The host side of TLS in the tests: `tools/tls-peer` (rustls on
//! aws-lc-rs, so the node's TLS is checked by code that is not ours),
//! built on demand, and the development PKI it makes once: a CA the
//! bundle's trust store carries (`build::trust_store`), a server
//! certificate from it for the tests' HTTPS server, one from a stranger
//! CA for the server nobody should trust, the node's certificate for its
//! API, and the API's first token (`build::bundle` carries the last two).

use std::path::PathBuf;

use crate::build;
use crate::error::Error;
use crate::paths::Paths;
use crate::process;

/// The names the development server certificate carries: the address
/// tier 10 forwards to the host's HTTPS server, and a DNS name.
pub const SERVER_NAMES: [&str; 2] = ["10.0.2.101", "node.aios.test"];

/// The peer's binary and the PKI directory, both ready.
pub struct Peer {
    pub binary: PathBuf,
    pub pki: PathBuf,
}

/// Builds `tls-peer` and makes the PKI if there is none yet.
pub fn ensure(paths: &Paths) -> Result<Peer, Error> {
    println!("xtask: building tls-peer…");
    let mut cargo = process::cargo();
    cargo
        .current_dir(&paths.root)
        .args(["build", "-p", "aios-tls-peer", "--bin", "tls-peer"]);
    process::run(&mut cargo, "cargo build (tls-peer)")?;
    let binary = paths.target.join("debug").join("tls-peer");
    let pki = build::pki_dir(paths);
    let files = [
        "ca.pem",
        "server.pem",
        "server.key",
        "stranger.pem",
        "stranger.key",
        "node.pem",
        "node.key",
        "api-token",
        "api-tokens",
        // Newer than the rest: a PKI made before the node's cluster name
        // was added is made again.
        "node-names",
    ];
    if !files.iter().all(|file| pki.join(file).exists()) {
        let mut make = std::process::Command::new(&binary);
        make.arg("pki").arg(&pki).args(SERVER_NAMES);
        process::run(&mut make, "tls-peer pki")?;
    }
    Ok(Peer { binary, pki })
}
