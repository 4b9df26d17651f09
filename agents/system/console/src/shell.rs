//! The console's main loop: reads keystrokes, echoes them through the line
//! editor, runs commands and prints their output, all through a [`Host`].

use crate::command::{self, Command};
use crate::editor::{ERASE, Key, LineEditor, PROMPT};
use crate::{
    Error, Host, ask, audit, events, info, listing, messaging, network, store_lines, tokens, top,
};
use std::collections::VecDeque;

/// How long one `console_read` waits for input before the loop goes round.
pub const READ_TIMEOUT_NS: u64 = 100_000_000;
/// How often `top` redraws.
pub const TOP_REFRESH_NS: u64 = top::REFRESH_NS;
/// Consecutive failed reads (other than timeouts) after which [`Shell::serve`]
/// gives up, so that a console whose capability was revoked ends and is
/// restarted instead of spinning.
pub const MAX_READ_FAILURES: u32 = 10;
/// Output is flushed to the console once this much has gathered, so long
/// output (an audit export) goes out in several writes of about this size.
pub const WRITE_CHUNK: usize = 8 * 1024;

/// The console: a line editor bound to a host.
pub struct Shell<H: Host> {
    host: H,
    editor: LineEditor,
    /// Bytes read but not yet taken by the editor: typed ahead of a
    /// command still running, which `top` takes as its key.
    pending: VecDeque<u8>,
    /// The event-bus subscription `events` makes and keeps.
    events: events::Subscription,
}

impl<H: Host> Shell<H> {
    /// A console with an empty line, talking to `host`.
    pub fn new(host: H) -> Shell<H> {
        Shell {
            host,
            editor: LineEditor::new(),
            pending: VecDeque::new(),
            events: events::Subscription::default(),
        }
    }

    /// The host, for inspection.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// Prints the prompt and serves the console until reading it fails
    /// [`MAX_READ_FAILURES`] times in a row; returns the last failure.
    pub fn serve(&mut self) -> Error {
        self.host.write(PROMPT);
        let mut buffer = [0u8; 64];
        let mut failures = 0;
        loop {
            match self.host.read(&mut buffer, READ_TIMEOUT_NS) {
                Ok(count) => {
                    failures = 0;
                    let typed = buffer.get(..count).unwrap_or(&buffer);
                    self.input(typed);
                }
                Err(error) if is_no_input(&error) => failures = 0,
                Err(error) => {
                    failures += 1;
                    if failures >= MAX_READ_FAILURES {
                        return error;
                    }
                    self.host.sleep_ns(READ_TIMEOUT_NS);
                }
            }
        }
    }

    /// Takes bytes typed on the console: echoes them, and runs each line
    /// they finish, then prints the prompt again.
    pub fn input(&mut self, bytes: &[u8]) {
        self.pending.extend(bytes);
        let mut echo = Vec::new();
        while let Some(byte) = self.pending.pop_front() {
            match self.editor.key(byte) {
                Key::Ignored => {}
                Key::Echo(byte) => echo.push(byte),
                Key::Erase => echo.extend_from_slice(ERASE),
                Key::Line(line) => {
                    echo.push(b'\n');
                    self.host.write(&core::mem::take(&mut echo));
                    match line {
                        Ok(text) => self.execute(&text),
                        Err(error) => self.report(&error),
                    }
                    self.host.write(PROMPT);
                }
            }
        }
        if !echo.is_empty() {
            self.host.write(&echo);
        }
    }

    /// Runs one command line; failures are printed as `error: ...`.
    pub fn execute(&mut self, line: &str) {
        if let Err(error) = self.run(command::parse(line)) {
            self.report(&error);
        }
    }

