//! Resolving destinations to agents: exact names, patterns, round-robin
//! load balancing and natural-language requests.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::{Destination, Error, IntentSpec, LexicalMatcher, Matcher, Pattern};

/// Why a destination names no agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteError {
    /// No declared intent has this name or a pattern matching it; or the
    /// addressed agent does not serve the intent.
    NoSuchIntent,
    /// The intent is declared but no agent serves it now (or the addressed
    /// agent serves nothing).
    NoAgent,
    /// No intent description fits the request well enough.
    NoMatch,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RouteError::NoSuchIntent => "no such intent",
            RouteError::NoAgent => "no agent serves the intent",
            RouteError::NoMatch => "no intent matches the request",
        })
    }
}

/// Where a message goes: the agent, and the declared intent (name or
/// pattern) that accepted it, whose input schema the body must follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The receiving agent.
    pub agent: u64,
    /// The declared intent that matched.
    pub intent: String,
}

#[derive(Debug, Clone)]
struct Entry {
    spec: IntentSpec,
    pattern: Pattern,
    agents: Vec<u64>,
    next: usize,
}

impl Entry {
    /// The next agent in round-robin order.
    fn take_turn(&mut self) -> Option<u64> {
        if self.agents.is_empty() {
            return None;
        }
        let index = self.next % self.agents.len();
        self.next = index + 1;
        self.agents.get(index).copied()
    }
}

/// The default threshold of natural-language matching, per mille.
pub const DEFAULT_THRESHOLD: u32 = 350;

/// The table of declared intents and the agents serving them.
#[derive(Debug, Clone)]
pub struct Router<M: Matcher = LexicalMatcher> {
    entries: BTreeMap<String, Entry>,
    matcher: M,
    threshold: u32,
}

impl Default for Router {
    fn default() -> Self {
        Router::new()
    }
}

impl Router {
    /// An empty router with the lexical matcher and [`DEFAULT_THRESHOLD`].
    pub fn new() -> Router {
        Router::with_matcher(LexicalMatcher::default(), DEFAULT_THRESHOLD)
    }
}

impl<M: Matcher> Router<M> {
    /// An empty router scoring requests with `matcher`; a request whose best
    /// score is below `threshold` (per mille) is [`RouteError::NoMatch`].
    pub fn with_matcher(matcher: M, threshold: u32) -> Router<M> {
        Router {
            entries: BTreeMap::new(),
            matcher,
            threshold,
        }
    }

    /// Records that `agent` serves `spec`. An intent already declared with
    /// a different specification is refused while some agent serves it;
    /// once none does, the new declaration replaces the old.
    pub fn register(&mut self, agent: u64, spec: IntentSpec) -> Result<(), Error> {
        let pattern = Pattern::parse(&spec.name)?;
        let mut changed = false;
        if let Some(entry) = self.entries.get_mut(&spec.name) {
            if entry.spec != spec {
                if !entry.agents.is_empty() {
                    return Err(Error::ConflictingSpec);
                }
                entry.spec = spec;
                changed = true;
            }
            if !entry.agents.contains(&agent) {
                entry.agents.push(agent);
            }
        } else {
            let entry = Entry {
                spec,
                pattern,
                agents: alloc::vec![agent],
                next: 0,
            };
            self.entries.insert(entry.spec.name.clone(), entry);
            changed = true;
        }
        if changed {
            self.reindex();
        }
        Ok(())
    }

    /// Removes `agent` from every intent it serves. The intents stay
    /// declared, so messages to them fail with [`RouteError::NoAgent`]
    /// (the supervisor may be restarting the agent) rather than
    /// [`RouteError::NoSuchIntent`].
    pub fn unregister(&mut self, agent: u64) {
        for entry in self.entries.values_mut() {
            entry.agents.retain(|&a| a != agent);
        }
    }

    /// The agent a message to `to` carrying `intent` goes to. See
    /// [`Router::resolve`].
    pub fn route(&mut self, to: &Destination, intent: &str) -> Result<u64, RouteError> {
        self.resolve(to, intent).map(|route| route.agent)
    }

