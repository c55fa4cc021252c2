// SPDX-License-Identifier: GPL-3.0-or-later
// ORDER BY / LIMIT clauses for paged listings, built only from a repository's own
// table of sort keys so that a caller's key never becomes SQL text.
#pragma once

#include "types/records.h"

#include <map>
#include <string>

namespace rlrf::store::detail {

/// " [WHERE <filter> [AND <after>]] ORDER BY <column> [DESC], <tieBreak> LIMIT n
/// OFFSET m". With page.afterId the page starts after that row in this order
/// (keyset paging: the cost does not grow with the position), and the caller binds
/// the id as the last parameter, after those of `filter`. Throws rlrf::Error
/// listing the allowed keys when `page.sortKey` is not one of them, or when the
/// offset or limit is negative.
std::string pageClause(const PageRequest &page, const std::map<std::string, std::string> &sortColumns,
                       const std::string &tieBreak, const std::string &from, const std::string &filter = {});

/// Throws rlrf::Error "<what> <id> does not exist" naming the project file.
[[noreturn]] void throwMissing(const std::string &dbPath, const std::string &what, std::int64_t id);

} // namespace rlrf::store::detail
