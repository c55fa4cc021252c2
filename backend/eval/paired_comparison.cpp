// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/paired_comparison.h"

#include "core/error.h"

#include <cmath>
#include <map>
#include <string>

namespace rlrf::eval {

namespace {

std::map<std::int64_t, const store::EvalAnswerRecord *> byPrompt(const std::vector<store::EvalAnswerRecord> &rows,
                                                                 const char *which)
{
    std::map<std::int64_t, const store::EvalAnswerRecord *> map;
    for (const auto &r : rows) {
        const std::string where = std::string(which) + " run's answer to prompt " + std::to_string(r.promptId);
        if (!std::isfinite(r.overall))
            throw Error("paired comparison: the " + where + " has a non-finite overall score", {{}, 0, "overall"});
        if (!map.emplace(r.promptId, &r).second)
            throw Error("paired comparison: the " + where + " appears twice", {{}, 0, "prompt_id"});
    }
    return map;
}

std::optional<PairedDifference> meanAndError(const std::vector<double> &d)
{
    if (d.empty())
        return std::nullopt;
    const double n = static_cast<double>(d.size());
    double sum = 0.0;
    for (double x : d)
        sum += x;
    PairedDifference result{sum / n, std::nullopt};
    if (d.size() >= 2) {
        double squares = 0.0;
        for (double x : d)
            squares += (x - result.mean) * (x - result.mean);
        result.standardError = std::sqrt(squares / (n - 1.0) / n);
    }
    return result;
}

} // namespace

PairedComparison pairedComparison(const std::vector<store::EvalAnswerRecord> &first,
                                  const std::vector<store::EvalAnswerRecord> &second)
{
    const auto a = byPrompt(first, "first");
    const auto b = byPrompt(second, "second");
    PairedComparison result;
    std::vector<double> right, overall;
    for (const auto &[promptId, x] : a) {
        const auto it = b.find(promptId);
        if (it == b.end())
            continue;
        const auto &y = *it->second;
        ++result.problems;
        overall.push_back(y.overall - x->overall);
        const int c = compareAnswers(y, *x);
        (c > 0 ? result.secondAgainstFirst.wins : c < 0 ? result.secondAgainstFirst.losses
                                                        : result.secondAgainstFirst.ties) += 1;
        // A task without a verifier has no verdicts: its problems count for the
        // score difference only, never as wrong.
        if (!x->correct || !y.correct)
            continue;
        ++result.judged;
        const bool rx = *x->correct, ry = *y.correct;
        (rx && ry ? result.bothRight : rx ? result.firstOnlyRight : ry ? result.secondOnlyRight : result.bothWrong) += 1;
        right.push_back(double(ry) - double(rx));
    }
    result.accuracy = meanAndError(right);
    result.overall = meanAndError(overall);
    return result;
}

} // namespace rlrf::eval
