// SPDX-License-Identifier: GPL-3.0-or-later
// One prompt walked through the RLRF loop a step at a time, for teaching: sample
// answers, critique them, refine the weakest from its critique, build the pair,
// then take one real DPO step and score the pair's log-probs before and after.
// Each step is a separate call so a view can show it and wait for "next".
// Torch-free facade; call the steps from one thread (the backend thread).
#pragma once

#include "core/run_context.h"
#include "types/critique.h"
#include "types/rubric.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::teaching {

struct WalkthroughOptions {
    std::string modelFolder;           // a Hugging Face folder with a tokenizer
    std::string judgeSpec = "rule:arith";
    int samples = 2;                   // answers sampled in step 1 (at least 2)
    std::int64_t maxNewTokens = 48;
    double temperature = 1.0;
    std::uint64_t seed = 1;
    double beta = 0.1;                 // the DPO step's settings
    double learningRate = 1e-4;        // large on purpose: one step must show
    std::string outputFolder;          // the DPO step's checkpoint goes here
};

struct JudgedAnswer {
    std::string text;
    std::optional<feedback::Critique> critique; // after step 2
    bool refinement = false;
};

/// Sum of the completion's token log-probs under the policy, before and after.
struct PairLogProbs {
    double chosenBefore = 0.0, rejectedBefore = 0.0;
    double chosenAfter = 0.0, rejectedAfter = 0.0;
    double loss = 0.0;                 // the DPO step's loss (ln 2 at the start)
};

enum class Stage { Start, Sampled, Critiqued, Refined, Paired, Trained };
const char *toString(Stage stage);

class Walkthrough {
public:
    Walkthrough(WalkthroughOptions options, std::string prompt, feedback::Rubric rubric);
    ~Walkthrough();

    const std::string &prompt() const { return m_prompt; }
    Stage stage() const { return m_stage; }
    const std::vector<JudgedAnswer> &answers() const { return m_answers; }
    std::optional<std::size_t> chosen() const { return m_chosen; }     // index into answers()
    std::optional<std::size_t> rejected() const { return m_rejected; }
    const std::optional<PairLogProbs> &logProbs() const { return m_logProbs; }
    std::string refinementFeedback() const; // what the refinement prompt showed

    /// Runs the next step; throws rlrf::Error when at the end or on a backend error.
    /// A stop request (context's cancel token) ends a generating step early with
    /// an rlrf::Error and leaves the walkthrough where it was.
    void next(const RunContext &context);

private:
    void sample(const RunContext &context);
    void critique();
    void refine(const RunContext &context);
    void pair();
    void train(const RunContext &context);

    struct Models;
    WalkthroughOptions m_options;
    std::string m_prompt;
    feedback::Rubric m_rubric;
    std::unique_ptr<Models> m_models;
    Stage m_stage = Stage::Start;
    std::vector<JudgedAnswer> m_answers;
    std::size_t m_refinedFrom = 0;
    std::optional<std::size_t> m_chosen, m_rejected;
    std::optional<PairLogProbs> m_logProbs;
};

} // namespace rlrf::teaching
