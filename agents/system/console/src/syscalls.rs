//! The wasm32 edge: the [`Host`] trait on the SDK's syscalls, and the
//! agent's entry point.

use crate::shell::Shell;
use crate::{Error, Host};
use aios_abi::Error as Abi;
use aios_sdk::{
    AgentInfo, AuditRecords, AuditVerdict, CapInfo, CapKind, ChatMessage, Destination, Event,
    EventFilter, Handle, ImageInfo, InferRequest, InferToken, IpcStats, MemoryQueryRequest,
    MemoryStoreRequest, Message, NetInfo, PingReply, RecvFilter, SnapshotEntry, StoreListRequest,
    StoreObjectInfo, SystemInfo, TokenInfo, TokenMinted, TokenRefusal, TraceList,
};

/// Most tokens an `ask` answer runs to.
const ASK_MAX_TOKENS: u32 = 96;
/// Longest wait for the next piece of an answer (the first waits for the
/// model to load and read the prompt).
const ASK_PIECE_WAIT_NS: u64 = 600_000_000_000;

/// How many remembered lines `recall` shows.
const RECALLED: usize = 3;

/// Most objects `store ls` lists.
const MAX_LISTED: usize = 10_000;

/// The console's capabilities, found in its own table at start.
struct SdkHost {
    console: Handle,
    system: Option<Handle>,
    budget: Option<Handle>,
    policy: Option<Handle>,
    events: Option<Handle>,
    store: Option<Handle>,
    model: Option<Handle>,
    memory: Option<Handle>,
    /// The answer `ask` is receiving.
    generation: Option<aios_sdk::Generation>,
}

impl SdkHost {
    /// Looks up the capabilities the manifest granted; the console one is
    /// required, the others only disable the commands that need them.
    fn find() -> Result<SdkHost, Error> {
        let caps = aios_sdk::cap_list(aios_sdk::SELF)?;
        let first = |kind: CapKind| {
            caps.iter()
                .find(|cap| cap.kind == kind)
                .map(|cap| Handle(cap.handle))
        };
        Ok(SdkHost {
            console: first(CapKind::Console).ok_or(Error::MissingCapability("console"))?,
            system: first(CapKind::System),
            budget: first(CapKind::SpawnBudget),
            policy: first(CapKind::Policy),
            events: first(CapKind::EventTopic),
            store: first(CapKind::StoreNamespace),
            model: first(CapKind::Model),
            memory: first(CapKind::MemoryRegion),
            generation: None,
        })
    }

    fn store(&self) -> Result<u32, Error> {
        self.store
            .map(|h| h.0)
            .ok_or(Error::MissingCapability("store-namespace"))
    }

    fn system(&self) -> Result<Handle, Error> {
        self.system.ok_or(Error::MissingCapability("system"))
    }

    /// Runs `action` on a fresh handle to agent `id`, then drops the handle
    /// again so that repeated commands do not fill the console's table.
    fn with_agent<T>(
        &self,
        id: u64,
        action: impl FnOnce(Handle) -> Result<T, Abi>,
    ) -> Result<T, Error> {
        let handle = aios_sdk::agent_handle(self.system()?, id).map_err(|error| match error {
            Abi::NotFound => Error::NoAgent(id),
            other => Error::Syscall(other),
        })?;
        let result = action(handle);
        // Revoking our own copy cannot affect the agent; a failure only
        // leaves one slot used.
        aios_sdk::cap_revoke(handle).ok();
        Ok(result?)
    }
}

impl Host for SdkHost {
    fn write(&mut self, bytes: &[u8]) {
        aios_sdk::console_write(self.console, bytes).ok();
    }

    fn read(&mut self, out: &mut [u8], timeout_ns: u64) -> Result<usize, Error> {
        Ok(aios_sdk::console_read(self.console, out, timeout_ns)?)
    }

    fn clock_ns(&mut self) -> u64 {
        aios_sdk::clock_ns()
    }

    fn sleep_ns(&mut self, ns: u64) {
        // A refused sleep only makes the caller's retry come sooner.
        aios_sdk::sleep_ns(ns).ok();
    }

    fn system_info(&mut self) -> Result<SystemInfo, Error> {
        Ok(aios_sdk::system_info(self.system()?)?)
    }

    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error> {
        Ok(aios_sdk::agent_list(self.system()?)?)
    }

    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error> {
        Ok(aios_sdk::image_list(self.system()?)?)
    }

    fn spawn(&mut self, name: &str) -> Result<u64, Error> {
        let budget = self
            .budget
            .ok_or(Error::MissingCapability("spawn-budget"))?;
        let child = aios_sdk::spawn(name, budget)?;
        let id = aios_sdk::agent_info(child).map(|info| info.id);
        // The console does not keep children: `kill ID` reaches them
        // through the system capability like any other agent.
        aios_sdk::cap_revoke(child).ok();
        Ok(id?)
    }

