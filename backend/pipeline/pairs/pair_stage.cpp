// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/pairs/pair_stage.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"

namespace rlrf::pipeline {

PairRuleOptions pairRuleOptions(const PipelineOptions &options)
{
    PairRuleOptions rules;
    // Reward-only ranks the unrefined samples by one number: best against worst.
    rules.rules = options.mode == PipelineMode::RewardOnly ? std::vector<std::string>{"best_worst"} : options.pairRules;
    rules.delta = options.delta;
    rules.verifiedChosen = options.verifiedChosen;
    rules.maxPairs = static_cast<std::size_t>(options.maxPairsPerPrompt);
    return rules;
}

RatedCandidate rankedFor(PipelineMode mode, RatedCandidate candidate)
{
    // The baseline is the paper's reward-only ablation: one scalar per answer,
    // the verifier's or reward model's where the judge gives one. The overall
    // score is made of the aspect ratings, the fine-grained signal the baseline
    // is meant to lack.
    if (mode == PipelineMode::RewardOnly && candidate.reward) {
        candidate.overall = *candidate.reward;
        candidate.aspects.clear();
    }
    return candidate;
}

namespace {

std::vector<RatedCandidate> ratedPool(const StageEnv &env, std::int64_t promptId)
{
    store::StageRepository progress(env.project.db());
    store::CritiqueRepository critiques(env.project.db());
    store::CandidateRepository candidates(env.project.db());
    std::vector<RatedCandidate> pool;
    for (const auto &stage : poolCritiqueStages(env.options.mode))
        for (const auto id : progress.items(env.key(stage), promptId)) {
            const auto c = critiques.byId(id);
            if (c.critique.parseStatus != feedback::ParseStatus::Ok)
                continue; // a judge answer that did not parse has no score to rank by
            pool.push_back(rankedFor(env.options.mode, {c.candidateId, c.id, candidates.byId(c.candidateId).parentCandidateId,
                                                        c.critique.overall, c.critique.reward, c.critique.aspects}));
        }
    return pool;
}

} // namespace

Outcome runPairStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds)
{
    const auto rules = pairRuleOptions(env.options);
    auto work = [&](const std::vector<std::int64_t> &batch) -> BatchWriter {
        std::vector<std::pair<std::int64_t, std::vector<PairProposal>>> proposals;
        for (const auto promptId : batch)
            proposals.emplace_back(promptId, proposePairs(ratedPool(env, promptId), rules));
        return [&env, proposals]() {
            store::PairRepository pairs(env.project.db());
            store::StageRepository records(env.project.db());
            for (const auto &[promptId, list] : proposals) {
                if (list.empty())
                    records.record(env.key(stages::kPairs), promptId, std::nullopt); // no pair met the rules
                for (const auto &p : list) {
                    store::PairRecord r;
                    r.promptId = promptId;
                    r.chosenCandidateId = p.chosenCandidateId;
                    r.rejectedCandidateId = p.rejectedCandidateId;
                    r.chosenCritiqueId = p.chosenCritiqueId;
                    r.rejectedCritiqueId = p.rejectedCritiqueId;
                    r.rule = p.rule;
                    r.gap = p.gap;
                    const auto id = pairs.insert(r);
                    if (env.options.autoApprove)
                        pairs.setReviewState(id, store::ReviewState::Approved, "auto-approve");
                    records.record(env.key(stages::kPairs), promptId, id);
                }
            }
        };
    };
    return runPromptBatches(env, stages::kPairs, promptIds, work, env.options.batchPrompts);
}

ReviewCounts reviewCounts(const StageEnv &env)
{
    store::PairRepository pairs(env.project.db());
    ReviewCounts counts;
    for (const auto id : store::StageRepository(env.project.db()).items(env.key(stages::kPairs))) {
        switch (pairs.byId(id).reviewState) {
        case store::ReviewState::Pending: ++counts.pending; break;
        case store::ReviewState::Approved:
        case store::ReviewState::Edited: ++counts.approved; break;
        case store::ReviewState::Rejected: ++counts.rejected; break;
        }
    }
    return counts;
}

} // namespace rlrf::pipeline
