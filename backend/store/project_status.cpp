// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/project_status.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"

#include <sstream>

namespace rlrf::store {

ProjectStatus projectStatus(Project &project)
{
    Database &db = project.db();
    ProjectStatus s;
    s.info = project.info();
    PromptRepository prompts(db);
    s.promptSets = static_cast<std::int64_t>(prompts.sets().size());
    s.promptsBySplit = prompts.countBySplit();
    for (const auto &[split, n] : s.promptsBySplit)
        s.prompts += n;
    CandidateRepository candidates(db);
    s.candidates = candidates.countSamples();
    s.refinements = candidates.countRefinements();
    CritiqueRepository critiques(db);
    s.critiques = critiques.count();
    s.critiqueParseFailures = critiques.countParseFailures();
    s.pairsByState = PairRepository(db).countByState();
    s.iterations = db.scalar("SELECT count(*) FROM (SELECT DISTINCT iteration FROM candidates "
                             "UNION SELECT DISTINCT iteration FROM runs)");
    if (s.iterations > 0)
        s.latestIteration = static_cast<int>(db.scalar(
            "SELECT max(i) FROM (SELECT max(iteration) AS i FROM candidates UNION ALL SELECT max(iteration) FROM runs)"));
    s.runs = db.scalar("SELECT count(*) FROM runs");
    s.checkpoints = db.scalar("SELECT count(*) FROM checkpoints");
    s.rubric = RubricRepository(db).current();
    return s;
}

nlohmann::json toJson(const ProjectStatus &s)
{
    nlohmann::json splits = nlohmann::json::object();
    for (const auto &[split, n] : s.promptsBySplit)
        splits[toString(split)] = n;
    nlohmann::json pairs = nlohmann::json::object();
    std::int64_t pairTotal = 0;
    for (const auto &[state, n] : s.pairsByState) {
        pairs[toString(state)] = n;
        pairTotal += n;
    }
    nlohmann::json rubric;
    if (s.rubric)
        rubric = {{"name", s.rubric->name}, {"version", s.rubric->version}, {"id", s.rubric->id}};
    return {{"task", s.info.task},
            {"model_dir", s.info.modelDir},
            {"created_at", s.info.createdAt},
            {"schema_version", s.info.schemaVersion},
            {"rubric", rubric},
            {"prompt_sets", s.promptSets},
            {"prompts", s.prompts},
            {"prompts_by_split", splits},
            {"candidates", s.candidates},
            {"refinements", s.refinements},
            {"critiques", s.critiques},
            {"critique_parse_failures", s.critiqueParseFailures},
            {"pairs", pairs},
            {"pairs_total", pairTotal},
            {"iterations", s.iterations},
            {"latest_iteration", s.latestIteration ? nlohmann::json(*s.latestIteration) : nlohmann::json()},
            {"runs", s.runs},
            {"checkpoints", s.checkpoints}};
}

std::string formatStatus(const ProjectStatus &s)
{
    std::ostringstream out;
    out << "task:         " << s.info.task << "\n"
        << "model:        " << s.info.modelDir << "\n"
        << "rubric:       " << (s.rubric ? s.rubric->name + " v" + std::to_string(s.rubric->version) : "none") << "\n"
        << "prompts:      " << s.prompts << " (train " << s.promptsBySplit.at(Split::Train) << ", validation "
        << s.promptsBySplit.at(Split::Validation) << ", test " << s.promptsBySplit.at(Split::Test) << ")\n"
        << "candidates:   " << s.candidates << "\n"
        << "refinements:  " << s.refinements << "\n"
        << "critiques:    " << s.critiques << " (" << s.critiqueParseFailures << " parse failures)\n"
        << "pairs:        " << s.pairsByState.at(ReviewState::Pending) << " pending, "
        << s.pairsByState.at(ReviewState::Approved) << " approved, " << s.pairsByState.at(ReviewState::Rejected)
        << " rejected, " << s.pairsByState.at(ReviewState::Edited) << " edited\n"
        << "iterations:   " << s.iterations << "\n"
        << "runs:         " << s.runs << "\n";
    return out.str();
}

} // namespace rlrf::store
