// SPDX-License-Identifier: GPL-3.0-or-later
// "Test connection" for a remote judge: one tiny chat request that shows whether
// the URL, the model name and the API key work, before a long critique run finds out.
#pragma once

#include "core/cancel_token.h"
#include "feedback/chat_endpoint.h"

#include <string>

namespace rlrf::feedback {

struct EndpointProbeResult {
    std::string url;       // the chat completions URL that answered
    std::string reply;     // the model's answer, cut to 200 characters
    double seconds = 0.0;  // time of the request
};

/// Sends one short request (a few tokens, no retries, the configured timeouts).
/// Blocking: call it on the backend thread. Throws rlrf::Error naming the URL and
/// the cause (connection refused, timeout, HTTP 401, not an OpenAI answer, ...).
EndpointProbeResult probeEndpoint(EndpointConfig config, const CancelToken *cancel = nullptr);

} // namespace rlrf::feedback
