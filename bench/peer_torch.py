#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch-eager peer of bench/peer_compare.sh.

What a user would otherwise run, written here in plain PyTorch so the benchmark
needs nothing beyond Debian's python3-torch: a Llama decoder as Hugging Face
transformers writes it in eager mode (rotate_half RoPE, repeat_kv, an additive
4-D mask, softmax in float32, a key/value cache that grows by torch.cat each
step), greedy generation as generate() does it (logits of the last position only,
the attention mask extended each step), a DPO step as TRL's DPOTrainer does it
(chosen and rejected concatenated into one forward, full-vocabulary log-softmax,
cached reference log-probs, sigmoid loss), an SFT step as the Trainer does it
(shifted cross-entropy with -100 labels), a GRPO step as TRL's GRPOTrainer does it
(reference log-probs in the step, clipped ratio, k3 KL) and AdamW with clipping.

Same shapes, same inputs (bench_token), same step definitions as
bench/peer_project.cpp; one JSON object a line on stdout.
Usage: peer_torch.py 5M|100M [threads] [--device cpu|cuda] [--dtype float32|bfloat16]
(a benchmark-only dependency: python3-torch). The default, CPU and float32, gives
today's rows field for field; otherwise the model is moved there in that dtype
(masks and rotary tables in the model's dtype, as transformers makes them), every
timing ends with torch.cuda.synchronize() on CUDA, the setup row names the device
and dtype, and the last row is the peak GPU memory (peak_gpu) instead of the RSS.
"""
import argparse
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F

PROMPT, NEW_TOKENS, PAIRS, REFLECTION = 64, 64, 8, 32
DEVICE = torch.device("cpu")

CONFIGS = {
    "5M": dict(vocab=1024, d=256, ffn=688, layers=6, heads=4),
    "100M": dict(vocab=32000, d=768, ffn=2048, layers=12, heads=12),
}


def bench_token(row, position, salt, vocab):
    return (row * 7919 + position * 104729 + salt * 1299709 + 17) % (vocab - 1) + 1


def tokens(row, length, salt, vocab):
    return [bench_token(row, j, salt, vocab) for j in range(length)]


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class Attention(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.q_proj = torch.nn.Linear(d, d, bias=False)
        self.k_proj = torch.nn.Linear(d, d, bias=False)
        self.v_proj = torch.nn.Linear(d, d, bias=False)
        self.o_proj = torch.nn.Linear(d, d, bias=False)

    def forward(self, x, cos, sin, mask, cache, layer):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:  # DynamicCache.update: concatenate every step
            if len(cache) > layer:
                k = torch.cat([cache[layer][0], k], dim=-2)
                v = torch.cat([cache[layer][1], v], dim=-2)
                cache[layer] = (k, v)
            else:
                cache.append((k, v))
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = scores + mask
        weights = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(weights, v).transpose(1, 2).contiguous().reshape(b, t, -1)
        return self.o_proj(out)


class MLP(torch.nn.Module):
    def __init__(self, d, ffn):
        super().__init__()
        self.gate_proj = torch.nn.Linear(d, ffn, bias=False)
        self.up_proj = torch.nn.Linear(d, ffn, bias=False)
        self.down_proj = torch.nn.Linear(ffn, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(torch.nn.Module):
    def __init__(self, d, ffn, heads):
        super().__init__()
        self.input_layernorm = RMSNorm(d)
        self.self_attn = Attention(d, heads)
        self.post_attention_layernorm = RMSNorm(d)
        self.mlp = MLP(d, ffn)

    def forward(self, x, cos, sin, mask, cache, layer):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache, layer)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(torch.nn.Module):
    def __init__(self, vocab, d, ffn, layers, heads):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, d)
        self.layers = torch.nn.ModuleList(Layer(d, ffn, heads) for _ in range(layers))
        self.norm = RMSNorm(d)
        self.head_dim = d // heads
        self.inv_freq = 1.0 / (10000.0 ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))

    def lm_head(self, hidden):  # tied word embeddings
        return F.linear(hidden, self.embed_tokens.weight)

    def hidden_states(self, ids, attention_mask, cache=None):
        b, t = ids.shape
        past = cache[0][0].shape[-2] if cache else 0
        positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, past:]
        freqs = positions[..., None].float() * self.inv_freq.to(ids.device)
        emb = torch.cat((freqs, freqs), dim=-1)
        x = self.embed_tokens(ids)
        dtype = x.dtype
        cos, sin = emb.cos().to(dtype), emb.sin().to(dtype)
        # _prepare_4d_causal_attention_mask: causal plus padding, additive, [B,1,T,S]
        s = past + t
        low = torch.finfo(dtype).min
        causal = torch.full((t, s), low, dtype=dtype, device=ids.device).triu(past + 1)
        mask = causal[None, None].expand(b, 1, t, s).clone()
        mask = mask.masked_fill(attention_mask[:, None, None, :] == 0, low)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, cache, i)
        return self.norm(x)

    def forward(self, ids, attention_mask):
        return self.lm_head(self.hidden_states(ids, attention_mask))


def emit(model, row, batch, seconds, toks):
    print(json.dumps(dict(side="peer", model=model, row=row, batch=batch, seconds=round(seconds, 6),
                          tokens=toks)), flush=True)


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def best(repeats, fn):
    fn()
    synchronize()
    t = 1e30
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize()
        t = min(t, time.perf_counter() - start)
    return t


@torch.no_grad()
def generate(model, prompts, new_tokens):
    ids = torch.tensor(prompts, device=DEVICE)
    attention = torch.ones_like(ids)
    cache = []
    logits = model.lm_head(model.hidden_states(ids, attention, cache)[:, -1, :])
    out = []
    for step in range(new_tokens):
        nxt = logits.argmax(-1)
        out.append(nxt)
        if step + 1 == new_tokens:
            break
        attention = torch.cat([attention, attention.new_ones(attention.shape[0], 1)], dim=-1)
        logits = model.lm_head(model.hidden_states(nxt[:, None], attention, cache)[:, -1, :])
    return torch.stack(out, 1)


def sequence_logps(model, prompts, completions):
    """TRL's concatenated forward: full logits, log-softmax over the vocabulary,
    gather the completion tokens; right padding masked (labels -100)."""
    rows = [p + c for p, c in zip(prompts, completions)]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows], device=DEVICE)
    attention = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=DEVICE)
    labels = torch.tensor([[-100] * len(p) + c + [-100] * (width - len(p) - len(c))
                           for p, c in zip(prompts, completions)], device=DEVICE)
    logits = model(ids, attention)[:, :-1, :]
    labels = labels[:, 1:]
    mask = labels != -100
    per_token = torch.gather(logits.float().log_softmax(-1), 2, labels.clamp(min=0).unsqueeze(2)).squeeze(2)
    return per_token * mask, mask


def main():
    global DEVICE
    parser = argparse.ArgumentParser(description="the PyTorch-eager peer of bench/peer_compare.sh")
    parser.add_argument("model", choices=sorted(CONFIGS))
    parser.add_argument("threads", nargs="?", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    args = parser.parse_args()
    name = args.model
    DEVICE = torch.device(args.device)
    dtype = getattr(torch, args.dtype)
    if DEVICE.type == "cuda" and not torch.cuda.is_available():
        sys.exit("peer_torch.py: --device %s but this PyTorch sees no CUDA device" % args.device)
    defaults = DEVICE.type == "cpu" and dtype == torch.float32  # today's rows, field for field
    torch.set_num_threads(args.threads)
    cfg = CONFIGS[name]
    vocab = cfg["vocab"]
    torch.manual_seed(0)
    model = Llama(**cfg)
    matmul_params = sum(p.numel() for p in model.parameters() if p.dim() == 2)
    model.to(device=DEVICE, dtype=dtype)
    # the torch.mm rate: float32 1024^2 on the CPU; on CUDA 4096^2 in the run's dtype
    n, mm_dtype = (4096, dtype) if DEVICE.type == "cuda" else (1024, torch.float32)
    a, b = (torch.randn(n, n, device=DEVICE, dtype=mm_dtype) for _ in range(2))
    mm = best(3, lambda: [torch.mm(a, b) for _ in range(5)])
    setup = dict(side="peer", model=name, row="setup", matmul_params=matmul_params,
                 threads=torch.get_num_threads(), torch=torch.__version__,
                 matmul_gflops=round(2 * n ** 3 * 5 / mm / 1e9, 2), head_params=vocab * cfg["d"])
    if not defaults:
        setup.update(device=str(DEVICE), dtype=args.dtype)
    print(json.dumps(setup), flush=True)
    repeats = 3 if name == "5M" else 1
    if DEVICE.type == "cuda":
        torch.cuda.reset_peak_memory_stats(DEVICE)

    model.eval()
    for batch in (1, 8, 64):
        prompts = [tokens(r, PROMPT, 0, vocab) for r in range(batch)]
        first = best(repeats, lambda: generate(model, prompts, 1))
        every = best(repeats, lambda: generate(model, prompts, NEW_TOKENS))
        emit(name, "prefill", batch, first, batch * PROMPT)
        emit(name, "decode", batch, max(every - first, 1e-9), batch * (NEW_TOKENS - 1))

    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.0)

    def finish_step():
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    prompts = [tokens(p, PROMPT, 1, vocab) for p in range(PAIRS)]
    chosen = [tokens(p, NEW_TOKENS, 2, vocab) for p in range(PAIRS)]
    rejected = [tokens(p, NEW_TOKENS, 3, vocab) for p in range(PAIRS)]
    with torch.no_grad():
        ref, _ = sequence_logps(model, prompts + prompts, chosen + rejected)
        ref = ref.sum(-1)

    def dpo_step():
        optimizer.zero_grad()
        logps, _ = sequence_logps(model, prompts + prompts, chosen + rejected)
        logps = logps.sum(-1)
        margin = (logps[:PAIRS] - ref[:PAIRS]) - (logps[PAIRS:] - ref[PAIRS:])
        loss = -F.logsigmoid(0.1 * margin).mean()
        loss.backward()
        finish_step()
    emit(name, "dpo_step", PAIRS, best(repeats, dpo_step), 2 * PAIRS * (PROMPT + NEW_TOKENS))

    def sft_step():
        optimizer.zero_grad()
        rows = [p + c for p, c in zip(prompts, chosen)]
        ids = torch.tensor(rows, device=DEVICE)
        labels = torch.tensor([[-100] * PROMPT + c for c in chosen], device=DEVICE)
        logits = model(ids, torch.ones_like(ids))
        loss = F.cross_entropy(logits[:, :-1, :].float().reshape(-1, vocab), labels[:, 1:].reshape(-1), ignore_index=-100)
        loss.backward()
        finish_step()
    emit(name, "sft_step", PAIRS, best(repeats, sft_step), PAIRS * (PROMPT + NEW_TOKENS))

    completions = [tokens(r, NEW_TOKENS, 4, vocab) for r in range(PAIRS)]
    advantages = torch.tensor([1.0 if r % 2 == 0 else -1.0 for r in range(PAIRS)], device=DEVICE)

    def grpo_step():
        optimizer.zero_grad()
        with torch.no_grad():
            ref_logps, _ = sequence_logps(model, prompts, completions)
        logps, mask = sequence_logps(model, prompts, completions)
        # the loss covers each completion's first REFLECTION tokens
        loss_mask = mask & (mask.long().cumsum(-1) <= REFLECTION)
        old = logps.detach()
        ratio = torch.exp(logps - old)
        clipped = torch.clamp(ratio, 0.8, 1.2)
        per_token = -torch.min(ratio * advantages[:, None], clipped * advantages[:, None])
        kl = torch.exp(ref_logps - logps) - (ref_logps - logps) - 1
        per_token = per_token + 0.001 * kl
        loss = ((per_token * loss_mask).sum(-1) / loss_mask.sum(-1).clamp(min=1)).mean()
        loss.backward()
        finish_step()
    emit(name, "grpo_step", PAIRS, best(repeats, grpo_step), PAIRS * (PROMPT + NEW_TOKENS))

    if DEVICE.type == "cuda":
        peak = torch.cuda.max_memory_allocated(DEVICE) / 2 ** 20
        print(json.dumps(dict(side="peer", model=name, row="peak_gpu", mib=round(peak, 1))), flush=True)
        return
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(dict(side="peer", model=name, row="peak_rss", mib=round(peak, 1))), flush=True)


if __name__ == "__main__":
    main()
