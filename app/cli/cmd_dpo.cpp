// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf dpo --model DIR --pairs F.jsonl --out DIR [--resume CHECKPOINT]`: DPO on
// preference pairs, or the continuation of an interrupted run from its checkpoint.
#include "cli/command_registry.h"
#include "cli/lora_args.h"
#include "cli/memory_check_args.h"

#include "core/json_io.h"
#include "model/adapter_folder.h"
#include "model/text_model.h"
#include "train/dpo_trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace {

rlrf::train::DpoConfig configFrom(const rlrf::cli::ParsedArgs &args)
{
    rlrf::train::DpoConfig config;
    if (args.has("config"))
        config = rlrf::train::dpoConfigFromJson(rlrf::json::readFile(args.value("config")), args.value("config"));
    config.beta = args.doubleValue("beta", config.beta);
    config.lossType = args.value("loss", config.lossType);
    config.learningRate = args.doubleValue("lr", config.learningRate);
    config.epochs = args.intValue("epochs", config.epochs);
    config.batchSize = args.intValue("batch-size", config.batchSize);
    config.gradientAccumulation = args.intValue("grad-accum", config.gradientAccumulation);
    config.nllWeight = args.doubleValue("nll-weight", config.nllWeight);
    config.seed = static_cast<std::uint64_t>(args.intValue("seed", static_cast<long long>(config.seed)));
    config.checkpointEvery = args.intValue("save-steps", config.checkpointEvery);
    config.device = args.value("device", config.device);
    config.dtype = args.value("dtype", config.dtype);
    config.referenceCacheDir = args.value("ref-cache", config.referenceCacheDir);
    config.lora = rlrf::cli::loraFrom(args, config.lora);
    if (args.has("gradient-checkpointing"))
        config.gradientCheckpointing = true;
    rlrf::train::validate(config, "command line");
    return config;
}

int runDpoCommand(const rlrf::cli::ParsedArgs &args)
{
    const auto config = configFrom(args);
    const std::string modelFolder = args.required("model");
    const std::string pairsFile = args.required("pairs");
    // Text pairs need the tokenizer; id pairs do not, so a folder without one still works.
    std::optional<rlrf::model::TextModel> textModel;
    if (std::filesystem::exists(std::filesystem::path(modelFolder) / "tokenizer.json"))
        textModel = rlrf::model::TextModel::load(modelFolder, {"cpu", "float32"});
    const auto pairs = rlrf::train::readDpoPairs(pairsFile, textModel ? &*textModel : nullptr);
    textModel.reset();
    auto memory = rlrf::train::memoryRequestFor(rlrf::train::PlanKind::Dpo, modelFolder, config);
    for (const auto &pair : pairs)
        memory.maxLength = std::max<std::int64_t>(
            memory.maxLength, static_cast<std::int64_t>(pair.prompt.size() + std::max(pair.chosen.size(), pair.rejected.size())));
    const bool lora = config.lora.enabled() || rlrf::model::isAdapterFolder(modelFolder);
    memory.referenceElsewhere = (args.has("ref") && args.value("ref") != modelFolder) || (args.has("resume") && !lora);
    rlrf::cli::checkRunMemory(args, memory);
    // One JSON line of TRL-named metrics per optimizer step on stderr, once the step
    // is complete (progress follows a step's metrics).
    rlrf::RunContext context;
    auto stepMetrics = std::make_shared<nlohmann::json>(nlohmann::json::object());
    context.onMetric = [stepMetrics](std::int64_t, const std::string &key, double value) { (*stepMetrics)[key] = value; };
    context.onProgress = [stepMetrics](const rlrf::Progress &progress) {
        if (progress.stage != "dpo")
            return;
        (*stepMetrics)["step"] = progress.done;
        std::cerr << stepMetrics->dump() << std::endl;
        *stepMetrics = nlohmann::json::object();
    };
    const auto result =
        rlrf::train::runDpo(config, modelFolder, args.value("ref"), pairs, args.required("out"), context,
                            args.value("resume"));
    nlohmann::json line = {{"outcome", rlrf::toString(result.outcome)},
                           {"message", result.message},
                           {"steps", result.steps},
                           {"resumed_from_step", result.resumedFromStep},
                           {"total_steps", result.totalSteps},
                           {"pairs", pairs.size()},
                           {"reference_computed_pairs", result.referenceComputedPairs},
                           {"checkpoint", result.checkpoint},
                           {"metrics", result.metrics}};
    std::cout << line.dump() << std::endl;
    return result.outcome == rlrf::Outcome::Succeeded ? 0 : 1;
}

