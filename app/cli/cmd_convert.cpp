// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf convert --from llama2c ...`: a llama2.c checkpoint as a Hugging Face model
// folder. Argument translation only; the work is in backend/model/llama2c_convert.
#include "cli/command_registry.h"

#include "model/llama2c_convert.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

using rlrf::cli::CommandSpec;
using rlrf::cli::ParsedArgs;
using rlrf::cli::UsageError;

int runConvert(const ParsedArgs &args)
{
    const std::string from = args.required("from");
    if (from != "llama2c")
        throw UsageError("--from must be 'llama2c', got '" + from + "'");
    const auto result = rlrf::model::convertLlama2c(args.required("checkpoint"), args.required("tokenizer"),
                                                    args.required("out"));
    const nlohmann::json summary = {{"out", args.value("out")},
                                    {"files", result.files},
                                    {"tensors", result.tensorCount},
                                    {"tensor_bytes", result.tensorBytes},
                                    {"config", rlrf::model::toJson(result.config)}};
    std::cout << summary.dump() << "\n";
    std::cerr << "wrote " << result.tensorCount << " tensors (" << result.tensorBytes << " bytes) to "
              << args.value("out") << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerConvert{CommandSpec{
    "convert",
    "convert a llama2.c checkpoint into a Hugging Face model folder",
    "rlrf convert --from llama2c --checkpoint F.bin --tokenizer tok.bin --out DIR",
    {{"from", "FORMAT", "source format: llama2c"},
     {"checkpoint", "FILE", "llama2.c legacy (version 0) checkpoint, e.g. stories260K.bin"},
     {"tokenizer", "FILE", "llama2.c tokenizer, e.g. tok512.bin (checked against the vocabulary size)"},
     {"out", "DIR", "folder to write (created when missing)"}},
    0,
    0,
    "Writes config.json, model.safetensors (float32), generation_config.json, and the\n"
    "vocabulary as tokenizer.json (SentencePiece-style BPE with byte fallback, merges\n"
    "ranked by llama2.c's scores) plus tokenizer_config.json.\n"
    "The query/key rows are permuted from llama2.c's adjacent-pair RoPE layout to\n"
    "Hugging Face's rotate-half layout, so transformers and `rlrf` load the folder\n"
    "as any Llama model. Prints one JSON summary line on stdout.",
    runConvert}};

} // namespace
