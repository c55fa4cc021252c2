// The prompt a language-model judge gets: the rubric's applicable aspects with their
// three levels, the instruction, the response, and the exact answer format that
// judge_parser accepts.
#pragma once

#include "feedback/judge.h"

#include <nlohmann/json.hpp>

namespace rlrf::feedback {

// Chat messages [{role, content}, ...] for one request.
nlohmann::json buildJudgeMessages(const JudgeRequest &request, const Rubric &rubric);

} // namespace rlrf::feedback
