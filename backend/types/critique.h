// What a judge returns for one (prompt, response): per aspect a rating and a
// rationale, plus an overall score. The same type for every judge.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rlrf::feedback {

// Ratings 1-3 as in the rubric; 0 marks an aspect that does not apply.
inline constexpr int kNotApplicable = 0;

struct AspectRating {
    std::string aspect;
    int rating = kNotApplicable;
    std::string rationale;
};

enum class ParseStatus { Ok, Failed };

struct Critique {
    std::vector<AspectRating> aspects;
    double overall = 0.0;            // weighted mean of applicable ratings, mapped to [0, 1]
    std::optional<double> reward;    // optional scalar (a verifier's 0/1, a reward model)
    std::string judge;               // "rule:arith", "model:<dir>", "endpoint:<url>#<model>", "human:<name>"
    std::string rawOutput;           // the judge's own text, kept for inspection
    ParseStatus parseStatus = ParseStatus::Ok;
    std::string parseError;          // why parsing failed; never replaced by a default score
};

} // namespace rlrf::feedback
