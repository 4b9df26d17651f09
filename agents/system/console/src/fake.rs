//! A scripted [`Host`] for the shell's host tests: typed input, a clock
//! that reads advance, and a small agent system that records what the
//! console asked of it.

use crate::fake_semantic::Semantic;
use crate::fake_store::FakeStore;
use crate::fake_tokens::FakeTokens;
use crate::{Error, Host};
use aios_abi::Error as Abi;
use aios_abi::payload::{
    AgentInfo, AgentState, AuditRecords, AuditVerdict, CapInfo, CapKind, ImageInfo, InferToken,
    IpcStats, NetInfo, PingReply, SnapshotEntry, StoreObjectInfo, SystemInfo, TokenInfo,
    TokenMinted, TraceList, finish, rights,
};
use aios_events::Event;
use aios_ipc::Message;
use std::collections::VecDeque;

/// The fake system.
pub struct FakeHost {
    /// What successive reads return; when empty, reads fail with a stale
    /// handle, which ends `Shell::serve`.
    pub reads: VecDeque<Result<Vec<u8>, Error>>,
    /// Everything written to the console.
    pub output: Vec<u8>,
    /// Console writes made.
    pub writes: usize,
    /// Nanoseconds since boot.
    pub now: u64,
    /// Read calls made.
    pub read_calls: usize,
    /// Live agents.
    pub agents: Vec<AgentInfo>,
    /// The bundle's images.
    pub images: Vec<ImageInfo>,
    /// What `system_info` returns.
    pub info: Result<SystemInfo, Error>,
    /// Times `poweroff` was called.
    pub poweroffs: usize,
    /// Messaging, policy and audit.
    pub semantic: Semantic,
    /// The object store.
    pub store: FakeStore,
    /// What `remember` kept.
    pub remembered: Vec<String>,
    /// The prompts `ask` was given.
    pub asked: Vec<String>,
    /// The pieces of the answer under way.
    pub answer: VecDeque<InferToken>,
    /// What `net_info` returns.
    pub net: Result<NetInfo, Error>,
    /// What successive pings return (then: timed out).
    pub pings: VecDeque<Result<PingReply, Error>>,
    /// The hosts pinged.
    pub pinged: Vec<String>,
    /// The API tokens.
    pub tokens: FakeTokens,
}

impl FakeHost {
    /// A host with one agent (the console, id 1) and the `hello` image.
    pub fn new() -> FakeHost {
        FakeHost {
            reads: VecDeque::new(),
            output: Vec::new(),
            writes: 0,
            now: 1_000_000_000,
            read_calls: 0,
            agents: vec![agent(1, "console")],
            images: vec![image("hello", None)],
            info: Err(Error::MissingCapability("system")),
            poweroffs: 0,
            semantic: Semantic::new(),
            store: FakeStore::default(),
            remembered: Vec::new(),
            asked: Vec::new(),
            answer: VecDeque::new(),
            net: Err(Abi::Unavailable.into()),
            pings: VecDeque::new(),
            pinged: Vec::new(),
            tokens: FakeTokens::default(),
        }
    }

    /// Queues `text` as one read.
    pub fn type_text(&mut self, text: &str) {
        self.reads.push_back(Ok(text.as_bytes().to_vec()));
    }

    /// The output as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }
}

impl Host for FakeHost {
    fn write(&mut self, bytes: &[u8]) {
        self.writes += 1;
        self.output.extend_from_slice(bytes);
    }

    fn read(&mut self, out: &mut [u8], timeout_ns: u64) -> Result<usize, Error> {
        self.read_calls += 1;
        let next = self
            .reads
            .pop_front()
            .unwrap_or(Err(Abi::StaleHandle.into()));
        match next {
            Ok(mut bytes) => {
                // Leave what does not fit for the next read, as the kernel
                // does.
                if bytes.len() > out.len() {
                    let rest = bytes.split_off(out.len());
                    self.reads.push_front(Ok(rest));
                }
                out[..bytes.len()].copy_from_slice(&bytes);
                Ok(bytes.len())
            }
            Err(error) => {
                if error == Error::Syscall(Abi::TimedOut) {
                    self.now += timeout_ns;
                }
                Err(error)
            }
        }
    }

    fn clock_ns(&mut self) -> u64 {
        self.now
    }

