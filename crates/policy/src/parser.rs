//! The parser's cursor over tokens, and the small readers every statement uses.

use crate::error::{ErrorKind, PolicyError};
use crate::lexer::{Lexer, Token, TokenKind};

/// A recursive-descent parser with one token of lookahead. Statements are
/// read in `statement.rs`, conditions in `condition.rs`.
pub(crate) struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token<'a>>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Parser {
            lexer: Lexer::new(text),
            peeked: None,
        }
    }

    /// Consumes the next token.
    pub(crate) fn next(&mut self) -> Result<Token<'a>, PolicyError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lexer.next_token(),
        }
    }

    /// The next token, left in place.
    pub(crate) fn peek(&mut self) -> Result<Token<'a>, PolicyError> {
        let token = self.next()?;
        self.peeked = Some(token);
        Ok(token)
    }

    /// Puts back a token just taken with [`Parser::next`].
    pub(crate) fn put_back(&mut self, token: Token<'a>) {
        self.peeked = Some(token);
    }

    /// The error "expected `expected`, found …" at `token`.
    pub(crate) fn expected(token: &Token<'_>, expected: &'static str) -> PolicyError {
        token.error(ErrorKind::Expected {
            expected,
            found: token.describe(),
        })
    }

    /// Consumes the keyword `word` or fails.
    pub(crate) fn keyword(
        &mut self,
        word: &str,
        expected: &'static str,
    ) -> Result<(), PolicyError> {
        let token = self.next()?;
        match token.kind {
            TokenKind::Word(found) if found == word => Ok(()),
            _ => Err(Self::expected(&token, expected)),
        }
    }

    /// Consumes a token of exactly `kind` or fails.
    pub(crate) fn punctuation(
        &mut self,
        kind: TokenKind<'static>,
        expected: &'static str,
    ) -> Result<(), PolicyError> {
        let token = self.next()?;
        if token.kind == kind {
            Ok(())
        } else {
            Err(Self::expected(&token, expected))
        }
    }

    /// Consumes a string token or fails.
    pub(crate) fn string(
        &mut self,
        expected: &'static str,
    ) -> Result<(Token<'a>, &'a str), PolicyError> {
        let token = self.next()?;
        match token.kind {
            TokenKind::Str(text) => Ok((token, text)),
            _ => Err(Self::expected(&token, expected)),
        }
    }

    /// Consumes a number token or fails.
    pub(crate) fn number(
        &mut self,
        expected: &'static str,
    ) -> Result<(Token<'a>, u64), PolicyError> {
        let token = self.next()?;
        match token.kind {
            TokenKind::Number(value) => Ok((token, value)),
            _ => Err(Self::expected(&token, expected)),
        }
    }
}

/// Stores `value` in a clause or condition that may be given once;
/// `duplicate` makes the error for a second one, located at `token`.
pub(crate) fn once<T>(
    slot: &mut Option<T>,
    value: T,
    token: &Token<'_>,
    duplicate: ErrorKind,
) -> Result<(), PolicyError> {
    if slot.is_some() {
        return Err(token.error(duplicate));
    }
    *slot = Some(value);
    Ok(())
}