    fn kill(&mut self, id: u64) -> Result<(), Error> {
        self.with_agent(id, aios_sdk::kill)
    }

    fn caps(&mut self, id: u64) -> Result<Vec<CapInfo>, Error> {
        self.with_agent(id, aios_sdk::cap_list)
    }

    fn net_info(&mut self) -> Result<NetInfo, Error> {
        Ok(aios_sdk::net_info(self.system()?)?)
    }

    fn ping(&mut self, host: &str, timeout_ns: u64) -> Result<PingReply, Error> {
        let timeout = core::time::Duration::from_nanos(timeout_ns);
        Ok(aios_sdk::ping(self.system()?, host, timeout)?)
    }

    fn poweroff(&mut self) -> Error {
        match self.system().map(aios_sdk::system_poweroff) {
            Err(error) => error,
            Ok(Err(refused)) => Error::Syscall(refused),
            Ok(Ok(())) => Error::StillOn,
        }
    }

    fn token_new(&mut self, name: &str, scopes: &[String]) -> Result<TokenMinted, Error> {
        aios_sdk::token_new(self.system()?.raw(), name, scopes).map_err(refused)
    }

    fn token_list(&mut self) -> Result<Vec<TokenInfo>, Error> {
        Ok(aios_sdk::token_list(self.system()?.raw())?)
    }

    fn token_revoke(&mut self, name: &str) -> Result<(), Error> {
        aios_sdk::token_revoke(self.system()?.raw(), name).map_err(refused)
    }

    fn request(&mut self, intent: &str, body: Vec<u8>, timeout_ns: u64) -> Result<Message, Error> {
        // The console serves no intent, so anything already in its mailbox
        // is a reply or expiry notice for an earlier `send` that timed out;
        // dropping them keeps the bounded mailbox from filling up.
        while aios_sdk::recv(&RecvFilter::default(), 0).is_ok() {}
        Ok(aios_sdk::request(intent, body, timeout_ns)?)
    }

    fn request_text(
        &mut self,
        text: &str,
        body: Vec<u8>,
        timeout_ns: u64,
    ) -> Result<Message, Error> {
        while aios_sdk::recv(&RecvFilter::default(), 0).is_ok() {}
        let cap = aios_sdk::intent_cap("*")?;
        let mut message = Message::new(0, Destination::Request(text.to_string()), "");
        message.body = body;
        Ok(aios_sdk::request_with(cap, message, timeout_ns)?)
    }

    fn policy_set(&mut self, text: &str) -> Result<(), Error> {
        let policy = self.policy.ok_or(Error::MissingCapability("policy"))?;
        aios_sdk::policy_set(policy.raw(), text).map_err(|refusal| {
            if refusal.message.is_empty() {
                Error::Syscall(refusal.error)
            } else {
                Error::PolicyRefused(refusal.message)
            }
        })
    }

    fn embed(&mut self, text: &str) -> Result<Vec<f32>, Error> {
        let model = self.model.ok_or(Error::MissingCapability("model"))?;
        Ok(aios_sdk::embed(model.0, text)?)
    }

    fn remember(&mut self, text: &str) -> Result<String, Error> {
        let region = self
            .memory
            .ok_or(Error::MissingCapability("memory-region"))?;
        let key = format!("m{}", aios_sdk::clock_ns());
        let mut request = MemoryStoreRequest {
            key: key.clone(),
            value: text.as_bytes().to_vec(),
            tags: vec!["console".to_string()],
            embed_text: Some(text.to_string()),
            persistent: true,
            ..MemoryStoreRequest::default()
        };
        match aios_sdk::memory_store(region.0, &request) {
            Ok(_) => Ok(key),
            // No store mounted: keep it for this boot rather than not at all.
            Err(Abi::Unavailable) => {
                request.persistent = false;
                aios_sdk::memory_store(region.0, &request)?;
                Ok(format!("{key} (not persisted: no store)"))
            }
            Err(error) => Err(error.into()),
        }
    }

    fn ask(&mut self, prompt: &str) -> Result<(), Error> {
        let model = self.model.ok_or(Error::MissingCapability("model"))?;
        let request = InferRequest {
            messages: vec![ChatMessage {
                role: "user".to_string(),
                content: prompt.to_string(),
            }],
            max_tokens: ASK_MAX_TOKENS,
            ..InferRequest::default()
        };
        self.generation = Some(aios_sdk::infer(model.0, &request)?);
        Ok(())
    }

