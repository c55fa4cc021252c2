// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model tensors` and `rlrf model config`: what a model folder holds, as JSON
// on stdout. Argument translation only; the work is in backend/model.
#include "cli/command_registry.h"

#include "model/model_folder_listing.h"

#include <iostream>

namespace {

using rlrf::cli::CommandSpec;
using rlrf::cli::ParsedArgs;

int runTensors(const ParsedArgs &args)
{
    const auto records = rlrf::model::listCheckpointTensors(args.positional.at(0));
    std::uint64_t bytes = 0;
    for (const auto &r : records) {
        std::cout << r.dump() << "\n";
        bytes += r["bytes"].get<std::uint64_t>();
    }
    std::cerr << records.size() << " tensors, " << bytes << " bytes\n";
    return 0;
}

int runConfig(const ParsedArgs &args)
{
    std::cout << rlrf::model::normalisedModelConfig(args.positional.at(0)).dump(args.has("pretty") ? 2 : -1) << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerTensors{CommandSpec{
    "model tensors",
    "list the tensors of a model folder or .safetensors file (JSONL)",
    "rlrf model tensors PATH",
    {},
    1,
    1,
    "PATH is a Hugging Face model folder (model.safetensors, or shards with\n"
    "model.safetensors.index.json), one .safetensors file, or an index file.\n"
    "Prints one JSON object per tensor: name, dtype, shape, bytes, file.\n"
    "Every file is validated; pickle checkpoints (pytorch_model.bin, *.pt) are refused.",
    runTensors}};

const rlrf::cli::RegisterCommand registerConfig{CommandSpec{
    "model config",
    "read a model's config.json and print it as the workbench understands it",
    "rlrf model config PATH [--pretty]",
    {{"pretty", "", "indent the JSON"}},
    1,
    1,
    "PATH is a model folder or a config.json. Supported: Llama 2/3/3.1, SmolLM,\n"
    "Mistral, Qwen2/2.5, Qwen3. Defaults are filled in (kv heads, head_dim, ...);\n"
    "an unsupported or malformed config is an error naming the key.",
    runConfig}};

} // namespace
