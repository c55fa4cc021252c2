// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/rrr/reflection_rows.h"

#include <algorithm>

namespace rlrf::rrr {

train::GrpoRows reflectionRows(const std::vector<ReflectionGroup> &groups,
                               const std::vector<std::vector<double>> &advantages, bool skipFlat)
{
    train::GrpoRows rows;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto &adv = advantages[g];
        if (skipFlat && std::all_of(adv.begin(), adv.end(), [](double a) { return a == 0.0; }))
            continue;
        for (std::size_t t = 0; t < groups[g].tries.size(); ++t) {
            const auto &item = groups[g].tries[t];
            if (item.reflectionLength == 0)
                continue; // an empty reflection has no token to credit
            rows.prompts.push_back(item.context);
            rows.completions.push_back(item.completion);
            rows.lossLengths.push_back(item.reflectionLength);
            rows.advantages.push_back(adv[t]);
        }
    }
    return rows;
}

} // namespace rlrf::rrr
