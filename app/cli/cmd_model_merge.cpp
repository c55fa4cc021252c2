// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model merge ADAPTER --out DIR [--base DIR] [--dtype T]`: a LoRA adapter
// folded into its base, written as a full Hugging Face model folder (what PEFT's
// merge_and_unload() followed by save_pretrained() gives). Argument translation
// only; the work is in backend/model.
#include "cli/command_registry.h"

#include "core/error.h"
#include "model/adapter_folder.h"
#include "model/policy.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace {

using rlrf::cli::CommandSpec;
using rlrf::cli::ParsedArgs;

int runMerge(const ParsedArgs &args)
{
    namespace fs = std::filesystem;
    const auto adapter = args.positional.at(0);
    const auto out = args.required("out");
    if (!rlrf::model::isAdapterFolder(adapter))
        throw rlrf::Error("not a LoRA adapter folder (it has no adapter_config.json, or it is a full model with "
                          "config.json)",
                          {adapter});
    if (fs::exists(out) && fs::equivalent(out, adapter))
        throw rlrf::cli::UsageError("--out must not be the adapter folder itself");
    rlrf::model::PolicyOptions options;
    options.dtype = args.value("dtype", "auto");
    options.baseModel = args.value("base");
    auto policy = rlrf::model::Policy::load(adapter, options);
    const auto lora = policy.lora();
    policy.mergeLora();
    policy.save(out);
    std::cout << nlohmann::json{{"adapter", adapter},
                                {"base", policy.baseFolder()},
                                {"r", lora.rank},
                                {"lora_alpha", lora.alpha},
                                {"target_modules", lora.targetModules},
                                {"dtype", policy.dtype()},
                                {"out", out}}
                     .dump()
              << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerMerge{CommandSpec{
    "model merge",
    "fold a LoRA adapter into its base model and write a full model folder",
    "rlrf model merge ADAPTER_DIR --out DIR [--base DIR] [--dtype T]",
    {{"out", "DIR", "the merged model folder to write (config.json, model.safetensors, tokenizer files)"},
     {"base", "DIR", "the base model folder (default: the adapter's base_model_name_or_path)"},
     {"dtype", "T", "dtype of the merged weights: auto (the base's), float32 or bfloat16 (default auto)"}},
    1,
    1,
    "ADAPTER_DIR is a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors),\n"
    "written by `rlrf sft/dpo --lora-r N` or by PEFT. Each adapted weight becomes\n"
    "W + (lora_alpha / r) * B A, computed in float32. The result loads in transformers as a\n"
    "plain model. Prints one JSON line naming the base, the adapter's settings and the folder.",
    runMerge}};

} // namespace
