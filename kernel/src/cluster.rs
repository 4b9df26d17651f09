//! The node's links to the other nodes of its cluster (`aios-cluster`;
//! `docs/cluster.md`). Each link is a TLS 1.3 stream that offers and
//! accepts X25519MLKEM768 only; on it each end says who it is (its
//! certificate from the cluster key and a fresh nonce) and proves it holds
//! its ML-DSA-65 key by signing the link's binding. Only then does the
//! runtime hear of the node (`Runtime::peer_up`), and frames carry
//! requests, replies and notices between the two nodes' agents. A link
//! silent for [`DEAD_NS`] is dropped; a node that went is dialled again
//! every [`REDIAL_NS`].
//!
//! The bundle carries the cluster's public key and this node's
//! certificate and key seed (`cluster/…`); the command line names the
//! nodes to dial (`cluster.peers=HOST:PORT,…`). Without them the node is
//! alone, and says so at boot.

use aios_cluster::{
    Certificate, Frame, Frames, Identity, NONCE_LEN, RemoteIntent, Role, binding, check_proof,
    encode,
};
use aios_net::{EndpointId, Net, NetError};
use aios_runtime::Runtime;
use aios_tls::{
    CertificateChain, ClientConfig, KeyExchange, Policy, PrivateKey, ServerConfig, TrustStore,
};
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use spin::Mutex;

/// The port links are accepted on.
pub const PORT: u16 = 7100;
/// The name a dialler checks the acceptor's TLS certificate against (the
/// node certificate's name for its cluster role; who the node is, the
/// ML-DSA proof says).
const SERVER_NAME: &str = "node.aios";
/// A ping goes out on a link quiet this long.
const PING_NS: u64 = 1_000_000_000;
/// A link that brought nothing for this long is dead.
pub const DEAD_NS: u64 = 3_000_000_000;
/// A node whose link went (or never came) is dialled again after this.
pub const REDIAL_NS: u64 = 1_000_000_000;
/// A dial or handshake not done by then is given up.
const HANDSHAKE_NS: u64 = 10_000_000_000;
/// Bytes waiting for a link before no more messages are taken for it
/// (they wait in the node's proxy mailbox, which pushes back on senders).
const BACKLOG: usize = 4 << 20;

/// Bundle entries.
const CLUSTER_KEY: &str = "cluster/key.pub";
const NODE_CERTIFICATE: &str = "cluster/node.cert";
const NODE_SEED: &str = "cluster/node.seed";
const NODE_CHAIN: &str = "tls/node.pem";
const NODE_KEY: &str = "tls/node.key";
const TRUST: &str = "tls/trust.pem";

/// Where a link is.
enum Stage {
    /// The TLS handshake is under way.
    Tls,
    /// Our hello went; waiting for the other's hello and proof.
    Hello {
        ours: [u8; NONCE_LEN],
        theirs: Option<(Certificate, Vec<u8>)>,
    },
    /// Verified: the runtime knows the node as `proxy`.
    Up {
        name: String,
        proxy: u64,
        advertised: Vec<RemoteIntent>,
    },
}

struct Link {
    endpoint: EndpointId,
    role: Role,
    /// The address it dialled (a dialler's).
    dialled: Option<usize>,
    stage: Stage,
    frames: Frames,
    out: Vec<u8>,
    opened_ns: u64,
    heard_ns: u64,
    pinged_ns: u64,
    nonce: u64,
}

/// A node this one dials.
struct Dial {
    host: String,
    port: u16,
    /// When it may be dialled again (while it has no link).
    next_ns: u64,
    /// The node it reached last time, if that node kept the link it
    /// dialled instead: no need to dial while that link is up.
    reached: Option<String>,
}

struct Cluster {
    identity: Identity,
    cluster_key: Vec<u8>,
    server_certificate: Vec<u8>,
    client: ClientConfig,
    listener: EndpointId,
    links: Vec<Link>,
    dials: Vec<Dial>,
}

static CLUSTER: Mutex<Option<Cluster>> = Mutex::new(None);

