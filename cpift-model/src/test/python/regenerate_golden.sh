#!/usr/bin/env bash
# Rebuilds the golden fixtures of GoldenLogitsTest: small random models written by
# `cpift model init`, and the logits that reference_llama.py (plain PyTorch, float64) computes
# for them. Needs torch (Debian: apt-get install python3-torch). Run from anywhere:
#   cpift-model/src/test/python/regenerate_golden.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
golden="$root/cpift-model/src/test/resources/golden"
ref="$root/cpift-model/src/test/python/reference_llama.py"
py="${PYTHON:-/usr/bin/python3}"
chars="abcdefghijklmnopqrstuvwxyz0123456789"   # vocab 40 with the 4 special tokens
tokens="1,23,8,5,12,12,15,4,27,15,18,12,4,2"    # <s> then characters, </s> at the end
common=(--layers 2 --hidden 32 --intermediate 64 --vocab-chars "$chars" --init-std 0.25 --random-norms-and-biases)

CPIFT_REBUILD=1 "$root/cpift" --version >/dev/null  # build the command line once, from this tree
unset CPIFT_REBUILD

fixture() {  # name, then model init options
  local name="$1"; shift
  rm -rf "${golden:?}/$name"
  "$root/cpift" model init --out "$golden/$name" "${common[@]}" "$@"
  "$py" "$ref" "$golden/$name" --tokens "$tokens" | tail -n 1 | "$py" -c '
import json, sys
print(json.dumps({"tokens": [int(t) for t in sys.argv[1].split(",")],
                  "reference": "reference_llama.py, float64",
                  "logits": json.loads(sys.stdin.read())}))' "$tokens" > "$golden/$name.expected.json"
}

fixture llama-f32-tied-attention-bias --model-type llama --dtype f32 --tied --heads 4 --attention-bias --seed 11
fixture llama-bf16-untied-gqa-headdim16 --model-type llama --dtype bf16 --untied --heads 4 --kv-heads 2 --head-dim 16 --rope-theta 1e6 --seed 12
fixture qwen2-f32-tied-mqa --model-type qwen2 --dtype f32 --tied --heads 4 --kv-heads 1 --seed 13
fixture mistral-f16-untied-gqa --model-type mistral --dtype f16 --untied --heads 8 --kv-heads 2 --rope-theta 10000 --seed 14
du -sh "$golden"/*
