// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/run_iteration_summary.h"

#include "store/database.h"
#include "store/run_repository.h"
#include "store/statement.h"

#include <map>

namespace rlrf::store {

std::vector<IterationSummary> runIterationSummaries(Database &db, std::int64_t runId, const std::string &split)
{
    std::map<int, IterationSummary> byIteration;
    auto at = [&](int iteration) -> IterationSummary & {
        auto &summary = byIteration[iteration];
        summary.iteration = iteration;
        return summary;
    };
    for (const auto &result : RunRepository(db).evalResults(runId)) {
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
    // A DPO pass's iteration is the model it produced; a resumed pass leaves an
    // earlier row behind, so the newest row of an iteration wins (ids ascend).
    Statement st = db.prepare("SELECT iteration, status, started_at, ended_at FROM runs WHERE kind = 'dpo' "
                              "AND json_extract(hyper_parameters, '$.pipeline_run') = ? ORDER BY id");
    st.bind(1, runId);
    while (st.step()) {
        auto &summary = at(static_cast<int>(st.int64At(0)));
        summary.trainingStatus = parseRunStatus(st.textAt(1));
        summary.trainingSeconds =
            st.isNull(3) ? std::nullopt : secondsBetween(st.textAt(2), st.textAt(3));
    }
    std::vector<IterationSummary> list;
    for (auto &[iteration, summary] : byIteration)
        list.push_back(std::move(summary));
    return list;
}

} // namespace rlrf::store
