//! Linked nodes, as the runtime sees them. Each node whose identity a
//! link verified gets a proxy here: an id no agent has, with a mailbox,
//! serving the intents the node's agents serve. A local agent's message
//! for one of them is routed to the proxy like any message (by name,
//! pattern or meaning); the kernel's link takes it from the mailbox and
//! sends it on. A request from the node is decided by the policy
//! (`cluster_receive`, subject `node:NAME`, label `node`), sent here from
//! the proxy, and its reply goes back the same way. When the link goes,
//! the proxy goes: senders of what it held get undeliverable notices, and
//! messages for its intents fail at once until the node is back.

use crate::Runtime;
use crate::guard::{Operation, Subject, describe};
use crate::post::{EXPIRED_INTENT, KERNEL, Sent, Target, UNDELIVERED_INTENT};
use aios_abi::Error;
use aios_audit::Kind;
use aios_cluster::{Frame, RemoteIntent};
use aios_ipc::{Destination, Filter, IntentSpec, Message};
use aios_policy::Effect;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The first proxy id; later ones count down (agents count up from 1,
/// the API is `u64::MAX`).
const FIRST_PROXY: u64 = u64::MAX - 1;
/// Most nodes linked at once.
pub const MAX_PEERS: usize = 64;
/// Most intents one node may serve here (each costs the router a
/// re-index when it is declared).
pub const MAX_REMOTE_INTENTS: usize = 256;

/// One linked node.
struct Peer {
    name: String,
    /// Requests the node sent that were sent on here: our message id →
    /// the node's id for it.
    inbound: BTreeMap<u64, u64>,
    /// Requests sent to the node, awaiting its reply: our message id →
    /// its deadline.
    outbound: BTreeMap<u64, Option<u64>>,
}

/// Every linked node, by proxy id.
#[derive(Default)]
pub(crate) struct Peers {
    peers: BTreeMap<u64, Peer>,
    next: u64,
}

impl Peers {
    pub(crate) fn is_proxy(&self, id: u64) -> bool {
        self.peers.contains_key(&id)
    }
}

/// An intent as a peer learns it.
fn remote(spec: &IntentSpec) -> RemoteIntent {
    RemoteIntent {
        name: spec.name.clone(),
        description: spec.description.clone(),
        input: spec.input.to_string(),
        output: spec.output.to_string(),
    }
}

impl Runtime {
    /// Registers node `name`, whose link verified it, as serving
    /// `intents` here. Returns its proxy id and the intents not taken (a
    /// malformed declaration, or one that conflicts with a local
    /// agent's), with why.
    pub fn peer_up(
        &self,
        name: &str,
        intents: &[RemoteIntent],
    ) -> Result<(u64, Vec<String>), Error> {
        let proxy = {
            let mut peers = self.inner.peers.lock();
            if peers.peers.len() >= MAX_PEERS {
                return Err(Error::QuotaExceeded);
            }
            let proxy = FIRST_PROXY - peers.next;
            peers.next += 1;
            peers.peers.insert(
                proxy,
                Peer {
                    name: String::from(name),
                    inbound: BTreeMap::new(),
                    outbound: BTreeMap::new(),
                },
            );
            proxy
        };
        self.inner
            .state
            .lock()
            .post
            .add_agent(proxy, Vec::new())
            .map_err(|_| Error::InvalidArgument)?;
        let skipped = self.peer_intents(proxy, intents);
        self.inner.audit(
            Kind::Cluster,
            0,
            &alloc::format!(
                "node {name} linked: serves {} intents here{}",
                intents.len() - skipped.len(),
                if skipped.is_empty() {
                    String::new()
                } else {
                    alloc::format!(" ({} refused)", skipped.len())
                }
            ),
        );
        Ok((proxy, skipped))
    }

    /// Sets the intents the node behind `proxy` serves here (all of them:
    /// what an earlier list had and this one has not is forgotten).
    /// Returns the ones not taken, with why.
    pub fn peer_intents(&self, proxy: u64, intents: &[RemoteIntent]) -> Vec<String> {
        let mut skipped = Vec::new();
        let mut state = self.inner.state.lock();
        state.post.router.unregister(proxy);
        for intent in intents.iter().skip(MAX_REMOTE_INTENTS) {
            skipped.push(alloc::format!(
                "{}: more than {MAX_REMOTE_INTENTS} intents from one node",
                intent.name
            ));
        }
        for intent in intents.iter().take(MAX_REMOTE_INTENTS) {
            let spec = IntentSpec::new(
                &intent.name,
                &intent.description,
                &intent.input,
                &intent.output,
            );
            let taken = spec.map_err(|e| alloc::format!("{e}")).and_then(|spec| {
                state
                    .post
                    .router
                    .register(proxy, spec)
                    .map_err(|e| alloc::format!("{e}"))
            });
            if let Err(why) = taken {
                skipped.push(alloc::format!("{}: {why}", intent.name));
            }
        }
        skipped
    }

    /// The intents this node's own agents serve, for its peers.
    pub fn local_intents(&self) -> Vec<RemoteIntent> {
        let peers = self.inner.peers.lock();
        let state = self.inner.state.lock();
        state
            .post
            .router
            .served_by(|agent| !peers.is_proxy(agent) && agent != crate::post::API)
            .iter()
            .map(remote)
            .collect()
    }

    /// What `proxy` has for its node now: requests of local agents,
    /// replies to the node's requests, and notices that some will not be
    /// answered. Requests sent to the node whose deadline passed are given
    /// up here (their senders told), whatever the node does later.
    pub fn peer_outgoing(&self, proxy: u64) -> Vec<Frame> {
        let now = self.inner.platform.now_ns();
        let mut frames = Vec::new();
        // Audited once the locks are let go: (sender, what).
        let mut sent: Vec<(u64, String)> = Vec::new();
        let mut peers = self.inner.peers.lock();
        let Some(peer) = peers.peers.get_mut(&proxy) else {
            return frames;
        };
        let mut guard = self.inner.state.lock();
        let state = &mut *guard;
        let expired: Vec<u64> = peer
            .outbound
            .iter()
            .filter(|(_, deadline)| deadline.is_some_and(|d| now > d))
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            peer.outbound.remove(&id);
            let wakes: Vec<_> = state.post.give_up(proxy, id).into_iter().collect();
            state.apply(&wakes);
        }
        loop {
            let taken =
                state
                    .post
                    .take(proxy, &Filter::default(), usize::MAX, &mut state.caps, now);
            let Ok(Some(taken)) = taken else {
                break;
            };
            state.apply(&taken.wakes);
            let Ok(message) = Message::decode(&taken.bytes) else {
                continue;
            };
            // What travelled with it stays here: no capability leaves a node.
            for handle in &message.caps {
                let _ = state.caps.revoke(proxy, aios_abi::Handle(*handle));
            }
            match message.reply_to {
                None => {
                    let sender = state.agents.get(&message.from).map_or_else(
                        || alloc::format!("agent {}", message.from),
                        |record| alloc::format!("agent {} ({})", message.from, record.name),
                    );
                    let deadline_ms = message
                        .context
                        .deadline_ns
                        .map_or(0, |d| d.saturating_sub(now).div_ceil(1_000_000).max(1));
                    peer.outbound
                        .insert(message.id, message.context.deadline_ns);
                    sent.push((
                        message.from,
                        alloc::format!(
                            "to node {} ({sender}): {} (message {})",
                            peer.name,
                            message.intent,
                            message.id
                        ),
                    ));
                    frames.push(Frame::Request {
                        id: message.id,
                        intent: message.intent,
                        body: message.body,
                        deadline_ms,
                        sender,
                    });
                }
                Some(request) => {
                    let Some(remote) = peer.inbound.remove(&request) else {
                        continue;
                    };
                    let notice = message.from == KERNEL
                        && (message.intent == EXPIRED_INTENT
                            || message.intent == UNDELIVERED_INTENT);
                    frames.push(if notice {
                        Frame::Undelivered {
                            id: remote,
                            why: String::from(if message.intent == EXPIRED_INTENT {
                                "expired unread"
                            } else {
                                "its receiver stopped first"
                            }),
                        }
                    } else {
                        Frame::Reply {
                            id: remote,
                            body: message.body,
                        }
                    });
                }
            }
        }
        drop(guard);
        drop(peers);
        for (sender, what) in sent {
            self.inner.audit(Kind::Cluster, sender, &what);
        }
        frames
    }

    /// Request `id` from the node behind `proxy`: decided by the policy
    /// (`cluster_receive` on the intent, as `node:NAME`), audited, and
    /// sent here for the agent that serves the intent. `Err` says why it
    /// will not be (the link tells the node).
    pub fn peer_request(
        &self,
        proxy: u64,
        id: u64,
        intent: &str,
        body: Vec<u8>,
        deadline_ms: u64,
        sender: &str,
    ) -> Result<(), Error> {
        let name = self
            .inner
            .peers
            .lock()
            .peers
            .get(&proxy)
            .map(|peer| peer.name.clone())
            .ok_or(Error::NotFound)?;
        let subject = Subject {
            name: alloc::format!("node:{name}"),
            publisher: [0; 32],
            labels: alloc::vec![String::from("node")],
        };
        let operation = Operation::on("cluster_receive", intent);
        let (decision, _, _) = self.inner.evaluate(&subject, operation);
        if !matches!(decision.effect, Effect::Allow | Effect::Audit) {
            self.inner.audit(
                Kind::Denial,
                0,
                &describe(&subject, operation, decision.line),
            );
            return Err(Error::PolicyDenied);
        }
        let now = self.inner.platform.now_ns();
        let mut message = Message::new(0, Destination::Intent(String::from(intent)), intent);
        message.body = body;
        if deadline_ms > 0 {
            message.context.deadline_ns =
                Some(now.saturating_add(deadline_ms.saturating_mul(1_000_000)));
        }
        let sent = {
            let mut state = self.inner.state.lock();
            let state = &mut *state;
            let prepared = state.post.prepare(proxy, message, Target::Intent("*"))?;
            let to = prepared.to;
            let sent = state.post.deliver(prepared, &mut state.caps, true, now)?;
            if let Sent::Queued {
                wake: Some(receiver),
                ..
            } = sent
            {
                state.wake_receiver(receiver);
            }
            (sent, to)
        };
        let (Sent::Queued { id: local, .. }
        | Sent::Parked { id: local }
        | Sent::ToKernel { id: local }) = sent.0;
        if let Some(peer) = self.inner.peers.lock().peers.get_mut(&proxy) {
            peer.inbound.insert(local, id);
        }
        self.inner.audit(
            Kind::Cluster,
            sent.1,
            &alloc::format!("from node {name} ({sender}): {intent} (message {local})"),
        );
        self.inner.platform.kick();
        Ok(())
    }

    /// The node's reply to request `id` (ours): given to its sender here.
    pub fn peer_reply(&self, proxy: u64, id: u64, body: Vec<u8>) -> Result<(), Error> {
        if self
            .inner
            .peers
            .lock()
            .peers
            .get_mut(&proxy)
            .and_then(|peer| peer.outbound.remove(&id))
            .is_none()
        {
            return Err(Error::NotFound);
        }
        let now = self.inner.platform.now_ns();
        let mut guard = self.inner.state.lock();
        let state = &mut *guard;
        let requester = state
            .post
            .permits
            .get(&(proxy, id))
            .map(|permit| permit.requester)
            .ok_or(Error::NotFound)?;
        let mut reply = Message::new(0, Destination::Agent(requester), "");
        reply.reply_to = Some(id);
        reply.body = body;
        let prepared = state.post.prepare(proxy, reply, Target::Reply)?;
        let sent = state.post.deliver(prepared, &mut state.caps, false, now)?;
        if let Sent::Queued {
            wake: Some(receiver),
            ..
        } = sent
        {
            state.wake_receiver(receiver);
        }
        drop(guard);
        self.inner.platform.kick();
        Ok(())
    }

    /// The node will not answer request `id` (ours): its sender is told.
    pub fn peer_undelivered(&self, proxy: u64, id: u64) {
        if let Some(peer) = self.inner.peers.lock().peers.get_mut(&proxy) {
            peer.outbound.remove(&id);
        }
        let mut state = self.inner.state.lock();
        let wakes: Vec<_> = state.post.give_up(proxy, id).into_iter().collect();
        state.apply(&wakes);
        drop(state);
        self.inner.platform.kick();
    }

    /// The link to the node behind `proxy` went (`why`): the proxy goes,
    /// and everyone waiting on it is told.
    pub fn peer_down(&self, proxy: u64, why: &str) {
        let Some(peer) = self.inner.peers.lock().peers.remove(&proxy) else {
            return;
        };
        {
            let mut state = self.inner.state.lock();
            let wakes = state.post.remove_agent(proxy);
            state.apply(&wakes);
        }
        self.inner.audit(
            Kind::Cluster,
            0,
            &alloc::format!("node {} unlinked: {why}", peer.name),
        );
        self.inner.platform.kick();
    }

    /// Whether `id` is a linked node's proxy.
    pub(crate) fn is_peer(&self, id: u64) -> bool {
        self.inner.peers.lock().is_proxy(id)
    }
}
