// SPDX-License-Identifier: GPL-3.0-or-later
// The attempt -> reflection -> retry rows of a Reflect-Retry-Reward run, read
// from the store's RRR tables for the RRR area.
#pragma once

#include "views/rrr_page.h"

namespace rlrf::ui {

/// At most `limit` rows (a long run stores thousands), in failure then step order.
std::vector<RrrAttemptRow> loadRrrAttempts(store::Database &db, std::int64_t runId, std::size_t limit = 2000);

} // namespace rlrf::ui