std::vector<rlrf::cli::OptionSpec> dpoOptions()
{
    std::vector<rlrf::cli::OptionSpec> options = {
{"model", "DIR", "the Hugging Face model folder to train, or a LoRA adapter folder (trains the adapter)"},
     {"ref", "DIR", "the frozen reference model (default: --model)"},
     {"pairs", "FILE", "JSONL: {\"prompt\",\"chosen\",\"rejected\"} as text or message lists, or {\"prompt_ids\",\"chosen_ids\",\"rejected_ids\"}"},
     {"out", "DIR", "output folder: checkpoint-N/, final/, reference_cache/"},
     {"config", "FILE", "a DPO config JSON (TRL's names); options below override it"},
     {"beta", "B", "DPO beta (default 0.1)"},
     {"loss", "NAME", "sigmoid, ipo, hinge, apo_zero or apo_down (default sigmoid)"},
     {"lr", "X", "peak learning rate (default 5e-7)"},
     {"epochs", "N", "passes over the pairs (default 1)"},
     {"batch-size", "N", "pairs per micro-batch (default 4)"},
     {"grad-accum", "N", "micro-batches per optimizer step (default 1)"},
     {"nll-weight", "W", "weight of the NLL term on chosen (default 0 = off)"},
     {"save-steps", "N", "checkpoint every N steps (default 0 = final only)"},
     {"seed", "S", "shuffling seed (default 42)"},
     {"device", "DEV", "cpu, cuda or cuda:N (default cpu)"},
     {"dtype", "T", "float32 or bfloat16 (bf16 autocast on CUDA)"},
     {"ref-cache", "DIR", "reference log-prob cache folder (default OUT/reference_cache)"},
     {"resume", "CHECKPOINT_DIR", "continue an interrupted run from its checkpoint-N folder (same options and pairs)"},
     {"gradient-checkpointing", "", "recompute activations in the backward pass: far less memory, ~1/3 more time"},
     rlrf::cli::ignoreMemoryPlanOption()};
    for (auto &option : rlrf::cli::loraOptions())
        options.push_back(option);
    return options;
}

const rlrf::cli::RegisterCommand reg{{
    "dpo",
    "Direct Preference Optimization of a model on preference pairs",
    "rlrf dpo --model DIR [--ref DIR] --pairs F.jsonl --out DIR [--beta B] [--loss sigmoid|ipo|hinge|apo_zero|apo_down] [--lr X] "
    "[--epochs N] [--batch-size N] [--seed S] [--lora-r N] [--resume CHECKPOINT_DIR]",
    dpoOptions(),
    0, 0,
    "Text pairs are encoded with the model's tokenizer: the prompt with its special tokens, completions\n"
    "without, with the EOS id appended. Pairs in TRL's conversational form (message lists, as\n"
    "`rlrf export --what pairs` writes them) get the prompt through the model's chat template, as the\n"
    "RLRF pipeline renders it. Each step's metrics go to stderr as a JSON line; stdout gets one\n"
    "JSON line with the outcome, the step count, the last checkpoint and the last step's metrics (TRL's names).\n"
    "--resume continues a run from a periodic (--save-steps) or interrupted checkpoint: weights, AdamW\n"
    "state, step, learning-rate schedule and pair order go on as if the run had never stopped. Give the\n"
    "original --model, --ref, pairs and options; a checkpoint trained with other ones is refused.\n"
    "With --lora-r (or an adapter folder as --model) only a LoRA adapter trains, the reference is the\n"
    "base model with the adapter switched off (no second copy in memory), and checkpoints are PEFT\n"
    "adapter folders; `rlrf model merge` folds one into a full model folder.",
    runDpoCommand}};

} // namespace
