// Verifier judges: a task's binary checker as a judge. A verifier knows whether the
// final answer is right and nothing about the eight aspects, so every aspect is
// marked not applicable, and reward = overall = 1 or 0.
#pragma once

#include "feedback/judge.h"

#include <memory>

namespace rlrf::feedback {

// The reference each verifier reads from JudgeRequest::reference:
//   arith      none (the problem is read back from the prompt)
//   gsm8k      the final number ("72", or a GSM8K answer text ending in "#### 72")
//   countdown  {"numbers": [..], "target": N} as JSON
//   bfcl       the possible-answer ground truth as JSON (as the BFCL import stores it)
class VerifierJudge : public Judge {
public:
    enum class Kind { Arith, Gsm8k, Countdown, Bfcl };

    explicit VerifierJudge(Kind kind);
    // "arith", "gsm8k", "countdown", "bfcl"; throws rlrf::Error for other names.
    static Kind kindFromName(const std::string &name);

    std::string id() const override; // "verifier:gsm8k", ...
    // Throws rlrf::Error when the reference the verifier needs is missing or malformed.
    Critique judge(const JudgeRequest &request, const Rubric &rubric) override;

private:
    Kind m_kind;
};

} // namespace rlrf::feedback
