#!/usr/bin/env python3
"""An independent Llama/Qwen2/Mistral forward pass in plain PyTorch (no transformers), the
golden reference for cpift-model's DJL decoder. It follows Hugging Face's modeling code
(rotate_half RoPE, repeat_kv, RMSNorm, SwiGLU) and computes in float64 by default, so the
reference carries no float32 rounding of its own.

    reference_llama.py MODEL_DIR --tokens 1,2,3 [--dtype float32]

prints the logits as the last line of stdout: a JSON array [T][vocab]. Reads safetensors
itself (single file or shards), so it needs nothing but torch (Debian: python3-torch).
"""
import argparse
import json
import math
import os
import struct

import torch

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "BF16":  # bf16 is the top half of a float32
            bits = torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) << 16
            t = bits.view(torch.float32)
        else:
            t = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]).clone()
        tensors[name] = t.reshape(info["shape"])
    return tensors


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
    weights = {}
    for f in files:
        weights.update(read_safetensors(os.path.join(model_dir, f)))
    return weights


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):
    b, kv_heads, t, d = x.shape
    return x[:, :, None, :, :].expand(b, kv_heads, n_rep, t, d).reshape(b, kv_heads * n_rep, t, d)


def linear(x, w, name):
    out = x @ w[name + ".weight"].T
    return out + w[name + ".bias"] if name + ".bias" in w else out


def attention(x, w, p, cfg, cos, sin):
    b, t, _ = x.shape
    heads, kv_heads, d = cfg["heads"], cfg["kv_heads"], cfg["head_dim"]
    q = linear(x, w, p + "q_proj").view(b, t, heads, d).transpose(1, 2)
    k = linear(x, w, p + "k_proj").view(b, t, kv_heads, d).transpose(1, 2)
    v = linear(x, w, p + "v_proj").view(b, t, kv_heads, d).transpose(1, 2)
    q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
    k, v = repeat_kv(k, heads // kv_heads), repeat_kv(v, heads // kv_heads)
    scores = q @ k.transpose(2, 3) / math.sqrt(d)
    mask = torch.full((t, t), float("-inf"), dtype=scores.dtype).triu(1)
    out = torch.softmax(scores + mask, dim=-1) @ v
    return linear(out.transpose(1, 2).reshape(b, t, heads * d), w, p + "o_proj")


def mlp(x, w, p):
    return linear(torch.nn.functional.silu(linear(x, w, p + "gate_proj")) * linear(x, w, p + "up_proj"), w, p + "down_proj")


def forward(model_dir, tokens, dtype):
    c = json.load(open(os.path.join(model_dir, "config.json")))
    heads = c["num_attention_heads"]
    cfg = {"heads": heads, "kv_heads": c.get("num_key_value_heads", heads),
           "head_dim": c.get("head_dim") or c["hidden_size"] // heads}
    eps = c.get("rms_norm_eps", 1e-6)
    w = {k: v.to(dtype) for k, v in load_weights(model_dir).items()}
    d = cfg["head_dim"]
    inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2, dtype=dtype) / d))
    freqs = torch.outer(torch.arange(len(tokens), dtype=dtype), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    x = w["model.embed_tokens.weight"][torch.tensor([tokens])]
    for i in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % i
        x = x + attention(rms_norm(x, w[p + "input_layernorm.weight"], eps), w, p + "self_attn.", cfg, cos, sin)
        x = x + mlp(rms_norm(x, w[p + "post_attention_layernorm.weight"], eps), w, p + "mlp.")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if c.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return (x @ head.T)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--tokens", required=True, help="comma-separated token ids")
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",")]
    with torch.no_grad():
        logits = forward(args.model_dir, tokens, getattr(torch, args.dtype))
    print(json.dumps([[float(v) for v in row] for row in logits.tolist()]))


if __name__ == "__main__":
    main()
