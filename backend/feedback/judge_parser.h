// Strict parsing of a language-model judge's answer. Either every applicable aspect
// of the rubric gets a rating 1-3 and a rationale, or the parse fails with a reason;
// a partial or malformed answer is never turned into a score.
#pragma once

#include "types/critique.h"
#include "types/rubric.h"

#include <string>

namespace rlrf::feedback {

// Accepted: one JSON object {"ratings": [{"aspect", "rating", "rationale"}, ...]},
// optionally inside a ```json fence and surrounded by other text. Aspect names match
// the rubric case-insensitively; ratings are the integers 1, 2, 3 (or the strings
// "1", "2", "3"); rationales are non-empty. Every applicable aspect exactly once; an
// aspect the rubric does not have, or marks as not applicable, is an error.
// Fills aspects (not-applicable ones with rating 0), rawOutput and parseStatus; the
// overall score is left to the caller (LanguageModelJudge computes it from the
// rubric's weights).
Critique parseJudgeOutput(const std::string &text, const Rubric &rubric);

} // namespace rlrf::feedback