    fn sleep_ns(&mut self, ns: u64) {
        self.now += ns;
    }

    fn system_info(&mut self) -> Result<SystemInfo, Error> {
        self.info.clone()
    }

    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error> {
        Ok(self.agents.clone())
    }

    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error> {
        Ok(self.images.clone())
    }

    fn spawn(&mut self, name: &str) -> Result<u64, Error> {
        match self.images.iter().find(|image| image.name == name) {
            None => Err(Abi::NotFound.into()),
            Some(image) if image.refused.is_some() => Err(Abi::ImageRefused.into()),
            Some(_) => {
                let id = self.agents.iter().map(|a| a.id).max().unwrap_or(0) + 1;
                self.agents.push(agent(id, name));
                Ok(id)
            }
        }
    }

    fn kill(&mut self, id: u64) -> Result<(), Error> {
        let target = self.agents.iter_mut().find(|a| a.id == id);
        let target = target.ok_or(Error::NoAgent(id))?;
        if target.state.is_final() {
            return Err(Abi::InvalidArgument.into());
        }
        target.state = AgentState::Killed;
        Ok(())
    }

    fn caps(&mut self, id: u64) -> Result<Vec<CapInfo>, Error> {
        let target = self.agents.iter().find(|a| a.id == id);
        let target = target.ok_or(Error::NoAgent(id))?;
        if target.name != "console" {
            return Ok(Vec::new());
        }
        Ok(vec![CapInfo {
            handle: 0,
            kind: CapKind::Console,
            rights: rights::READ | rights::WRITE,
            resource: String::new(),
            quota: None,
            expires_ns: None,
        }])
    }

    fn net_info(&mut self) -> Result<NetInfo, Error> {
        self.net.clone()
    }

    fn ping(&mut self, host: &str, timeout_ns: u64) -> Result<PingReply, Error> {
        self.pinged.push(host.to_string());
        let outcome = self.pings.pop_front().unwrap_or(Err(Abi::TimedOut.into()));
        self.now += match &outcome {
            Ok(reply) => reply.rtt_ns,
            Err(_) => timeout_ns,
        };
        outcome
    }

    fn poweroff(&mut self) -> Error {
        self.poweroffs += 1;
        Abi::NotSupported.into()
    }

    fn token_new(&mut self, name: &str, scopes: &[String]) -> Result<TokenMinted, Error> {
        self.tokens.new_token(name, scopes)
    }

    fn token_list(&mut self) -> Result<Vec<TokenInfo>, Error> {
        Ok(self.tokens.tokens.clone())
    }

    fn token_revoke(&mut self, name: &str) -> Result<(), Error> {
        self.tokens.revoke(name)
    }

    fn request(&mut self, intent: &str, body: Vec<u8>, timeout_ns: u64) -> Result<Message, Error> {
        self.semantic.request(intent, body, timeout_ns)
    }

    fn request_text(
        &mut self,
        text: &str,
        body: Vec<u8>,
        timeout_ns: u64,
    ) -> Result<Message, Error> {
        // A stand-in for routing by meaning: the first declared intent
        // whose name shares a word with the request.
        let intent = self
            .semantic
            .intents
            .iter()
            .map(|(name, _)| name.clone())
            .find(|name| text.split_whitespace().any(|w| name.contains(w)))
            .ok_or(Error::Syscall(Abi::NoMatch))?;
        self.semantic.request(&intent, body, timeout_ns)
    }

    fn policy_set(&mut self, text: &str) -> Result<(), Error> {
        self.semantic.policy_set(text)
    }

    fn audit_tail(&mut self, n: u32) -> Result<AuditRecords, Error> {
        self.semantic.audit_tail(n)
    }

    fn embed(&mut self, text: &str) -> Result<Vec<f32>, Error> {
        if text.is_empty() {
            return Err(Error::Syscall(Abi::InvalidArgument));
        }
        if self.store.forbidden.iter().any(|f| f == "models") {
            return Err(Error::Syscall(Abi::Unavailable));
        }
        // A stand-in with the real one's shape: 384 values of unit length.
        let mut v = vec![0.0f32; 384];
        v[text.len() % 384] = 1.0;
        Ok(v)
    }

