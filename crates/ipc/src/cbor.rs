//! A small CBOR reader and writer for the envelope's hot path. Every
//! message crosses it twice per hop (the sender's agent encodes, the
//! kernel decodes and re-encodes for the receiver, whose agent decodes),
//! and agents run interpreted, so it does only what the envelope needs:
//! definite-length heads, unsigned integers, text, bytes, arrays, maps and
//! null, with borrowed slices. Anything else (skipping an unknown field)
//! goes to `minicbor`. Heads are written in their shortest form, as
//! `minicbor` writes them, so the bytes are the same.

use alloc::vec::Vec;

/// What went wrong, kept small so that results pass in registers on the
/// hot path; turned into [`crate::Error`] once, at the end of a decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Not the CBOR the envelope needs.
    Malformed,
    /// Bytes after the end of the item.
    Trailing,
    /// A field larger than its limit.
    TooLarge(&'static str, usize),
    /// A field given twice.
    Duplicate(&'static str),
    /// A required field absent.
    Missing(&'static str),
    /// A value out of its range.
    Invalid(&'static str),
}

impl From<Fault> for crate::Error {
    fn from(fault: Fault) -> crate::Error {
        match fault {
            Fault::Malformed => crate::Error::MalformedCbor,
            Fault::Trailing => crate::Error::TrailingBytes,
            Fault::TooLarge(field, limit) => crate::Error::TooLarge { field, limit },
            Fault::Duplicate(field) => crate::Error::DuplicateField(field),
            Fault::Missing(field) => crate::Error::MissingField(field),
            Fault::Invalid(field) => crate::Error::InvalidValue(field),
        }
    }
}

type Error = Fault;

pub(crate) const UNSIGNED: u8 = 0;
pub(crate) const BYTES: u8 = 2;
pub(crate) const TEXT: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
pub(crate) const MAP: u8 = 5;
const SIMPLE: u8 = 7;
const NULL: u8 = 22;

/// Appends CBOR items to a vector.
pub(crate) struct Writer {
    pub(crate) out: Vec<u8>,
}

impl Writer {
    pub(crate) fn with_capacity(capacity: usize) -> Writer {
        Writer {
            out: Vec::with_capacity(capacity),
        }
    }

    /// A head: major type and argument, shortest form.
    pub(crate) fn head(&mut self, major: u8, arg: u64) {
        let major = major << 5;
        if arg < 24 {
            self.out.push(major | arg as u8);
        } else if arg <= u64::from(u8::MAX) {
            self.out.extend_from_slice(&[major | 24, arg as u8]);
        } else if arg <= u64::from(u16::MAX) {
            self.out.push(major | 25);
            self.out.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= u64::from(u32::MAX) {
            self.out.push(major | 26);
            self.out.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.out.push(major | 27);
            self.out.extend_from_slice(&arg.to_be_bytes());
        }
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.head(UNSIGNED, value);
    }

    pub(crate) fn str(&mut self, text: &str) {
        self.head(TEXT, text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.head(BYTES, bytes.len() as u64);
        self.out.extend_from_slice(bytes);
    }
}

/// Reads CBOR items from a slice, front to back, never past its end.
pub(crate) struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> Reader<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader { bytes, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    fn byte(&mut self) -> Result<u8, Error> {
        let b = *self.bytes.get(self.pos).ok_or(Fault::Malformed)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'b [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Fault::Malformed)?;
        let slice = self.bytes.get(self.pos..end).ok_or(Fault::Malformed)?;
        self.pos = end;
        Ok(slice)
    }

    /// The next head: (major type, argument). Indefinite lengths and
    /// reserved encodings are malformed here.
    fn head(&mut self) -> Result<(u8, u64), Error> {
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1F;
        let arg = match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => u64::from(u16::from_be_bytes(self.fixed()?)),
            26 => u64::from(u32::from_be_bytes(self.fixed()?)),
            27 => u64::from_be_bytes(self.fixed()?),
            _ => return Err(Fault::Malformed),
        };
        Ok((major, arg))
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn expect(&mut self, major: u8) -> Result<u64, Error> {
        match self.head()? {
            (m, arg) if m == major => Ok(arg),
            _ => Err(Fault::Malformed),
        }
    }

    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        self.expect(UNSIGNED)
    }

    pub(crate) fn array(&mut self) -> Result<u64, Error> {
        self.expect(ARRAY)
    }

    pub(crate) fn map(&mut self) -> Result<u64, Error> {
        self.expect(MAP)
    }

    fn sized(&mut self, major: u8) -> Result<&'b [u8], Error> {
        let len = self.expect(major)?;
        let len = usize::try_from(len).map_err(|_| Fault::Malformed)?;
        self.take(len)
    }

    pub(crate) fn bytes(&mut self) -> Result<&'b [u8], Error> {
        self.sized(BYTES)
    }

    pub(crate) fn str(&mut self) -> Result<&'b str, Error> {
        let raw = self.sized(TEXT)?;
        core::str::from_utf8(raw).map_err(|_| Fault::Malformed)
    }

    /// Consumes a null if one comes next.
    pub(crate) fn null(&mut self) -> bool {
        if self.bytes.get(self.pos) == Some(&((SIMPLE << 5) | NULL)) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// Skips one whole item of any shape.
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        let rest = self.bytes.get(self.pos..).ok_or(Fault::Malformed)?;
        let mut d = minicbor::Decoder::new(rest);
        d.skip().map_err(|_| Fault::Malformed)?;
        self.pos += d.position();
        Ok(())
    }
}
