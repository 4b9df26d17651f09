//! Schemas of message bodies and the intent declarations that carry them.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::message::MAX_REQUEST;
use crate::{Error, Pattern};

/// Deepest nesting of lists and maps, in schemas and in the bodies checked
/// against them.
pub const MAX_DEPTH: usize = 32;
/// Longest schema text accepted by [`Schema::parse`], in bytes.
pub const MAX_SCHEMA_TEXT: usize = 16 * 1024;

/// The type of a CBOR value. The text syntax is described in `docs/ipc.md`
/// and parsed by [`Schema::parse`]; `Display` writes it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schema {
    /// `bool`: true or false.
    Bool,
    /// `int`: any integer, negative or not.
    Int,
    /// `uint`: a non-negative integer.
    Uint,
    /// `float`: a half, single or double precision float.
    Float,
    /// `text`: a UTF-8 string.
    Text,
    /// `bytes`: a byte string.
    Bytes,
    /// `[T]`: a list whose elements all have type `T`.
    List(alloc::boxed::Box<Schema>),
    /// `{name: T, other?: U}`: a map with text keys; exactly these fields,
    /// the optional ones (`?`) possibly absent or null.
    Map(Vec<Field>),
    /// `"a" | "b"`: one of these text values.
    Enum(Vec<String>),
}

/// One named field of a [`Schema::Map`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key, as a text string.
    pub name: String,
    /// Whether the field may be absent (or null).
    pub optional: bool,
    /// The type of its value.
    pub schema: Schema,
}

impl Schema {
    /// The schema's name for itself in error messages: the primitive's
    /// name, or `list`, `map`, or the enum's alternatives.
    pub fn describe(&self) -> String {
        match self {
            Schema::List(_) => String::from("list"),
            Schema::Map(_) => String::from("map"),
            other => alloc::format!("{other}"),
        }
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schema::Bool => f.write_str("bool"),
            Schema::Int => f.write_str("int"),
            Schema::Uint => f.write_str("uint"),
            Schema::Float => f.write_str("float"),
            Schema::Text => f.write_str("text"),
            Schema::Bytes => f.write_str("bytes"),
            Schema::List(element) => write!(f, "[{element}]"),
            Schema::Map(fields) if fields.is_empty() => f.write_str("{}"),
            Schema::Map(fields) => {
                f.write_str("{ ")?;
                for (index, field) in fields.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    if is_identifier(&field.name) {
                        f.write_str(&field.name)?;
                    } else {
                        write_quoted(f, &field.name)?;
                    }
                    let mark = if field.optional { "?" } else { "" };
                    write!(f, "{mark}: {}", field.schema)?;
                }
                f.write_str(" }")
            }
            Schema::Enum(values) => {
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        f.write_str(" | ")?;
                    }
                    write_quoted(f, value)?;
                }
                Ok(())
            }
        }
    }
}

/// Whether `name` can be written as a bare field name.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            other => write!(f, "{other}")?,
        }
    }
    f.write_str("\"")
}

/// An intent an agent serves: its name (or a pattern of names), what it
/// does in words (used to route natural-language requests), and the schemas
/// of its requests and replies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentSpec {
    /// An intent name or pattern (`text.summarize`, `text.*`).
    pub name: String,
    /// What the intent does, in a sentence or two.
    pub description: String,
    /// The schema request bodies must follow.
    pub input: Schema,
    /// The schema reply bodies follow.
    pub output: Schema,
}

impl IntentSpec {
    /// Builds a declaration from its parts, parsing both schema texts and
    /// checking the name and the description's length.
    pub fn new(name: &str, description: &str, input: &str, output: &str) -> Result<Self, Error> {
        Pattern::parse(name)?;
        if description.len() > MAX_REQUEST {
            return Err(Error::TooLarge {
                field: "description",
                limit: MAX_REQUEST,
            });
        }
        Ok(IntentSpec {
            name: String::from(name),
            description: String::from(description),
            input: Schema::parse(input)?,
            output: Schema::parse(output)?,
        })
    }
}
