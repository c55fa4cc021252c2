// SPDX-License-Identifier: GPL-3.0-or-later
// BFCL questions as a Task: split by id, prompt with the function definitions.
#include "tasks/bfcl/bfcl_task.h"

#include "core/error.h"
#include "tasks/bfcl/bfcl_verifier.h"
#include "tasks/split_mix.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>

namespace rlrf::tasks {

std::string bfclPrompt(const std::string &request, const std::string &functionsJson)
{
    return request + "\n\nFunctions:\n" + functionsJson
        + "\n\nAnswer with one call in the form name(arg=value, ...) on the last line.";
}

Split BfclTask::splitOf(const std::string &id)
{
    const auto bucket = fnv1a64(id) % 10;
    return bucket < 8 ? Split::Train : bucket == 8 ? Split::Validation : Split::Test;
}

BfclTask::BfclTask(std::vector<BfclQuestion> questions, std::string sourceName)
    : m_path(std::move(sourceName))
{
    for (auto &q : questions) {
        Problem p{"bfcl/" + q.id, bfclPrompt(q.request, q.functionsJson),
                  q.groundTruthJson.empty() ? "[]" : std::move(q.groundTruthJson), {}};
        m_byId[static_cast<int>(splitOf(q.id))].push_back(std::move(p));
    }
}

std::size_t BfclTask::size(Split split) const
{
    return m_byId[static_cast<int>(split)].size();
}

std::vector<Problem> BfclTask::problems(Split split, std::size_t count, std::uint64_t seed) const
{
    const auto &all = m_byId[static_cast<int>(split)];
    if (count > all.size())
        throw Error("the " + std::string(toString(split)) + " split of this BFCL file has " + std::to_string(all.size())
                        + " questions, " + std::to_string(count) + " were asked for",
                    {m_path, 0, "count"});
    std::vector<std::size_t> order(all.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    SplitMix64 rng(SplitMix64(seed ^ 0xBFC1ull).next());
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng.index(i)]);
    std::vector<Problem> out;
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(all[order[i]]);
    return out;
}

Verdict BfclTask::verify(const Problem &problem, const std::string &response) const
{
    const auto truth = nlohmann::json::parse(problem.answer, nullptr, false);
    if (truth.is_discarded())
        return {false, "the reference answer is not JSON"};
    // The whole response as a call (a multi-line JSON call); failing that, its
    // last non-blank line (the prompt asks for the call there, after any thoughts).
    const Verdict whole = verifyBfcl(response, truth);
    if (whole.correct)
        return whole;
    std::string last;
    std::size_t start = 0;
    while (start <= response.size()) {
        const auto end = std::min(response.find('\n', start), response.size());
        const auto line = response.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            last = line;
        start = end + 1;
    }
    if (last.empty() || last == response)
        return whole;
    return verifyBfcl(last, truth);
}

} // namespace rlrf::tasks
