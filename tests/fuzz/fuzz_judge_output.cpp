// SPDX-License-Identifier: GPL-3.0-or-later
// The judge-output parser: whatever a judge model answers is read into a
// critique of the rubric's aspects, or a parse failure that says why.
#include "fuzz_target.h"

#include "feedback/judge_parser.h"
#include "types/rubric_io.h"

#include <nlohmann/json.hpp>

RLRF_FUZZ_TARGET(judge_output)
{
    static const auto rubric = rlrf::feedback::parseRubric(nlohmann::json::parse(R"({
        "name": "fuzz", "description": "three aspects", "aspects": [
          {"name": "Logical Correctness", "description": "d", "levels": {"1": "a", "2": "b", "3": "c"}},
          {"name": "Factuality", "description": "d", "levels": {"1": "a", "2": "b", "3": "c"}},
          {"name": "Readability", "description": "d", "levels": {"1": "a", "2": "b", "3": "c"}}]})"),
                                                            "fuzz-rubric.json");
    const std::string text(reinterpret_cast<const char *>(data), size);
    RLRF_EXPECT_CLEAN_ERRORS(rlrf::feedback::parseJudgeOutput(text, rubric));
    return 0;
}
