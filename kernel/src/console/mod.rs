//! The serial console: a line editor and the built-in commands. It shares
//! the boot CPU with agents: between keystrokes the CPU runs agent slices.
//! (It becomes an agent of its own once the console agent exists.)

mod agents;
mod info;
mod top;

use crate::println;
use aios_hal::serial;

const MAX_LINE: usize = 256;
const PROMPT: &[u8] = b"aios> ";

/// A line being typed.
pub struct LineEditor {
    line: [u8; MAX_LINE],
    len: usize,
    overflow: bool,
}

impl LineEditor {
    /// An empty line; prints the prompt.
    pub fn new() -> LineEditor {
        serial::write_bytes(PROMPT);
        LineEditor {
            line: [0; MAX_LINE],
            len: 0,
            overflow: false,
        }
    }

    /// Takes the input that is waiting; runs a command when a line ends.
    /// Returns true if any input was consumed.
    pub fn poll(&mut self) -> bool {
        let mut consumed = false;
        while let Some(byte) = serial::try_read() {
            consumed = true;
            self.key(byte);
        }
        consumed
    }

    fn key(&mut self, byte: u8) {
        match byte {
            b'\r' | b'\n' => {
                serial::write_bytes(b"\n");
                if self.overflow {
                    println!("error: line longer than {} bytes, ignored", MAX_LINE);
                } else {
                    match core::str::from_utf8(&self.line[..self.len]) {
                        Ok(text) => execute(text.trim()),
                        Err(_) => println!("error: input is not UTF-8"),
                    }
                }
                self.len = 0;
                self.overflow = false;
                serial::write_bytes(PROMPT);
            }
            0x08 | 0x7F if self.len > 0 => {
                self.len -= 1;
                serial::write_bytes(b"\x08 \x08");
            }
            0x20..=0x7E | 0x80..=0xFF => {
                if self.len < MAX_LINE {
                    self.line[self.len] = byte;
                    self.len += 1;
                    serial::write_bytes(&[byte]);
                } else {
                    self.overflow = true;
                }
            }
            _ => {}
        }
    }
}

/// How long the kernel waits for the boot console agent before serving
/// the serial line itself.
const CONSOLE_AGENT_GRACE_NS: u64 = 5_000_000_000;

/// Serves the console and runs agents on the boot CPU, forever. While a
/// console agent is alive the serial line is its own; the kernel's console
/// serves it whenever none is (none in the bundle, or it died), so there is
/// always a console.
pub fn run() -> ! {
    let expected_until = match crate::agents::runtime() {
        Some(rt) if rt.has_boot_console() => aios_hal::clock::now_ns() + CONSOLE_AGENT_GRACE_NS,
        _ => 0,
    };
    let mut editor: Option<LineEditor> = None;
    let mut last_check = 0u64;
    let mut agent_owns_line = expected_until != 0;
    loop {
        let now = aios_hal::clock::now_ns();
        if now.saturating_sub(last_check) >= 10_000_000 {
            last_check = now;
            let agents = crate::agents::runtime().map_or(0, |rt| rt.console_agents());
            agent_owns_line = agents > 0 || now < expected_until;
        }
        if agent_owns_line {
            editor = None;
        } else if editor.get_or_insert_with(LineEditor::new).poll() {
            continue;
        }
        crate::net::step();
        if !crate::agents::step(0) {
            aios_hal::percpu::idle();
        }
    }
}

/// Runs one command line.
pub fn execute(line: &str) {
    let mut words = line.split_ascii_whitespace();
    let Some(command) = words.next() else {
        return;
    };
    let argument = words.next();
    match (command, argument) {
        ("help", _) => help(),
        ("info", _) => info::run(),
        ("agents", _) => agents::list(),
        ("images", _) => agents::images(),
        ("spawn", Some(name)) => agents::spawn(name),
        ("kill", Some(id)) => agents::kill(id),
        ("caps", Some(id)) => agents::caps(id),
        ("top", _) => top::run(),
        ("spawn" | "kill" | "caps", None) => println!("usage: {} ARGUMENT (see help)", command),
        ("poweroff", _) => {
            println!("powering off");
            let why = crate::power::power_off();
            println!("error: poweroff failed: {}", why);
        }
        (other, _) => println!("unknown command: {}", other),
    }
}

fn help() {
    println!("commands:");
    println!("  help        this list");
    println!("  info        CPUs, memory, uptime, boot measurements");
    println!("  agents      agents: id, name, state, CPU %, memory, restarts");
    println!("  images      agent images (the bundle's, deployed ones) and whether they loaded");
    println!("  spawn NAME  start an agent from an image");
    println!("  kill ID     stop an agent");
    println!("  caps ID     an agent's capabilities");
    println!("  top         live view of agents and CPUs (any key exits)");
    println!("  poweroff    switch the machine off (ACPI S5)");
}
