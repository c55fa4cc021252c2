// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/paging.h"

#include "core/error.h"

namespace rlrf::store::detail {

std::string orderAndLimit(const PageRequest &page, const std::map<std::string, std::string> &sortColumns,
                          const std::string &tieBreak)
{
    const auto it = sortColumns.find(page.sortKey);
    if (it == sortColumns.end()) {
        std::string allowed;
        for (const auto &[key, column] : sortColumns)
            allowed += (allowed.empty() ? "" : ", ") + key;
        throw Error("unknown sort key '" + page.sortKey + "' (allowed: " + allowed + ")", {{}, 0, "sort"});
    }
    if (page.offset < 0 || page.limit < 0)
        throw Error("page offset and limit must not be negative", {{}, 0, "page"});
    const std::string dir = page.descending ? " DESC" : " ASC";
    return " ORDER BY " + it->second + dir + ", " + tieBreak + dir + " LIMIT " + std::to_string(page.limit)
        + " OFFSET " + std::to_string(page.offset);
}

void throwMissing(const std::string &dbPath, const std::string &what, std::int64_t id)
{
    throw Error(what + " " + std::to_string(id) + " does not exist", {dbPath, 0, {}});
}

} // namespace rlrf::store::detail
