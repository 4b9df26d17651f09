//! The bench agents' serial output as the host reads it: their result
//! lines (`agent <id> <name>: bench: key=value …`), their failures, and the
//! figures computed from them.

use crate::protocol;

/// What a serial line says about a bench agent.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Its result line: the `key=value` pairs.
    Result(Vec<(String, f64)>),
    /// It logged an error, or the console refused to spawn it.
    Failed,
}

/// The outcome `line` reports for `agent`, if it reports one.
pub fn outcome(line: &str, agent: &str) -> Option<Outcome> {
    let text = protocol::without_prompt(line);
    if text.starts_with("error: ") {
        return Some(Outcome::Failed);
    }
    let tag = format!(" {agent}: ");
    let (prefix, said) = text.split_once(&tag)?;
    if !prefix.contains(" agent ") && !prefix.starts_with("agent ") {
        return None;
    }
    if prefix.contains("ERROR") {
        return Some(Outcome::Failed);
    }
    let pairs = said.strip_prefix("bench: ")?;
    let pairs: Option<Vec<(String, f64)>> = pairs
        .split_whitespace()
        .map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect();
    match pairs {
        Some(pairs) if !pairs.is_empty() => Some(Outcome::Result(pairs)),
        _ => Some(Outcome::Failed),
    }
}

/// The figures of one boot, in the guest clock's ns.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// One null syscall, loop included.
    pub null_ns: f64,
    /// One null syscall, empty-loop time subtracted.
    pub null_net_ns: f64,
    /// Spawn of `bench-child` until its first instructions run, mean.
    pub spawn_ns: f64,
    /// Spawn of `bench-child` until the parent sees it exited, mean.
    pub spawn_exit_ns: f64,
    /// The yield loops' totals, one per instance.
    pub yield_totals: Vec<f64>,
    /// The agent-compute work, in the agent and natively.
    pub compute: Compute,
}

/// The agent-compute benchmark's timings (`aios-benchwork`), ns.
#[derive(Debug, Clone, PartialEq)]
pub struct Compute {
    /// SHA3-256 over 1 MiB, compiled into the agent.
    pub agent_sha3_ns: f64,
    /// The same, native in the kernel.
    pub native_sha3_ns: f64,
    /// Decoding 10,000 envelopes, compiled into the agent.
    pub agent_cbor_ns: f64,
    /// The same, native in the kernel.
    pub native_cbor_ns: f64,
}

impl Compute {
    /// The agent's speed as a fraction of native (1.0: as fast).
    pub fn sha3_speed(&self) -> f64 {
        self.native_sha3_ns / self.agent_sha3_ns
    }

    /// The agent's speed as a fraction of native (1.0: as fast).
    pub fn cbor_speed(&self) -> f64 {
        self.native_cbor_ns / self.agent_cbor_ns
    }
}

impl Figures {
    /// Picks the figures out of the result lines of `bench-null`,
    /// `bench-spawn`, the `bench-yield` instances, `bench-compute` and the
    /// kernel's native compute line.
    pub fn from_results(
        null: &[(String, f64)],
        spawn: &[(String, f64)],
        yields: &[Vec<(String, f64)>],
        compute: &[(String, f64)],
        native: &[(String, f64)],
    ) -> Result<Figures, String> {
        let yield_totals = yields
            .iter()
            .map(|pairs| value(pairs, "yield_loop_ns"))
            .collect::<Result<Vec<f64>, String>>()?;
        let figures = Figures {
            null_ns: value(null, "null_syscall_ns")?,
            null_net_ns: value(null, "null_syscall_net_ns")?,
            spawn_ns: value(spawn, "spawn_to_run_ns")?,
            spawn_exit_ns: value(spawn, "spawn_to_exit_ns")?,
            yield_totals,
            compute: Compute {
                agent_sha3_ns: value(compute, "agent_sha3_ns")?,
                native_sha3_ns: value(native, "native_sha3_ns")?,
                agent_cbor_ns: value(compute, "agent_cbor_ns")?,
                native_cbor_ns: value(native, "native_cbor_ns")?,
            },
        };
        // Both sides must have done the same work: same digest, same sum.
        for key in ["digest_head", "sum"] {
            let (agent, kernel) = (value(compute, key)?, value(native, key)?);
            if agent != kernel {
                return Err(format!(
                    "bench-compute and the kernel's native run disagree on {key}: {agent} vs {kernel}"
                ));
            }
        }
        Ok(figures)
    }

    /// One switch: the longer of the yield loops (the pair's wall time)
    /// over the number of switches the pair made.
    pub fn switch_ns(&self, switches: f64) -> f64 {
        let longest = self.yield_totals.iter().copied().fold(f64::NAN, f64::max);
        longest / switches
    }
}

/// The `key=value` pairs of a `bench: …` line the kernel itself prints.
pub fn pairs(line: &str) -> Vec<(String, f64)> {
    line.trim_start_matches("bench:")
        .split_whitespace()
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect()
}

