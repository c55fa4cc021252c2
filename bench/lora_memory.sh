#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A DPO step on a model of Qwen2.5-0.5B's real shape (random weights written by
# `rlrf model init`): full fine-tuning against LoRA, with and without gradient
# checkpointing. Each setting is one `rlrf dpo` run of STEPS optimizer steps on
# 8 pairs x 128 tokens per step (prompt 64, completions 64); the table gives the
# mean step time after the first step, the reference log-prob pass, the peak
# resident memory of the whole process (/usr/bin/time) and what `rlrf model plan`
# predicted for the same settings.
#
#   bench/lora_memory.sh [RLRF] [WORK_DIR]     environment: STEPS (2), SETTINGS
set -euo pipefail
rlrf=${1:-build/bin/rlrf}
work=${2:-$(mktemp -d)}
steps=${STEPS:-2}
settings=${SETTINGS:-"full lora16 lora16+gc full+gc"}
[ -x "$rlrf" ] || { echo "lora_memory.sh: $rlrf is not built" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "lora_memory.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
mkdir -p "$work"

# Qwen2.5-0.5B's config.json, as published.
cat > "$work/config.json" <<'JSON'
{"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
 "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
 "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 24,
 "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
 "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
 "torch_dtype": "bfloat16", "transformers_version": "4.40.1", "use_cache": true,
 "use_sliding_window": false, "vocab_size": 151936}
JSON
model=$work/qwen2.5-0.5b-shape
[ -f "$model/model.safetensors" ] || "$rlrf" model init --config "$work/config.json" --out "$model" --seed 1 >&2

# 8 pairs per step, token ids drawn from the vocabulary with a fixed seed.
pairs=$work/pairs.jsonl
awk -v n=$((8 * steps)) 'BEGIN { srand(7);
  for (p = 0; p < n; ++p) {
    line = "{\"prompt_ids\": [";   for (i = 0; i < 64; ++i) line = line (i ? "," : "") int(rand() * 151000);
    line = line "], \"chosen_ids\": [";   for (i = 0; i < 64; ++i) line = line (i ? "," : "") int(rand() * 151000);
    line = line "], \"rejected_ids\": ["; for (i = 0; i < 64; ++i) line = line (i ? "," : "") int(rand() * 151000);
    print line "]}" } }' > "$pairs"

flags_of() {
  case $1 in
    full) echo "" ;;
    full+gc) echo "--gradient-checkpointing" ;;
    lora16) echo "--lora-r 16" ;;
    lora16+gc) echo "--lora-r 16 --gradient-checkpointing" ;;
    *) echo "unknown setting $1" >&2; exit 2 ;;
  esac
}

printf '| setting | step (s) | reference pass (s) | peak RSS (GiB) | planned (GiB) | trainable parameters |\n'
printf '|---|---|---|---|---|---|\n'
for setting in $settings; do
  flags=$(flags_of "$setting")
  out=$work/out-$setting
  rm -rf "$out"
  # shellcheck disable=SC2086
  planned=$("$rlrf" model plan --model "$model" --kind dpo --batch-size 8 --max-length 128 $flags 2>/dev/null \
              | awk '/^ *total/ { for (i = 1; i <= NF; ++i) if ($i ~ /GiB/) { print $(i-1); exit } }' || true)
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  /usr/bin/time -f '%M' -o "$work/rss-$setting" "$rlrf" dpo --model "$model" --pairs "$pairs" --out "$out" \
      --batch-size 8 --epochs 1 --lr 1e-5 $flags > "$work/result-$setting.json" 2> "$work/log-$setting.txt"
  rss_kib=$(tail -1 "$work/rss-$setting")
  # Step times from the log's "dpo step i/N" lines (their timestamps), the
  # reference pass from the start to the first step minus that step.
  python3 - "$work/log-$setting.txt" "$start" "$rss_kib" "$setting" "${planned:-?}" <<'PY'
import datetime, re, sys
log, start, rss, setting, planned = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
begin = datetime.datetime.fromtimestamp(start)
begin_s = begin.hour * 3600 + begin.minute * 60 + begin.second + begin.microsecond / 1e6
steps, trainable = [], "?"
for line in open(log, errors="replace"):
    m = re.match(r"\S*\[(\d\d):(\d\d):(\d\d)\.(\d{3})\]", line)
    if m and re.search(r"dpo step \d+/\d+", line):
        h, mi, s_, ms = map(int, m.groups())
        t = h * 3600 + mi * 60 + s_ + ms / 1000
        steps.append(t + 86400 if t < begin_s else t)
    m2 = re.search(r"dpo: (\d+) trainable parameters", line)
    if m2:
        trainable = f"{int(m2.group(1)):,}"
step = (steps[-1] - steps[0]) / (len(steps) - 1) if len(steps) >= 2 else float("nan")
reference = (steps[0] - begin_s) - (step if step == step else 0.0) if steps else float("nan")
print(f"| {setting} | {step:.1f} | {reference:.1f} | {rss / 1048576:.2f} | {planned} | {trainable} |")
PY
done
echo "work folder: $work" >&2
