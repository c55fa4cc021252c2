#include "feedback/judge.h"

namespace rlrf::feedback {

std::vector<Critique> Judge::judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                        const RunContext &context)
{
    std::vector<Critique> out;
    out.reserve(requests.size());
    for (const auto &request : requests) {
        if (context.stopRequested())
            break;
        out.push_back(judge(request, rubric));
        context.progress(static_cast<std::int64_t>(out.size()), static_cast<std::int64_t>(requests.size()), "critique");
    }
    return out;
}

} // namespace rlrf::feedback
