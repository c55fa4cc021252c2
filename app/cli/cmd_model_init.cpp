// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model init --config config.json --out DIR [--seed S] [--dtype T]`: a model
// folder with random weights of any supported shape, as transformers initialises
// a Llama (N(0, 0.02²), norms at one). For trying memory settings and speed on a
// real model's shape before downloading it, and for benchmarks. Argument
// translation only; the work is in backend/model.
#include "cli/command_registry.h"

#include "model/model_config.h"
#include "model/model_info.h"
#include "model/policy.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

using rlrf::cli::CommandSpec;
using rlrf::cli::ParsedArgs;

int runInit(const ParsedArgs &args)
{
    const auto config = rlrf::model::loadModelConfig(args.required("config"));
    const long long seed = args.intValue("seed", 0);
    if (seed < 0)
        throw rlrf::cli::UsageError("--seed must be at least 0");
    rlrf::model::PolicyOptions options;
    options.dtype = args.value("dtype", "float32");
    const auto policy = rlrf::model::Policy::initialize(config, static_cast<std::uint64_t>(seed), options);
    policy.save(args.required("out"));
    const auto info = rlrf::model::describeModelFolder(args.required("out"));
    std::cout << nlohmann::json{{"out", args.required("out")},
                                {"parameters", info.at("parameters").get<std::int64_t>()},
                                {"dtype", policy.dtype()}}
                     .dump()
              << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerInit{CommandSpec{
    "model init",
    "write a model folder with random weights of a given shape (config.json)",
    "rlrf model init --config FILE --out DIR [--seed S] [--dtype T]",
    {{"config", "FILE", "a Hugging Face config.json of a supported family (Llama, Mistral, Qwen2/2.5, Qwen3)"},
     {"out", "DIR", "the model folder to write (config.json, model.safetensors)"},
     {"seed", "S", "random seed (default 0); the same config and seed give the same weights"},
     {"dtype", "T", "float32 or bfloat16 (default float32)"}},
    0,
    0,
    "Every matrix is drawn from N(0, 0.02^2), norms are one and biases zero, as transformers\n"
    "initialises a Llama. No tokenizer is written: train such a model on token-id data\n"
    "(prompt_ids / chosen_ids / ...). Prints one JSON line with the parameter count.",
    runInit}};

} // namespace