    fn remember(&mut self, text: &str) -> Result<String, Error> {
        self.remembered.push(text.to_string());
        Ok(format!("m{}", self.remembered.len()))
    }

    fn recall(&mut self, query: &str) -> Result<Vec<(i32, String)>, Error> {
        // A stand-in ranking: shared words, most first.
        let words: Vec<&str> = query.split_whitespace().collect();
        let mut hits: Vec<(i32, String)> = self
            .remembered
            .iter()
            .map(|t| {
                let shared = t.split_whitespace().filter(|w| words.contains(w)).count();
                (shared as i32 * 100, t.clone())
            })
            .collect();
        hits.sort_by_key(|h| std::cmp::Reverse(h.0));
        Ok(hits)
    }

    fn ask(&mut self, prompt: &str) -> Result<(), Error> {
        if self.store.forbidden.iter().any(|f| f == "models") {
            return Err(Error::Syscall(Abi::Unavailable));
        }
        self.asked.push(prompt.to_string());
        // A stand-in answer in three pieces, the last one closing it.
        let pieces = ["Red, ", "yellow and ", "blue."];
        for (i, text) in pieces.iter().enumerate() {
            let last = i + 1 == pieces.len();
            self.answer.push_back(InferToken {
                request: 1,
                text: text.to_string(),
                generated: (i + 1) as u32 * 2,
                prompt_tokens: 12,
                finish: last.then_some(finish::END_OF_TURN),
                error: None,
                saved: false,
            });
        }
        Ok(())
    }

    fn ask_next(&mut self) -> Result<InferToken, Error> {
        self.now += 250_000_000;
        self.answer.pop_front().ok_or(Error::Syscall(Abi::NotFound))
    }

    fn store_list(&mut self, ns: &str) -> Result<Vec<StoreObjectInfo>, Error> {
        self.store.list(ns)
    }

    fn store_put(&mut self, ns: &str, key: &str, value: &[u8]) -> Result<(), Error> {
        self.store.put(ns, key, value, self.now)
    }

    fn store_get(&mut self, ns: &str, key: &str) -> Result<(StoreObjectInfo, Vec<u8>), Error> {
        self.store.get(ns, key)
    }

    fn store_delete(&mut self, ns: &str, key: &str) -> Result<(), Error> {
        self.store.delete(ns, key)
    }

    fn store_snapshot(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        self.store.snapshot(ns, name)
    }

    fn store_snapshots(&mut self, ns: &str) -> Result<Vec<SnapshotEntry>, Error> {
        self.store.list_snapshots(ns)
    }

    fn store_rollback(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        self.store.rollback(ns, name)
    }

    fn audit_verify(&mut self) -> Result<AuditVerdict, Error> {
        Ok(self.semantic.verdict.clone())
    }

    fn audit_export(&mut self) -> Result<Vec<u8>, Error> {
        Ok(self.semantic.export.clone())
    }

    fn ipc_trace(&mut self, id: u64) -> Result<TraceList, Error> {
        self.semantic.ipc_trace(id)
    }

    fn ipc_stats(&mut self) -> Result<IpcStats, Error> {
        self.semantic.ipc_stats()
    }

    fn event_subscribe(&mut self) -> Result<u32, Error> {
        self.semantic.event_subscribe()
    }

    fn event_next(&mut self, sub: u32) -> Result<Event, Error> {
        self.semantic.event_next(sub)
    }
}

/// A blocked agent.
pub fn agent(id: u64, name: &str) -> AgentInfo {
    AgentInfo {
        id,
        name: name.into(),
        state: AgentState::Blocked,
        exit_code: None,
        reason: None,
        memory_pages: 1,
        fuel_used: 0,
        cpu_permille: 0,
        parent: Some(1),
        last_cpu: Some(0),
        restarts: 0,
        ipc: aios_abi::payload::IpcCounters::default(),
    }
}

/// An image, refused if `refused` says why.
pub fn image(name: &str, refused: Option<&str>) -> ImageInfo {
    ImageInfo {
        name: name.into(),
        refused: refused.map(String::from),
        start_at_boot: false,
        depends_on: Vec::new(),
        restart_mode: 0,
        max_restarts: 0,
        backoff_initial_ms: 0,
        backoff_max_ms: 0,
        window_ms: 0,
        deployed: false,
    }
}
