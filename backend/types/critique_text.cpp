// SPDX-License-Identifier: GPL-3.0-or-later
// Text renderings of critiques; see critique_text.h.
#include "types/critique_text.h"

#include <algorithm>
#include <cstdio>

namespace rlrf::feedback {
namespace {

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace

std::string refinementFeedback(const Critique &critique)
{
    std::vector<const AspectRating *> below;
    for (const auto &a : critique.aspects)
        if (a.rating != kNotApplicable && a.rating < 3)
            below.push_back(&a);
    std::stable_sort(below.begin(), below.end(), [](auto a, auto b) { return a->rating < b->rating; });
    std::string text;
    for (const auto *a : below)
        text += "- " + a->aspect + " (" + std::to_string(a->rating) + "/3): " + a->rationale + "\n";
    return text;
}

std::string renderCritique(const Critique &critique)
{
    std::string text;
    for (const auto &a : critique.aspects) {
        const std::string rating = a.rating == kNotApplicable ? "n/a" : std::to_string(a.rating) + "/3";
        text += a.aspect + ": " + rating + " - " + a.rationale + "\n";
    }
    text += "Overall: " + fixed(critique.overall, 3) + "\n";
    if (critique.reward)
        text += "Reward: " + fixed(*critique.reward, 0) + "\n";
    text += "Judge: " + critique.judge + "\n";
    return text;
}

} // namespace rlrf::feedback
