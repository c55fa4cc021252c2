// One interface for every judge that fills a rubric: a language model (local or
// behind an OpenAI-compatible endpoint), a task verifier, or a person.
#pragma once

#include "core/run_context.h"
#include "types/critique.h"
#include "types/rubric.h"

#include <optional>
#include <string>
#include <vector>

namespace rlrf::feedback {

struct JudgeRequest {
    std::string prompt;                  // the instruction the policy answered
    std::string response;                // the answer to rate
    std::optional<std::string> reference; // a reference answer, when the task has one
};

class Judge {
public:
    virtual ~Judge() = default;

    // "endpoint:http://host:8000#model", "model:/path", "rule:arith", "human:name".
    virtual std::string id() const = 0;

    // Rates one response. A judge answer that cannot be parsed comes back with
    // parseStatus Failed and the raw text, never with made-up ratings. Transport
    // failures (unreachable endpoint after retries) throw rlrf::Error.
    virtual Critique judge(const JudgeRequest &request, const Rubric &rubric) = 0;

    // Rates a batch in request order; judges that can work in parallel override it.
    // Checks the cancel token between requests and reports progress.
    virtual std::vector<Critique> judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                             const RunContext &context);
};

} // namespace rlrf::feedback
