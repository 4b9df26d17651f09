//! The safetensors loader: reads valid files exactly, and refuses truncated, corrupted and
//! inconsistent ones with an error instead of a panic or an out-of-bounds read.

use aios_ml::Error;
use aios_ml::safetensors::{Dtype, SafeTensors, f16_to_f32};
use proptest::prelude::*;

fn file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// Three tensors: `a` F32 [2, 3], `b` F16 [2], `c` I64 [1], plus metadata.
fn sample() -> Vec<u8> {
    let header = r#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},"c":{"dtype":"I64","shape":[1],"data_offsets":[28,36]}}"#;
    let mut data = Vec::new();
    for v in [1.0f32, -2.0, 3.5, 0.0, 1e-3, 7.0] {
        data.extend_from_slice(&v.to_le_bytes());
    }
    data.extend_from_slice(&0x3c00u16.to_le_bytes()); // 1.0
    data.extend_from_slice(&0xc500u16.to_le_bytes()); // -5.0
    data.extend_from_slice(&42i64.to_le_bytes());
    file(header, &data)
}

#[test]
fn valid_file_reads_back_exactly() {
    let bytes = sample();
    let tensors = SafeTensors::parse(&bytes).expect("valid");
    assert_eq!(tensors.tensors().len(), 3);
    assert_eq!(
        tensors.f32_tensor("a", &[2, 3]).expect("a"),
        [1.0, -2.0, 3.5, 0.0, 1e-3, 7.0]
    );
    assert_eq!(tensors.f32_tensor("b", &[2]).expect("b"), [1.0, -5.0]);
    assert_eq!(
        tensors.info("c").expect("c").dtype,
        Dtype::Other { size: 8 }
    );
    assert!(matches!(
        tensors.f32_tensor("c", &[1]),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        tensors.f32_tensor("a", &[3, 2]),
        Err(Error::ShapeMismatch { .. })
    ));
    assert_eq!(
        tensors.f32_tensor("zz", &[1]),
        Err(Error::MissingTensor { name: "zz".into() })
    );
}

#[test]
fn every_truncation_is_refused() {
    let bytes = sample();
    for len in 0..bytes.len() {
        assert!(
            SafeTensors::parse(&bytes[..len]).is_err(),
            "prefix of {len} bytes accepted"
        );
    }
}

#[test]
fn inconsistent_headers_are_refused() {
    let data = [0u8; 16];
    let cases = [
        (
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}"#,
            "size mismatch",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
            "reversed",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            "overlap",
        ),
        (
            r#"{"a":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}"#,
            "dtype",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
            "negative dim",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#,
            "overflow",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#,
            "past the end",
        ),
        (r#"{"a":{"dtype":"F32","shape":[2]}}"#, "no offsets"),
        (r#"[1,2]"#, "not an object"),
        (
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} x"#,
            "trailing",
        ),
    ];
    for (header, why) in cases {
        assert!(
            SafeTensors::parse(&file(header, &data)).is_err(),
            "{why} accepted"
        );
    }
    let mut huge = u64::MAX.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    assert!(matches!(
        SafeTensors::parse(&huge),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn f16_conversion_is_exact_for_every_value() {
    for bits in 0..=u16::MAX {
        let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
        let exponent = i32::from((bits >> 10) & 0x1f);
        let mantissa = f64::from(bits & 0x3ff);
        let got = f16_to_f32(bits);
        match exponent {
            0x1f if mantissa == 0.0 => assert_eq!(got, sign as f32 * f32::INFINITY),
            0x1f => assert!(got.is_nan()),
            0 => assert_eq!(
                f64::from(got),
                sign * mantissa * 2f64.powi(-24),
                "bits {bits:#x}"
            ),
            e => assert_eq!(
                f64::from(got),
                sign * (1.0 + mantissa / 1024.0) * 2f64.powi(e - 15)
            ),
        }
    }
}

proptest! {
    #[test]
    fn random_byte_flips_never_panic(flips in proptest::collection::vec((0usize..1000, any::<u8>()), 1..8)) {
        let mut bytes = sample();
        let len = bytes.len();
        for (position, value) in flips {
            bytes[position % len] ^= value | 1;
        }
        if let Ok(tensors) = SafeTensors::parse(&bytes) {
            for info in tensors.tensors() {
                let _ = tensors.f32_tensor(&info.name, &info.shape);
            }
        }
    }
}
