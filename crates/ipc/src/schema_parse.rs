//! The parser of the schema text syntax, with line and column errors.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::schema::{Field, MAX_DEPTH, MAX_SCHEMA_TEXT, Schema};
use crate::schema_lex::{Spanned, Token, error, tokenize};

/// Why a schema text does not parse, and where (1-based, columns count
/// characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Line of the offending token.
    pub line: usize,
    /// Column of the offending token.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl Schema {
    /// Parses a schema from its text syntax, for example
    /// `{ text: text, times?: uint, mode: "loud" | "quiet", tags: [text] }`.
    pub fn parse(text: &str) -> Result<Schema, SchemaError> {
        if text.len() > MAX_SCHEMA_TEXT {
            let message = format!("schema longer than {MAX_SCHEMA_TEXT} bytes");
            return Err(SchemaError {
                line: 1,
                column: 1,
                message,
            });
        }
        let mut parser = Parser {
            tokens: tokenize(text)?,
            next: 0,
        };
        let schema = parser.schema(0)?;
        let after = parser.advance();
        if after.token != Token::End {
            return Err(error(
                &after,
                format!("unexpected {} after the schema", after.token),
            ));
        }
        Ok(schema)
    }
}

struct Parser {
    tokens: Vec<Spanned>,
    next: usize,
}

impl Parser {
    /// The next token; past the end, the end token again.
    fn advance(&mut self) -> Spanned {
        let index = self.next.min(self.tokens.len().saturating_sub(1));
        self.next = index + 1;
        let end = Spanned {
            token: Token::End,
            line: 1,
            column: 1,
        };
        self.tokens.get(index).cloned().unwrap_or(end)
    }

    fn peek_is(&self, punct: char) -> bool {
        self.tokens
            .get(self.next)
            .is_some_and(|t| t.token == Token::Punct(punct))
    }

    fn expect(&mut self, punct: char, what: &str) -> Result<(), SchemaError> {
        let at = self.advance();
        if at.token == Token::Punct(punct) {
            return Ok(());
        }
        Err(error(
            &at,
            format!("expected `{punct}` {what}, found {}", at.token),
        ))
    }

    fn schema(&mut self, depth: usize) -> Result<Schema, SchemaError> {
        let at = self.advance();
        let deeper = |at: &Spanned| {
            if depth >= MAX_DEPTH {
                return Err(error(at, format!("nesting deeper than {MAX_DEPTH}")));
            }
            Ok(depth + 1)
        };
        match &at.token {
            Token::Word(word) => {
                primitive(word).ok_or_else(|| error(&at, format!("unknown type `{word}`")))
            }
            Token::Punct('[') => {
                let depth = deeper(&at)?;
                let element = self.schema(depth)?;
                self.expect(']', "to close the list")?;
                Ok(Schema::List(Box::new(element)))
            }
            Token::Punct('{') => {
                let depth = deeper(&at)?;
                self.fields(depth)
            }
            Token::Quoted(first) => {
                let mut values = alloc::vec![first.clone()];
                while self.peek_is('|') {
                    self.advance();
                    let at = self.advance();
                    let Token::Quoted(value) = &at.token else {
                        return Err(error(
                            &at,
                            format!("expected a quoted value after `|`, found {}", at.token),
                        ));
                    };
                    if values.contains(value) {
                        return Err(error(&at, format!("duplicate value {value:?}")));
                    }
                    values.push(value.clone());
                }
                Ok(Schema::Enum(values))
            }
            other => Err(error(&at, format!("expected a type, found {other}"))),
        }
    }

    /// The fields of a map, after its `{`.
    fn fields(&mut self, depth: usize) -> Result<Schema, SchemaError> {
        let mut fields: Vec<Field> = Vec::new();
        loop {
            if self.peek_is('}') {
                self.advance();
                return Ok(Schema::Map(fields));
            }
            let at = self.advance();
            let name = match &at.token {
                Token::Word(name) | Token::Quoted(name) => name.clone(),
                other => {
                    return Err(error(
                        &at,
                        format!("expected a field name or `}}`, found {other}"),
                    ));
                }
            };
            if fields.iter().any(|field| field.name == name) {
                return Err(error(&at, format!("duplicate field `{name}`")));
            }
            let optional = self.peek_is('?');
            if optional {
                self.advance();
            }
            self.expect(':', "after the field name")?;
            let schema = self.schema(depth)?;
            fields.push(Field {
                name,
                optional,
                schema,
            });
            if self.peek_is(',') {
                self.advance();
            } else {
                self.expect('}', "or `,` after the field")?;
                return Ok(Schema::Map(fields));
            }
        }
    }
}

fn primitive(word: &str) -> Option<Schema> {
    Some(match word {
        "bool" => Schema::Bool,
        "int" => Schema::Int,
        "uint" => Schema::Uint,
        "float" => Schema::Float,
        "text" => Schema::Text,
        "bytes" => Schema::Bytes,
        _ => return None,
    })
}
