//! MiniLM embeddings match the sentence-transformers reference (cosine ≥ 0.999) on every
//! golden sentence, with both the scalar and the AVX2 kernels.

mod embed_support;

use aios_ml::{Backend, Embedder};

fn load() -> Option<Embedder> {
    let weights = embed_support::model_file("model.safetensors")?;
    let tokenizer = embed_support::model_file("tokenizer.json")?;
    Some(Embedder::load(&weights, &tokenizer).expect("model loads"))
}

fn check_backend(embedder: &Embedder, backend: Backend) {
    let golden = embed_support::golden();
    assert!(golden.len() >= 20);
    let mut worst = f64::INFINITY;
    for sentence in &golden {
        let embedding = embedder.embed(&sentence.text, backend).expect("embeds");
        assert_eq!(embedding.len(), 384);
        let cosine = embed_support::cosine(&embedding, &sentence.embedding);
        assert!(
            cosine >= 0.999,
            "{backend:?} cosine {cosine} for {:?}",
            sentence.text
        );
        let norm: f32 = embedding.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
        worst = worst.min(cosine);
    }
    eprintln!("{backend:?}: lowest cosine to the reference {worst:.7}");
}

#[test]
fn scalar_embeddings_match_the_reference() {
    let Some(embedder) = load() else { return };
    assert_eq!(embedder.dim(), 384);
    let config = embedder.model().config();
    assert_eq!(
        (config.layers, config.heads, config.intermediate),
        (6, 12, 1536)
    );
    check_backend(&embedder, Backend::Scalar);
}

#[test]
fn avx2_embeddings_match_the_reference() {
    let Some(embedder) = load() else { return };
    let backend = Backend::detect();
    if backend == Backend::Scalar {
        eprintln!("note: no AVX2 on this CPU; AVX2 golden test skipped");
        return;
    }
    check_backend(&embedder, backend);
}

#[test]
fn different_sentences_get_different_embeddings_and_similar_ones_are_close() {
    let Some(embedder) = load() else { return };
    let backend = Backend::detect();
    let cat = embedder
        .embed("A cat sits on the mat.", backend)
        .expect("embeds");
    let kitten = embedder
        .embed("A kitten is sitting on a rug.", backend)
        .expect("embeds");
    let stocks = embedder
        .embed("Stock markets fell sharply today.", backend)
        .expect("embeds");
    let close = embed_support::cosine(&cat, &kitten);
    let far = embed_support::cosine(&cat, &stocks);
    assert!(close > far + 0.3, "close {close} far {far}");
}
