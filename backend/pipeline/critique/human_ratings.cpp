#include "pipeline/critique/human_ratings.h"

#include "core/error.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/rubric_repository.h"

namespace rlrf::store {

StoredHumanRating recordHumanRatings(Project &project, std::int64_t candidateId, const std::string &person,
                                     const std::vector<feedback::HumanRating> &ratings)
{
    RubricRepository rubrics(project.db());
    const auto version = rubrics.current();
    if (!version)
        throw Error("the project has no rubric to rate against", {project.path()});
    const feedback::Rubric rubric = rubrics.load(*version);

    CandidateRepository(project.db()).byId(candidateId); // names a missing candidate
    CritiqueRepository critiques(project.db());
    std::optional<feedback::Critique> base;
    for (const auto &record : critiques.forCandidate(candidateId))
        if (record.critique.parseStatus == feedback::ParseStatus::Ok)
            base = record.critique; // the newest parsed one wins (ids ascend)

    StoredHumanRating stored;
    stored.critique = feedback::humanCritique(person, ratings, rubric, base);
    stored.critiqueId = critiques.insert({candidateId, version->id, stored.critique});
    return stored;
}

} // namespace rlrf::store
