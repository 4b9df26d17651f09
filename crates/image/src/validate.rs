//! The rules a manifest must follow beyond decoding.

use aios_abi::payload::rights;

use crate::Error;
use crate::format::PUBLIC_KEY_LEN;
use crate::manifest::{Intent, Manifest, RestartMode};

/// Longest agent name.
pub const MAX_NAME_LEN: usize = 32;
/// Longest version string.
pub const MAX_VERSION_LEN: usize = 32;
/// Most memory an agent may ask for: 16384 pages of 64 KiB = 1 GiB.
pub const MAX_MEMORY_PAGES: u32 = 16_384;
/// Least CPU share an agent may run with, so it always makes progress.
pub const MIN_FUEL_PER_SECOND: u64 = 1_000;
/// Most capabilities, intents or dependencies one manifest may list.
pub const MAX_LIST_LEN: usize = 64;
/// Longest capability resource.
pub const MAX_RESOURCE_LEN: usize = 255;
/// Longest intent name.
pub const MAX_INTENT_NAME_LEN: usize = 64;
/// Longest intent description.
pub const MAX_DESCRIPTION_LEN: usize = 1024;

/// True if `name` is a valid agent name: 1..=32 characters of `[a-z0-9-]`.
pub fn is_agent_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// True if `name` is a valid intent name: dot-separated non-empty segments
/// of `[a-z0-9_-]`, at most 64 characters.
pub fn is_intent_name(name: &str) -> bool {
    name.len() <= MAX_INTENT_NAME_LEN
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

impl Manifest {
    /// Checks names, lengths and ranges; the error names the broken rule.
    pub fn validate(&self) -> Result<(), Error> {
        check(
            is_agent_name(&self.name),
            "the name is not 1..=32 characters of [a-z0-9-]",
        )?;
        check(
            (1..=MAX_VERSION_LEN).contains(&self.version.len())
                && self.version.bytes().all(|b| b.is_ascii_graphic()),
            "the version is not 1..=32 printable characters",
        )?;
        check(
            self.publisher.len() == PUBLIC_KEY_LEN,
            "the publisher is not a 1952-byte ML-DSA-65 public key",
        )?;
        self.validate_capabilities()?;
        self.validate_quotas()?;
        validate_intents(&self.intents)?;
        self.validate_restart()?;
        self.validate_dependencies()?;
        check(self.labels.len() <= 16, "more than 16 labels")?;
        for (i, label) in self.labels.iter().enumerate() {
            check(
                is_agent_name(label),
                "a label is not 1..=32 characters of [a-z0-9-]",
            )?;
            check(!self.labels[..i].contains(label), "a label is listed twice")?;
        }
        Ok(())
    }

    fn validate_capabilities(&self) -> Result<(), Error> {
        check(
            self.capabilities.len() <= MAX_LIST_LEN,
            "more than 64 capabilities",
        )?;
        for cap in &self.capabilities {
            check(
                cap.resource.len() <= MAX_RESOURCE_LEN,
                "a capability resource is over 255 bytes",
            )?;
            check(
                cap.rights & !rights::ALL == 0,
                "a capability asks for unknown rights",
            )?;
        }
        Ok(())
    }

    fn validate_quotas(&self) -> Result<(), Error> {
        let quotas = &self.quotas;
        check(
            (1..=MAX_MEMORY_PAGES).contains(&quotas.memory_pages),
            "memory_pages is not within 1..=16384",
        )?;
        check(
            quotas.fuel_per_second >= MIN_FUEL_PER_SECOND,
            "fuel_per_second is below 1000",
        )
    }

    fn validate_restart(&self) -> Result<(), Error> {
        let restart = &self.restart;
        check(
            restart.backoff_initial_ms <= restart.backoff_max_ms,
            "backoff_initial_ms exceeds backoff_max_ms",
        )?;
        if restart.mode != RestartMode::Never {
            check(
                restart.backoff_initial_ms >= 1,
                "a restarting agent needs backoff_initial_ms >= 1",
            )?;
            check(
                restart.window_ms >= 1,
                "a restarting agent needs window_ms >= 1",
            )?;
        }
        Ok(())
    }

    fn validate_dependencies(&self) -> Result<(), Error> {
        check(
            self.depends_on.len() <= MAX_LIST_LEN,
            "more than 64 dependencies",
        )?;
        for (i, dependency) in self.depends_on.iter().enumerate() {
            check(
                is_agent_name(dependency),
                "a dependency is not a valid agent name",
            )?;
            check(*dependency != self.name, "the agent depends on itself")?;
            check(
                !self.depends_on[..i].contains(dependency),
                "a dependency is listed twice",
            )?;
        }
        Ok(())
    }
}

fn validate_intents(intents: &[Intent]) -> Result<(), Error> {
    check(intents.len() <= MAX_LIST_LEN, "more than 64 intents")?;
    for (i, intent) in intents.iter().enumerate() {
        check(
            is_intent_name(&intent.name),
            "an intent name is not dotted [a-z0-9_-] segments",
        )?;
        check(
            (1..=MAX_DESCRIPTION_LEN).contains(&intent.description.len()),
            "an intent description is not 1..=1024 bytes",
        )?;
        check(
            aios_ipc::IntentSpec::new(
                &intent.name,
                &intent.description,
                &intent.input,
                &intent.output,
            )
            .is_ok(),
            "an intent's input or output schema does not parse",
        )?;
        check(
            intents[..i].iter().all(|other| other.name != intent.name),
            "an intent is listed twice",
        )?;
    }
    Ok(())
}

fn check(ok: bool, rule: &'static str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidManifest(rule))
    }
}
