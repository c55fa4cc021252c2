// SPDX-License-Identifier: GPL-3.0-or-later
// The Task interface: a named prompt set with reference answers and a binary
// verifier. Torch-free, so the CLI, the GUI and the pipeline can all use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::tasks {

/// The three disjoint parts of a task's problems.
enum class Split { Train, Validation, Test };

/// "train", "validation", "test".
const char *toString(Split split);
/// Inverse of toString; throws rlrf::Error naming the text for anything else.
Split parseSplit(const std::string &text);

/// One problem of a task.
struct Problem {
    std::string id;        // stable identifier; enough for the task to find the problem again
    std::string prompt;    // the text the policy sees
    std::string answer;    // the reference final answer ("17")
    std::string canonical; // a complete reference response in the task's format
};

/// What a verifier says about one response.
struct Verdict {
    bool correct = false;
    std::string reason; // short, for people: "answer 17 matches", "no Answer line"
};

/// A task with generated or imported problems and a verifier.
class Task {
public:
    virtual ~Task() = default;

    virtual std::string name() const = 0;

    /// `count` problems of `split`, the same for the same seed; different seeds
    /// give different problems. Throws rlrf::Error when the task cannot supply them.
    virtual std::vector<Problem> problems(Split split, std::size_t count, std::uint64_t seed) const = 0;

    /// Whether `response` solves `problem`; never throws on any response text.
    virtual Verdict verify(const Problem &problem, const std::string &response) const = 0;

    /// A perfect reflection on `failedAttempt`: what a reflection that knows the
    /// solution would say before the retry (Reflect-Retry-Reward's headroom: how
    /// much better the retry could do with it than with the model's own). Nothing
    /// when the task cannot write one cheaply and deterministically. Never throws.
    virtual std::optional<std::string> oracleReflection(const Problem &problem,
                                                        const std::string &failedAttempt) const
    {
        (void)problem;
        (void)failedAttempt;
        return std::nullopt;
    }
};

} // namespace rlrf::tasks
