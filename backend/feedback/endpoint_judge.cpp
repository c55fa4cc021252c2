#include "feedback/endpoint_judge.h"

#include "core/error.h"
#include "core/logging.h"
#include "feedback/judge_parser.h"
#include "feedback/judge_prompt.h"

#include <exception>
#include <mutex>
#include <thread>

namespace rlrf::feedback {

EndpointJudge::EndpointJudge(EndpointConfig config)
    : m_endpoint(std::move(config))
{
}

std::string EndpointJudge::id() const
{
    return "endpoint:" + m_endpoint.config().baseUrl + "#" + m_endpoint.config().model;
}

Critique EndpointJudge::judge(const JudgeRequest &request, const Rubric &rubric)
{
    return judgeOne(request, rubric, nullptr);
}

Critique EndpointJudge::judgeOne(const JudgeRequest &request, const Rubric &rubric, const CancelToken *cancel)
{
    const auto messages = buildJudgeMessages(request, rubric);
    Critique critique = parseJudgeOutput(m_endpoint.complete(messages, cancel), rubric);
    if (critique.parseStatus != ParseStatus::Ok) {
        ++m_parseRetries;
        log::get("feedback")->warn("judge answer not parsed ({}); asking once more", critique.parseError);
        Critique second = parseJudgeOutput(m_endpoint.complete(messages, cancel), rubric);
        if (second.parseStatus != ParseStatus::Ok) {
            ++m_parseFailures;
            // Keep both answers for inspection; the reason is the latest one.
            second.rawOutput = critique.rawOutput + "\n----- retry -----\n" + second.rawOutput;
        }
        critique = std::move(second);
    }
    critique.judge = id();
    return critique;
}

std::vector<Critique> EndpointJudge::judgeBatch(const std::vector<JudgeRequest> &requests, const Rubric &rubric,
                                                const RunContext &context)
{
    const size_t total = requests.size();
    std::vector<Critique> out(total);
    std::vector<bool> done(total, false);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr firstError;
    std::mutex mutex;
    std::int64_t finished = 0;

    auto worker = [&] {
        for (size_t i = next++; i < total; i = next++) {
            if (failed || context.stopRequested())
                return;
            try {
                Critique c = judgeOne(requests[i], rubric, &context.cancel);
                std::lock_guard lock(mutex);
                out[i] = std::move(c);
                done[i] = true;
                context.progress(++finished, static_cast<std::int64_t>(total), "critique");
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!firstError)
                    firstError = std::current_exception();
                failed = true;
                return;
            }
        }
    };
    const int threads = std::max(1, std::min<int>(m_endpoint.config().concurrency, static_cast<int>(total)));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (auto &t : pool)
        t.join();
    if (firstError)
        std::rethrow_exception(firstError);
    // Cancelled: return the finished prefix only, so callers can store it in order.
    size_t prefix = 0;
    while (prefix < total && done[prefix])
        ++prefix;
    out.resize(prefix);
    return out;
}

} // namespace rlrf::feedback