    fn ask_next(&mut self) -> Result<InferToken, Error> {
        let generation = self.generation.as_mut().ok_or(Abi::NotFound)?;
        match generation.next_piece(ASK_PIECE_WAIT_NS) {
            Ok(Some(piece)) => Ok(piece),
            Ok(None) => Err(Error::Syscall(Abi::NotFound)),
            Err(error) => {
                // Whatever went wrong, the kernel must not keep generating
                // for an answer nobody reads.
                let _ = generation.cancel();
                self.generation = None;
                Err(Error::Syscall(error))
            }
        }
    }

    fn recall(&mut self, query: &str) -> Result<Vec<(i32, String)>, Error> {
        let region = self
            .memory
            .ok_or(Error::MissingCapability("memory-region"))?;
        let request = MemoryQueryRequest {
            text: Some(query.to_string()),
            k: RECALLED as u32,
            ..MemoryQueryRequest::default()
        };
        let hits = aios_sdk::memory_query(region.0, &request)?;
        Ok(hits
            .hits
            .into_iter()
            .map(|h| {
                (
                    h.score_permille,
                    String::from_utf8_lossy(&h.value).into_owned(),
                )
            })
            .collect())
    }

    fn store_list(&mut self, ns: &str) -> Result<Vec<StoreObjectInfo>, Error> {
        let cap = self.store()?;
        let mut request = StoreListRequest {
            ns: ns.to_string(),
            ..StoreListRequest::default()
        };
        let mut objects = Vec::new();
        loop {
            let page = aios_sdk::store::list(cap, &request)?;
            request.after = page.objects.last().map(|o| o.key.clone());
            objects.extend(page.objects);
            if !page.more || objects.len() >= MAX_LISTED {
                return Ok(objects);
            }
        }
    }

    fn store_put(&mut self, ns: &str, key: &str, value: &[u8]) -> Result<(), Error> {
        let meta = aios_sdk::store::ObjectMeta {
            content_type: "text/plain".to_string(),
            ..Default::default()
        };
        Ok(aios_sdk::store::put(self.store()?, ns, key, value, &meta)?)
    }

    fn store_get(&mut self, ns: &str, key: &str) -> Result<(StoreObjectInfo, Vec<u8>), Error> {
        Ok(aios_sdk::store::get(self.store()?, ns, key, None)?)
    }

    fn store_delete(&mut self, ns: &str, key: &str) -> Result<(), Error> {
        Ok(aios_sdk::store::delete(self.store()?, ns, key)?)
    }

    fn store_snapshot(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        Ok(aios_sdk::store::snapshot(self.store()?, ns, name)?)
    }

    fn store_snapshots(&mut self, ns: &str) -> Result<Vec<SnapshotEntry>, Error> {
        Ok(aios_sdk::store::snapshots(self.store()?, ns)?)
    }

    fn store_rollback(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        Ok(aios_sdk::store::rollback(self.store()?, ns, name)?)
    }

    fn audit_tail(&mut self, n: u32) -> Result<AuditRecords, Error> {
        Ok(aios_sdk::audit_tail(self.system()?.raw(), n)?)
    }

    fn audit_verify(&mut self) -> Result<AuditVerdict, Error> {
        Ok(aios_sdk::audit_verify(self.system()?.raw())?)
    }

    fn audit_export(&mut self) -> Result<Vec<u8>, Error> {
        Ok(aios_sdk::audit_export(self.system()?.raw())?)
    }

    fn ipc_trace(&mut self, id: u64) -> Result<TraceList, Error> {
        Ok(aios_sdk::ipc_trace(self.system()?.raw(), id)?)
    }

    fn ipc_stats(&mut self) -> Result<IpcStats, Error> {
        Ok(aios_sdk::ipc_stats(self.system()?.raw())?)
    }

    fn event_subscribe(&mut self) -> Result<u32, Error> {
        let topic = self.events.ok_or(Error::MissingCapability("event-topic"))?;
        // The default filter: every category the topic opens, any agent.
        Ok(aios_sdk::event_subscribe(
            topic.raw(),
            &EventFilter::default(),
        )?)
    }

    fn event_next(&mut self, sub: u32) -> Result<Event, Error> {
        Ok(aios_sdk::event_next(sub, 0)?)
    }
}

/// Serves the console; ends (to be restarted by the supervisor) only if
/// its capabilities are missing or reading the console keeps failing.
fn main() -> i32 {
    let host = match SdkHost::find() {
        Ok(host) => host,
        Err(error) => {
            aios_sdk::error!("console: cannot start: {error}");
            return 1;
        }
    };
    let failure = Shell::new(host).serve();
    aios_sdk::error!("console: reading the serial console failed: {failure}");
    1
}

aios_sdk::entry!(main);

/// A token refusal as the console reports it: the kernel's reason, or the
/// error alone when the call itself was refused.
fn refused(refusal: TokenRefusal) -> Error {
    if refusal.message.is_empty() {
        Error::Syscall(refusal.error)
    } else {
        Error::TokenRefused(refusal.message)
    }
}
