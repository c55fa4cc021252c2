// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/critique/prompt_judging.h"

#include "core/error.h"
#include "core/logging.h"
#include "feedback/judge_factory.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"

#include <algorithm>

namespace rlrf::pipeline {
namespace {

struct Work {
    std::int64_t candidateId = 0;
    feedback::JudgeRequest request;
};

std::vector<Work> collectWork(store::Project &project, const PromptJudgingRequest &request)
{
    store::PromptRepository prompts(project.db());
    store::CandidateRepository candidates(project.db());
    store::CritiqueRepository critiques(project.db());
    std::vector<Work> work;
    for (const auto promptId : request.promptIds) {
        const auto prompt = prompts.byId(promptId);
        for (const auto &candidate : candidates.forPrompt(promptId)) {
            if (request.onlyUnjudged && !critiques.forCandidate(candidate.id).empty())
                continue;
            work.push_back({candidate.id, {prompt.text, candidate.text, prompt.referenceAnswer}});
        }
    }
    return work;
}

} // namespace

PromptJudgingSummary judgePrompts(store::Project &project, const PromptJudgingRequest &request,
                                  const RunContext &context)
{
    store::RubricRepository rubrics(project.db());
    const auto version = rubrics.current();
    if (!version)
        throw Error("the project has no rubric to judge against", {project.path(), 0, "rubric"});
    const feedback::Rubric rubric = rubrics.load(*version);
    const auto judge = feedback::makeJudge(request.judgeSpec);
    const std::vector<Work> work = collectWork(project, request);
    const std::size_t batch = std::max<std::size_t>(1, request.batchSize);

    PromptJudgingSummary summary;
    store::CritiqueRepository critiques(project.db());
    context.progress(0, static_cast<std::int64_t>(work.size()), "critique");
    for (std::size_t start = 0; start < work.size(); start += batch) {
        if (context.stopRequested()) {
            summary.cancelled = true;
            break;
        }
        std::vector<store::NewCritique> rows;
        for (std::size_t i = start; i < std::min(work.size(), start + batch); ++i) {
            auto critique = judge->judge(work[i].request, rubric);
            if (critique.parseStatus == feedback::ParseStatus::Failed)
                ++summary.parseFailures;
            rows.push_back({work[i].candidateId, version->id, std::move(critique)});
        }
        critiques.insertBatch(rows);
        summary.judged += static_cast<std::int64_t>(rows.size());
        context.progress(summary.judged, static_cast<std::int64_t>(work.size()), "critique");
    }
    log::get("pipeline")->info("{}: {} critiques by {} ({} parse failures){}", project.path(), summary.judged,
                               judge->id(), summary.parseFailures, summary.cancelled ? ", cancelled" : "");
    return summary;
}

} // namespace rlrf::pipeline
