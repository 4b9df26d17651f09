//! The embedder on a tiny synthetic BERT (no downloaded model needed): it loads, embeds to
//! a unit vector that depends on the text, agrees across backends, and refuses files with
//! missing or misshapen tensors and sequences longer than its position table.

mod embed_support;

use aios_ml::{Backend, Embedder, Error};

const HIDDEN: usize = 24;
const FEED_FORWARD: usize = 8;
const POSITIONS: usize = 8;
const VOCAB: usize = 15;

/// The tensors of a one-layer BERT, with deterministic pseudo-random values.
fn tensors() -> Vec<(String, Vec<usize>)> {
    let mut list = vec![
        (
            "embeddings.word_embeddings.weight".to_string(),
            vec![VOCAB, HIDDEN],
        ),
        (
            "embeddings.position_embeddings.weight".to_string(),
            vec![POSITIONS, HIDDEN],
        ),
        (
            "embeddings.token_type_embeddings.weight".to_string(),
            vec![2, HIDDEN],
        ),
        ("embeddings.LayerNorm.weight".to_string(), vec![HIDDEN]),
        ("embeddings.LayerNorm.bias".to_string(), vec![HIDDEN]),
    ];
    let layer = "encoder.layer.0";
    for (name, outputs, inputs) in [
        ("attention.self.query", HIDDEN, HIDDEN),
        ("attention.self.key", HIDDEN, HIDDEN),
        ("attention.self.value", HIDDEN, HIDDEN),
        ("attention.output.dense", HIDDEN, HIDDEN),
        ("intermediate.dense", FEED_FORWARD, HIDDEN),
        ("output.dense", HIDDEN, FEED_FORWARD),
    ] {
        list.push((format!("{layer}.{name}.weight"), vec![outputs, inputs]));
        list.push((format!("{layer}.{name}.bias"), vec![outputs]));
    }
    for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
        list.push((format!("{layer}.{norm}.weight"), vec![HIDDEN]));
        list.push((format!("{layer}.{norm}.bias"), vec![HIDDEN]));
    }
    list
}

/// Serialises `tensors` as a safetensors file of F32 values.
fn safetensors(tensors: &[(String, Vec<usize>)]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut data = Vec::new();
    let mut seed = 0x9e37_79b9_u32;
    for (name, shape) in tensors {
        let count: usize = shape.iter().product();
        let start = data.len();
        for _ in 0..count {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let value = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
            data.extend_from_slice(&value.to_le_bytes());
        }
        header.push(format!(
            "\"{name}\":{{\"dtype\":\"F32\",\"shape\":{shape:?},\"data_offsets\":[{start},{}]}}",
            data.len()
        ));
    }
    let header = format!("{{{}}}", header.join(","));
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    file.extend_from_slice(&data);
    file
}

#[test]
fn tiny_model_embeds_to_unit_vectors_on_both_backends() {
    let tokenizer = embed_support::tiny_tokenizer("WordPiece");
    let embedder = Embedder::load(&safetensors(&tensors()), tokenizer.as_bytes()).expect("loads");
    assert_eq!(embedder.dim(), HIDDEN);
    let config = embedder.model().config();
    assert_eq!(
        (config.layers, config.heads, config.intermediate),
        (1, 12, FEED_FORWARD)
    );
    let hello = embedder
        .embed("hello world", Backend::Scalar)
        .expect("embeds");
    let norm: f32 = hello.iter().map(|v| v * v).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5);
    let other = embedder
        .embed("unaffable cafe", Backend::Scalar)
        .expect("embeds");
    assert!(
        embed_support::cosine(&hello, &other) < 0.999,
        "embedding ignores the text"
    );
    let simd = embedder
        .embed("hello world", Backend::detect())
        .expect("embeds");
    assert!(embed_support::cosine(&hello, &simd) > 0.99999);
    // Eight positions: [CLS] + 6 words + [SEP] fits, one more word does not.
    assert!(
        embedder
            .embed("hello hello hello hello hello hello", Backend::Scalar)
            .is_ok()
    );
    let too_long = embedder.embed("hello hello hello hello hello hello hello", Backend::Scalar);
    assert!(
        matches!(too_long, Err(Error::TooLarge { .. })),
        "{too_long:?}"
    );
}

#[test]
fn missing_or_misshapen_tensors_are_refused() {
    let tokenizer = embed_support::tiny_tokenizer("WordPiece");
    let mut missing = tensors();
    missing.retain(|(name, _)| !name.ends_with("output.dense.bias"));
    let result = Embedder::load(&safetensors(&missing), tokenizer.as_bytes());
    assert!(
        matches!(result, Err(Error::MissingTensor { .. })),
        "{result:?}"
    );

    let mut misshapen = tensors();
    misshapen[6].1 = vec![HIDDEN, HIDDEN + 1];
    let result = Embedder::load(&safetensors(&misshapen), tokenizer.as_bytes());
    assert!(
        matches!(result, Err(Error::ShapeMismatch { .. })),
        "{result:?}"
    );

    // A vocabulary smaller than the tokenizer's ids.
    let mut small = tensors();
    small[0].1 = vec![VOCAB - 1, HIDDEN];
    let result = Embedder::load(&safetensors(&small), tokenizer.as_bytes());
    assert!(matches!(result, Err(Error::Malformed { .. })), "{result:?}");

    let bytes = safetensors(&tensors());
    assert!(Embedder::load(&bytes[..bytes.len() - 1], tokenizer.as_bytes()).is_err());
    assert!(Embedder::load(&bytes, b"{}").is_err());
}
