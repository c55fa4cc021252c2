// SPDX-License-Identifier: GPL-3.0-or-later
// BFCL "simple" function calling as a Task: the prompt is the request followed by
// the function definitions, the answer the possible-answer ground truth, and a
// response is right when its call matches exactly (bfcl_verifier.h).
//
// BFCL has no splits, so a question's split is fixed by a hash of its id (80 %
// train, 10 % validation, 10 % test); a seed picks which questions of a split
// come first.
#pragma once

#include "tasks/task.h"

#include <string>
#include <vector>

namespace rlrf::tasks {

/// One question as the BFCL files hold it, already joined with its possible
/// answer. Reading the files is import's job (store/import, readBfcl).
struct BfclQuestion {
    std::string id;
    std::string request;        // the user message of the first turn
    std::string functionsJson;  // the function definitions, as JSON
    std::string groundTruthJson; // the possible answers, as JSON
};

class BfclTask : public Task {
public:
    /// `sourceName` (the questions file) names the data in error messages.
    BfclTask(std::vector<BfclQuestion> questions, std::string sourceName);

    std::string name() const override { return "bfcl"; }

    /// Throws rlrf::Error when the split has fewer than `count` questions.
    std::vector<Problem> problems(Split split, std::size_t count, std::uint64_t seed) const override;

    /// verifyBfcl against the ground truth in problem.answer.
    Verdict verify(const Problem &problem, const std::string &response) const override;

    static Split splitOf(const std::string &id);
    std::size_t size(Split split) const;

private:
    std::string m_path;
    std::vector<Problem> m_byId[3]; // per split, in file order
};

/// The prompt the policy sees: the request, then the functions as JSON and how
/// to answer.
std::string bfclPrompt(const std::string &request, const std::string &functionsJson);

} // namespace rlrf::tasks
