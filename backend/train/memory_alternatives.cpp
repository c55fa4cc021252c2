// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/memory_alternatives.h"

#include <algorithm>

namespace rlrf::train {
namespace {

constexpr std::int64_t kSuggestedLoraRank = 16;
// Below this a halved length rarely holds a whole prompt and answer.
constexpr std::int64_t kShortestLength = 128;

enum Change { Lora, Checkpointing, BFloat16, MicroBatch, Length, kChanges };

// Smaller micro-batches that divide the current one, largest first, so the
// accumulation grows by a whole factor and the effective batch is unchanged.
std::vector<std::int64_t> smallerBatches(std::int64_t batch)
{
    std::vector<std::int64_t> out;
    for (std::int64_t b = batch - 1; b >= 1; --b)
        if (batch % b == 0)
            out.push_back(b);
    return out;
}

std::vector<std::int64_t> shorterLengths(std::int64_t length)
{
    std::vector<std::int64_t> out;
    for (auto l = length / 2; l >= kShortestLength; l /= 2)
        out.push_back(l);
    return out;
}

bool applies(Change change, const MemoryPlanInput &in)
{
    switch (change) {
    case Lora: return in.loraRank == 0;
    case Checkpointing: return !in.gradientCheckpointing;
    case BFloat16: return in.dtype != PlanDtype::BFloat16;
    case MicroBatch: return in.microBatch > 1;
    case Length: return !shorterLengths(in.maxLength).empty();
    default: return false;
    }
}

void applySwitches(MemoryPlanInput &in, unsigned mask)
{
    if (mask & (1u << Lora)) {
        in.loraRank = kSuggestedLoraRank;
        in.loraTargets = loraTargetNames();
    }
    if (mask & (1u << Checkpointing))
        in.gradientCheckpointing = true;
    if (mask & (1u << BFloat16))
        in.dtype = PlanDtype::BFloat16;
}

bool fitsIn(const MemoryPlanInput &in, std::uint64_t available, std::uint64_t &total)
{
    total = estimateMemory(in).totalBytes;
    return total <= available;
}

// The set of changes in `mask` with the largest micro-batch, then the longest
// length, that fits; false when none does.
bool tryChanges(const MemoryPlanInput &base, unsigned mask, std::uint64_t available, MemoryAlternative &out)
{
    MemoryPlanInput in = base;
    applySwitches(in, mask);
    const auto batches = (mask & (1u << MicroBatch)) ? smallerBatches(base.microBatch)
                                                     : std::vector<std::int64_t>{base.microBatch};
    const auto lengths = (mask & (1u << Length)) ? shorterLengths(base.maxLength)
                                                 : std::vector<std::int64_t>{base.maxLength};
    for (const auto batch : batches) {
        for (const auto length : lengths) {
            in.microBatch = batch;
            in.gradAccum = base.gradAccum * (base.microBatch / batch);
            in.maxLength = length;
            std::uint64_t total = 0;
            if (fitsIn(in, available, total)) {
                out = {changedFlags(base, in), in, total};
                return true;
            }
        }
    }
    return false;
}

// Every non-empty set of applicable changes, in the order they are offered: a
// later change in the Change list only once every set of the earlier ones has
// been tried (sets by their last change), then fewer changes first, then by
// position. So LoRA with checkpointing comes before a shorter length alone.
std::vector<unsigned> candidateSets(const MemoryPlanInput &in)
{
    unsigned allowed = 0;
    for (int c = 0; c < kChanges; ++c)
        if (applies(static_cast<Change>(c), in))
            allowed |= 1u << c;
    std::vector<unsigned> sets;
    for (unsigned m = 1; m < (1u << kChanges); ++m)
        if ((m & ~allowed) == 0)
            sets.push_back(m);
    const auto positions = [](unsigned m) {
        std::vector<int> p;
        for (int c = 0; c < kChanges; ++c)
            if (m & (1u << c))
                p.push_back(c);
        return p;
    };
    std::sort(sets.begin(), sets.end(), [&](unsigned a, unsigned b) {
        const auto pa = positions(a), pb = positions(b);
        if (pa.back() != pb.back())
            return pa.back() < pb.back();
        return pa.size() != pb.size() ? pa.size() < pb.size() : pa < pb;
    });
    return sets;
}

} // namespace

std::string changedFlags(const MemoryPlanInput &from, const MemoryPlanInput &to)
{
    std::vector<std::string> flags;
    if (to.loraRank != from.loraRank)
        flags.push_back("--lora-r " + std::to_string(to.loraRank));
    if (to.gradientCheckpointing && !from.gradientCheckpointing)
        flags.emplace_back("--gradient-checkpointing");
    if (to.dtype != from.dtype)
        flags.push_back(std::string("--dtype ") + dtypeName(to.dtype));
    if (to.microBatch != from.microBatch)
        flags.push_back("--batch-size " + std::to_string(to.microBatch) + " --grad-accum " + std::to_string(to.gradAccum));
    if (to.maxLength != from.maxLength)
        flags.push_back("--max-length " + std::to_string(to.maxLength));
    std::string text;
    for (const auto &f : flags)
        text += (text.empty() ? "" : " ") + f;
    return text;
}

MemoryPlanInput leanestSettings(const MemoryPlanInput &input)
{
    MemoryPlanInput in = input;
    unsigned all = 0;
    for (int c = 0; c < kChanges; ++c)
        if (applies(static_cast<Change>(c), input))
            all |= 1u << c;
    applySwitches(in, all);
    if (all & (1u << MicroBatch)) {
        in.microBatch = 1;
        in.gradAccum = input.gradAccum * input.microBatch;
    }
    if (all & (1u << Length))
        in.maxLength = shorterLengths(input.maxLength).back();
    return in;
}

std::vector<MemoryAlternative> memoryAlternatives(const MemoryPlanInput &input, std::uint64_t availableBytes,
                                                  std::size_t limit)
{
    std::vector<MemoryAlternative> found;
    std::vector<unsigned> kept;
    for (const auto mask : candidateSets(input)) {
        if (found.size() >= limit)
            break;
        const bool containsKept =
            std::any_of(kept.begin(), kept.end(), [mask](unsigned k) { return (mask & k) == k; });
        MemoryAlternative alternative;
        if (containsKept || !tryChanges(input, mask, availableBytes, alternative))
            continue;
        kept.push_back(mask);
        found.push_back(std::move(alternative));
    }
    return found;
}

} // namespace rlrf::train
