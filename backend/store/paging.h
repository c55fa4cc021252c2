// SPDX-License-Identifier: GPL-3.0-or-later
// ORDER BY / LIMIT clauses for paged listings, built only from a repository's own
// table of sort keys so that a caller's key never becomes SQL text.
#pragma once

#include "store/records.h"

#include <map>
#include <string>

namespace rlrf::store::detail {

/// " ORDER BY <column> [DESC], <tieBreak> LIMIT n OFFSET m"; throws rlrf::Error
/// listing the allowed keys when `page.sortKey` is not one of them, or when the
/// offset or limit is negative.
std::string orderAndLimit(const PageRequest &page, const std::map<std::string, std::string> &sortColumns,
                          const std::string &tieBreak);

/// Throws rlrf::Error "<what> <id> does not exist" naming the project file.
[[noreturn]] void throwMissing(const std::string &dbPath, const std::string &what, std::int64_t id);

} // namespace rlrf::store::detail
