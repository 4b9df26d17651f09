//! Splits policy text into tokens, each tagged with its line and column.

use crate::error::{ErrorKind, PolicyError};
use alloc::format;
use alloc::string::String;
use core::iter::Peekable;
use core::str::CharIndices;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind<'a> {
    /// A keyword or unit: letters, digits and `_`, starting with a letter.
    Word(&'a str),
    /// The text between double quotes.
    Str(&'a str),
    /// A decimal number; `_` may separate digits.
    Number(u64),
    Star,
    Semicolon,
    Slash,
    LessEqual,
    EqualEqual,
    DotDot,
    End,
}

/// A token and where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub(crate) kind: TokenKind<'a>,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Token<'_> {
    /// An error located at this token.
    pub(crate) fn error(&self, kind: ErrorKind) -> PolicyError {
        PolicyError {
            line: self.line,
            column: self.column,
            kind,
        }
    }

    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self.kind {
            TokenKind::Word(word) => format!("`{word}`"),
            TokenKind::Str(text) => format!("string \"{text}\""),
            TokenKind::Number(value) => format!("number {value}"),
            TokenKind::Star => "`*`".into(),
            TokenKind::Semicolon => "`;`".into(),
            TokenKind::Slash => "`/`".into(),
            TokenKind::LessEqual => "`<=`".into(),
            TokenKind::EqualEqual => "`==`".into(),
            TokenKind::DotDot => "`..`".into(),
            TokenKind::End => "end of input".into(),
        }
    }
}

/// Produces tokens on demand, so the first error in the text is the one
/// reported, whether it is lexical or grammatical.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    chars: Peekable<CharIndices<'a>>,
    line: u32,
    column: u32,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            chars: text.char_indices().peekable(),
            line: 1,
            column: 1,
        }
    }

    /// Consumes one character, keeping the position current.
    fn bump(&mut self) -> Option<(usize, char)> {
        let (offset, c) = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some((offset, c))
    }

    fn peek_char(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// Byte offset of the next character (the text's length at the end).
    fn offset(&mut self) -> usize {
        self.chars
            .peek()
            .map_or(self.text.len(), |&(offset, _)| offset)
    }

    /// The next token, or the lexical error at the current position.
    pub(crate) fn next_token(&mut self) -> Result<Token<'a>, PolicyError> {
        self.skip_blanks();
        let (line, column) = (self.line, self.column);
        let at = |kind| Token { kind, line, column };
        let fail = |kind| PolicyError { line, column, kind };
        let Some((start, c)) = self.bump() else {
            return Ok(at(TokenKind::End));
        };
        let kind = match c {
            '*' => TokenKind::Star,
            ';' => TokenKind::Semicolon,
            '/' => TokenKind::Slash,
            '<' | '=' | '.' => {
                let (second, kind) = match c {
                    '<' => ('=', TokenKind::LessEqual),
                    '=' => ('=', TokenKind::EqualEqual),
                    _ => ('.', TokenKind::DotDot),
                };
                if self.peek_char() != Some(second) {
                    return Err(fail(ErrorKind::UnexpectedCharacter(c)));
                }
                self.bump();
                kind
            }
            '"' => TokenKind::Str(self.string(start + 1).map_err(|kind| match kind {
                ErrorKind::UnterminatedString => fail(kind),
                _ => self.here(kind),
            })?),
            '0'..='9' => TokenKind::Number(self.number(c).map_err(fail)?),
            c if c.is_ascii_alphabetic() => {
                while self
                    .peek_char()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.bump();
                }
                let end = self.offset();
                TokenKind::Word(self.text.get(start..end).unwrap_or_default())
            }
            other => return Err(fail(ErrorKind::UnexpectedCharacter(other))),
        };
        Ok(at(kind))
    }

    /// An error at the next character.
    fn here(&self, kind: ErrorKind) -> PolicyError {
        PolicyError {
            line: self.line,
            column: self.column,
            kind,
        }
    }

    /// Skips whitespace and `#` comments.
    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek_char() {
            if c == '#' {
                while self.peek_char().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if c.is_ascii_whitespace() {
                self.bump();
            } else {
                return;
            }
        }
    }

    /// The rest of a string whose text starts at byte `start`; a forbidden
    /// character is left unconsumed so the error can point at it.
    fn string(&mut self, start: usize) -> Result<&'a str, ErrorKind> {
        loop {
            match self.peek_char() {
                None | Some('\n') => return Err(ErrorKind::UnterminatedString),
                Some('"') => {
                    let end = self.offset();
                    self.bump();
                    return Ok(self.text.get(start..end).unwrap_or_default());
                }
                Some(c) if c == '\\' || c.is_control() => {
                    return Err(ErrorKind::ForbiddenStringCharacter(c));
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }

    /// The rest of a number whose first digit is `first`.
    fn number(&mut self, first: char) -> Result<u64, ErrorKind> {
        let mut value = u64::from(first.to_digit(10).unwrap_or(0));
        while let Some(c) = self.peek_char() {
            if let Some(digit) = c.to_digit(10) {
                value = value
                    .checked_mul(10)
                    .and_then(|value| value.checked_add(u64::from(digit)))
                    .ok_or(ErrorKind::NumberTooLarge)?;
            } else if c != '_' {
                break;
            }
            self.bump();
        }
        Ok(value)
    }
}
