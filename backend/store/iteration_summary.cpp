// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/iteration_summary.h"

#include "store/pair_repository.h"
#include "store/run_repository.h"

#include <cstdio>
#include <ctime>

namespace rlrf::store {

namespace {

std::optional<double> epochSeconds(const std::string &text)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    double s = 0.0;
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) != 6)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return static_cast<double>(timegm(&tm)) + s;
}

} // namespace

std::optional<double> secondsBetween(const std::string &start, const std::string &end)
{
    const auto a = epochSeconds(start), b = epochSeconds(end);
    if (!a || !b)
        return std::nullopt;
    return *b - *a;
}

std::vector<IterationSummary> iterationSummaries(Database &db, const std::string &split)
{
    std::map<int, IterationSummary> byIteration;
    auto at = [&](int iteration) -> IterationSummary & {
        auto &summary = byIteration[iteration];
        summary.iteration = iteration;
        return summary;
    };
    RunRepository runs(db);
    for (const auto &result : runs.evalResults()) { // by id: a later row overwrites
        if (result.split != split)
            continue;
        auto &summary = at(result.iteration);
        if (result.metric == "accuracy")
            summary.accuracy = result.value;
        else if (result.metric == "overall")
            summary.overall = result.value;
        else if (result.metric == "win_rate")
            summary.winRate = result.value;
        else if (result.metric.rfind("aspect/", 0) == 0)
            summary.aspectMeans[result.metric.substr(7)] = result.value;
    }
    for (const auto &[iteration, yield] : PairRepository(db).yieldByIteration()) {
        auto &summary = at(iteration);
        summary.promptsSampled = yield.promptsSampled;
        summary.pairs = yield.pairs;
    }
    for (const auto &run : runs.list()) {
        if (run.kind != RunKind::Dpo)
            continue;
        auto &summary = at(run.iteration);
        summary.trainingStatus = run.status;
        summary.trainingSeconds = run.endedAt ? secondsBetween(run.startedAt, *run.endedAt) : std::nullopt;
    }
    std::vector<IterationSummary> list;
    for (auto &[iteration, summary] : byIteration)
        list.push_back(std::move(summary));
    return list;
}

} // namespace rlrf::store
