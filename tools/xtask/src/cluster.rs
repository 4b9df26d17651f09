//! A development cluster: the cluster key and each node's identity
//! (ML-DSA-65 seeds, and certificates the cluster key signs), made once in
//! `target/aios/cluster/` and kept; each node's bundle (the boot bundle
//! with `cluster/key.pub`, `cluster/node.cert` and `cluster/node.seed`
//! added); and the forwards that link two nodes through this machine's
//! loopback: each node's link port forwarded from `127.0.0.1:PORT`, and
//! [`PEER_ADDRESS`] inside each node relayed (`tls-peer relay`) to the
//! other's.

use std::fs;
use std::path::{Path, PathBuf};

use aios_cluster::Certificate;

use crate::error::Error;
use crate::paths::Paths;
use crate::tls_peer::Peer;

/// The port nodes accept links on (the kernel's `cluster::PORT`).
pub const LINK_PORT: u16 = 7100;
/// Where a node finds the other node: an address inside its own user
/// network that QEMU relays to the other node's forwarded link port.
pub const PEER_ADDRESS: &str = "10.0.2.200";
/// The two nodes of `--nodes 2` and the tests.
pub const NODES: [&str; 2] = ["node-a", "node-b"];

/// The cluster's directory.
pub fn dir(paths: &Paths) -> PathBuf {
    paths.aios.join("cluster")
}

/// A 32-byte seed kept at `path`, made from the OS's randomness if absent.
fn seed(path: &Path) -> Result<[u8; 32], Error> {
    match fs::read(path) {
        Ok(bytes) => bytes
            .try_into()
            .map_err(|_| Error::Image(format!("{}: not a 32-byte seed", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let seed = aios_bootsig::generate_signing_key();
            fs::write(path, seed).map_err(|e| Error::io(path, e))?;
            Ok(seed)
        }
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The bundle of node `name`: the boot bundle (`paths.bundle()`, built
/// first) with the cluster's public key and the node's certificate and
/// seed, written to `target/aios/cluster/NAME/bundle.bin`.
pub fn node_bundle(paths: &Paths, name: &str) -> Result<PathBuf, Error> {
    let dir = dir(paths);
    Paths::create_dir(&dir.join(name))?;
    let cluster = seed(&dir.join("cluster.seed"))?;
    let node = seed(&dir.join(name).join("node.seed"))?;
    let certificate = Certificate::issue(&cluster, name, &node)
        .map_err(|e| Error::Image(format!("certificate of {name}: {e}")))?;
    let base_path = paths.bundle();
    let base = fs::read(&base_path).map_err(|e| Error::io(&base_path, e))?;
    let bundle = aios_bundle::Bundle::parse(&base)
        .map_err(|e| Error::Image(format!("{}: {e}", base_path.display())))?;
    let mut builder = aios_bundle::BundleBuilder::new();
    let cluster_key = aios_cluster::identity::public_key(&cluster);
    let certificate = certificate.to_bytes();
    let added: [(&str, &[u8]); 3] = [
        ("cluster/key.pub", &cluster_key),
        ("cluster/node.cert", &certificate),
        ("cluster/node.seed", &node),
    ];
    for (entry, data) in bundle
        .iter()
        .map(|entry| (entry.name, entry.data))
        .chain(added)
    {
        builder
            .add(entry, data)
            .map_err(|e| Error::Image(format!("adding {entry} to {name}'s bundle: {e}")))?;
    }
    let path = dir.join(name).join("bundle.bin");
    fs::write(&path, builder.finish()).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// The command-line setting that makes a node dial the other.
pub fn peers_setting() -> String {
    format!("cluster.peers={PEER_ADDRESS}:{LINK_PORT}")
}

/// The user-network forwards of a node whose link port is forwarded from
/// `own` and whose peer's is forwarded from `other`.
pub fn link_forwards(peer: &Peer, own: u16, other: u16) -> Vec<String> {
    vec![
        format!("hostfwd=tcp:127.0.0.1:{own}-:{LINK_PORT}"),
        format!(
            "guestfwd=tcp:{PEER_ADDRESS}:{LINK_PORT}-cmd:{} relay 127.0.0.1:{other}",
            peer.binary.display()
        ),
    ]
}