/// Joins the cluster if the bundle makes this node a member: listens for
/// links and notes whom to dial. Logs what it did or why not.
pub fn start(net: &Net, bundle: &[u8], cmdline: &crate::cmdline::Cmdline) {
    match cluster(net, bundle, cmdline) {
        Ok(Some(cluster)) => {
            crate::info!(
                "cluster: node {} on port {} (X25519MLKEM768 only), dialling {}",
                cluster.identity.name(),
                PORT,
                if cluster.dials.is_empty() {
                    String::from("nobody")
                } else {
                    cluster
                        .dials
                        .iter()
                        .map(|d| alloc::format!("{}:{}", d.host, d.port))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
            *CLUSTER.lock() = Some(cluster);
        }
        Ok(None) => {}
        Err(why) => crate::warn!("cluster: not joined: {}", why),
    }
}

fn cluster(
    net: &Net,
    bundle: &[u8],
    cmdline: &crate::cmdline::Cmdline,
) -> Result<Option<Cluster>, String> {
    let bundle = aios_bundle::Bundle::parse(bundle).map_err(|e| e.to_string())?;
    let (Some(key), Some(certificate), Some(seed)) = (
        bundle.get(CLUSTER_KEY),
        bundle.get(NODE_CERTIFICATE),
        bundle.get(NODE_SEED),
    ) else {
        return Ok(None);
    };
    let entry = |name: &str| {
        bundle
            .get(name)
            .ok_or_else(|| alloc::format!("the bundle has no {name}"))
    };
    let certificate = Certificate::from_bytes(certificate)
        .ok_or_else(|| alloc::format!("{NODE_CERTIFICATE}: not a certificate"))?;
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| alloc::format!("{NODE_SEED}: not 32 bytes"))?;
    let identity =
        Identity::new(&seed, certificate, key).map_err(|e| alloc::format!("identity: {e}"))?;
    let policy = Policy {
        key_exchange: KeyExchange::HybridOnly,
        ..Policy::default()
    };
    let chain = CertificateChain::from_pem(entry(NODE_CHAIN)?)
        .map_err(|e| alloc::format!("{NODE_CHAIN}: {e}"))?;
    let server_certificate = chain
        .end_entity()
        .ok_or_else(|| alloc::format!("{NODE_CHAIN}: no certificate"))?
        .to_vec();
    let private =
        PrivateKey::from_pem(entry(NODE_KEY)?).map_err(|e| alloc::format!("{NODE_KEY}: {e}"))?;
    let crypto = crate::net::tls_crypto();
    let clock = crate::net::wall_clock();
    let server = ServerConfig::new(crypto, clock.clone(), chain, private, &policy)
        .map_err(|e| alloc::format!("TLS server: {e}"))?;
    let roots = TrustStore::from_pem(entry(TRUST)?).map_err(|e| alloc::format!("{TRUST}: {e}"))?;
    let client = ClientConfig::new(crypto, clock, &roots, &policy)
        .map_err(|e| alloc::format!("TLS client: {e}"))?;
    let dials = match cmdline.value("cluster.peers") {
        None | Some("") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|peer| {
                let (host, port) = peer
                    .rsplit_once(':')
                    .ok_or_else(|| alloc::format!("cluster.peers: {peer} is not HOST:PORT"))?;
                let port = port
                    .parse()
                    .map_err(|_| alloc::format!("cluster.peers: bad port in {peer}"))?;
                Ok(Dial {
                    host: host.to_string(),
                    port,
                    next_ns: 0,
                    reached: None,
                })
            })
            .collect::<Result<_, String>>()?,
    };
    let listener = net
        .listen_tls(PORT, &server)
        .map_err(|e| alloc::format!("listen on {PORT}: {e}"))?;
    Ok(Some(Cluster {
        identity,
        cluster_key: key.to_vec(),
        server_certificate,
        client,
        listener,
        links: Vec::new(),
        dials,
    }))
}

/// Whether this node has links to look after (the network service then
/// polls often enough for pings and messages).
pub fn active() -> bool {
    CLUSTER.try_lock().is_some_and(|c| c.is_some())
}

