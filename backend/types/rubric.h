// A rubric: aspects, each rated on three written levels, with a weight and whether
// it applies to the task. Plain data; files and validation live in rubric_io.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace rlrf::feedback {

struct RubricAspect {
    std::string name;          // "Logical Correctness"
    std::string description;   // what the aspect judges
    std::array<std::string, 3> levels; // level 1 (fails), 2 (partly meets), 3 (fully meets)
    double weight = 1.0;
    bool applies = true;       // aspects that do not apply are excluded from the score
};

struct Rubric {
    std::string name;          // "default", "math", ...
    std::string description;
    std::vector<RubricAspect> aspects;
};

} // namespace rlrf::feedback
