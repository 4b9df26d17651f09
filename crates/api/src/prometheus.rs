//! Metrics in the Prometheus text exposition format (version 0.0.4):
//! each family's `# HELP` and `# TYPE` lines, then its samples, names and
//! labels checked, label values and help text escaped as the format says.

use alloc::string::String;
use core::fmt::Write;

/// A family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up (its name ends in `_total`).
    Counter,
    /// Goes up and down.
    Gauge,
}

/// The exposition being written.
#[derive(Default)]
pub struct Metrics {
    text: String,
    /// Families refused for a bad name (a bug in the caller, counted so
    /// that it shows rather than breaking the scrape).
    refused: u64,
    open: Option<String>,
}

fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b':')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
}

fn valid_label(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.starts_with("__")
}

impl Metrics {
    /// Starts a family; its samples follow until the next.
    pub fn family(&mut self, name: &str, help: &str, kind: Kind) {
        let counter_named = name.ends_with("_total");
        if !valid_name(name) || counter_named != (kind == Kind::Counter) {
            self.refused += 1;
            self.open = None;
            return;
        }
        self.text.push_str("# HELP ");
        self.text.push_str(name);
        self.text.push(' ');
        for c in help.chars() {
            match c {
                '\\' => self.text.push_str("\\\\"),
                '\n' => self.text.push_str("\\n"),
                c => self.text.push(c),
            }
        }
        let _ = writeln!(
            self.text,
            "\n# TYPE {name} {}",
            match kind {
                Kind::Counter => "counter",
                Kind::Gauge => "gauge",
            }
        );
        self.open = Some(String::from(name));
    }

    /// A sample of the open family with `labels`.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: u64) {
        let Some(name) = &self.open else {
            return;
        };
        if !labels.iter().all(|(l, _)| valid_label(l)) {
            self.refused += 1;
            return;
        }
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.text.push(',');
                }
                self.text.push_str(label);
                self.text.push_str("=\"");
                for c in value.chars() {
                    match c {
                        '\\' => self.text.push_str("\\\\"),
                        '"' => self.text.push_str("\\\""),
                        '\n' => self.text.push_str("\\n"),
                        c => self.text.push(c),
                    }
                }
                self.text.push('"');
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {value}");
    }

    /// A family with one unlabelled sample.
    pub fn single(&mut self, name: &str, help: &str, kind: Kind, value: u64) {
        self.family(name, help, kind);
        self.sample(&[], value);
    }

    /// The text, with a last family counting refused names if any were.
    pub fn finish(mut self) -> String {
        if self.refused > 0 {
            let refused = self.refused;
            self.single(
                "aios_metrics_refused_total",
                "Metric families or samples the node refused to expose for a bad name.",
                Kind::Counter,
                refused,
            );
        }
        self.text
    }
}
