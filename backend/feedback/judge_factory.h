// Judges from a one-line spec, as the CLI and project settings name them:
//   endpoint:URL#MODEL   an OpenAI-compatible server (API key: see EndpointConfig)
//   model:DIR            a local model folder with a chat template
//   verifier:TASK        arith, gsm8k, countdown or bfcl
//   rule:arith           the arith demo's eight-aspect rule judge
#pragma once

#include "feedback/chat_endpoint.h"
#include "feedback/judge.h"

#include <memory>
#include <string>

namespace rlrf::feedback {

// `endpoint` supplies timeouts, retries and concurrency for endpoint judges (its
// URL and model are taken from the spec). Throws rlrf::Error for a malformed spec.
std::unique_ptr<Judge> makeJudge(const std::string &spec, const EndpointConfig &endpoint = {});

// A task's own judge when none is chosen: the rule judge for arith, the task's
// verifier otherwise.
std::string defaultJudgeSpec(const std::string &task);

} // namespace rlrf::feedback
