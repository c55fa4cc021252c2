// `rlrf score --model DIR --input F.jsonl`: per-token log-probs of completions.
#include "cli/command_registry.h"

#include "model/score_jsonl.h"

#include <iostream>

namespace {

int runScore(const rlrf::cli::ParsedArgs &args)
{
    const auto model = rlrf::model::TextModel::load(args.required("model"), {"cpu", "float32"});
    rlrf::model::scoreJsonl(model, args.required("input"), std::cout,
                            static_cast<std::size_t>(args.intValue("batch-size", 16)));
    return 0;
}

const rlrf::cli::RegisterCommand reg{{
    "score",
    "log-probabilities of completions given prompts (f32, CPU)",
    "rlrf score --model DIR --input F.jsonl",
    {{"model", "DIR", "a Hugging Face model folder"},
     {"input", "FILE", "JSONL: {\"prompt_ids\", \"completion_ids\"} or {\"prompt\", \"completion\"}; - = stdin"},
     {"batch-size", "N", "records scored together (default 16)"}},
    0, 0,
    "Each input line gives one output line {\"token_logprobs\": [...], \"logprob\": total}.\n"
    "Text prompts are encoded with the tokenizer's special tokens (a Llama BOS), completions without.",
    runScore}};

} // namespace
