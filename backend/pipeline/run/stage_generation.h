// SPDX-License-Identifier: GPL-3.0-or-later
// The answers the sample and refine stages ask for, from whoever writes them
// (PipelineOptions::generator): the local policy M_i, through its chat template
// and batched generation, or an OpenAI-compatible server, one chat request per
// answer with several in flight (pipeline/run/endpoint_generation.h). The stages
// build the same conversations either way and store what comes back the same
// way, so a candidate from a server is curated, judged and trained like a local
// one. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"
#include "types/prompt_formats.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct AnswerSettings {
    std::int64_t n = 1;            // answers per conversation
    double temperature = 0.0;      // 0 = greedy
    std::optional<double> topP;    // none: not used (greedy)
    std::int64_t maxNewTokens = 64;
    std::uint64_t seed = 0;        // the batch's seed (sample_stage.h batchSeed)
};

struct GeneratedAnswer {
    std::size_t promptIndex = 0;   // into the conversations asked
    std::string text;
    // Local: the tokens generated. Server: the text's tokens under the local
    // tokenizer, which is what DPO and the supervised pass train on (they
    // re-encode every stored text); the server's own count is not kept.
    std::int64_t tokenCount = 0;
};

/// `settings.n` answers to each conversation, sorted by conversation, or none
/// when a stop request cut the batch short (nothing of it is kept). Throws
/// rlrf::Error from the server (unreachable, HTTP error, a reply without
/// content), naming its URL and the cause.
std::optional<std::vector<GeneratedAnswer>> generateAnswers(const StageEnv &env,
                                                            const std::vector<prompts::Messages> &conversations,
                                                            const AnswerSettings &settings);

/// The sampling parameters stored with each candidate (candidates.sampling_params):
/// temperature, top_p (when sampled), max_new_tokens, n, and "generator" with the
/// endpoint spec when a server wrote them.
nlohmann::json storedSamplingParams(const StageEnv &env, const AnswerSettings &settings);

/// The checkpoint stored with a candidate: M_i's when the local policy wrote it,
/// none when a server did (its model is not a checkpoint of this project).
std::optional<std::int64_t> candidateCheckpoint(const StageEnv &env);

} // namespace rlrf::pipeline