/// Moves every link on; called after each network poll.
pub fn step(net: &Net, now: u64) {
    let Some(runtime) = crate::agents::runtime() else {
        return;
    };
    let Some(mut guard) = CLUSTER.try_lock() else {
        return;
    };
    let Some(cluster) = guard.as_mut() else {
        return;
    };
    cluster.accept(net, now);
    cluster.dial(net, now);
    let mut links = core::mem::take(&mut cluster.links);
    links.retain_mut(|link| match cluster.serve(link, net, runtime, now) {
        Ok(()) => true,
        Err(why) => {
            cluster.drop_link(link, net, runtime, now, &why);
            false
        }
    });
    // Both nodes may have dialled each other: of two links to one node,
    // the one the lesser name dialled stays (both ends choose the same).
    let mut seen: Vec<String> = Vec::new();
    let me = cluster.identity.name().to_string();
    links.sort_by_key(|link| {
        let preferred = match (&link.stage, link.role) {
            (Stage::Up { name, .. }, Role::Dialler) => me < *name,
            (Stage::Up { name, .. }, Role::Acceptor) => *name < me,
            _ => false,
        };
        !preferred
    });
    links.retain_mut(|link| {
        let Stage::Up { name, .. } = &link.stage else {
            return true;
        };
        if seen.contains(name) {
            crate::info!("cluster: a second link to node {} closed", name);
            if let Some(dial) = link.dialled.and_then(|i| cluster.dials.get_mut(i)) {
                dial.reached = Some(name.clone());
            }
            if let Stage::Up { proxy, .. } = link.stage {
                runtime.peer_down(proxy, "a second link to the same node");
            }
            net.close(link.endpoint, now);
            false
        } else {
            seen.push(name.clone());
            true
        }
    });
    cluster.links = links;
}

impl Cluster {
    fn accept(&mut self, net: &Net, now: u64) {
        loop {
            match net.accept(self.listener, now) {
                Ok((endpoint, _)) => {
                    self.links
                        .push(Link::new(endpoint, Role::Acceptor, None, now))
                }
                Err(NetError::Tls(_)) => continue,
                Err(_) => break,
            }
        }
    }

    fn dial(&mut self, net: &Net, now: u64) {
        for (index, dial) in self.dials.iter_mut().enumerate() {
            let linked = self.links.iter().any(|l| {
                l.dialled == Some(index)
                    || matches!((&l.stage, &dial.reached), (Stage::Up { name, .. }, Some(reached)) if name == reached)
            });
            if linked || now < dial.next_ns {
                continue;
            }
            dial.next_ns = now + REDIAL_NS;
            match net.connect_tls(
                &dial.host,
                dial.port,
                SERVER_NAME,
                &self.client,
                now,
                HANDSHAKE_NS,
            ) {
                Ok(endpoint) => {
                    self.links
                        .push(Link::new(endpoint, Role::Dialler, Some(index), now))
                }
                Err(e) => crate::debug!("cluster: dial {}:{}: {}", dial.host, dial.port, e),
            }
        }
    }