    /// Resolves a destination. `Agent(id)` must serve `intent` (exactly or
    /// by pattern); `Intent(name)` goes to the agents of the exact name,
    /// else of the most specific matching pattern, taking turns; and
    /// `Request(text)` to the intent whose description scores best, if it
    /// reaches the threshold (`intent` is then ignored).
    pub fn resolve(&mut self, to: &Destination, intent: &str) -> Result<Route, RouteError> {
        match to {
            Destination::Agent(agent) => self.resolve_agent(*agent, intent),
            Destination::Intent(name) => {
                let key = self.lookup(name, |_| true)?;
                self.take_turn(&key)
            }
            Destination::Request(text) => {
                let mut best: Option<(u32, &String)> = None;
                for (key, entry) in self.entries.iter().filter(|(_, e)| !e.agents.is_empty()) {
                    let score = self.matcher.score(text, &entry.spec.description);
                    if best.is_none_or(|(top, _)| score > top) {
                        best = Some((score, key));
                    }
                }
                match best {
                    Some((score, key)) if score >= self.threshold => {
                        let key = key.clone();
                        self.take_turn(&key)
                    }
                    _ => Err(RouteError::NoMatch),
                }
            }
        }
    }

    /// The declaration a message with this intent name is checked against:
    /// the exact name, else the most specific matching pattern.
    pub fn spec(&self, intent: &str) -> Option<&IntentSpec> {
        let key = self.lookup(intent, |_| true).ok()?;
        self.entries.get(&key).map(|entry| &entry.spec)
    }

    /// Every declared intent with the agents serving it, by name.
    pub fn intents(&self) -> impl Iterator<Item = (&IntentSpec, &[u64])> {
        self.entries
            .values()
            .map(|entry| (&entry.spec, entry.agents.as_slice()))
    }

    fn resolve_agent(&self, agent: u64, intent: &str) -> Result<Route, RouteError> {
        if !self
            .entries
            .values()
            .any(|entry| entry.agents.contains(&agent))
        {
            return Err(RouteError::NoAgent);
        }
        let key = self
            .lookup(intent, |entry| entry.agents.contains(&agent))
            .map_err(|_| RouteError::NoSuchIntent)?;
        Ok(Route { agent, intent: key })
    }

    /// The key of the entry serving `name` among those `eligible`: the exact
    /// entry, else the most specific matching pattern.
    fn lookup(&self, name: &str, eligible: impl Fn(&Entry) -> bool) -> Result<String, RouteError> {
        let candidates = self
            .entries
            .values()
            .filter(|entry| entry.pattern.matches(name) && eligible(entry));
        let best = candidates.max_by_key(|entry| {
            if entry.pattern.is_exact() {
                usize::MAX
            } else {
                entry.pattern.specificity()
            }
        });
        best.map(|entry| entry.spec.name.clone())
            .ok_or(RouteError::NoSuchIntent)
    }

    /// The declarations of every intent served by some agent `by`
    /// accepts (a node tells its peers what its own agents serve).
    pub fn served_by(&self, by: impl Fn(u64) -> bool) -> Vec<IntentSpec> {
        self.entries
            .values()
            .filter(|entry| entry.agents.iter().any(|&agent| by(agent)))
            .map(|entry| entry.spec.clone())
            .collect()
    }

    /// Every intent some running agent serves: (name, description). For
    /// routing by meaning outside the router (the kernel's embeddings).
    pub fn served(&self) -> Vec<(String, String)> {
        self.entries
            .values()
            .filter(|entry| !entry.agents.is_empty())
            .map(|entry| (entry.spec.name.clone(), entry.spec.description.clone()))
            .collect()
    }

    fn take_turn(&mut self, key: &str) -> Result<Route, RouteError> {
        let entry = self.entries.get_mut(key).ok_or(RouteError::NoSuchIntent)?;
        let agent = entry.take_turn().ok_or(RouteError::NoAgent)?;
        Ok(Route {
            agent,
            intent: entry.spec.name.clone(),
        })
    }

    fn reindex(&mut self) {
        let descriptions: Vec<&str> = self
            .entries
            .values()
            .map(|entry| entry.spec.description.as_str())
            .collect();
        self.matcher.index(&descriptions);
    }
}
