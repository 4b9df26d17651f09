//! Reads a rule's `when` conditions: rate, size, schema and hour.

use crate::error::{ErrorKind, PolicyError};
use crate::lexer::TokenKind;
use crate::parser::{Parser, once};
use crate::rate::MAX_RATE_PER_SECOND;
use crate::rule::{HourWindow, Rule};

impl Parser<'_> {
    /// `condition { and condition }`, stored into `rule`.
    pub(crate) fn conditions(&mut self, rule: &mut Rule) -> Result<(), PolicyError> {
        loop {
            let token = self.next()?;
            let duplicate = |name| ErrorKind::DuplicateCondition(name);
            match token.kind {
                TokenKind::Word("rate") => {
                    let rate = self.rate()?;
                    once(&mut rule.rate_per_second, rate, &token, duplicate("rate"))?;
                }
                TokenKind::Word("size") => {
                    let size = self.size()?;
                    once(&mut rule.max_size, size, &token, duplicate("size"))?;
                }
                TokenKind::Word("schema") => {
                    self.punctuation(TokenKind::EqualEqual, "`==`")?;
                    let (id_token, id) = self.string("a schema id in quotes")?;
                    if id.is_empty() {
                        return Err(id_token.error(ErrorKind::EmptySchema));
                    }
                    once(&mut rule.schema, id.into(), &token, duplicate("schema"))?;
                }
                TokenKind::Word("hour") => {
                    let window = self.hours()?;
                    once(&mut rule.hours, window, &token, duplicate("hour"))?;
                }
                _ => {
                    return Err(Self::expected(
                        &token,
                        "a condition (`rate`, `size`, `schema`, `hour`)",
                    ));
                }
            }
            if self.peek()?.kind != TokenKind::Word("and") {
                return Ok(());
            }
            self.next()?;
        }
    }

    /// `<= N/s` after `rate`.
    fn rate(&mut self) -> Result<u64, PolicyError> {
        self.punctuation(TokenKind::LessEqual, "`<=`")?;
        let (token, rate) = self.number("a number of requests")?;
        self.punctuation(TokenKind::Slash, "`/s`")?;
        self.keyword("s", "`s` (per second)")?;
        if rate == 0 || rate > MAX_RATE_PER_SECOND {
            return Err(token.error(ErrorKind::RateOutOfRange));
        }
        Ok(rate)
    }

    /// `<= N [KiB|MiB|GiB]` after `size`.
    fn size(&mut self) -> Result<u64, PolicyError> {
        self.punctuation(TokenKind::LessEqual, "`<=`")?;
        let (token, bytes) = self.number("a number of bytes")?;
        let unit: u64 = match self.peek()?.kind {
            TokenKind::Word("KiB") => 1 << 10,
            TokenKind::Word("MiB") => 1 << 20,
            TokenKind::Word("GiB") => 1 << 30,
            _ => return Ok(bytes),
        };
        self.next()?;
        bytes
            .checked_mul(unit)
            .ok_or_else(|| token.error(ErrorKind::NumberTooLarge))
    }

    /// `in A..B` after `hour`.
    fn hours(&mut self) -> Result<HourWindow, PolicyError> {
        self.keyword("in", "`in`")?;
        let (start_token, start) = self.number("the first hour (0 to 23)")?;
        self.punctuation(TokenKind::DotDot, "`..`")?;
        let (end_token, end) = self.number("the hour the window ends (0 to 24)")?;
        let start = u8::try_from(start)
            .ok()
            .filter(|&hour| hour <= 23)
            .ok_or_else(|| start_token.error(ErrorKind::HourOutOfRange))?;
        let end = u8::try_from(end)
            .ok()
            .filter(|&hour| hour <= 24)
            .ok_or_else(|| end_token.error(ErrorKind::HourOutOfRange))?;
        if start == end {
            return Err(start_token.error(ErrorKind::EmptyHourWindow));
        }
        Ok(HourWindow { start, end })
    }
}
