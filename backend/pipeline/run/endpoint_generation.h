// SPDX-License-Identifier: GPL-3.0-or-later
// Answers from an OpenAI-compatible server for the sample and refine stages. One
// request per answer rather than the API's `n`: llama.cpp server and several
// other servers ignore `n` and return one choice, and vLLM shares the prompt's
// prefix between requests anyway (prefix caching). Each request carries its own
// seed so a batch asked again (after a stop) draws the same answers where the
// server is deterministic. Torch-free.
#pragma once

#include "core/run_context.h"
#include "feedback/chat_endpoint.h"
#include "pipeline/run/pipeline_options.h"
#include "types/prompt_formats.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct AnswerSettings;

/// The server named by options.generator with options.generatorRequests in
/// flight, or null for the local policy. The API key comes from
/// $RLRF_GENERATOR_API_KEY or the file named by $RLRF_GENERATOR_API_KEY_FILE,
/// not from the judge's $RLRF_API_KEY: a key is sent only to the server it is
/// for. Throws rlrf::Error for a malformed spec or an unusable key.
std::unique_ptr<feedback::ChatEndpoint> makeGeneratorEndpoint(const PipelineOptions &options);

/// The requests for `settings.n` answers to each conversation, conversation by
/// conversation: the run's temperature, top_p and max tokens, and a seed per
/// request derived from the batch seed (kept below 2^31).
std::vector<feedback::ChatRequest> answerRequests(const std::vector<prompts::Messages> &conversations,
                                                  const AnswerSettings &settings);

/// The replies in request order, or none when a stop request ended the batch
/// before every reply came. Errors propagate from ChatEndpoint (rlrf::Error
/// naming the URL and the cause).
std::optional<std::vector<std::string>> endpointReplies(const feedback::ChatEndpoint &endpoint,
                                                        const std::vector<feedback::ChatRequest> &requests,
                                                        const RunContext &context);

} // namespace rlrf::pipeline
