//! The kernel's serial protocol as the host reads it: the ready line, the
//! boot statistic, console output and the loader's refusal.

/// The console prompt; it precedes echoed input on the same line.
pub const PROMPT: &str = "aios> ";
/// What the loader prints before halting when verification fails.
pub const REFUSED: &str = "AIOS boot: REFUSED:";
/// The prefix of the boot statistic line.
const BOOTSTAT: &str = "bootstat: entry_to_ready_tsc=";

/// The line without any leading console prompts.
pub fn without_prompt(line: &str) -> &str {
    let mut line = line;
    while let Some(rest) = line.strip_prefix(PROMPT) {
        line = rest;
    }
    line
}

/// Whether `line` is the boot-finished line `AIOS <version> ready`.
pub fn is_ready(line: &str) -> bool {
    line.strip_prefix("AIOS ")
        .and_then(|rest| rest.strip_suffix(" ready"))
        .is_some_and(|version| !version.is_empty() && !version.contains(char::is_whitespace))
}

/// Whether `line` is the loader's refusal.
pub fn is_refusal(line: &str) -> bool {
    line.starts_with(REFUSED)
}

/// The TSC ticks from kernel entry to ready in a `bootstat:` line.
pub fn bootstat_ticks(line: &str) -> Option<u64> {
    line.strip_prefix(BOOTSTAT)?.trim().parse().ok()
}

/// The `<N>` of a console line `cpus online: <N> …`.
pub fn cpus_online(line: &str) -> Option<u32> {
    without_prompt(line)
        .strip_prefix("cpus online: ")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A `measured: <name> <size> bytes sha3-256 <hex64>` line of `info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measurement {
    /// The boot-log entry's name (`kernel.elf`, …).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA3-256 digest as 64 lower-case hex digits.
    pub sha3_256: String,
}

/// Parses a `measured:` line.
pub fn measurement(line: &str) -> Option<Measurement> {
    let mut words = without_prompt(line)
        .strip_prefix("measured: ")?
        .split_whitespace();
    let name = words.next()?.to_string();
    let size = words.next()?.parse().ok()?;
    if words.next()? != "bytes" || words.next()? != "sha3-256" {
        return None;
    }
    let sha3_256 = words.next()?;
    let is_digest = sha3_256.len() == 64
        && sha3_256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    is_digest.then(|| Measurement {
        name,
        size,
        sha3_256: sha3_256.to_string(),
    })
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_line_is_matched_exactly() {
        assert!(is_ready("AIOS 0.1.0 ready"));
        assert!(is_ready("AIOS 1.2.3-rc1 ready"));
        assert!(!is_ready("AIOS  ready"));
        assert!(!is_ready("AIOS 0.1.0 ready!"));
        assert!(!is_ready("xAIOS 0.1.0 ready"));
        assert!(!is_ready("AIOS 0.1 0 ready"));
        assert!(!is_ready("AIOS 0.1.0 booting"));
    }

    #[test]
    fn bootstat_and_cpus_are_parsed() {
        assert_eq!(
            bootstat_ticks("bootstat: entry_to_ready_tsc=46512720"),
            Some(46_512_720)
        );
        assert_eq!(bootstat_ticks("bootstat: entry_to_ready_tsc=x"), None);
        assert_eq!(bootstat_ticks("bootstat: other=1"), None);
        assert_eq!(cpus_online("cpus online: 2 of 2"), Some(2));
        assert_eq!(cpus_online("aios> cpus online: 4"), Some(4));
        assert_eq!(cpus_online("cpus online: many"), None);
    }

    #[test]
    fn prompts_are_stripped() {
        assert_eq!(without_prompt("aios> aios> info"), "info");
        assert_eq!(without_prompt("unknown command: x"), "unknown command: x");
    }

    #[test]
    fn measured_lines_are_parsed_and_checked() {
        let digest = "ab".repeat(32);
        let line = format!("measured: kernel.elf 1750736 bytes sha3-256 {digest} verified");
        assert_eq!(
            measurement(&line),
            Some(Measurement {
                name: "kernel.elf".to_string(),
                size: 1_750_736,
                sha3_256: digest.clone(),
            })
        );
        assert_eq!(
            measurement("measured: kernel.elf 12 bytes sha3-256 abc"),
            None
        );
        assert_eq!(
            measurement(&format!("measured: k 12 bytes sha256 {digest}")),
            None
        );
        assert_eq!(
            measurement(&format!(
                "measured: k 12 bytes sha3-256 {}",
                "AB".repeat(32)
            )),
            None
        );
    }

    #[test]
    fn refusal_and_hex() {
        assert!(is_refusal("AIOS boot: REFUSED: signature does not verify"));
        assert!(!is_refusal("AIOS boot: verified"));
        assert_eq!(hex(&[0x00, 0xab, 0x10]), "00ab10");
    }
}
