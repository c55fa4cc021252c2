// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/memory_plan_text.h"

#include "train/memory_alternatives.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace rlrf::train {
namespace {

constexpr int kItemWidth = 40;

std::string padded(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.resize(width, ' ');
    return text;
}

std::string rightAligned(const std::string &text, std::size_t width)
{
    return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

std::string settingsLine(const MemoryPlan &plan)
{
    const auto &in = plan.input;
    std::ostringstream out;
    out << kindName(in.kind) << ", ";
    if (in.loraRank > 0)
        out << "LoRA r=" << in.loraRank << " on " << in.loraTargets.size() << " linear layers";
    else
        out << "full fine-tuning";
    out << ", " << dtypeName(in.dtype) << " weights, micro-batch " << in.microBatch;
    if (in.kind == PlanKind::Dpo)
        out << " pairs (" << 2 * in.microBatch << " sequences)";
    out << " x " << in.maxLength << " tokens, gradient accumulation " << in.gradAccum << ", "
        << (in.gradientCheckpointing ? "gradient checkpointing" : "no gradient checkpointing");
    return out.str();
}

std::string row(const std::string &item, std::uint64_t bytes, const std::string &note = {})
{
    return "  " + padded(item, kItemWidth) + rightAligned(std::to_string(bytes), 16)
        + rightAligned(formatGiB(bytes), 10) + " GiB" + (note.empty() ? "" : "  " + note) + "\n";
}

// The three largest items, "activations: layers 5.28 GiB, ...", for the refusal.
std::string largestItems(const MemoryPlan &plan)
{
    auto lines = plan.lines;
    std::stable_sort(lines.begin(), lines.end(),
                     [](const MemoryPlanLine &a, const MemoryPlanLine &b) { return a.bytes > b.bytes; });
    std::string text;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, lines.size()); ++i)
        text += (i ? ", " : "") + lines[i].item + " " + formatGiB(lines[i].bytes) + " GiB";
    return text;
}

// What a refusal says when no alternative fits: the least any tried change needs.
std::string leanestText(const MemoryPlan &plan)
{
    const auto leanest = estimateMemory(leanestSettings(plan.input));
    const auto flags = changedFlags(plan.input, leanest.input);
    if (flags.empty())
        return "no setting the planner tries is left to change; the run needs "
            + formatGiB(plan.totalBytes) + " GiB";
    return "no tried setting fits: even " + flags + " needs " + formatGiB(leanest.totalBytes) + " GiB";
}

} // namespace

std::string formatGiB(std::uint64_t bytes)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.2f", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

std::string formatMemoryPlan(const MemoryPlan &plan)
{
    std::ostringstream out;
    out << "memory plan: " << settingsLine(plan) << "\n"
        << "  parameters " << plan.parameters << ", trainable " << plan.trainableParameters << "\n\n"
        << "  " << padded("item", kItemWidth) << rightAligned("bytes", 16) << rightAligned("GiB", 14) << "\n";
    for (const auto &line : plan.lines)
        out << row(line.item, line.bytes, line.note);
    out << row("total", plan.totalBytes)
        << row("available (" + plan.availableSource + ")", plan.availableBytes);
    if (plan.fits) {
        out << "fits: yes\n";
        return out.str();
    }
    out << "fits: no\n";
    if (plan.alternatives.empty()) {
        out << leanestText(plan) << "\n";
        return out.str();
    }
    out << "settings that would fit:\n";
    for (const auto &a : plan.alternatives)
        out << "  " << padded(a.flags, 60) << " " << rightAligned(formatGiB(a.totalBytes), 8) << " GiB\n";
    return out.str();
}

Error memoryRefusal(const MemoryPlan &plan)
{
    std::string message = "not enough memory for this " + std::string(kindName(plan.input.kind)) + " run: it needs "
        + formatGiB(plan.totalBytes) + " GiB and " + formatGiB(plan.availableBytes) + " GiB is available ("
        + plan.availableSource + "); the largest items are " + largestItems(plan) + "; ";
    if (plan.alternatives.empty()) {
        message += leanestText(plan) + ".";
    } else {
        message += "settings that would fit: ";
        for (std::size_t i = 0; i < plan.alternatives.size(); ++i)
            message += (i ? "; " : "") + plan.alternatives[i].flags + " (" + formatGiB(plan.alternatives[i].totalBytes)
                + " GiB)";
        message += ".";
    }
    return Error(message);
}

} // namespace rlrf::train