    /// Moves `link` on: handshake, frames in, frames out, pings. `Err`
    /// says why it is over.
    fn serve(&self, link: &mut Link, net: &Net, runtime: &Runtime, now: u64) -> Result<(), String> {
        if let Some(error) = net
            .readiness(link.endpoint)
            .map_err(|e| e.to_string())?
            .error
        {
            return Err(alloc::format!("{error}"));
        }
        if matches!(link.stage, Stage::Tls) {
            if !net
                .tls_established(link.endpoint)
                .map_err(|e| e.to_string())?
            {
                if now.saturating_sub(link.opened_ns) > HANDSHAKE_NS {
                    return Err(String::from("the TLS handshake took too long"));
                }
                return Ok(());
            }
            let mut ours = [0u8; NONCE_LEN];
            crate::random::fill(&mut ours).map_err(|e| alloc::format!("no nonce: {e}"))?;
            link.send(&Frame::Hello {
                certificate: self.identity.certificate().clone(),
                nonce: ours.to_vec(),
            });
            link.stage = Stage::Hello { ours, theirs: None };
            link.heard_ns = now;
        }
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match net.recv(link.endpoint, &mut buf, now) {
                Ok(0) => return Err(String::from("closed by the other node")),
                Ok(n) => {
                    link.frames.push(&buf[..n]);
                    link.heard_ns = now;
                }
                Err(NetError::WouldBlock) => break,
                Err(e) => return Err(alloc::format!("{e}")),
            }
            if link.frames.pending() > aios_cluster::MAX_FRAME {
                break;
            }
        }
        while let Some(frame) = link
            .frames
            .next_frame()
            .map_err(|e| alloc::format!("{e}"))?
        {
            self.receive(link, frame, net, runtime)?;
        }
        if let Stage::Hello { .. } = link.stage
            && now.saturating_sub(link.opened_ns) > HANDSHAKE_NS
        {
            return Err(String::from("the other node never proved who it is"));
        }
        if let Stage::Up {
            proxy, advertised, ..
        } = &mut link.stage
        {
            let proxy = *proxy;
            if now.saturating_sub(link.pinged_ns) >= PING_NS {
                // Pings also carry what this node serves when it changed.
                let intents = runtime.local_intents();
                if intents != *advertised {
                    *advertised = intents.clone();
                    link.send(&Frame::Intents { intents });
                }
                link.nonce += 1;
                let nonce = link.nonce;
                link.send(&Frame::Ping { nonce });
                link.pinged_ns = now;
            }
            if link.out.len() < BACKLOG {
                for frame in runtime.peer_outgoing(proxy) {
                    link.send(&frame);
                }
            }
            if now.saturating_sub(link.heard_ns) > DEAD_NS {
                return Err(alloc::format!(
                    "nothing heard for {} s",
                    DEAD_NS / 1_000_000_000
                ));
            }
        }
        link.flush(net, now)
    }

    /// Acts on one frame from the other node.
    fn receive(
        &self,
        link: &mut Link,
        frame: Frame,
        net: &Net,
        runtime: &Runtime,
    ) -> Result<(), String> {
        match (&mut link.stage, frame) {
            (Stage::Hello { theirs, .. }, Frame::Hello { certificate, nonce })
                if theirs.is_none() =>
            {
                certificate
                    .verify(&self.cluster_key)
                    .map_err(|e| alloc::format!("its certificate: {e}"))?;
                if certificate.name == self.identity.name() {
                    return Err(String::from("it has this node's own name"));
                }
                if nonce.len() != NONCE_LEN {
                    return Err(String::from("its nonce is not 32 bytes"));
                }
                *theirs = Some((certificate, nonce));
                let bound = self.binding(link, net)?;
                let proof = self
                    .identity
                    .prove(link.role, &bound)
                    .map_err(|e| alloc::format!("{e}"))?;
                link.send(&Frame::Proof { proof });
                Ok(())
            }
            (
                Stage::Hello {
                    theirs: Some(_), ..
                },
                Frame::Proof { proof },
            ) => {
                let bound = self.binding(link, net)?;
                let Stage::Hello {
                    theirs: Some((certificate, _)),
                    ..
                } = &link.stage
                else {
                    return Err(String::from("a proof before its hello"));
                };
                let role = match link.role {
                    Role::Dialler => Role::Acceptor,
                    Role::Acceptor => Role::Dialler,
                };
                check_proof(certificate, role, &bound, &proof)
                    .map_err(|e| alloc::format!("node {}: {e}", certificate.name))?;
                let name = certificate.name.clone();
                let (proxy, _) = runtime
                    .peer_up(&name, &[])
                    .map_err(|e| alloc::format!("node {name}: {e}"))?;
                crate::info!("cluster: linked to node {} ({:?})", name, link.role);
                let advertised = runtime.local_intents();
                link.send(&Frame::Intents {
                    intents: advertised.clone(),
                });
                link.stage = Stage::Up {
                    name,
                    proxy,
                    advertised,
                };
                Ok(())
            }
            (Stage::Up { name, proxy, .. }, frame) => {
                let proxy = *proxy;
                match frame {
                    Frame::Intents { intents } => {
                        for why in runtime.peer_intents(proxy, &intents) {
                            crate::warn!("cluster: node {}: intent not taken: {}", name, why);
                        }
                    }
                    Frame::Request {
                        id,
                        intent,
                        body,
                        deadline_ms,
                        sender,
                    } => {
                        if let Err(e) =
                            runtime.peer_request(proxy, id, &intent, body, deadline_ms, &sender)
                        {
                            link.send(&Frame::Undelivered {
                                id,
                                why: alloc::format!("{e}"),
                            });
                        }
                    }
                    // A late reply (its request given up here) changes nothing.
                    Frame::Reply { id, body } => {
                        let _ = runtime.peer_reply(proxy, id, body);
                    }
                    Frame::Undelivered { id, why } => {
                        crate::debug!(
                            "cluster: node {}: message {} undelivered: {}",
                            name,
                            id,
                            why
                        );
                        runtime.peer_undelivered(proxy, id);
                    }
                    Frame::Ping { nonce } => link.send(&Frame::Pong { nonce }),
                    Frame::Pong { .. } => {}
                    Frame::Hello { .. } | Frame::Proof { .. } => {
                        return Err(String::from("a second handshake on a link"));
                    }
                }
                Ok(())
            }
            (_, frame) => Err(alloc::format!(
                "{} before the handshake was done",
                frame_name(&frame)
            )),
        }
    }

    /// The link's binding: the acceptor's TLS certificate (our own when we
    /// accepted; the one we verified when we dialled) and both nonces.
    fn binding(&self, link: &Link, net: &Net) -> Result<Vec<u8>, String> {
        let Stage::Hello {
            ours,
            theirs: Some((_, theirs)),
        } = &link.stage
        else {
            return Err(String::from("no hello yet"));
        };
        Ok(match link.role {
            Role::Acceptor => binding(&self.server_certificate, theirs, ours),
            Role::Dialler => {
                let certificate = net
                    .tls_server_certificate(link.endpoint)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| String::from("no server certificate"))?;
                binding(&certificate, ours, theirs)
            }
        })
    }

    fn drop_link(&mut self, link: &mut Link, net: &Net, runtime: &Runtime, now: u64, why: &str) {
        match &link.stage {
            Stage::Up { name, proxy, .. } => {
                crate::warn!("cluster: link to node {} lost: {}", name, why);
                runtime.peer_down(*proxy, why);
            }
            _ => crate::debug!("cluster: link {:?} failed: {}", link.role, why),
        }
        if let Some(dial) = link.dialled.and_then(|i| self.dials.get_mut(i)) {
            dial.next_ns = now + REDIAL_NS;
        }
        net.close(link.endpoint, now);
    }
}

