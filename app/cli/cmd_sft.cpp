// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf sft --model DIR --data F.jsonl --out DIR`: supervised fine-tuning on prompt
// / completion pairs. Metrics go to stderr as JSON lines, the result to stdout as
// one JSON line; the exit code is 1 when the run failed or was stopped.
#include "cli/command_registry.h"
#include "cli/lora_args.h"
#include "cli/memory_check_args.h"

#include "core/error.h"
#include "core/json_io.h"
#include "model/text_model.h"
#include "train/sft.h"
#include "model/adapter_folder.h"
#include "train/available_memory.h"
#include "train/precision_rule.h"
#include "train/sft_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <iostream>

namespace {

rlrf::CancelToken *g_cancel = nullptr;

extern "C" void onInterrupt(int)
{
    if (g_cancel)
        g_cancel->requestStop(); // an atomic store: safe in a signal handler
}

rlrf::train::SftConfig configFrom(const rlrf::cli::ParsedArgs &args)
{
    using rlrf::cli::UsageError;
    rlrf::train::SftConfig config;
    if (args.has("config")) {
        const auto path = args.value("config");
        config = rlrf::train::sftConfigFromJson(rlrf::json::readFile(path), path);
    }
    config.epochs = args.doubleValue("epochs", config.epochs);
    config.learningRate = args.doubleValue("lr", config.learningRate);
    config.batchSize = args.intValue("batch-size", config.batchSize);
    config.maxSteps = args.intValue("max-steps", config.maxSteps);
    config.checkpointEvery = args.intValue("checkpoint-every", config.checkpointEvery);
    const long long seed = args.intValue("seed", static_cast<long long>(config.seed));
    if (seed < 0)
        throw UsageError("--seed must be at least 0");
    config.seed = static_cast<std::uint64_t>(seed);
    config.device = args.value("device", config.device);
    config.dtype = args.value("dtype", config.dtype);
    config.lora = rlrf::cli::loraFrom(args, config.lora);
    if (args.has("gradient-checkpointing"))
        config.gradientCheckpointing = true;
    try {
        rlrf::train::validate(config);
    } catch (const rlrf::Error &e) {
        throw UsageError(e.what());
    }
    return config;
}

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

int runSftCommand(const rlrf::cli::ParsedArgs &args)
{
    const auto config = configFrom(args);
    // Text lines need the tokenizer, which comes with the model: the plan uses the
    // memory that was free before the model was loaded.
    const auto freeBeforeLoading = rlrf::train::cpuAvailableBytes();
    const bool adapter = config.lora.enabled() || rlrf::model::isAdapterFolder(args.required("model"));
    const auto model = rlrf::model::TextModel::load(args.required("model"),
                                                    {config.device, rlrf::train::trainingWeightsDtype(config.dtype, adapter)});
    rlrf::train::SftData data;
    data.train = rlrf::train::readSftJsonl(args.required("data"), &model);
    if (args.has("validation"))
        data.validation = rlrf::train::readSftJsonl(args.value("validation"), &model);
    auto memory = rlrf::train::memoryRequestFor(rlrf::train::PlanKind::Sft, args.required("model"), config);
    memory.availableBytes = freeBeforeLoading;
    for (const auto *examples : {&data.train, &data.validation})
        for (const auto &e : *examples)
            memory.maxLength = std::max<std::int64_t>(memory.maxLength,
                                                      static_cast<std::int64_t>(e.promptIds.size() + e.answerIds.size()));
    rlrf::cli::checkRunMemory(args, memory);
    rlrf::RunContext context;
    context.onMetric = [](std::int64_t step, const std::string &key, double value) {
        std::cerr << nlohmann::json{{"step", step}, {"metric", key}, {"value", number(value)}}.dump() << std::endl;
    };
    g_cancel = &context.cancel;
    std::signal(SIGINT, onInterrupt);
    const auto result = rlrf::train::runSft(config, model, data, args.required("out"), context, args.has("resume"));
    std::signal(SIGINT, SIG_DFL);
    g_cancel = nullptr;
    std::cout << nlohmann::json{{"outcome", rlrf::toString(result.outcome)},
                                {"message", result.message},
                                {"steps", result.steps},
                                {"total_steps", result.totalSteps},
                                {"final_loss", number(result.finalLoss)},
                                {"final_eval_loss", number(result.finalEvalLoss)},
                                {"checkpoint", result.lastCheckpoint},
                                {"model", result.modelFolder}}
                     .dump()
              << "\n";
    if (result.outcome == rlrf::Outcome::Failed)
        std::cerr << "rlrf sft: " << result.message << "\n";
    return result.outcome == rlrf::Outcome::Succeeded ? 0 : 1;
}

std::vector<rlrf::cli::OptionSpec> sftOptions()
{
    std::vector<rlrf::cli::OptionSpec> options = {
        {"model", "DIR", "Hugging Face model folder with tokenizer.json, or a LoRA adapter folder (trains the adapter)"},
        {"data", "FILE", "JSONL: {\"prompt\", \"completion\"} as text or message lists, or {\"prompt_ids\", \"completion_ids\"}"},
        {"out", "DIR", "output folder: checkpoint-<step>/ and final/"},
        {"config", "FILE", "JSON with SFT settings (learning_rate, schedule, warmup_ratio, ...); flags override it"},
        {"validation", "FILE", "JSONL like --data; reports sft/eval_loss"},
        {"epochs", "N", "passes over the data when --max-steps is 0 (default 1)"},
        {"lr", "X", "peak learning rate (default 1e-4)"},
        {"batch-size", "N", "examples per step (default 8)"},
        {"max-steps", "N", "optimizer steps; 0 = from --epochs"},
        {"checkpoint-every", "N", "write a checkpoint every N steps (default: only at the end)"},
        {"seed", "S", "shuffling seed (default 42)"},
        {"device", "DEV", "cpu, cuda, cuda:1 (default cpu)"},
        {"dtype", "T", "float32, bfloat16 or auto (default float32)"},
        {"resume", "", "continue from the newest checkpoint in --out"},
        {"gradient-checkpointing", "", "recompute activations in the backward pass: far less memory, ~1/3 more time"},
        rlrf::cli::ignoreMemoryPlanOption(),
    };
    for (auto &option : rlrf::cli::loraOptions())
        options.push_back(option);
    return options;
}

static rlrf::cli::RegisterCommand registerSft{{
    "sft",
    "supervised fine-tuning on prompt/completion pairs (loss on completion tokens only)",
    "rlrf sft --model DIR --data F.jsonl --out DIR [--epochs N] [--lr X] [--batch-size N] [--max-steps N] "
    "[--seed S] [--lora-r N] [--resume]",
    sftOptions(),
    0,
    0,
    "Text lines are encoded with the model's tokenizer: the prompt with its special\n"
    "tokens (a BOS, say), the completion without, then EOS. A prompt given as a list of\n"
    "messages (TRL's conversational form; the completion then is one assistant message)\n"
    "goes through the model's chat template, as the RLRF pipeline renders it. AdamW (no weight decay on\n"
    "norms and biases), warm-up + cosine, gradient clipping at 1.0. Metrics\n"
    "(sft/loss, sft/grad_norm, sft/learning_rate, sft/tokens_per_second,\n"
    "sft/eval_loss) go to stderr as JSON lines; Ctrl+C stops after the current step\n"
    "and writes a checkpoint that --resume continues from.\n"
    "With --lora-r only a LoRA adapter trains (the model's weights stay frozen); checkpoints and\n"
    "final/ are then PEFT adapter folders (adapter_config.json, adapter_model.safetensors) that\n"
    "load here and in PEFT; `rlrf model merge` folds one into a full model folder.\n",
    runSftCommand,
}};

} // namespace
