//! Dropping DWARF from built agent modules: the release profile keeps debug
//! information for the kernel's backtraces, which would make each agent
//! image about 40 times larger than its code.

use aios_image::WASM_HEADER;

/// `module` without its `.debug_*` custom sections; every other section
/// is kept byte for byte. Fails if the module's section framing is broken.
pub fn strip_debug_sections(module: &[u8]) -> Result<Vec<u8>, String> {
    let body = module
        .strip_prefix(&WASM_HEADER)
        .ok_or("the module does not start with the WebAssembly 1.0 header")?;
    let mut out = WASM_HEADER.to_vec();
    let mut at = 0;
    while at < body.len() {
        let start = at;
        let id = body[at];
        at += 1;
        let size = leb128_u32(body, &mut at)?;
        let end = at
            .checked_add(usize::try_from(size).map_err(|_| "section size overflows")?)
            .filter(|&end| end <= body.len())
            .ok_or("a section runs past the end of the module")?;
        if !(id == 0 && is_debug_section(&body[at..end])?) {
            out.extend_from_slice(&body[start..end]);
        }
        at = end;
    }
    Ok(out)
}

/// Whether a custom section's contents start with a `.debug_` name.
fn is_debug_section(contents: &[u8]) -> Result<bool, String> {
    let mut at = 0;
    let len = usize::try_from(leb128_u32(contents, &mut at)?).map_err(|e| e.to_string())?;
    let name = at
        .checked_add(len)
        .and_then(|end| contents.get(at..end))
        .ok_or("a custom section name runs past its section")?;
    Ok(name.starts_with(b".debug_"))
}

/// Reads an unsigned LEB128 `u32` at `*at`, advancing past it.
fn leb128_u32(bytes: &[u8], at: &mut usize) -> Result<u32, String> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at).ok_or("a LEB128 number runs past the end")?;
        *at += 1;
        let bits = u32::from(byte & 0x7F);
        if shift == 28 && bits > 0x0F {
            return Err("a LEB128 number exceeds 32 bits".to_string());
        }
        value |= bits << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a LEB128 number is longer than 5 bytes".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str, payload: &[u8]) -> Vec<u8> {
        let mut contents = vec![u8::try_from(name.len()).expect("short name")];
        contents.extend_from_slice(name.as_bytes());
        contents.extend_from_slice(payload);
        let mut section = vec![0, u8::try_from(contents.len()).expect("short section")];
        section.extend_from_slice(&contents);
        section
    }

    #[test]
    fn debug_sections_go_and_everything_else_stays() {
        let type_section = [1u8, 1, 0];
        let name = custom("name", b"\x01\x02");
        let mut module = WASM_HEADER.to_vec();
        module.extend_from_slice(&type_section);
        module.extend_from_slice(&custom(".debug_info", &[0xAB; 100]));
        module.extend_from_slice(&name);
        module.extend_from_slice(&custom(".debug_str", b"abc"));
        let mut expected = WASM_HEADER.to_vec();
        expected.extend_from_slice(&type_section);
        expected.extend_from_slice(&name);
        assert_eq!(strip_debug_sections(&module), Ok(expected));
    }

    #[test]
    fn broken_framing_is_an_error() {
        assert!(strip_debug_sections(b"\0asm\x02\0\0\0").is_err());
        let mut module = WASM_HEADER.to_vec();
        module.extend_from_slice(&[1, 5, 0]);
        assert!(strip_debug_sections(&module).is_err());
        let mut module = WASM_HEADER.to_vec();
        module.extend_from_slice(&[1, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        assert!(strip_debug_sections(&module).is_err());
        let mut module = WASM_HEADER.to_vec();
        module.extend_from_slice(&[0, 2, 9, b'.']);
        assert!(strip_debug_sections(&module).is_err());
    }

    #[test]
    fn multi_byte_leb128_is_read() {
        let mut at = 0;
        assert_eq!(leb128_u32(&[0xE5, 0x8E, 0x26], &mut at), Ok(624_485));
        assert_eq!(at, 3);
    }
}
