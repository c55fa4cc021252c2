// Writing a person's ratings into a project: the newest parsed critique of the
// candidate is the base, the person's ratings override it, and the result is
// stored as a new critique (judge "human:<name>") under the project's current
// rubric version. The judge's own critique stays as it was.
#pragma once

#include "feedback/human_judge.h"
#include "store/project_file.h"

#include <cstdint>

namespace rlrf::store {

struct StoredHumanRating {
    std::int64_t critiqueId = 0;
    feedback::Critique critique;
};

// Throws rlrf::Error naming the candidate or aspect at fault; nothing is written then.
StoredHumanRating recordHumanRatings(Project &project, std::int64_t candidateId, const std::string &person,
                                     const std::vector<feedback::HumanRating> &ratings);

} // namespace rlrf::store
