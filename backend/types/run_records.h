// SPDX-License-Identifier: GPL-3.0-or-later
// Training and evaluation runs, their metric points, evaluation results and model
// checkpoints as plain values. Torch-free and Qt-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::store {

enum class RunKind { Sft, Dpo, Grpo, Rlrf, Rrr, Eval };
enum class RunStatus { Running, Succeeded, Cancelled, Failed };

std::string toString(RunKind kind);
std::string toString(RunStatus status);
RunKind parseRunKind(const std::string &text);
RunStatus parseRunStatus(const std::string &text);

struct RunRecord {
    std::int64_t id = 0;
    RunKind kind = RunKind::Dpo;
    int iteration = 0;
    std::string hyperParametersJson = "{}";
    RunStatus status = RunStatus::Running;
    std::string message;  // why it failed or was cancelled
    std::string startedAt;
    std::optional<std::string> endedAt;
};

struct MetricPoint {
    std::int64_t step = 0;
    std::string key;      // "dpo/loss", ...
    double value = 0.0;
};

struct EvalResult {
    std::int64_t id = 0;
    std::optional<std::int64_t> runId;
    int iteration = 0;
    std::string split;    // "test", "validation", ...
    std::string metric;   // "accuracy", "aspect/Factuality", ...
    double value = 0.0;
    std::int64_t n = 0;   // how many items the value is over
};

struct CheckpointRecord {
    std::int64_t id = 0;
    std::string path;     // a Hugging Face model folder, beside the project file
    std::optional<std::int64_t> parentId;
    int iteration = 0;
    std::optional<std::int64_t> runId;
    std::string createdAt;
};

} // namespace rlrf::store
