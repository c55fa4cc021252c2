// SPDX-License-Identifier: GPL-3.0-or-later
// Rubric JSON as a user writes it: parsed, printed back and parsed again.
#include "fuzz_target.h"

#include "types/rubric_io.h"

#include <nlohmann/json.hpp>

RLRF_FUZZ_TARGET(rubric)
{
    const auto json = nlohmann::json::parse(data, data + size, nullptr, false);
    if (json.is_discarded())
        return 0;
    RLRF_EXPECT_CLEAN_ERRORS({
        const auto rubric = rlrf::feedback::parseRubric(json, "fuzz.json");
        rlrf::feedback::parseRubric(rlrf::feedback::rubricToJson(rubric), "round-trip.json");
        rlrf::feedback::rubricToText(rubric);
    });
    return 0;
}