fn value(pairs: &[(String, f64)], key: &str) -> Result<f64, String> {
    pairs
        .iter()
        .find(|(name, _)| name == key)
        .map(|&(_, value)| value)
        .ok_or_else(|| format!("no `{key}=` in the result line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, f64)]) -> Vec<(String, f64)> {
        list.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn result_lines_are_parsed_with_or_without_a_prompt() {
        let line = "aios> [    3.101234] INFO  agent 9 bench-null: bench: null_syscall_ns=212.5 \
                    null_syscall_net_ns=201.0";
        assert_eq!(
            outcome(line, "bench-null"),
            Some(Outcome::Result(pairs(&[
                ("null_syscall_ns", 212.5),
                ("null_syscall_net_ns", 201.0)
            ])))
        );
        let line = "[    4.000000] INFO  agent 12 bench-yield: bench: yield_loop_ns=80000000";
        assert_eq!(
            outcome(line, "bench-yield"),
            Some(Outcome::Result(pairs(&[("yield_loop_ns", 80_000_000.0)])))
        );
    }

    #[test]
    fn other_agents_and_other_lines_are_ignored() {
        let line = "[    3.1] INFO  agent 9 bench-null: bench: null_syscall_ns=1.0";
        assert_eq!(outcome(line, "bench-spawn"), None);
        assert_eq!(outcome("spawned bench-null as agent 9", "bench-null"), None);
        assert_eq!(
            outcome("[    3.1] INFO  agent 9 bench-null: starting", "bench-null"),
            None
        );
    }

    #[test]
    fn errors_and_garbled_results_are_failures() {
        let line = "[    3.1] ERROR agent 9 bench-spawn: bench-spawn: quota exceeded";
        assert_eq!(outcome(line, "bench-spawn"), Some(Outcome::Failed));
        assert_eq!(
            outcome("aios> error: no image bench-null", "bench-null"),
            Some(Outcome::Failed)
        );
        let line = "[    3.1] INFO  agent 9 bench-null: bench: null_syscall_ns=fast";
        assert_eq!(outcome(line, "bench-null"), Some(Outcome::Failed));
    }

    /// A compute line's pairs with its digest head and sum.
    fn compute(timings: &[(&str, f64)], sum: f64) -> Vec<(String, f64)> {
        let mut all = pairs(timings);
        all.extend(pairs(&[("digest_head", 1234.0), ("sum", sum)]));
        all
    }

    #[test]
    fn an_agent_that_computed_something_else_is_refused() {
        let other = Figures::from_results(
            &pairs(&[("null_syscall_ns", 250.0), ("null_syscall_net_ns", 240.0)]),
            &pairs(&[("spawn_to_run_ns", 1.0), ("spawn_to_exit_ns", 2.0)]),
            &[pairs(&[("yield_loop_ns", 1.0)])],
            &compute(&[("agent_sha3_ns", 4_000.0), ("agent_cbor_ns", 900.0)], 7.0),
            &compute(
                &[("native_sha3_ns", 3_000.0), ("native_cbor_ns", 1_000.0)],
                8.0,
            ),
        );
        assert!(other.unwrap_err().contains("disagree on sum"));
    }

    #[test]
    fn figures_take_the_longest_yield_loop_per_switch() {
        let figures = Figures::from_results(
            &pairs(&[("null_syscall_ns", 250.0), ("null_syscall_net_ns", 240.0)]),
            &pairs(&[
                ("spawn_to_run_ns", 120_000.0),
                ("spawn_to_exit_ns", 150_000.0),
            ]),
            &[
                pairs(&[("yield_loop_ns", 60_000_000.0)]),
                pairs(&[("yield_loop_ns", 59_000_000.0)]),
            ],
            &compute(&[("agent_sha3_ns", 4_000.0), ("agent_cbor_ns", 900.0)], 7.0),
            &compute(
                &[("native_sha3_ns", 3_000.0), ("native_cbor_ns", 1_000.0)],
                7.0,
            ),
        )
        .unwrap();
        assert_eq!(figures.compute.sha3_speed(), 0.75);
        assert_eq!(figures.compute.cbor_speed(), 1_000.0 / 900.0);
        assert_eq!(figures.null_ns, 250.0);
        assert_eq!(figures.null_net_ns, 240.0);
        assert_eq!(figures.spawn_ns, 120_000.0);
        assert_eq!(figures.spawn_exit_ns, 150_000.0);
        assert_eq!(figures.switch_ns(40_000.0), 1500.0);
    }

    #[test]
    fn kernel_lines_give_their_pairs() {
        let got = super::pairs("bench: native_sha3_ns=3000 native_cbor_ns=12.5 note=x");
        assert_eq!(
            got,
            vec![
                ("native_sha3_ns".to_string(), 3000.0),
                ("native_cbor_ns".to_string(), 12.5)
            ]
        );
    }

    #[test]
    fn a_missing_key_is_an_error() {
        let missing =
            Figures::from_results(&pairs(&[("null_syscall_ns", 1.0)]), &[], &[], &[], &[]);
        assert_eq!(
            missing,
            Err("no `null_syscall_net_ns=` in the result line".to_string())
        );
    }
}
