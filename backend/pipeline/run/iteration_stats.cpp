// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/iteration_stats.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"

namespace rlrf::pipeline {
namespace {

constexpr double kPerfect = 1.0 - 1e-9;

double fraction(std::int64_t part, std::int64_t whole)
{
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

} // namespace

std::map<std::string, double> iterationStats(const StageEnv &env)
{
    store::StageRepository progress(env.project.db());
    store::CritiqueRepository critiques(env.project.db());
    store::CandidateRepository candidates(env.project.db());
    std::map<std::string, double> stats;

    std::map<std::int64_t, double> overallOf; // candidate -> overall
    std::int64_t samples = 0, perfect = 0;
    double sum = 0.0;
    for (const auto id : progress.items(env.key(stages::kCritique))) {
        const auto c = critiques.byId(id);
        overallOf[c.candidateId] = c.critique.overall;
        ++samples;
        sum += c.critique.overall;
        perfect += c.critique.overall >= kPerfect;
    }
    stats["sample/perfect_fraction"] = fraction(perfect, samples);
    stats["sample/mean_overall"] = samples > 0 ? sum / static_cast<double>(samples) : 0.0;

    std::int64_t refinements = 0, improved = 0, refinedPerfect = 0;
    for (const auto id : progress.items(env.key(stages::kCritiqueRefined))) {
        const auto c = critiques.byId(id);
        const auto parent = candidates.byId(c.candidateId).parentCandidateId;
        ++refinements;
        refinedPerfect += c.critique.overall >= kPerfect;
        if (parent && overallOf.count(*parent) && c.critique.overall > overallOf[*parent])
            ++improved;
    }
    if (refinements > 0) {
        stats["refine/improved_fraction"] = fraction(improved, refinements);
        stats["refine/perfect_fraction"] = fraction(refinedPerfect, refinements);
    }

    store::PairRepository pairs(env.project.db());
    const auto pairIds = progress.items(env.key(stages::kPairs));
    double gaps = 0.0;
    for (const auto id : pairIds) {
        const auto p = pairs.byId(id);
        gaps += p.gap;
        stats["pairs/rule/" + p.rule] += 1.0;
    }
    stats["pairs/count"] = static_cast<double>(pairIds.size());
    stats["pairs/mean_gap"] = pairIds.empty() ? 0.0 : gaps / static_cast<double>(pairIds.size());
    return stats;
}

} // namespace rlrf::pipeline
