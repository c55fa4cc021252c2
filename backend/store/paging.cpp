// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/paging.h"

#include "core/error.h"

namespace rlrf::store::detail {

std::string pageClause(const PageRequest &page, const std::map<std::string, std::string> &sortColumns,
                       const std::string &tieBreak, const std::string &from, const std::string &filter)
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
    const std::string &column = it->second;
    std::string where = filter;
    if (page.afterId) {
        // Row values compare (sort value, id) as a pair, which the sort index serves.
        const std::string after = "(" + column + ", " + tieBreak + ") " + (page.descending ? "<" : ">") + " (SELECT "
            + column + ", " + tieBreak + " FROM " + from + " WHERE " + tieBreak + " = ?)";
        where = where.empty() ? after : "(" + where + ") AND " + after;
    }
    const std::string dir = page.descending ? " DESC" : " ASC";
    return (where.empty() ? "" : " WHERE " + where) + " ORDER BY " + column + dir + ", " + tieBreak + dir
        + " LIMIT " + std::to_string(page.limit) + " OFFSET " + std::to_string(page.offset);
}

void throwMissing(const std::string &dbPath, const std::string &what, std::int64_t id)
{
    throw Error(what + " " + std::to_string(id) + " does not exist", {dbPath, 0, {}});
}

} // namespace rlrf::store::detail