impl Link {
    fn new(endpoint: EndpointId, role: Role, dialled: Option<usize>, now: u64) -> Link {
        Link {
            endpoint,
            role,
            dialled,
            stage: Stage::Tls,
            frames: Frames::default(),
            out: Vec::new(),
            opened_ns: now,
            heard_ns: now,
            pinged_ns: now,
            nonce: 0,
        }
    }

    fn send(&mut self, frame: &Frame) {
        self.out.extend_from_slice(&encode(frame));
    }

    /// Sends what the stream takes of what waits.
    fn flush(&mut self, net: &Net, now: u64) -> Result<(), String> {
        let mut sent = 0;
        while sent < self.out.len() {
            match net.send(self.endpoint, &self.out[sent..], now) {
                Ok(0) | Err(NetError::WouldBlock) => break,
                Ok(n) => sent += n,
                Err(e) => return Err(alloc::format!("{e}")),
            }
        }
        self.out.drain(..sent);
        Ok(())
    }
}

fn frame_name(frame: &Frame) -> &'static str {
    match frame {
        Frame::Hello { .. } => "a hello",
        Frame::Proof { .. } => "a proof",
        Frame::Intents { .. } => "an intent list",
        Frame::Request { .. } => "a request",
        Frame::Reply { .. } => "a reply",
        Frame::Undelivered { .. } => "a notice",
        Frame::Ping { .. } => "a ping",
        Frame::Pong { .. } => "a pong",
    }
}
