// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/run_comparison.h"

#include "store/eval_answer_repository.h"

#include <map>

namespace rlrf::eval {

std::vector<IterationComparison> compareRuns(store::Database &db, std::int64_t firstRun, std::int64_t secondRun,
                                             const std::string &split)
{
    std::map<int, IterationComparison> byIteration;
    for (auto &s : store::runIterationSummaries(db, firstRun, split)) {
        auto &row = byIteration[s.iteration];
        row.iteration = s.iteration;
        row.first = std::move(s);
    }
    for (auto &s : store::runIterationSummaries(db, secondRun, split)) {
        auto &row = byIteration[s.iteration];
        row.iteration = s.iteration;
        row.second = std::move(s);
    }
    store::EvalAnswerRepository answers(db);
    std::vector<IterationComparison> list;
    for (auto &[iteration, row] : byIteration) {
        if (row.first && row.second) {
            const auto a = answers.forModel(firstRun, iteration, split);
            const auto b = answers.forModel(secondRun, iteration, split);
            if (!a.empty() && !b.empty()) {
                auto paired = pairedComparison(a, b);
                if (paired.problems > 0) // different test problems: nothing to pair
                    row.paired = std::move(paired);
            }
        }
        list.push_back(std::move(row));
    }
    return list;
}

} // namespace rlrf::eval
