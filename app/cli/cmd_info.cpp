// `rlrf info --model DIR`: what a model folder holds, without loading its weights.
#include "cli/command_registry.h"

#include "model/model_info.h"

#include <iostream>

namespace {

int runInfo(const rlrf::cli::ParsedArgs &args)
{
    const auto info = rlrf::model::describeModelFolder(args.required("model"));
    if (args.has("json"))
        std::cout << info.dump() << "\n";
    else
        std::cout << rlrf::model::formatModelInfo(info);
    return 0;
}

const rlrf::cli::RegisterCommand reg{{
    "info",
    "describe a model folder: architecture, sizes, parameters, tokenizer, chat template",
    "rlrf info --model DIR [--json]",
    {{"model", "DIR", "a Hugging Face model folder (config.json, *.safetensors, tokenizer.json)"},
     {"json", "", "one JSON object instead of aligned lines"}},
    0, 0, "", runInfo}};

} // namespace
