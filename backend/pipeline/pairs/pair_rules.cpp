// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/pairs/pair_rules.h"

#include "core/error.h"

#include <algorithm>
#include <map>
#include <set>

namespace rlrf::pipeline {
namespace {

// A tolerance for comparing score gaps: scores are means of small integers, so
// 0.25 computed two ways must still count as 0.25.
constexpr double kGapEpsilon = 1e-9;

PairProposal makePair(const RatedCandidate &chosen, const RatedCandidate &rejected, const std::string &rule)
{
    return {chosen.candidateId, rejected.candidateId, chosen.critiqueId, rejected.critiqueId, rule,
            chosen.overall - rejected.overall};
}

std::vector<PairProposal> bestWorst(const std::vector<RatedCandidate> &pool, double delta)
{
    if (pool.size() < 2)
        return {};
    std::size_t best = 0, worst = 0;
    for (std::size_t i = 1; i < pool.size(); ++i) {
        if (pool[i].overall > pool[best].overall)
            best = i;
        if (pool[i].overall < pool[worst].overall)
            worst = i;
    }
    if (best == worst || pool[best].overall - pool[worst].overall < delta - kGapEpsilon)
        return {};
    return {makePair(pool[best], pool[worst], "best_worst")};
}

std::vector<PairProposal> refinedVsOriginal(const std::vector<RatedCandidate> &pool, double delta)
{
    std::map<std::int64_t, const RatedCandidate *> byId;
    for (const auto &c : pool)
        byId[c.candidateId] = &c;
    // The best refinement of each original, in pool order of the originals.
    std::map<std::int64_t, const RatedCandidate *> bestRefinement;
    for (const auto &c : pool) {
        if (!c.parentCandidateId || !byId.count(*c.parentCandidateId))
            continue;
        auto &slot = bestRefinement[*c.parentCandidateId];
        if (!slot || c.overall > slot->overall)
            slot = &c;
    }
    std::vector<PairProposal> out;
    for (const auto &original : pool) {
        const auto it = bestRefinement.find(original.candidateId);
        if (it == bestRefinement.end())
            continue;
        if (it->second->overall - original.overall >= delta - kGapEpsilon && it->second->overall > original.overall)
            out.push_back(makePair(*it->second, original, "refined_vs_original"));
    }
    return out;
}

std::vector<PairProposal> sortedByGap(std::vector<PairProposal> pairs)
{
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) { return a.gap > b.gap; });
    return pairs;
}

std::vector<PairProposal> allAboveDelta(const std::vector<RatedCandidate> &pool, double delta)
{
    std::vector<PairProposal> out;
    for (const auto &a : pool)
        for (const auto &b : pool)
            if (a.overall - b.overall >= delta - kGapEpsilon && a.overall > b.overall)
                out.push_back(makePair(a, b, "all_above_delta"));
    return sortedByGap(std::move(out));
}

std::vector<PairProposal> pareto(const std::vector<RatedCandidate> &pool)
{
    std::vector<PairProposal> out;
    for (const auto &a : pool)
        for (const auto &b : pool)
            if (a.candidateId != b.candidateId && paretoDominates(a, b))
                out.push_back(makePair(a, b, "pareto"));
    return sortedByGap(std::move(out));
}

} // namespace

bool paretoDominates(const RatedCandidate &a, const RatedCandidate &b)
{
    bool strictlyBetter = false;
    bool compared = false;
    for (const auto &ra : a.aspects) {
        const auto rb = std::find_if(b.aspects.begin(), b.aspects.end(),
                                     [&](const auto &r) { return r.aspect == ra.aspect; });
        if (rb == b.aspects.end() || ra.rating == feedback::kNotApplicable || rb->rating == feedback::kNotApplicable)
            continue;
        compared = true;
        if (ra.rating < rb->rating)
            return false;
        if (ra.rating > rb->rating)
            strictlyBetter = true;
    }
    return compared && strictlyBetter;
}

namespace {

bool passesVerification(const std::vector<RatedCandidate> &pool, const PairProposal &p)
{
    std::optional<double> chosen, rejected;
    for (const auto &c : pool) {
        if (c.candidateId == p.chosenCandidateId) chosen = c.reward;
        if (c.candidateId == p.rejectedCandidateId) rejected = c.reward;
    }
    if (!chosen && !rejected)
        return true; // a judge without a verifier: nothing to check against
    return chosen && rejected && *chosen >= 1.0 && *rejected < 1.0;
}

} // namespace

std::vector<PairProposal> proposePairs(const std::vector<RatedCandidate> &pool, const PairRuleOptions &options)
{
    std::vector<PairProposal> out;
    std::set<std::pair<std::int64_t, std::int64_t>> seen;
    for (const auto &rule : options.rules) {
        std::vector<PairProposal> proposed;
        if (rule == "best_worst")
            proposed = bestWorst(pool, options.delta);
        else if (rule == "refined_vs_original")
            proposed = refinedVsOriginal(pool, options.delta);
        else if (rule == "all_above_delta")
            proposed = allAboveDelta(pool, options.delta);
        else if (rule == "pareto")
            proposed = pareto(pool);
        else
            throw Error("unknown pair rule '" + rule + "' (best_worst, refined_vs_original, all_above_delta, pareto)",
                        {"", 0, "pair_rules"});
        for (auto &p : proposed) {
            if (out.size() >= options.maxPairs)
                return out;
            if (options.verifiedChosen && !passesVerification(pool, p))
                continue;
            if (seen.insert({p.chosenCandidateId, p.rejectedCandidateId}).second)
                out.push_back(std::move(p));
        }
    }
    return out;
}

} // namespace rlrf::pipeline
