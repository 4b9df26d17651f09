//! Counting and printing results: named checks, pass/fail tallies and the
//! final summary line.

/// Passed and failed counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many passed.
    pub passed: u64,
    /// How many failed.
    pub failed: u64,
}

impl Tally {
    /// Adds `other` to this tally.
    pub fn add(&mut self, other: Tally) {
        self.passed = self.passed.saturating_add(other.passed);
        self.failed = self.failed.saturating_add(other.failed);
    }

    /// The summary line `summary: <P> passed, <F> failed`.
    pub fn summary_line(&self) -> String {
        format!("summary: {} passed, {} failed", self.passed, self.failed)
    }
}

/// A list of named checks of one scenario, printed as they are made.
#[derive(Debug, Default)]
pub struct Checks {
    tally: Tally,
    failures: Vec<String>,
}

impl Checks {
    /// No checks yet.
    pub fn new() -> Checks {
        Checks::default()
    }

    /// Records the check `what`: passed if `outcome` is `Ok`, else failed
    /// with the error's explanation.
    pub fn record(&mut self, what: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => {
                self.tally.passed += 1;
                println!("  ok    {what}");
            }
            Err(why) => {
                self.tally.failed += 1;
                println!("  FAIL  {what}: {why}");
                self.failures.push(format!("{what}: {why}"));
            }
        }
    }

    /// Records `what` as passed if `ok`, else failed because of `why`.
    pub fn expect(&mut self, what: &str, ok: bool, why: impl FnOnce() -> String) {
        self.record(what, if ok { Ok(()) } else { Err(why()) });
    }

    /// The counts so far.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The failed checks with their explanations.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_count_and_keep_failure_reasons() {
        let mut checks = Checks::new();
        checks.record("first", Ok(()));
        checks.expect("second", false, || "it broke".to_string());
        checks.expect("third", true, || unreachable!());
        assert_eq!(
            checks.tally(),
            Tally {
                passed: 2,
                failed: 1
            }
        );
        assert_eq!(checks.failures(), ["second: it broke"]);
    }

    #[test]
    fn tallies_add_up_into_the_summary_line() {
        let mut total = Tally::default();
        total.add(Tally {
            passed: 40,
            failed: 0,
        });
        total.add(Tally {
            passed: 2,
            failed: 1,
        });
        assert_eq!(total.summary_line(), "summary: 42 passed, 1 failed");
    }
}
