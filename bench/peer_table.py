#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Joins the JSON lines of bench_peer_project and bench/peer_torch.py into the
table bench/peer_compare.sh prints. Standard library only.

ratio: project / peer for speed (tokens per second), peer / project for peak
memory, so above 1 always means the project is ahead.
GFLOP/s: the matrix-product work a row needs, over its time: 2 x body params per
token through the model forward, 6 x for forward and backward, plus the LM head
only where a row needs its logits (the last prompt position at prefill, every
generated token, the completion tokens of a training row); attention's own
products are left out. mm: that rate over the float32 torch::mm rate measured in
the same run, in the project's process (on CUDA: the 4096^2 mm in the run's dtype).
Runs on CUDA (bench/gpu_check.sh) report peak GPU memory (peak_gpu rows) where
CPU runs report the peak RSS; a check row (bench_peer_project ... check) is left
to the script that asked for it.
Usage: peer_table.py RESULTS.jsonl
"""
import json
import sys

ROWS = [("prefill", 1), ("prefill", 8), ("prefill", 64), ("decode", 1), ("decode", 8), ("decode", 64),
        ("dpo_step", 8), ("sft_step", 8), ("grpo_step", 8)]
LABEL = {"prefill": "prefill b{b}", "decode": "decode b{b}", "dpo_step": "DPO step (8 pairs x 128)",
         "sft_step": "SFT step (8 x 128)", "grpo_step": "GRPO step (8 x 128, 32 loss tok)"}
PROMPT, NEW, PAIRS = 64, 64, 8


def flops(row, batch, tokens, body, head):
    if row == "prefill":
        return 2 * body * tokens + 2 * head * batch
    if row == "decode":
        return 2 * (body + head) * tokens
    if row == "dpo_step":
        return 6 * body * tokens + 6 * head * 2 * PAIRS * NEW
    if row == "sft_step":
        return 6 * body * tokens + 6 * head * PAIRS * NEW
    if row == "grpo_step":  # reference forward in the step, then forward + backward
        return 8 * body * tokens + 8 * head * PAIRS * NEW
    raise ValueError(row)


def main():
    results = {}
    setup = {}
    memory = "peak memory (RSS)"
    for line in open(sys.argv[1]):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        key = (r["side"], r["model"])
        if r["row"] == "setup":
            setup[key] = r
        elif r["row"] in ("peak_rss", "peak_gpu"):
            results[key + ("peak_rss", 0)] = r["mib"]
            memory = "peak memory (RSS)" if r["row"] == "peak_rss" else "peak GPU memory"
        elif r["row"] == "check":
            continue
        else:
            results[key + (r["row"], r["batch"])] = r
    models = [m for m in ("5M", "100M") if ("project", m) in setup]
    ratios = {}
    print("| model | row | project | peer | ratio | project GFLOP/s | of mm |")
    print("|---|---|---|---|---|---|---|")
    for m in models:
        s = setup[("project", m)]
        head = s["head_params"]
        body = s["matmul_params"] - head
        mm = s["matmul_gflops"]
        for row, batch in ROWS:
            p = results.get(("project", m, row, batch))
            q = results.get(("peer", m, row, batch))
            if not p or not q:
                continue
            label = LABEL[row].format(b=batch)
            if row in ("prefill", "decode"):
                pv, qv = p["tokens"] / p["seconds"], q["tokens"] / q["seconds"]
                shown = ("%.0f tok/s" % pv, "%.0f tok/s" % qv)
            else:
                pv, qv = 1.0 / p["seconds"], 1.0 / q["seconds"]
                shown = ("%.3f s" % p["seconds"], "%.3f s" % q["seconds"])
            ratio = pv / qv
            ratios[(m, row, batch)] = ratio
            gflops = flops(row, batch, p["tokens"], body, head) / p["seconds"] / 1e9
            print("| %s | %s | %s | %s | %.2fx | %.1f | %.0f%% |" % (m, label, shown[0], shown[1], ratio, gflops,
                                                                   100 * gflops / mm))
        pm, qm = results.get(("project", m, "peak_rss", 0)), results.get(("peer", m, "peak_rss", 0))
        if pm and qm and pm > 0:
            ratios[(m, "peak_rss", 0)] = qm / pm
            print("| %s | %s | %.0f MiB | %.0f MiB | %.2fx | | |" % (m, memory, pm, qm, qm / pm))
    for m in models:
        for side in ("project", "peer"):
            s = setup.get((side, m))
            if s:
                where = " on %s in %s," % (s["device"], s["dtype"]) if "device" in s else ""
                mm = "%s mm" % s["dtype"] if s.get("device", "cpu").startswith("cuda") else "float32 mm"
                print("%s %s: LibTorch/PyTorch %s,%s %d threads, %s %.1f GFLOP/s, %.1fM matmul params" % (
                    m, side, s["torch"], where, s["threads"], mm, s["matmul_gflops"], s["matmul_params"] / 1e6))
    if not ratios:
        print("peer ratio: no rows measured")
        return 1
    headline = models[-1]
    decode = ratios.get((headline, "decode", 64), float("nan"))
    dpo = ratios.get((headline, "dpo_step", 8), float("nan"))
    print("peer ratio: min %.2f, decode64 %.2f, dpo %.2f" % (min(ratios.values()), decode, dpo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
