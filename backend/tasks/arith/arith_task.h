// SPDX-License-Identifier: GPL-3.0-or-later
// The embedded demo task "arith" (METHOD.md §3): seeded word problems of a few
// arithmetic steps over small whole numbers, told as short stories, with the
// canonical answer "a op b = c" per line and "Answer: N".
//
// Splits: a problem's split is fixed by a hash of its canonical answer (80 %
// train, 10 % validation, 10 % test). The story text determines the canonical
// answer, so the same text can never be in two splits, and neither can the same
// chain of numbers told with other names or objects, whatever seed or step
// count produced it.
#pragma once

#include "tasks/arith/arith_problem.h"
#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::tasks {

/// Generator settings; the step range is the difficulty knob.
struct ArithConfig {
    int minSteps = 2;
    int maxSteps = 4;
    long maxValue = 100; // no number in the story or any result exceeds this
};

class ArithTask : public Task {
public:
    /// Throws rlrf::Error if the step range is empty or outside 1..8.
    explicit ArithTask(ArithConfig config = {});

    std::string name() const override { return "arith"; }

    /// Distinct problems of one split; the same (split, count, seed, config)
    /// always gives the same list, and a longer list starts with a shorter one.
    std::vector<Problem> problems(Split split, std::size_t count, std::uint64_t seed) const override;
    std::vector<ArithProblem> generate(Split split, std::size_t count, std::uint64_t seed) const;

    /// Correct when the one "Answer: N" line (see answer_line.h) equals the truth.
    Verdict verify(const Problem &problem, const std::string &response) const override;
    /// The worked reflection (arith_reflection.h): the first mistake named, then
    /// the whole chain worked again; nothing for a prompt it cannot read.
    std::optional<std::string> oracleReflection(const Problem &problem,
                                                const std::string &failedAttempt) const override;

    /// The split a problem belongs to (by its canonical answer).
    static Split splitOf(const ArithProblem &problem);

    /// The problem told by an arith prompt (a generated one or one typed in the
    /// same templates); throws rlrf::Error naming the sentence it cannot read or
    /// the step whose numbers do not work out (inexact division, negative result).
    static ArithProblem problemFromPrompt(const std::string &prompt);

    /// What an id made by problems() says: "arith/SPLIT/SEED/MIN-MAX/MAXVALUE/INDEX".
    struct IdParts {
        Split split = Split::Train;
        std::uint64_t seed = 0;
        ArithConfig config;
        std::size_t index = 0;
        std::string list; // the id without its index: names the generated list
    };
    /// Throws rlrf::Error (field "prompt_id") for an id in another form.
    static IdParts parseId(const std::string &id);

    /// Regenerates the problem behind an id made by problems() (generating the
    /// list up to it: use ArithIdCache for many ids); throws like parseId.
    static ArithProblem problemFromId(const std::string &id);

private:
    ArithConfig m_config;
};

/// Problems by id for many ids: keeps each generated list and extends it as
/// needed, so resolving n ids of one list costs one generation of that list.
class ArithIdCache {
public:
    const ArithProblem &problem(const std::string &id);

private:
    std::vector<std::pair<std::string, std::vector<ArithProblem>>> m_lists;
};

} // namespace rlrf::tasks
