// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/win_rate.h"

#include "core/error.h"

#include <cmath>
#include <map>

namespace rlrf::eval {

namespace {

std::map<std::int64_t, const store::EvalAnswerRecord *> byPrompt(const std::vector<store::EvalAnswerRecord> &rows,
                                                                 const char *which)
{
    std::map<std::int64_t, const store::EvalAnswerRecord *> map;
    for (const auto &r : rows) {
        const std::string where = std::string(which) + " model's answer to prompt " + std::to_string(r.promptId);
        if (!std::isfinite(r.overall))
            throw Error("win rate: the " + where + " has a non-finite overall score", {{}, 0, "overall"});
        if (!map.emplace(r.promptId, &r).second)
            throw Error("win rate: the " + where + " appears twice", {{}, 0, "prompt_id"});
    }
    return map;
}

} // namespace

std::optional<double> WinRate::rate() const
{
    if (prompts() == 0)
        return std::nullopt;
    return (static_cast<double>(wins) + 0.5 * static_cast<double>(ties)) / static_cast<double>(prompts());
}

int compareAnswers(const store::EvalAnswerRecord &a, const store::EvalAnswerRecord &b)
{
    if (a.answer == b.answer)
        return 0; // the same text: any score difference would be judge noise
    if (a.correct && b.correct && *a.correct != *b.correct)
        return *a.correct ? 1 : -1;
    // The same deterministic judge scored both, so equal numbers mean equal merit.
    if (a.overall != b.overall)
        return a.overall > b.overall ? 1 : -1;
    return 0;
}

WinRate winRate(const std::vector<store::EvalAnswerRecord> &current,
                const std::vector<store::EvalAnswerRecord> &previous)
{
    const auto now = byPrompt(current, "current");
    const auto before = byPrompt(previous, "previous");
    WinRate result;
    for (const auto &[promptId, answer] : now) {
        const auto it = before.find(promptId);
        if (it == before.end())
            continue;
        const int c = compareAnswers(*answer, *it->second);
        (c > 0 ? result.wins : c < 0 ? result.losses : result.ties) += 1;
    }
    return result;
}

} // namespace rlrf::eval
