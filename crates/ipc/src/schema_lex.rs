//! The tokens of the schema text syntax, with their positions.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::SchemaError;

/// A token of the schema syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(String),
    Quoted(String),
    Punct(char),
    End,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(word) => write!(f, "`{word}`"),
            Token::Quoted(text) => write!(f, "string {text:?}"),
            Token::Punct(c) => write!(f, "`{c}`"),
            Token::End => f.write_str("end of input"),
        }
    }
}

/// A token and its 1-based position.
#[derive(Clone)]
pub(crate) struct Spanned {
    pub(crate) token: Token,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// An error at a token's position.
pub(crate) fn error(at: &Spanned, message: String) -> SchemaError {
    SchemaError {
        line: at.line,
        column: at.column,
        message,
    }
}

/// Splits a schema text into tokens, ending with [`Token::End`].
pub(crate) fn tokenize(text: &str) -> Result<Vec<Spanned>, SchemaError> {
    let mut tokens = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let (start_line, start_column) = (line, column);
        column += 1;
        let token = match c {
            '\n' => {
                (line, column) = (line + 1, 1);
                continue;
            }
            c if c.is_whitespace() => continue,
            '#' => {
                while chars.next_if(|&c| c != '\n').is_some() {}
                continue;
            }
            '[' | ']' | '{' | '}' | ':' | ',' | '?' | '|' => Token::Punct(c),
            '"' => {
                let mut value = String::new();
                loop {
                    let unterminated = || SchemaError {
                        line: start_line,
                        column: start_column,
                        message: String::from("unterminated string"),
                    };
                    let c = chars
                        .next()
                        .filter(|&c| c != '\n')
                        .ok_or_else(unterminated)?;
                    column += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let escaped = chars.next().ok_or_else(unterminated)?;
                            value.push(match escaped {
                                '"' | '\\' => escaped,
                                'n' => '\n',
                                't' => '\t',
                                other => {
                                    let message = format!("unknown escape `\\{other}`");
                                    return Err(SchemaError {
                                        line,
                                        column,
                                        message,
                                    });
                                }
                            });
                            column += 1;
                        }
                        other => value.push(other),
                    }
                }
                Token::Quoted(value)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut word = String::from(c);
                while let Some(next) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
                    word.push(next);
                    column += 1;
                }
                Token::Word(word)
            }
            other => {
                let message = format!("unexpected character `{other}`");
                return Err(SchemaError {
                    line: start_line,
                    column: start_column,
                    message,
                });
            }
        };
        tokens.push(Spanned {
            token,
            line: start_line,
            column: start_column,
        });
    }
    tokens.push(Spanned {
        token: Token::End,
        line,
        column,
    });
    Ok(tokens)
}
