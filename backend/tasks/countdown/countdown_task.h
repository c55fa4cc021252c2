// SPDX-License-Identifier: GPL-3.0-or-later
// Countdown as a Task (Reflect-Retry-Reward's equation task): a few numbers and a
// target; the response must end with an equation that uses each number exactly
// once and equals the target (countdown_verifier.h checks it without running code).
//
// Problems are generated here: numbers drawn in 1..maxNumber, combined by a
// random sequence of + - * / with whole, positive intermediate values into a
// target in 1..maxTarget. A problem's split is fixed by a hash of its sorted
// numbers and target (80 % train, 10 % validation, 10 % test), so the same
// puzzle can never be in two splits. With a file of real problems (the
// {"input", "output"} JSONL of countdown_verifier.h) the test split is that
// file, and generated problems that appear in it are left out of every split.
#pragma once

#include "tasks/countdown/countdown_verifier.h"
#include "tasks/task.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace rlrf::tasks {

struct CountdownConfig {
    int minNumbers = 3;
    int maxNumbers = 3;
    std::int64_t maxNumber = 100;
    std::int64_t maxTarget = 100;
    std::string testFile; // real problems for the test split; empty = generated
};

class CountdownTask : public Task {
public:
    /// Throws rlrf::Error naming the field for a bad range, or the file and line
    /// of a bad test file.
    explicit CountdownTask(CountdownConfig config = {});

    std::string name() const override { return "countdown"; }

    /// Distinct problems of one split, the same for the same seed; ids are
    /// "countdown/SPLIT/SEED/INDEX" or "countdown/file/LINE" for real ones.
    std::vector<Problem> problems(Split split, std::size_t count, std::uint64_t seed) const override;

    /// Reads the numbers and target back from the prompt, then verifyCountdown.
    Verdict verify(const Problem &problem, const std::string &response) const override;
    /// "My equation did not reach the target ... One that does: (a + b) * c" from
    /// a small exhaustive search (countdown_solver.h); nothing when the puzzle has
    /// no solution or more numbers than the search takes.
    std::optional<std::string> oracleReflection(const Problem &problem,
                                                const std::string &failedAttempt) const override;

    /// The prompt text for a puzzle, and its inverse (throws rlrf::Error, field
    /// "prompt", for text in another form).
    static std::string promptFor(const CountdownProblem &problem);
    static CountdownProblem problemFromPrompt(const std::string &prompt);

    /// The split a puzzle belongs to when generated (by its sorted numbers and target).
    static Split splitOf(const CountdownProblem &problem);

private:
    std::vector<Problem> generated(Split split, std::size_t count, std::uint64_t seed) const;
    std::vector<Problem> fromFile(std::size_t count, std::uint64_t seed) const;

    CountdownConfig m_config;
    std::vector<CountdownProblem> m_fileProblems;
    std::set<std::string> m_fileKeys; // puzzleKey of every real problem
};

/// The reflection that hands the retry a working equation: the oracle's, and the
/// one the countdown-demo model is trained to write ("My equation did not reach
/// the target with each number used once. One that does: (a + b) * c").
std::string countdownReflection(const std::string &equation);

/// "n1,n2,...|target" with the numbers sorted: the identity of a puzzle.
std::string countdownPuzzleKey(const CountdownProblem &problem);

} // namespace rlrf::tasks
