//! A naive reference evaluator: rules written as plain data, scanned in
//! order, with a backtracking glob. It shares no code with the crate.

use aios_policy::{Decision, Effect, Request};
use std::collections::HashMap;

/// One rule, as the property tests generate it.
#[derive(Debug, Clone)]
pub struct RefRule {
    pub effect: Effect,
    pub agent: Option<String>,
    pub publisher: Option<String>,
    pub labels: Vec<String>,
    pub operation: String,
    pub resource: Option<String>,
    pub max_size: Option<u64>,
    pub schema: Option<String>,
    pub hours: Option<(u8, u8)>,
    pub rate: Option<u64>,
}

fn quote(pattern: &str) -> String {
    format!("\"{pattern}\"")
}

fn effect_text(effect: &Effect) -> String {
    match effect {
        Effect::Allow => "allow".into(),
        Effect::Deny => "deny".into(),
        Effect::Audit => "audit".into(),
        Effect::RequireApproval(name) => format!("require approval from \"{name}\""),
    }
}

impl RefRule {
    /// The rule as policy text, clauses in the generator's own order.
    pub fn text(&self) -> String {
        let mut text = effect_text(&self.effect);
        if matches!(self.effect, Effect::RequireApproval(_)) {
            text += " for";
        }
        text += &format!(" op {}", quote(&self.operation));
        if let Some(resource) = &self.resource {
            text += &format!(" resource {}", quote(resource));
        }
        for label in &self.labels {
            text += &format!(" label {}", quote(label));
        }
        if let Some(agent) = &self.agent {
            text += &format!(" agent {}", quote(agent));
        }
        if let Some(publisher) = &self.publisher {
            text += &format!(" publisher {}", quote(publisher));
        }
        let mut conditions = Vec::new();
        if let Some(rate) = self.rate {
            conditions.push(format!("rate <= {rate}/s"));
        }
        if let Some((start, end)) = self.hours {
            conditions.push(format!("hour in {start}..{end}"));
        }
        if let Some(schema) = &self.schema {
            conditions.push(format!("schema == {}", quote(schema)));
        }
        if let Some(size) = self.max_size {
            conditions.push(format!("size <= {size}"));
        }
        if !conditions.is_empty() {
            text += " when ";
            text += &conditions.join(" and ");
        }
        text + ";"
    }
}

/// The whole policy text: a comment line, one rule per line, then the default.
pub fn policy_text(rules: &[RefRule], default: &Option<Effect>) -> String {
    let mut text = String::from("# generated\n");
    for rule in rules {
        text += &rule.text();
        text += "\n";
    }
    if let Some(effect) = default {
        text += &format!("default {};\n", effect_text(effect));
    }
    text
}

/// Backtracking glob with `*` only: slow on hostile input, obviously right.
pub fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((c, rest)) => name.first() == Some(c) && glob(rest, &name[1..]),
    }
}

/// The reference rate memory: nano-tokens and last time per (rule, subject).
#[derive(Default)]
pub struct RefRates(HashMap<(usize, String), (u128, u64)>);

impl RefRates {
    fn take(&mut self, rule: usize, subject: &str, rate: u64, now: u64) -> bool {
        let capacity = u128::from(rate) * 1_000_000_000;
        let entry = self
            .0
            .entry((rule, subject.into()))
            .or_insert((capacity, now));
        let elapsed = now.saturating_sub(entry.1);
        entry.1 = entry.1.max(now);
        entry.0 = (entry.0 + u128::from(elapsed) * u128::from(rate)).min(capacity);
        if entry.0 >= 1_000_000_000 {
            entry.0 -= 1_000_000_000;
            true
        } else {
            false
        }
    }
}

fn in_window((start, end): (u8, u8), hour: u8) -> bool {
    let end = if end == 24 { 0 } else { end };
    (0..24).contains(&hour)
        && if start < end {
            (start..end).contains(&hour)
        } else {
            hour >= start || hour < end
        }
}

/// Scans every rule in order; the first that holds decides.
pub fn evaluate(
    rules: &[RefRule],
    default: &Option<Effect>,
    request: &Request<'_>,
    rates: &mut RefRates,
) -> Decision {
    let subject = &request.subject;
    let hex: String = subject
        .publisher
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for (index, rule) in rules.iter().enumerate() {
        let holds = glob(rule.operation.as_bytes(), request.operation.as_bytes())
            && rule
                .agent
                .as_ref()
                .is_none_or(|p| glob(p.as_bytes(), subject.name.as_bytes()))
            && rule
                .publisher
                .as_ref()
                .is_none_or(|p| hex.starts_with(&p.to_lowercase()))
            && rule.labels.iter().all(|p| {
                subject
                    .labels
                    .iter()
                    .any(|l| glob(p.as_bytes(), l.as_bytes()))
            })
            && rule.resource.as_ref().is_none_or(|p| {
                request
                    .resource
                    .is_some_and(|r| glob(p.as_bytes(), r.as_bytes()))
            })
            && rule.max_size.is_none_or(|max| request.size <= max)
            && rule
                .schema
                .as_deref()
                .is_none_or(|s| request.schema == Some(s))
            && rule
                .hours
                .is_none_or(|window| in_window(window, request.hour_utc))
            && rule
                .rate
                .is_none_or(|rate| rates.take(index, subject.name, rate, request.now_ns));
        if holds {
            return Decision {
                effect: rule.effect.clone(),
                rule: Some(index),
                line: index as u32 + 2,
            };
        }
    }
    match default {
        Some(effect) => Decision {
            effect: effect.clone(),
            rule: None,
            line: rules.len() as u32 + 2,
        },
        None => Decision {
            effect: Effect::Deny,
            rule: None,
            line: 0,
        },
    }
}
