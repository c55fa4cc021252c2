// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the store's enumerations, one table each, shared by both directions.
#include "core/error.h"
#include "types/records.h"
#include "types/run_records.h"

#include <array>
#include <utility>

namespace rlrf::store {
namespace {

template <typename E, size_t N>
std::string nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[e, name] : table)
        if (e == value)
            return name;
    return "unknown";
}

template <typename E, size_t N>
E parseName(const std::array<std::pair<E, const char *>, N> &table, const std::string &text,
            const char *what)
{
    std::string allowed;
    for (const auto &[e, name] : table) {
        if (text == name)
            return e;
        allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    throw Error("unknown " + std::string(what) + " '" + text + "' (expected one of: " + allowed + ")",
                {{}, 0, what});
}

constexpr std::array<std::pair<Split, const char *>, 3> kSplits{{
    {Split::Train, "train"}, {Split::Validation, "validation"}, {Split::Test, "test"}}};
constexpr std::array<std::pair<ReviewState, const char *>, 4> kStates{{
    {ReviewState::Pending, "pending"}, {ReviewState::Approved, "approved"},
    {ReviewState::Rejected, "rejected"}, {ReviewState::Edited, "edited"}}};
constexpr std::array<std::pair<RunKind, const char *>, 6> kKinds{{
    {RunKind::Sft, "sft"}, {RunKind::Dpo, "dpo"}, {RunKind::Grpo, "grpo"},
    {RunKind::Rlrf, "rlrf"}, {RunKind::Rrr, "rrr"}, {RunKind::Eval, "eval"}}};
constexpr std::array<std::pair<RunStatus, const char *>, 4> kStatuses{{
    {RunStatus::Running, "running"}, {RunStatus::Succeeded, "succeeded"},
    {RunStatus::Cancelled, "cancelled"}, {RunStatus::Failed, "failed"}}};

} // namespace

std::string toString(Split split) { return nameOf(kSplits, split); }
std::string toString(ReviewState state) { return nameOf(kStates, state); }
std::string toString(RunKind kind) { return nameOf(kKinds, kind); }
std::string toString(RunStatus status) { return nameOf(kStatuses, status); }
Split parseSplit(const std::string &text) { return parseName(kSplits, text, "split"); }
ReviewState parseReviewState(const std::string &text) { return parseName(kStates, text, "review state"); }
RunKind parseRunKind(const std::string &text) { return parseName(kKinds, text, "run kind"); }
RunStatus parseRunStatus(const std::string &text) { return parseName(kStatuses, text, "run status"); }

} // namespace rlrf::store
