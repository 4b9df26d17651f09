//! A QEMU run with its serial console captured: output arrives on a reader
//! thread, is split into clean lines, and every wait has a deadline.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::qemu::{Machine, Serial};

/// Lines of the console quoted in a failure's text.
const FAILURE_TAIL: usize = 12;

/// One line of serial output, stripped of `\r` and escape sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text, without the line end.
    pub text: String,
    /// When it was complete, measured from QEMU's spawn.
    pub at: Duration,
}

/// How a wait for a line ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The line arrived.
    Found(Line),
    /// QEMU closed its output (it exited) first.
    Exited,
    /// The deadline passed first.
    TimedOut,
}

/// Bytes read from QEMU's stdout, stamped on arrival.
struct Chunk {
    at: Instant,
    bytes: Vec<u8>,
}

/// A running QEMU whose serial console we read and write.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    chunks: Receiver<Chunk>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    started: Instant,
    echo: bool,
    partial: Vec<u8>,
    lines: Vec<Line>,
    scanned: usize,
    transcript: Vec<u8>,
    output_closed: bool,
    status: Option<ExitStatus>,
}

impl Session {
    /// Starts QEMU for `machine` with serial on piped stdio. With `echo`,
    /// everything QEMU prints is copied to our stdout as it arrives.
    pub fn spawn(machine: &Machine, echo: bool) -> Result<Session, Error> {
        let mut child = machine
            .command(Serial::Stdio)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if echo {
                Stdio::inherit()
            } else {
                Stdio::piped()
            })
            .spawn()
            .map_err(|e| Error::Qemu(format!("could not start {}: {e}", crate::setup::QEMU)))?;
        let started = Instant::now();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::Qemu("QEMU's stdout was not captured".to_string()))?;
        let (sender, chunks) = mpsc::channel();
        thread::spawn(move || read_chunks(stdout, &sender));
        let stderr = child.stderr.take().map(|mut stderr| {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                // A read error only shortens the diagnostic text.
                let _ = stderr.read_to_end(&mut bytes);
                bytes
            })
        });
        Ok(Session {
            stdin: child.stdin.take(),
            child,
            chunks,
            stderr,
            started,
            echo,
            partial: Vec::new(),
            lines: Vec::new(),
            scanned: 0,
            transcript: Vec::new(),
            output_closed: false,
            status: None,
        })
    }

    /// Waits up to `timeout` for a line (not seen by an earlier wait) for
    /// which `wanted` holds.
    pub fn wait_for(&mut self, timeout: Duration, wanted: impl Fn(&str) -> bool) -> Wait {
        let deadline = Instant::now() + timeout;
        loop {
            while self.scanned < self.lines.len() {
                let line = &self.lines[self.scanned];
                self.scanned += 1;
                if wanted(&line.text) {
                    return Wait::Found(line.clone());
                }
            }
            if self.output_closed {
                return Wait::Exited;
            }
            // A guest that never stops printing must still time out.
            if Instant::now() >= deadline || !self.receive_until(deadline) {
                return Wait::TimedOut;
            }
        }
    }

    /// Types `text` on the guest's serial console.
    pub fn send(&mut self, text: &str) -> Result<(), Error> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| Error::Qemu("QEMU's stdin is already closed".to_string()))?;
        stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|e| Error::Qemu(format!("writing to the serial console: {e}")))
    }

    /// Hands QEMU's stdin to the caller (to forward a user's input).
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// Waits up to `timeout` for QEMU to exit, reading its remaining output;
    /// kills it and returns `None` when the time is up.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<Option<ExitStatus>, Error> {
        let deadline = Instant::now() + timeout;
        while !self.output_closed {
            if Instant::now() >= deadline || !self.receive_until(deadline) {
                self.kill();
                return Ok(None);
            }
        }
        loop {
            if let Some(status) = self.try_status()? {
                return Ok(Some(status));
            }
            if Instant::now() >= deadline {
                self.kill();
                return Ok(None);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills QEMU (if still running) and reads what it printed.
    pub fn kill(&mut self) {
        if self.status.is_none() {
            // It may have exited on its own meanwhile; either way it is gone.
            let _ = self.child.kill();
            self.status = self.child.wait().ok();
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.output_closed && self.receive_until(deadline) {}
    }

    /// Time since QEMU was started (the clock of [`Line::at`]).
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Every complete line so far.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Everything QEMU printed so far, raw, including an unfinished line
    /// (such as the console prompt waiting for input).
    pub fn transcript(&self) -> &[u8] {
        &self.transcript
    }

    /// `why` a scenario failed, naming the saved serial `log` and quoting
    /// the console's last lines (CI shows this text, not the log file).
    pub fn failure(&self, why: &str, log: &Path) -> String {
        let lines = &self.lines[self.lines.len().saturating_sub(FAILURE_TAIL)..];
        let mut text = format!("{why} (serial log: {}); it ends:", log.display());
        for line in lines {
            text.push_str("\n        | ");
            text.push_str(&line.text);
        }
        if !self.partial.is_empty() {
            text.push_str("\n        | ");
            text.push_str(&clean(&self.partial));
        }
        text
    }

    /// Writes the raw serial transcript and QEMU's stderr to
    /// `<dir>/<name>.log` and returns its path.
    pub fn save_log(&mut self, dir: &Path, name: &str) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(format!("{name}.log"));
        let mut text = self.transcript.clone();
        if let Some(stderr) = self.stderr.take().and_then(|handle| handle.join().ok())
            && !stderr.is_empty()
        {
            text.extend_from_slice(b"\n--- qemu stderr ---\n");
            text.extend_from_slice(&stderr);
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }

    fn try_status(&mut self) -> Result<Option<ExitStatus>, Error> {
        if self.status.is_none() {
            self.status = self
                .child
                .try_wait()
                .map_err(|e| Error::Qemu(format!("waiting for QEMU: {e}")))?;
        }
        Ok(self.status)
    }

    /// Takes one chunk of output; false if the deadline passed first.
    fn receive_until(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.chunks.recv_timeout(left) {
            Ok(chunk) => {
                self.take(&chunk);
                true
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.close_output();
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
        }
    }

    fn take(&mut self, chunk: &Chunk) {
        if self.echo {
            let mut out = std::io::stdout().lock();
            // Our own stdout closing (e.g. `| head`) must not stop the guest.
            let _ = out.write_all(&chunk.bytes).and_then(|()| out.flush());
        }
        self.transcript.extend_from_slice(&chunk.bytes);
        let at = chunk.at.duration_since(self.started);
        for &byte in &chunk.bytes {
            if byte == b'\n' {
                let text = clean(&self.partial);
                self.partial.clear();
                self.lines.push(Line { text, at });
            } else {
                self.partial.push(byte);
            }
        }
    }

    fn close_output(&mut self) {
        self.output_closed = true;
        if !self.partial.is_empty() {
            let text = clean(&self.partial);
            self.partial.clear();
            let at = self.started.elapsed();
            self.lines.push(Line { text, at });
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.status.is_none() {
            // Never leave a QEMU behind, whatever went wrong.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_chunks(mut stdout: impl Read, sender: &mpsc::Sender<Chunk>) {
    let mut buffer = [0u8; 4096];
    loop {
        match stdout.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let chunk = Chunk {
                    at: Instant::now(),
                    bytes: buffer[..n].to_vec(),
                };
                if sender.send(chunk).is_err() {
                    return;
                }
            }
        }
    }
}

/// A line as a person reads it: no `\r`, no ANSI/VT100 escape sequences
/// (OVMF draws its screen with them), no other control characters.
pub fn clean(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            0x1B => match bytes.next() {
                // CSI: parameters and intermediates, then one final byte.
                Some(b'[') => {
                    for b in bytes.by_ref() {
                        if (0x40..=0x7E).contains(&b) {
                            break;
                        }
                    }
                }
                // Character-set selection takes one more byte.
                Some(b'(' | b')') => {
                    bytes.next();
                }
                _ => {}
            },
            b'\t' => out.push(b' '),
            0x00..=0x1F | 0x7F => {}
            _ => out.push(byte),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn clean_strips_carriage_returns_and_escapes() {
        assert_eq!(clean(b"AIOS 0.1.0 ready\r"), "AIOS 0.1.0 ready");
        assert_eq!(
            clean(b"\x1b[2J\x1b[01;01H\x1b[=3h\x1b[0m\x1b(BAIOS boot: REFUSED: bad\r"),
            "AIOS boot: REFUSED: bad"
        );
        assert_eq!(clean(b"a\x07b\x1bc"), "ab");
        assert_eq!(clean(b"x\ty"), "x y");
    }

    #[test]
    fn clean_keeps_utf8_and_survives_truncated_escapes() {
        assert_eq!(clean("grüße".as_bytes()), "grüße");
        assert_eq!(clean(b"end\x1b["), "end");
        assert_eq!(clean(b"end\x1b"), "end");
    }
}
