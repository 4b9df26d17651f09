//! GGUF loader: every value type, tensor views, and refusal of malformed files without panics.

mod llm_support;

use aios_ml::Error;
use aios_ml::gguf::{Gguf, Value, ValueType};
use aios_ml::quant::TensorType;
use llm_support::{Meta, TensorSpec, write_gguf};
use proptest::prelude::*;

fn sample_file() -> Vec<u8> {
    let meta = vec![
        ("a.u8", Meta::U8(200)),
        ("a.i8", Meta::I8(-5)),
        ("a.u16", Meta::U16(60000)),
        ("a.i16", Meta::I16(-300)),
        ("a.u32", Meta::U32(7)),
        ("a.i32", Meta::I32(-70000)),
        ("a.f32", Meta::F32(1.5)),
        ("a.bool", Meta::Bool(true)),
        ("a.str", Meta::Str("héllo".into())),
        ("a.u64", Meta::U64(1 << 40)),
        ("a.i64", Meta::I64(-(1 << 40))),
        ("a.f64", Meta::F64(0.25)),
        (
            "a.strs",
            Meta::Array(8, vec![Meta::Str("x".into()), Meta::Str("yz".into())]),
        ),
        (
            "a.nested",
            Meta::Array(9, vec![Meta::Array(5, vec![Meta::I32(1), Meta::I32(2)])]),
        ),
    ];
    let f32_data: Vec<u8> = (0..8).flat_map(|i| (i as f32).to_le_bytes()).collect();
    let q8_data: Vec<u8> = [0x00u8, 0x3c]
        .into_iter()
        .chain((0..32).map(|i| i as u8))
        .collect();
    let tensors = vec![
        TensorSpec {
            name: "w".into(),
            dims: vec![4, 2],
            ty: 0,
            data: f32_data,
        },
        TensorSpec {
            name: "q".into(),
            dims: vec![32],
            ty: 8,
            data: q8_data,
        },
    ];
    write_gguf(&meta, &tensors)
}

#[test]
fn parses_every_value_type_and_tensor() {
    let bytes = sample_file();
    let g = Gguf::parse(&bytes).unwrap();
    assert_eq!(g.version, 3);
    assert_eq!(g.metadata().len(), 14);
    assert_eq!(g.get("a.u8"), Some(&Value::U8(200)));
    assert_eq!(g.get("a.i8"), Some(&Value::I8(-5)));
    assert_eq!(g.get("a.u16"), Some(&Value::U16(60000)));
    assert_eq!(g.get("a.i16"), Some(&Value::I16(-300)));
    assert_eq!(g.get_u64("a.u32").unwrap(), 7);
    assert_eq!(g.get("a.i32"), Some(&Value::I32(-70000)));
    assert_eq!(g.get_f32("a.f32").unwrap(), 1.5);
    assert_eq!(g.get("a.bool"), Some(&Value::Bool(true)));
    assert_eq!(g.get_str("a.str").unwrap(), "héllo");
    assert_eq!(g.get_u64("a.u64").unwrap(), 1 << 40);
    assert_eq!(g.get("a.i64"), Some(&Value::I64(-(1 << 40))));
    assert_eq!(g.get_f32("a.f64").unwrap(), 0.25);
    let strs: Vec<Value> = g
        .get("a.strs")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(strs, [Value::String("x"), Value::String("yz")]);
    let outer = g.get("a.nested").unwrap().as_array().unwrap();
    assert_eq!(outer.elem, ValueType::Array);
    let inner = outer.iter().next().unwrap().unwrap();
    let ints: Vec<Value> = inner
        .as_array()
        .unwrap()
        .iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ints, [Value::I32(1), Value::I32(2)]);
    assert!(matches!(
        g.get_u64("missing"),
        Err(Error::MissingMetadata { key: "missing" })
    ));
    let w = g.tensor("w").unwrap();
    assert_eq!(
        (w.dims, w.n_dims, w.ty, w.element_count()),
        ([4, 2, 1, 1], 2, TensorType::F32, 8)
    );
    assert_eq!(&w.data[4..8], &1.0f32.to_le_bytes());
    let q = g.tensor("q").unwrap();
    assert_eq!((q.ty, q.data.len(), q.data[33]), (TensorType::Q8_0, 34, 31));
    // Zero-copy: the tensor bytes are the file's own bytes, at an aligned offset.
    let offset = w.data.as_ptr() as usize - bytes.as_ptr() as usize;
    assert_eq!(offset % 32, 0);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = sample_file();
    for len in 0..bytes.len() {
        assert!(
            Gguf::parse(&bytes[..len]).is_err(),
            "prefix of {len} bytes accepted"
        );
    }
}

fn patched(at: usize, value: &[u8]) -> Vec<u8> {
    let mut bytes = sample_file();
    bytes[at..at + value.len()].copy_from_slice(value);
    bytes
}

#[test]
fn malformed_headers_are_refused_with_the_right_error() {
    let unsupported = |b: &[u8]| matches!(Gguf::parse(b), Err(Error::Unsupported { .. }));
    assert!(matches!(
        Gguf::parse(&patched(0, b"GGUG")),
        Err(Error::Malformed { .. })
    ));
    assert!(unsupported(&patched(4, &1u32.to_le_bytes())));
    // Counts far beyond what the file holds are refused before any allocation.
    assert!(matches!(
        Gguf::parse(&patched(8, &u64::MAX.to_le_bytes())),
        Err(Error::Truncated { .. })
    ));
    assert!(matches!(
        Gguf::parse(&patched(16, &(1u64 << 60).to_le_bytes())),
        Err(Error::Truncated { .. })
    ));
    // The first key is "a.u8" (8-byte length + 4 bytes) at 24; its type tag follows at 36.
    assert!(unsupported(&patched(36, &99u32.to_le_bytes())));
}

#[test]
fn bad_tensor_infos_are_refused() {
    let spec = |dims: Vec<u64>, ty: u32, len: usize| TensorSpec {
        name: "t".into(),
        dims,
        ty,
        data: vec![0; len],
    };
    let parse = |t: TensorSpec| Gguf::parse(&write_gguf(&[], &[t])).map(|_| ());
    assert!(parse(spec(vec![8], 0, 32)).is_ok());
    assert!(matches!(
        parse(spec(vec![8], 2, 32)),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        parse(spec(vec![16], 8, 34)),
        Err(Error::Malformed { .. })
    ));
    assert!(matches!(
        parse(spec(vec![64], 0, 32)),
        Err(Error::Truncated { .. })
    ));
    assert!(parse(spec(vec![u64::MAX, 4], 0, 32)).is_err());
    assert!(parse(spec(vec![1, 1, 1, 1, 1], 0, 4)).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn random_corruption_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut bytes = sample_file();
        let len = bytes.len();
        for (at, value) in flips {
            bytes[at % len] ^= value;
        }
        if let Ok(g) = Gguf::parse(&bytes) {
            for (_, v) in g.metadata() {
                if let Value::Array(a) = v {
                    for item in a.iter() {
                        let _ = item;
                    }
                }
            }
            for t in g.tensors() {
                prop_assert!(t.data.len() <= bytes.len());
            }
        }
    }
}
