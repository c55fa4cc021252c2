// `rlrf generate --model DIR --prompt TEXT ...`: sample completions from a model.
#include "cli/command_registry.h"

#include "model/text_model.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runGenerate(const rlrf::cli::ParsedArgs &args)
{
    using namespace rlrf::model;
    if (!args.has("prompt"))
        throw rlrf::cli::UsageError("missing required option --prompt (use --prompt \"\" to start from BOS)");
    // The options first: a mistake in them is a usage error before any model is read.
    const std::string folder = args.required("model");
    GenerationOptions options;
    options.numSamples = args.intValue("n", 1);
    options.maxNewTokens = args.intValue("max-new-tokens", 128);
    options.seed = static_cast<std::uint64_t>(args.intValue("seed", 0));
    options.sampling.temperature = args.doubleValue("temperature", 0.0);
    options.sampling.topP = args.doubleValue("top-p", 1.0);
    options.sampling.topK = args.intValue("top-k", 0);
    options.stopStrings = args.values("stop");
    if (options.numSamples < 1 || options.maxNewTokens < 1)
        throw rlrf::cli::UsageError("--n and --max-new-tokens must be at least 1");
    const TextModel model = TextModel::load(folder, {args.value("device", "cpu"), args.value("dtype", "float32")});

    const auto prompt = model.promptIds(args.value("prompt"), args.has("chat"));
    const auto samples = model.generate({prompt}, options);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (args.has("json")) {
            std::cout << nlohmann::json{{"ids", samples[i].ids}, {"text", samples[i].text}}.dump() << "\n";
        } else {
            if (samples.size() > 1)
                std::cout << "--- sample " << i + 1 << " (" << toString(samples[i].reason) << ") ---\n";
            std::cout << samples[i].text << "\n";
        }
    }
    return 0;
}

const rlrf::cli::RegisterCommand reg{{
    "generate",
    "sample completions of a prompt from a model",
    "rlrf generate --model DIR --prompt TEXT [--chat] [--n K] [--temperature T] [--top-p P] "
    "[--max-new-tokens N] [--seed S] [--json]",
    {{"model", "DIR", "a Hugging Face model folder"},
     {"prompt", "TEXT", "the prompt; \"\" starts from the BOS token"},
     {"chat", "", "wrap the prompt as a user message with the model's chat template"},
     {"n", "K", "samples of the prompt (they share its prefill; default 1)"},
     {"temperature", "T", "0 = greedy (default), else sampling temperature"},
     {"top-p", "P", "nucleus sampling threshold (default 1 = off)"},
     {"top-k", "K", "keep the K most likely tokens (default 0 = off)"},
     {"max-new-tokens", "N", "at most N generated tokens (default 128)"},
     {"seed", "S", "random seed (default 0): the same seed gives the same samples"},
     {"stop", "TEXT", "stop when the text contains TEXT (repeatable)", true},
     {"device", "DEV", "cpu (default), cuda or cuda:N"},
     {"dtype", "T", "float32 (default), bfloat16 or auto (config.json's)"},
     {"json", "", "one line {\"ids\": [...], \"text\": \"...\"} per sample"}},
    0, 0,
    "Generation stops at the model's end-of-sequence tokens (config.json, the tokenizer and the chat\n"
    "template's eos_token), at a --stop text, or after --max-new-tokens.",
    runGenerate}};

} // namespace