    fn run(&mut self, command: Command<'_>) -> Result<(), Error> {
        match command {
            Command::Empty => {}
            Command::Help => self.say(&listing::HELP),
            Command::Info => {
                let lines = info::lines(&self.host.system_info()?);
                self.say(&lines);
            }
            Command::Agents => {
                let lines = listing::agent_table(&self.host.agent_list()?);
                self.say(&lines);
            }
            Command::Images => {
                let lines = listing::images(&self.host.image_list()?);
                self.say(&lines);
            }
            Command::Spawn(name) => {
                let id = self.host.spawn(name)?;
                self.say(&[format!("spawned {name} as agent {id}")]);
            }
            Command::Kill(text) => {
                let id = command::agent_id(text)?;
                self.host.kill(id)?;
                self.say(&[format!("killed agent {id}")]);
            }
            Command::Caps(text) => {
                let id = command::agent_id(text)?;
                let lines = listing::caps(id, &self.host.caps(id)?);
                self.say(&lines);
            }
            Command::Top => top::run(&mut self.host, &mut self.pending)?,
            Command::Send { intent, json } => {
                let line = messaging::send(&mut self.host, intent, json);
                self.say(&[line]);
            }
            Command::SendRequest { text, json } => {
                let line = messaging::send_request(&mut self.host, text, json);
                self.say(&[line]);
            }
            Command::AuditTail(count) => {
                let count = count.map_or(Ok(audit::DEFAULT_TAIL), command::number)?;
                let lines = audit::tail(&self.host.audit_tail(count)?);
                self.say(&lines);
            }
            Command::AuditVerify => {
                let line = audit::verdict(&self.host.audit_verify()?);
                self.say(&[line]);
            }
            Command::AuditExport => {
                let bytes = self.host.audit_export()?;
                say(&mut self.host, audit::export(&bytes));
            }
            Command::Trace(text) => {
                let id = command::number(text)?;
                let lines = messaging::trace(id, &self.host.ipc_trace(id)?);
                self.say(&lines);
            }
            Command::Ipc => {
                let lines = messaging::stats(&self.host.ipc_stats()?);
                self.say(&lines);
            }
            Command::Events(count) => {
                let count = count.map_or(Ok(events::DEFAULT_COUNT), command::number)?;
                let lines = self.events.drain(&mut self.host, count);
                self.say(&lines);
            }
            Command::PolicySet(text) => {
                let line = audit::policy(self.host.policy_set(text));
                self.say(&[line]);
            }
            Command::StoreLs(ns) => {
                let lines = store_lines::objects(ns, &self.host.store_list(ns)?);
                self.say(&lines);
            }
            Command::StorePut { ns, key, text } => {
                self.host.store_put(ns, key, text.as_bytes())?;
                self.say(&[format!("stored {ns}/{key} ({} bytes)", text.len())]);
            }
            Command::StoreGet { ns, key } => {
                let (info, bytes) = self.host.store_get(ns, key)?;
                let lines = store_lines::value(&info, &bytes);
                self.say(&lines);
            }
            Command::StoreRm { ns, key } => {
                self.host.store_delete(ns, key)?;
                self.say(&[format!("deleted {ns}/{key}")]);
            }
            Command::Snapshot { ns, name } => {
                self.host.store_snapshot(ns, name)?;
                self.say(&[format!("snapshot {name} of {ns} taken")]);
            }
            Command::Snapshots(ns) => {
                let lines = store_lines::snapshots(ns, &self.host.store_snapshots(ns)?);
                self.say(&lines);
            }
            Command::Rollback { ns, name } => {
                self.host.store_rollback(ns, name)?;
                self.say(&[format!("{ns} rolled back to snapshot {name}")]);
            }
            Command::Embed(text) => {
                let lines = store_lines::embedding(&self.host.embed(text)?);
                self.say(&lines);
            }
            Command::Remember(text) => {
                let key = self.host.remember(text)?;
                self.say(&[format!("remembered as {key}")]);
            }
            Command::Recall(query) => {
                let lines = store_lines::recalled(&self.host.recall(query)?);
                self.say(&lines);
            }
            Command::Ask(prompt) => ask::ask(&mut self.host, prompt)?,
            Command::Net => {
                let lines = network::lines(&self.host.net_info()?);
                self.say(&lines);
            }
            Command::Ping { host, count } => network::ping(&mut self.host, host, count)?,
            Command::Fetch(url) => {
                let lines = network::fetch(&mut self.host, url)?;
                self.say(&lines);
            }
            Command::TokenNew { name, scopes } => {
                let scopes: Vec<String> = scopes.split_whitespace().map(String::from).collect();
                let made = self.host.token_new(name, &scopes)?;
                let lines = tokens::minted(name, &scopes, &made);
                self.say(&lines);
            }
            Command::TokenList => {
                let lines = tokens::table(&self.host.token_list()?);
                self.say(&lines);
            }
            Command::TokenRevoke(name) => {
                self.host.token_revoke(name)?;
                self.say(&[format!("revoked token {name}")]);
            }
            Command::Poweroff => {
                self.say(&["powering off"]);
                let why = self.host.poweroff();
                self.say(&[format!("error: poweroff failed: {why}")]);
            }
            Command::Usage(word) => self.say(&[format!("usage: {word} ARGUMENT (see help)")]),
            Command::Syntax(syntax) => self.say(&[format!("usage: {syntax}")]),
            Command::Unknown(word) => self.say(&[format!("unknown command: {word}")]),
        }
        Ok(())
    }

    fn report(&mut self, error: &Error) {
        self.say(&[format!("error: {error}")]);
    }

    fn say<S: AsRef<str>>(&mut self, lines: &[S]) {
        say(&mut self.host, lines);
    }
}

/// Writes lines, each ended by `\n`, in as few console writes as
/// [`WRITE_CHUNK`] allows (one for everything but long output).
pub(crate) fn say<S: AsRef<str>>(host: &mut impl Host, lines: impl IntoIterator<Item = S>) {
    let mut text = String::new();
    for line in lines {
        text.push_str(line.as_ref());
        text.push('\n');
        if text.len() >= WRITE_CHUNK {
            host.write(text.as_bytes());
            text.clear();
        }
    }
    if !text.is_empty() {
        host.write(text.as_bytes());
    }
}

/// Whether a read error just means nothing was typed in time.
pub(crate) fn is_no_input(error: &Error) -> bool {
    matches!(
        error,
        Error::Syscall(aios_abi::Error::TimedOut | aios_abi::Error::WouldBlock)
    )
}
