//! Reads policy statements: rules with their clauses, and the `default`.

use crate::error::{ErrorKind, PolicyError};
use crate::glob::Pattern;
use crate::lexer::TokenKind;
use crate::parser::{Parser, once};
use crate::publisher::PublisherPrefix;
use crate::rule::{Effect, Rule};
use alloc::vec::Vec;

/// The most rules one policy may hold; it bounds the operation index.
pub const MAX_RULES: usize = 4096;

/// Everything a policy text says.
pub(crate) struct Parsed {
    pub(crate) rules: Vec<Rule>,
    /// The `default` effect and the line it is written on.
    pub(crate) default: Option<(Effect, u32)>,
}

impl Parser<'_> {
    /// The whole text.
    pub(crate) fn policy(mut self) -> Result<Parsed, PolicyError> {
        let mut parsed = Parsed {
            rules: Vec::new(),
            default: None,
        };
        loop {
            let token = self.next()?;
            match token.kind {
                TokenKind::End => return Ok(parsed),
                TokenKind::Word("default") => {
                    if parsed.default.is_some() {
                        return Err(token.error(ErrorKind::DuplicateDefault));
                    }
                    let effect = self.effect()?;
                    self.punctuation(TokenKind::Semicolon, "`;`")?;
                    parsed.default = Some((effect, token.line));
                }
                TokenKind::Word("allow" | "deny" | "audit" | "require") => {
                    if parsed.rules.len() >= MAX_RULES {
                        return Err(token.error(ErrorKind::TooManyRules));
                    }
                    self.put_back(token);
                    let effect = self.effect()?;
                    if matches!(effect, Effect::RequireApproval(_)) {
                        self.keyword("for", "`for`")?;
                    }
                    parsed.rules.push(self.rule(effect, token.line)?);
                }
                _ => {
                    return Err(Self::expected(
                        &token,
                        "a rule (`allow`, `deny`, `audit`, `require`) or `default`",
                    ));
                }
            }
        }
    }

    /// `allow`, `deny`, `audit` or `require approval from "NAME"`.
    fn effect(&mut self) -> Result<Effect, PolicyError> {
        let token = self.next()?;
        let effect = match token.kind {
            TokenKind::Word("allow") => Effect::Allow,
            TokenKind::Word("deny") => Effect::Deny,
            TokenKind::Word("audit") => Effect::Audit,
            TokenKind::Word("require") => {
                self.keyword("approval", "`approval`")?;
                self.keyword("from", "`from`")?;
                let (name_token, name) = self.string("the approving agent's name in quotes")?;
                if name.is_empty() || name.contains('*') {
                    return Err(name_token.error(ErrorKind::InvalidApprover));
                }
                Effect::RequireApproval(name.into())
            }
            _ => {
                return Err(Self::expected(
                    &token,
                    "`allow`, `deny`, `audit` or `require`",
                ));
            }
        };
        Ok(effect)
    }

    /// The clauses and conditions of a rule, up to and including its `;`.
    fn rule(&mut self, effect: Effect, line: u32) -> Result<Rule, PolicyError> {
        let mut rule = Rule {
            effect,
            line,
            agent: None,
            publisher: None,
            labels: Vec::new(),
            operation: Pattern::any(),
            resource: None,
            rate_per_second: None,
            max_size: None,
            schema: None,
            hours: None,
        };
        let mut operation = None;
        loop {
            let token = self.next()?;
            let duplicate = |name| ErrorKind::DuplicateClause(name);
            match token.kind {
                TokenKind::Word("agent") => {
                    let pattern = self.pattern()?;
                    once(&mut rule.agent, pattern, &token, duplicate("agent"))?;
                }
                TokenKind::Word("publisher") => {
                    let (hex_token, hex) = self.string("a publisher prefix in quotes")?;
                    let prefix =
                        PublisherPrefix::parse(hex).map_err(|kind| hex_token.error(kind))?;
                    once(&mut rule.publisher, prefix, &token, duplicate("publisher"))?;
                }
                TokenKind::Word("label") => rule.labels.push(self.pattern()?),
                TokenKind::Word("op") => {
                    let pattern = self.operation()?;
                    once(&mut operation, pattern, &token, duplicate("op"))?;
                }
                TokenKind::Word("resource") => {
                    let pattern = self.pattern()?;
                    once(&mut rule.resource, pattern, &token, duplicate("resource"))?;
                }
                TokenKind::Word("when") | TokenKind::Semicolon => {
                    rule.operation =
                        operation.ok_or_else(|| token.error(ErrorKind::MissingOperation))?;
                    if token.kind != TokenKind::Semicolon {
                        self.conditions(&mut rule)?;
                        self.punctuation(TokenKind::Semicolon, "`and` or `;`")?;
                    }
                    return Ok(rule);
                }
                _ => {
                    return Err(Self::expected(
                        &token,
                        "`agent`, `publisher`, `label`, `op`, `resource`, `when` or `;`",
                    ));
                }
            }
        }
    }

    /// A glob: `*` or a quoted pattern.
    fn pattern(&mut self) -> Result<Pattern, PolicyError> {
        let token = self.next()?;
        match token.kind {
            TokenKind::Star => Ok(Pattern::any()),
            TokenKind::Str(text) => Pattern::compile(text).map_err(|kind| token.error(kind)),
            _ => Err(Self::expected(&token, "`*` or a quoted pattern")),
        }
    }

    /// An operation pattern; an exact one must name a syscall of the ABI.
    fn operation(&mut self) -> Result<Pattern, PolicyError> {
        let token = self.peek()?;
        let pattern = self.pattern()?;
        if pattern.is_exact() && !crate::operations::is_known(pattern.as_str()) {
            return Err(token.error(ErrorKind::UnknownOperation(pattern.as_str().into())));
        }
        Ok(pattern)
    }
}
