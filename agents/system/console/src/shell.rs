//! The console's main loop: reads keystrokes, echoes them through the line
//! editor, runs commands and prints their output, all through a [`Host`].

use crate::command::{self, Command};
use crate::editor::{ERASE, Key, LineEditor, PROMPT};
use crate::{Error, Host, info, listing};
use std::collections::VecDeque;

/// How long one `console_read` waits for input before the loop goes round.
pub const READ_TIMEOUT_NS: u64 = 100_000_000;
/// How often `top` redraws.
pub const TOP_REFRESH_NS: u64 = 1_000_000_000;
/// Consecutive failed reads (other than timeouts) after which [`Shell::serve`]
/// gives up, so that a console whose capability was revoked ends and is
/// restarted instead of spinning.
pub const MAX_READ_FAILURES: u32 = 10;
/// Clears the terminal and homes the cursor, before each `top` frame.
const CLEAR: &str = "\x1b[2J\x1b[H";

/// The console: a line editor bound to a host.
pub struct Shell<H: Host> {
    host: H,
    editor: LineEditor,
    /// Bytes read but not yet taken by the editor: typed ahead of a
    /// command still running, which `top` takes as its key.
    pending: VecDeque<u8>,
}

impl<H: Host> Shell<H> {
    /// A console with an empty line, talking to `host`.
    pub fn new(host: H) -> Shell<H> {
        Shell {
            host,
            editor: LineEditor::new(),
            pending: VecDeque::new(),
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
            Command::Top => self.top()?,
            Command::Poweroff => {
                self.say(&["powering off"]);
                let why = self.host.poweroff();
                self.say(&[format!("error: poweroff failed: {why}")]);
            }
            Command::Usage(word) => self.say(&[format!("usage: {word} ARGUMENT (see help)")]),
            Command::Unknown(word) => self.say(&[format!("unknown command: {word}")]),
        }
        Ok(())
    }

    /// Redraws the agent table every [`TOP_REFRESH_NS`] until a key is
    /// pressed (the key is consumed; one typed ahead counts).
    fn top(&mut self) -> Result<(), Error> {
        loop {
            let now = self.host.clock_ns();
            let mut frame = vec![format!("{CLEAR}{}", listing::top_header(now))];
            match self.host.agent_list() {
                Ok(agents) => frame.extend(listing::agent_table(&agents)),
                Err(error) => frame.push(format!("error: {error}")),
            }
            self.say(&frame);
            if self.pending.pop_front().is_some() {
                return Ok(());
            }
            let deadline = now.saturating_add(TOP_REFRESH_NS);
            loop {
                let left = deadline.saturating_sub(self.host.clock_ns());
                if left == 0 {
                    break;
                }
                match self.host.read(&mut [0u8; 1], left) {
                    Ok(0) => {}
                    Ok(_) => return Ok(()),
                    Err(error) if is_no_input(&error) => {}
                    Err(error) => return Err(error),
                }
            }
        }
    }

    fn report(&mut self, error: &Error) {
        self.say(&[format!("error: {error}")]);
    }

    /// Writes lines, each ended by `\n`, in one console write.
    fn say<S: AsRef<str>>(&mut self, lines: &[S]) {
        let mut text = String::new();
        for line in lines {
            text.push_str(line.as_ref());
            text.push('\n');
        }
        self.host.write(text.as_bytes());
    }
}

/// Whether a read error just means nothing was typed in time.
fn is_no_input(error: &Error) -> bool {
    matches!(
        error,
        Error::Syscall(aios_abi::Error::TimedOut | aios_abi::Error::WouldBlock)
    )
}
