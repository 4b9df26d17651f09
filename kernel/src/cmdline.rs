//! The kernel command line: space-separated `key=value` pairs and flags.

/// A parsed view of the command line.
#[derive(Clone, Copy)]
pub struct Cmdline {
    text: &'static str,
}

impl Cmdline {
    /// Wraps the loader's bytes; invalid UTF-8 is treated as empty, with a
    /// warning from the caller.
    pub fn new(bytes: &'static [u8]) -> Result<Cmdline, core::str::Utf8Error> {
        Ok(Cmdline {
            text: core::str::from_utf8(bytes)?,
        })
    }

    /// An empty command line.
    pub const fn empty() -> Cmdline {
        Cmdline { text: "" }
    }

    /// The whole text.
    pub fn as_str(&self) -> &'static str {
        self.text
    }

    /// True if the bare word `flag` is present.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.text.split_ascii_whitespace().any(|w| w == flag)
    }

    /// The value of `key=value`, if present (the last one wins).
    pub fn value(&self, key: &str) -> Option<&'static str> {
        self.text
            .split_ascii_whitespace()
            .filter_map(|w| w.split_once('='))
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .next_back()
    }
}
