// Anything that answers chat messages: an OpenAI-compatible endpoint, or a local
// model through its chat template. Judges use this; remote sampling and refinement
// use ChatEndpoint directly for its per-request sampling settings.
#pragma once

#include "core/run_context.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rlrf::feedback {

class ChatModel {
public:
    virtual ~ChatModel() = default;

    // Who answers: "endpoint:http://host:8000#model", "model:/path/to/folder".
    virtual std::string id() const = 0;

    // The assistant's reply to `messages` ([{role, content}, ...]). Throws
    // rlrf::Error when no answer can be had (unreachable, cancelled, ...).
    virtual std::string complete(const nlohmann::json &messages, const CancelToken *cancel) const = 0;

    // Replies in request order. The default asks one after the other; a local model
    // batches generation, an endpoint keeps several requests in flight. On cancel
    // it returns the finished prefix.
    virtual std::vector<std::string> completeBatch(const std::vector<nlohmann::json> &conversations,
                                                   const RunContext &context) const;
};

} // namespace rlrf::feedback
